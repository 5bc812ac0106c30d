//! A key/value cache with a time-to-live per entry, shared by the modules that cache (actor
//! credentials now; authorization results and responses later).
//!
//! In process (moka) by default; Redis when `REDIS_HOST` is configured, so that every server
//! instance sees the same entries and an invalidation on one reaches all. Values are JSON. A cache
//! read that fails is a miss (logged); an invalidation that fails is an error the caller sees,
//! because a stale entry would outlive the change it reflects.

use std::sync::Arc;
use std::time::{Duration, Instant};

use alkemio_kernel::{AppError, AppResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Longest time any entry is kept in process, whatever its own time-to-live.
const MEMORY_MAX_TTL: Duration = Duration::from_secs(24 * 3600);

/// The cache.
#[derive(Clone)]
pub struct Cache {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Memory(moka::future::Cache<String, Arc<(String, Instant)>>),
    Redis(redis::aio::ConnectionManager),
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.inner {
            Inner::Memory(_) => "Cache(memory)",
            Inner::Redis(_) => "Cache(redis)",
        })
    }
}

impl Cache {
    /// An in-process cache holding at most `capacity` entries.
    pub fn in_memory(capacity: u64) -> Self {
        let cache = moka::future::Cache::builder()
            .max_capacity(capacity)
            .time_to_live(MEMORY_MAX_TTL)
            .build();
        Self {
            inner: Inner::Memory(cache),
        }
    }

    /// A cache on the Redis server at `url` (`redis://host:port`). Connects now; reconnects by
    /// itself later.
    pub async fn redis(url: &str) -> AppResult<Self> {
        let client = redis::Client::open(url)
            .map_err(|e| AppError::internal_msg(format_args!("redis url: {e}")))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)));
        let manager = redis::aio::ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| AppError::internal_msg(format_args!("connecting to redis: {e}")))?;
        Ok(Self {
            inner: Inner::Redis(manager),
        })
    }

    /// Whether entries live in Redis.
    pub fn is_shared(&self) -> bool {
        matches!(self.inner, Inner::Redis(_))
    }

    /// The value at `key`, if present, unexpired and decodable.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let raw = match &self.inner {
            Inner::Memory(cache) => {
                let entry = cache.get(key).await?;
                if entry.1 <= Instant::now() {
                    cache.invalidate(key).await;
                    return None;
                }
                entry.0.clone()
            }
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                match redis::cmd("GET")
                    .arg(key)
                    .query_async::<Option<String>>(&mut conn)
                    .await
                {
                    Ok(v) => v?,
                    Err(e) => {
                        tracing::warn!(cache.key = key, error = %e, "cache read failed; treated as a miss");
                        return None;
                    }
                }
            }
        };
        serde_json::from_str(&raw).ok()
    }

    /// Stores `value` at `key` for `ttl`. A failure is logged and otherwise ignored: the next
    /// read is simply a miss.
    pub async fn set<T: Serialize>(&self, key: &str, value: &T, ttl: Duration) {
        let Ok(raw) = serde_json::to_string(value) else {
            return;
        };
        match &self.inner {
            Inner::Memory(cache) => {
                cache
                    .insert(key.to_owned(), Arc::new((raw, Instant::now() + ttl)))
                    .await;
            }
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                let secs = ttl.as_secs().max(1);
                if let Err(e) = redis::cmd("SET")
                    .arg(key)
                    .arg(raw)
                    .arg("EX")
                    .arg(secs)
                    .query_async::<()>(&mut conn)
                    .await
                {
                    tracing::warn!(cache.key = key, error = %e, "cache write failed");
                }
            }
        }
    }

    /// Removes `key`.
    pub async fn delete(&self, key: &str) -> AppResult<()> {
        match &self.inner {
            Inner::Memory(cache) => {
                cache.invalidate(key).await;
                Ok(())
            }
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                redis::cmd("DEL")
                    .arg(key)
                    .query_async::<()>(&mut conn)
                    .await
                    .map_err(|e| {
                        AppError::internal_msg(format_args!(
                            "cache invalidation of {key} failed: {e}"
                        ))
                    })
            }
        }
    }

    /// The integer counter at `key`, `None` when absent.
    pub async fn counter(&self, key: &str) -> AppResult<Option<u64>> {
        match &self.inner {
            Inner::Memory(_) => Ok(self.get::<u64>(key).await),
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                redis::cmd("GET")
                    .arg(key)
                    .query_async::<Option<u64>>(&mut conn)
                    .await
                    .map_err(|e| AppError::internal_msg(format_args!("reading {key}: {e}")))
            }
        }
    }

    /// Sets the counter at `key` to `value` unless it exists (`SET NX`).
    pub async fn init_counter(&self, key: &str, value: u64) -> AppResult<()> {
        match &self.inner {
            Inner::Memory(_) => {
                if self.get::<u64>(key).await.is_none() {
                    self.set(key, &value, MEMORY_MAX_TTL).await;
                }
                Ok(())
            }
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                redis::cmd("SET")
                    .arg(key)
                    .arg(value)
                    .arg("NX")
                    .query_async::<Option<String>>(&mut conn)
                    .await
                    .map(|_| ())
                    .map_err(|e| AppError::internal_msg(format_args!("initialising {key}: {e}")))
            }
        }
    }

    /// Adds one to the integer counter at `key` (kept without expiry); returns the new value.
    pub async fn increment(&self, key: &str) -> AppResult<u64> {
        match &self.inner {
            Inner::Memory(_) => {
                let next = self.get::<u64>(key).await.unwrap_or(0) + 1;
                self.set(key, &next, MEMORY_MAX_TTL).await;
                Ok(next)
            }
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                redis::cmd("INCR")
                    .arg(key)
                    .query_async::<u64>(&mut conn)
                    .await
                    .map_err(|e| AppError::internal_msg(format_args!("incrementing {key}: {e}")))
            }
        }
    }

    /// Checks that the cache answers (Redis `PING`); always true in process.
    pub async fn ping(&self) -> AppResult<()> {
        match &self.inner {
            Inner::Memory(_) => Ok(()),
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                redis::cmd("PING")
                    .query_async::<String>(&mut conn)
                    .await
                    .map(|_| ())
                    .map_err(|e| AppError::internal_msg(format_args!("redis ping failed: {e}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_entries_expire_and_can_be_deleted() {
        let cache = Cache::in_memory(100);
        cache.set("a", &vec![1, 2], Duration::from_millis(50)).await;
        assert_eq!(cache.get::<Vec<i32>>("a").await, Some(vec![1, 2]));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(cache.get::<Vec<i32>>("a").await, None);
        cache.set("b", &"x", Duration::from_secs(60)).await;
        cache.delete("b").await.unwrap();
        assert_eq!(cache.get::<String>("b").await, None);
    }

    #[tokio::test]
    async fn redis_round_trip() {
        let url = std::env::var("ALKEMIO_TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let cache = Cache::redis(&url)
            .await
            .expect("Redis is required for this test");
        cache.ping().await.unwrap();
        let key = format!("alkemio-test:{}", std::process::id());
        cache
            .set(&key, &serde_json::json!({"k": 1}), Duration::from_secs(5))
            .await;
        assert_eq!(
            cache.get::<serde_json::Value>(&key).await,
            Some(serde_json::json!({"k": 1}))
        );
        cache.delete(&key).await.unwrap();
        assert_eq!(cache.get::<serde_json::Value>(&key).await, None);
    }
}
