//! The extension that watches for mutations (the response cache moves its epoch on after one),
//! and the filling of reference error extensions the [`crate::Api`] applies to every error.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use alkemio_kernel::ErrorStatus;
use alkemio_kernel::error::extensions_for;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, Variables};
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

/// Set by [`MutationWatch`] when a request's document holds a mutation; the HTTP layer reads it
/// after execution to invalidate cached answers.
#[derive(Debug, Clone, Default)]
pub struct MutationFlag(Arc<std::sync::atomic::AtomicBool>);

impl MutationFlag {
    /// Whether the request carried a mutation.
    pub fn mutated(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// What runs once a request carrying a mutation has executed (its changes committed), over any
/// transport (HTTP, WebSocket): the response cache moves its epoch on.
#[async_trait::async_trait]
pub trait OnMutation: Send + Sync {
    /// A mutation has executed.
    async fn mutated(&self);
}

/// Marks the request's [`MutationFlag`] (when one is attached) as soon as its document is
/// parsed and found to hold a mutation, and calls the [`OnMutation`] hook after it executed.
#[derive(Clone, Default)]
pub struct MutationWatch {
    on_mutation: Option<Arc<dyn OnMutation>>,
}

impl MutationWatch {
    /// A watch calling `on_mutation` after each executed mutation.
    pub fn new(on_mutation: Option<Arc<dyn OnMutation>>) -> Self {
        Self { on_mutation }
    }
}

impl ExtensionFactory for MutationWatch {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(MutationWatchExtension {
            on_mutation: self.on_mutation.clone(),
            mutated: std::sync::atomic::AtomicBool::new(false),
        })
    }
}

struct MutationWatchExtension {
    on_mutation: Option<Arc<dyn OnMutation>>,
    mutated: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl Extension for MutationWatchExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if document
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation)
        {
            self.mutated.store(true, Ordering::Release);
            if let Some(flag) = ctx.data_opt::<MutationFlag>() {
                flag.0.store(true, Ordering::Release);
            }
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        if self.mutated.load(Ordering::Acquire)
            && let Some(hook) = &self.on_mutation
        {
            hook.mutated().await;
        }
        response
    }
}
