//! What resolvers read from the request context: services and the caller.

use std::borrow::Cow;

use alkemio_authorization::ActorContext;
use alkemio_kernel::{AppError, AppResult};
use async_graphql::Context;

/// A service the schema was built with. Missing data is a programming error: internal.
pub fn data<'a, T: Send + Sync + 'static>(ctx: &Context<'a>) -> AppResult<&'a T> {
    ctx.data::<T>()
        .map_err(|e| AppError::internal_msg(format_args!("schema data missing: {}", e.message)))
}

/// The caller of the current request; anonymous when the transport attached none.
pub fn actor<'a>(ctx: &Context<'a>) -> Cow<'a, ActorContext> {
    match ctx.data_opt::<ActorContext>() {
        Some(actor) => Cow::Borrowed(actor),
        None => Cow::Owned(ActorContext::anonymous()),
    }
}
