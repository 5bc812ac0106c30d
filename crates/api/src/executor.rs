//! Running requests: [`Api`] picks the schema a request needs, gives every error the
//! reference's `extensions` and logs one line per operation.
//!
//! async-graphql resolves every field through the extension chain as soon as a schema has one
//! extension, whatever hooks it implements: a boxed future per extension, a registry lookup and
//! a `ResolveInfo` per field. On a list of 20 spaces with their profiles and subspaces that is
//! thousands of fields, and it was a fifth of the CPU of such a request. So the request-wide
//! work (error extensions, the operation log) is done here, around the schema, and the two
//! extensions that must see a mutation's fields (the audit log, the mutation watch) are in a
//! second schema that only requests which may carry a mutation reach.

use std::sync::Arc;
use std::time::Instant;

use alkemio_kernel::ErrorStatus;
use async_graphql::futures_util::StreamExt as _;
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::{BatchRequest, BatchResponse, Data, Executor, Request, Response, Value};
use tracing::Instrument as _;

use crate::AlkemioSchema;
use crate::extensions::fill_error_extensions;

/// The executable API over two schemas with the same types, resolvers and data.
#[derive(Clone)]
pub struct Api {
    /// Without extensions: requests that cannot hold a mutation.
    lean: AlkemioSchema,
    /// With the audit and mutation-watch extensions.
    full: AlkemioSchema,
}

impl Api {
    pub(crate) fn new(lean: AlkemioSchema, full: AlkemioSchema) -> Self {
        Self { lean, full }
    }

    /// The schema for a request's text. A mutation operation needs the keyword `mutation`, so a
    /// text without it cannot hold one; a text that has it (maybe only in a string or a
    /// comment) gets the full schema, which is slower but always right.
    pub fn schema_for(&self, query: &str) -> &AlkemioSchema {
        if query.contains("mutation") {
            &self.full
        } else {
            &self.lean
        }
    }

    /// Runs one request.
    pub async fn execute(&self, request: Request) -> Response {
        let schema = self.schema_for(&request.query).clone();
        let started = Instant::now();
        let span = tracing::info_span!(
            "graphql",
            graphql.operation = request.operation_name.as_deref().unwrap_or("anonymous")
        );
        let mut response = schema.execute(request).instrument(span.clone()).await;
        fill_errors(&mut response);
        span.in_scope(|| {
            // Errors without a path, and no data: the request never ran (it did not parse,
            // failed validation, or named no operation it holds).
            let rejected = response.data == Value::Null
                && !response.errors.is_empty()
                && response.errors.iter().all(|e| e.path.is_empty());
            if rejected {
                tracing::info!(
                    graphql.errors = response.errors.len(),
                    "graphql request rejected"
                );
            } else {
                tracing::info!(
                    duration_ms = started.elapsed().as_secs_f64() * 1000.0,
                    graphql.errors = response.errors.len(),
                    "graphql operation"
                );
            }
        });
        response
    }

    /// Runs a batch, its requests one after the other (as async-graphql does).
    pub async fn execute_batch(&self, batch: BatchRequest) -> BatchResponse {
        match batch {
            BatchRequest::Single(request) => BatchResponse::Single(self.execute(request).await),
            BatchRequest::Batch(requests) => {
                let mut responses = Vec::with_capacity(requests.len());
                for request in requests {
                    responses.push(self.execute(request).await);
                }
                BatchResponse::Batch(responses)
            }
        }
    }
}

/// Errors our resolvers raise carry the reference's extensions already (they come from
/// `AppError`). What remains are errors async-graphql raises itself: a query that does not
/// parse, one that fails validation (unknown field, wrong argument, too deep, too complex) and
/// arguments that fail to coerce. All of those are the client's mistake: `BAD_USER_INPUT`.
fn fill_errors(response: &mut Response) {
    for error in &mut response.errors {
        fill_error_extensions(error, ErrorStatus::BadUserInput);
    }
}

impl Executor for Api {
    async fn execute(&self, request: Request) -> Response {
        Api::execute(self, request).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let schema = self.schema_for(&request.query).clone();
        Executor::execute_stream(&schema, request, session_data)
            .map(|mut response| {
                fill_errors(&mut response);
                response
            })
            .boxed()
    }
}
