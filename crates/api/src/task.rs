//! GraphQL of the task module: `task`, `tasks` and the `Task` type.

use std::sync::Arc;

use alkemio_kernel::AppError;
use alkemio_kernel::ids::TaskId;
use alkemio_kernel::scalars::UuidScalar;
use alkemio_task::{TaskService, TaskStatus};
use async_graphql::{Context, Object, Result};

use crate::context::data;

/// Root query fields of the task module.
#[derive(Debug, Default)]
pub struct TaskQuery;

#[Object]
impl TaskQuery {
    /// A background task by id.
    async fn task(&self, ctx: &Context<'_>, id: UuidScalar) -> Result<Task> {
        let service = data::<Arc<TaskService>>(ctx)?;
        Ok(Task(service.get(TaskId(id.0)).await.ok_or_else(|| {
            AppError::not_found(format!("Task {id} not found"))
        })?))
    }

    /// Background tasks with a status (in progress when omitted).
    async fn tasks(&self, ctx: &Context<'_>, status: Option<TaskStatus>) -> Result<Vec<Task>> {
        let service = data::<Arc<TaskService>>(ctx)?;
        Ok(service
            .list(status.unwrap_or(TaskStatus::InProgress))
            .await
            .into_iter()
            .map(Task)
            .collect())
    }
}

/// A background task and its progress; times are milliseconds since the epoch.
#[derive(Debug, Clone)]
pub struct Task(pub alkemio_task::Task);

#[Object(name = "Task")]
impl Task {
    /// The task's id.
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.task_id.0)
    }

    /// When it was created.
    async fn created(&self) -> f64 {
        self.0.created
    }

    /// When it started.
    async fn start(&self) -> f64 {
        self.0.start
    }

    /// When it ended.
    async fn end(&self) -> Option<f64> {
        self.0.end
    }

    /// Where it stands.
    async fn status(&self) -> TaskStatus {
        self.0.status
    }

    /// What kind of task it is.
    async fn r#type(&self) -> Option<&str> {
        self.0.r#type.as_deref()
    }

    /// How many items it works through, when known.
    async fn items_count(&self) -> Option<f64> {
        self.0.items_count
    }

    /// How many it has finished.
    async fn items_done(&self) -> Option<f64> {
        self.0.items_done
    }

    /// Share of the items done (0 to 1), when the item count is known.
    async fn progress(&self) -> Option<f64> {
        self.0.progress()
    }

    /// One line per finished item, newest first.
    async fn results(&self) -> Option<&[String]> {
        self.0.results.as_deref()
    }

    /// One line per failed item, newest first.
    async fn errors(&self) -> Option<&[String]> {
        self.0.errors.as_deref()
    }
}
