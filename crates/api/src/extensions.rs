//! Schema extensions: reference error extensions on every error, and one log line per
//! operation.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

use alkemio_kernel::ErrorStatus;
use alkemio_kernel::error::extensions_for;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};
use tracing::Instrument as _;
use uuid::Uuid;

/// Gives every error that lacks them the reference's `extensions` (`code`, `numericCode`,
/// `userMessage`, `errorId`).
///
/// Errors from our resolvers already carry them (they come from `AppError`). What remains are
/// errors async-graphql raises itself: a query that does not parse, one that fails validation
/// (unknown field, wrong argument, too deep, too complex) and arguments that fail to coerce.
/// All of those are the client's mistake: `BAD_USER_INPUT`.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

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

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in &mut response.errors {
            fill_error_extensions(error, ErrorStatus::BadUserInput);
        }
        response
    }
}

/// Logs one line per GraphQL operation: its name, how long it took and how many errors it
/// returned. Never the query text or variables, which may hold personal data.
#[derive(Debug, Clone, Copy)]
pub struct OperationLog;

impl ExtensionFactory for OperationLog {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationLogExtension {
            phase: AtomicU8::new(PHASE_PARSE),
        })
    }
}

const PHASE_PARSE: u8 = 0;
const PHASE_VALIDATE: u8 = 1;
const PHASE_EXECUTE: u8 = 2;

struct OperationLogExtension {
    phase: AtomicU8,
}

#[async_trait::async_trait]
impl Extension for OperationLogExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await;
        if doc.is_ok() {
            self.phase.store(PHASE_VALIDATE, Ordering::Relaxed);
        }
        doc
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await;
        if result.is_ok() {
            self.phase.store(PHASE_EXECUTE, Ordering::Relaxed);
        }
        result
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let started = Instant::now();
        // Everything logged while the operation runs carries its name.
        let span = tracing::info_span!(
            "graphql",
            graphql.operation = operation_name.unwrap_or("anonymous")
        );
        let response = next.run(ctx, operation_name).instrument(span.clone()).await;
        span.in_scope(|| {
            tracing::info!(
                duration_ms = started.elapsed().as_secs_f64() * 1000.0,
                graphql.errors = response.errors.len(),
                "graphql operation"
            );
        });
        response
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        let phase = self.phase.load(Ordering::Relaxed);
        if phase != PHASE_EXECUTE {
            tracing::info!(
                graphql.rejected = if phase == PHASE_PARSE {
                    "parse"
                } else {
                    "validation"
                },
                graphql.errors = response.errors.len(),
                "graphql request rejected"
            );
        }
        response
    }
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
