//! Background tasks: long operations (such as resetting every authorization policy) run in the
//! background and report progress through a `Task` the client can poll with `task(id)` and
//! `tasks(status)`. Tasks live in the cache (Redis when configured, so every instance sees
//! them) for an hour after their last change, as in the reference.

use std::time::Duration;

use alkemio_cache::Cache;
use alkemio_kernel::ids::TaskId;
use alkemio_kernel::stored_enum;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

/// How long a task is kept after its last change.
pub const TASK_TTL: Duration = Duration::from_secs(3600);
const LIST_KEY: &str = "task-list";

stored_enum! {
    /// Where a task stands.
    TaskStatus {
        Completed => ("COMPLETED", "completed"),
        Errored => ("ERRORED", "errored"),
        InProgress => ("IN_PROGRESS", "in-progress"),
    }
}

/// A background task and its progress. Times are milliseconds since the epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Its id.
    #[serde(rename = "id")]
    pub task_id: TaskId,
    /// When it was created.
    pub created: f64,
    /// When it started.
    pub start: f64,
    /// When it ended.
    pub end: Option<f64>,
    /// Where it stands.
    pub status: TaskStatus,
    /// What kind of task it is.
    pub r#type: Option<String>,
    /// How many items it works through, when known.
    pub items_count: Option<f64>,
    /// How many it has finished.
    pub items_done: Option<f64>,
    /// One line per finished item, newest first.
    pub results: Option<Vec<String>>,
    /// One line per failed item, newest first.
    pub errors: Option<Vec<String>>,
}

impl Task {
    /// Share of the items done (0 to 1, two decimals), when the item count is known.
    pub fn progress(&self) -> Option<f64> {
        let count = self.items_count.filter(|c| *c > 0.0)?;
        Some((self.items_done.unwrap_or(0.0) / count * 100.0).round() / 100.0)
    }
}

fn now_ms() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64
}

/// Creates and updates tasks.
#[derive(Debug)]
pub struct TaskService {
    cache: Cache,
    // Serializes read-modify-write updates made by this process.
    lock: Mutex<()>,
}

impl TaskService {
    /// Tasks kept in `cache`.
    pub fn new(cache: Cache) -> Self {
        Self {
            cache,
            lock: Mutex::new(()),
        }
    }

    /// Starts a task of a kind over `items_count` items.
    pub async fn create(&self, kind: &str, items_count: usize) -> Task {
        let _guard = self.lock.lock().await;
        let now = now_ms();
        let task = Task {
            task_id: TaskId(uuid::Uuid::new_v4()),
            created: now,
            start: now,
            end: None,
            status: TaskStatus::InProgress,
            r#type: Some(kind.to_owned()),
            items_count: Some(items_count as f64),
            items_done: Some(0.0),
            results: Some(Vec::new()),
            errors: Some(Vec::new()),
        };
        self.cache
            .set(&task.task_id.to_string(), &task, TASK_TTL)
            .await;
        let mut list: Vec<TaskId> = self.cache.get(LIST_KEY).await.unwrap_or_default();
        list.push(task.task_id);
        self.cache.set(LIST_KEY, &list, TASK_TTL).await;
        task
    }

    /// A task, while it is kept.
    pub async fn get(&self, id: TaskId) -> Option<Task> {
        self.cache.get(&id.to_string()).await
    }

    /// Records one finished item (`error` set when it failed); completes the task after the
    /// last one: `COMPLETED` when nothing failed, `ERRORED` otherwise.
    pub async fn record(&self, id: TaskId, message: String, error: bool) {
        let _guard = self.lock.lock().await;
        let Some(mut task) = self.get(id).await else {
            return;
        };
        let line = format!("[{}]::{message}", chrono::Utc::now().to_rfc3339());
        let list = if error {
            task.errors.get_or_insert_with(Vec::new)
        } else {
            task.results.get_or_insert_with(Vec::new)
        };
        list.insert(0, line);
        let done = task.items_done.unwrap_or(0.0) + 1.0;
        task.items_done = Some(done);
        if task.items_count.is_some_and(|count| done >= count) {
            task.end = Some(now_ms());
            task.status = if task.errors.as_ref().is_some_and(|e| !e.is_empty()) {
                TaskStatus::Errored
            } else {
                TaskStatus::Completed
            };
        }
        self.cache.set(&id.to_string(), &task, TASK_TTL).await;
    }

    /// Kept tasks with the given status.
    pub async fn list(&self, status: TaskStatus) -> Vec<Task> {
        let ids: Vec<TaskId> = self.cache.get(LIST_KEY).await.unwrap_or_default();
        let mut tasks = Vec::new();
        for id in ids {
            if let Some(task) = self.get(id).await.filter(|t| t.status == status) {
                tasks.push(task);
            }
        }
        tasks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_completes_after_its_last_item() {
        let service = TaskService::new(Cache::in_memory(100));
        let task = service.create("auth-reset", 2).await;
        assert_eq!(service.list(TaskStatus::InProgress).await.len(), 1);
        service.record(task.task_id, "one".into(), false).await;
        assert_eq!(
            service.get(task.task_id).await.unwrap().status,
            TaskStatus::InProgress
        );
        service.record(task.task_id, "two".into(), false).await;
        let done = service.get(task.task_id).await.unwrap();
        assert_eq!(done.status, TaskStatus::Completed);
        assert!(done.end.is_some());
        assert_eq!(done.results.unwrap().len(), 2);
        assert!(service.list(TaskStatus::InProgress).await.is_empty());
    }

    #[tokio::test]
    async fn a_failed_item_marks_the_task_errored() {
        let service = TaskService::new(Cache::in_memory(100));
        let task = service.create("auth-reset", 1).await;
        service.record(task.task_id, "boom".into(), true).await;
        let done = service.get(task.task_id).await.unwrap();
        assert_eq!(done.status, TaskStatus::Errored);
        assert_eq!(done.errors.unwrap().len(), 1);
    }
}
