//! Authentication: who is calling.
//!
//! A request carries at most one bearer token. [`Authenticator::authenticate`] verifies it with
//! the strategy its algorithm selects and turns it into the [`ActorContext`] of the request:
//!
//! - HS256 tokens are the server's own non-interactive login tokens ([`tokens`]), signed with
//!   `NON_INTERACTIVE_LOGIN_SIGNING_KEY` or, on the embedded default, a key generated into the
//!   data directory;
//! - other algorithms are Hydra access tokens, verified against Hydra's JWKS ([`jwks`]);
//! - no token: a guest (with `x-guest-name`) or anonymous.
//!
//! A token that is present but fails verification is refused with 401 and an `error_code`
//! naming the reason, never silently downgraded to anonymous. [`kratos`] talks to Kratos for
//! the password login flow and identity look-ups, and [`resolve`] maps a Kratos identity to a
//! user, registering one when needed.

pub mod authenticator;
pub mod jwks;
pub mod kratos;
pub mod resolve;
pub mod tokens;

pub use authenticator::{AuthFailure, Authenticator};
