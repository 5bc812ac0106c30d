//! Running requests: [`Api`] runs each request on the schema, gives every error the
//! reference's `extensions`, logs one line per operation, and around a mutation records the
//! audit log and tells the HTTP layer and the response cache.
//!
//! None of this is a schema extension on purpose. async-graphql resolves every field through
//! the extension chain as soon as a schema has one extension, whatever hooks it implements: a
//! boxed future per extension, a registry lookup and a `ResolveInfo` per field. On a list of 20
//! spaces with their profiles and subspaces that is thousands of fields, and it was a fifth of
//! the CPU of such a request. Everything here works on the request and its answer instead.

use std::any::{Any, TypeId};
use std::sync::Arc;
use std::time::Instant;

use alkemio_authorization::ActorContext;
use alkemio_kernel::ErrorStatus;
use async_graphql::futures_util::StreamExt as _;
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::{BatchRequest, BatchResponse, Data, Executor, Request, Response, Value};
use tracing::Instrument as _;

use crate::AlkemioSchema;
use crate::audit::{self, AuditLog};
use crate::extensions::{MutationFlag, OnMutation, fill_error_extensions};

/// The executable API.
#[derive(Clone)]
pub struct Api {
    schema: AlkemioSchema,
    audit: AuditLog,
    on_mutation: Option<Arc<dyn OnMutation>>,
}

fn data_of<T: Any>(data: &Data) -> Option<&T> {
    data.get(&TypeId::of::<T>())
        .and_then(|d| (**d).downcast_ref::<T>())
}

impl Api {
    pub(crate) fn new(
        schema: AlkemioSchema,
        audit: AuditLog,
        on_mutation: Option<Arc<dyn OnMutation>>,
    ) -> Self {
        Self {
            schema,
            audit,
            on_mutation,
        }
    }

    /// The audit plan of a request that runs a mutation. A mutation operation needs the
    /// keyword `mutation`, so only texts that have it are parsed here.
    fn plan(&self, request: &Request, session: Option<&Data>) -> Option<audit::Plan> {
        if !request.query.contains("mutation") {
            return None;
        }
        let actor = data_of::<ActorContext>(&request.data)
            .or_else(|| session.and_then(data_of::<ActorContext>));
        let plan = audit::plan(request, actor)?;
        if let Some(flag) = data_of::<MutationFlag>(&request.data) {
            flag.mark();
        }
        Some(plan)
    }

    /// After a mutation ran: its audit records, then the response cache's epoch.
    async fn after_mutation(
        audit: &AuditLog,
        on_mutation: Option<&Arc<dyn OnMutation>>,
        plan: audit::Plan,
        response: &Response,
    ) {
        audit::record(audit, plan, response).await;
        if let Some(hook) = on_mutation {
            hook.mutated().await;
        }
    }

    /// Runs one request.
    pub async fn execute(&self, request: Request) -> Response {
        let plan = self.plan(&request, None);
        let started = Instant::now();
        let span = tracing::info_span!(
            "graphql",
            graphql.operation = request.operation_name.as_deref().unwrap_or("anonymous")
        );
        let mut response = self.schema.execute(request).instrument(span.clone()).await;
        fill_errors(&mut response);
        if let Some(plan) = plan {
            Self::after_mutation(&self.audit, self.on_mutation.as_ref(), plan, &response)
                .instrument(span.clone())
                .await;
        }
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
        let plan = self.plan(&request, session_data.as_deref());
        let stream = Executor::execute_stream(&self.schema, request, session_data);
        match plan {
            // a subscription, or a query over the socket
            None => stream
                .map(|mut response| {
                    fill_errors(&mut response);
                    response
                })
                .boxed(),
            // a mutation over the socket: one answer
            Some(plan) => {
                let audit = self.audit.clone();
                let on_mutation = self.on_mutation.clone();
                let mut plan = Some(plan);
                stream
                    .then(move |mut response| {
                        let plan = plan.take();
                        let audit = audit.clone();
                        let on_mutation = on_mutation.clone();
                        async move {
                            fill_errors(&mut response);
                            if let Some(plan) = plan {
                                Api::after_mutation(&audit, on_mutation.as_ref(), plan, &response)
                                    .await;
                            }
                            response
                        }
                    })
                    .boxed()
            }
        }
    }
}
