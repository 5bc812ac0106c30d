//! Shared kernel of the Alkemio server: the one error type ([`error::AppError`]), typed ids,
//! the reference's GraphQL scalars and cursor pagination.
//!
//! Every other crate may depend on this one; it depends on no feature crate and holds no
//! feature logic.

pub mod error;
pub mod ids;
pub mod pagination;
pub mod scalars;
pub mod stored_enum;

pub use error::{AppError, AppResult, ErrorStatus};
