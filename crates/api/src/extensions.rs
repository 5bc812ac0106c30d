//! What [`crate::Api`] does around the schema: the reference's error extensions on every error,
//! and telling the HTTP layer and the response cache about mutations.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use alkemio_kernel::ErrorStatus;
use alkemio_kernel::error::extensions_for;
use async_graphql::ServerError;
use uuid::Uuid;

/// Adds the reference's extensions to one error unless it has a `code` already.
pub fn fill_error_extensions(error: &mut ServerError, status: ErrorStatus) {
    if error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some())
    {
        return;
    }
    let error_id = Uuid::new_v4();
    match error.extensions.as_mut() {
        Some(existing) => {
            existing.set("code", status.code());
            existing.set("numericCode", status.numeric_code());
            existing.set("userMessage", status.user_message());
            existing.set("errorId", error_id.to_string());
        }
        None => error.extensions = Some(extensions_for(status, error_id)),
    }
    tracing::debug!(error.id = %error_id, error.code = status.code(), error.message = %error.message, "request error");
}

/// Marked by [`crate::Api`] when the operation a request runs is a mutation; the HTTP layer
/// reads it after execution, so the answer is not cached.
#[derive(Debug, Clone, Default)]
pub struct MutationFlag(Arc<std::sync::atomic::AtomicBool>);

impl MutationFlag {
    /// Whether the request carried a mutation.
    pub fn mutated(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    pub(crate) fn mark(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// What runs once a request carrying a mutation has executed (its changes committed), over any
/// transport (HTTP, WebSocket): the response cache moves its epoch on.
#[async_trait::async_trait]
pub trait OnMutation: Send + Sync {
    /// A mutation has executed.
    async fn mutated(&self);
}
