//! The cache of answers to anonymous reads.
//!
//! An anonymous query (no credentials, no guest name) that executes without errors is kept,
//! keyed by its exact request (body or query string), the innovation hub it arrived through and
//! the current **epoch**. Any request that carries a mutation moves the epoch on once it has
//! executed (its transaction committed), so an answer cached before a change is never served
//! after it: the next read misses and sees the change. A read that began before the change
//! committed is stored under the old epoch, where nobody looks any more.
//!
//! In process by default. With Redis configured the epoch lives in Redis (`INCR` on change,
//! `GET` per read), so a change made through any instance invalidates every instance; the
//! answers themselves stay in each process. Entries also expire after `RESPONSE_CACHE_TTL_S`,
//! which bounds what writes made outside the API (the `seed` command) can leave behind.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alkemio_cache::Cache;
use axum::body::Bytes;
use axum::http::HeaderValue;

/// Redis key of the shared epoch.
const EPOCH_KEY: &str = "alkemio:response-cache:epoch";

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    epoch: u64,
    local_epoch: u64,
    hub: Option<String>,
    request: Bytes,
}

/// A cached answer.
#[derive(Clone)]
pub struct Cached {
    /// The JSON body.
    pub body: Bytes,
    /// Its `Cache-Control` header, if any.
    pub cache_control: Option<HeaderValue>,
}

/// The response cache. Cheap to clone.
#[derive(Clone)]
pub struct ResponseCache {
    entries: Option<moka::future::Cache<Key, Arc<Cached>>>,
    local_epoch: Arc<AtomicU64>,
    shared: Option<Cache>,
    /// Until when (Unix seconds) nothing is cached or served: set when the shared epoch could
    /// not be moved on, for one time-to-live, so no instance serves what the change made stale.
    bypass_until: Arc<AtomicU64>,
    ttl: Duration,
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache")
            .field("enabled", &self.entries.is_some())
            .field("shared_epoch", &self.shared.is_some())
            .finish()
    }
}

impl ResponseCache {
    /// A cache keeping answers for `ttl` (zero disables it) within `max_bytes`, with the epoch
    /// in `cache` when that is shared (Redis).
    pub fn new(ttl: Duration, max_bytes: u64, cache: &Cache) -> Self {
        let entries = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|k: &Key, v: &Arc<Cached>| {
                    u32::try_from(k.request.len() + v.body.len() + 64).unwrap_or(u32::MAX)
                })
                .time_to_live(ttl)
                .build()
        });
        Self {
            entries,
            local_epoch: Arc::new(AtomicU64::new(0)),
            shared: cache.is_shared().then(|| cache.clone()),
            bypass_until: Arc::new(AtomicU64::new(0)),
            ttl,
        }
    }

    /// Whether answers are cached at all.
    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The current epoch; `None` when it cannot be read, or while the cache is bypassed (then
    /// nothing is cached or served). The epoch combines the shared one (Redis) with this
    /// process's own.
    pub async fn epoch(&self) -> Option<(u64, u64)> {
        if unix_now() < self.bypass_until.load(Ordering::Acquire) {
            return None;
        }
        let local = self.local_epoch.load(Ordering::Acquire);
        match &self.shared {
            None => Some((0, local)),
            Some(cache) => match cache.counter(EPOCH_KEY).await {
                // A missing key (Redis restarted or evicted it) would bring back old epochs:
                // start it again from a random value, and cache nothing this time.
                Ok(None) => {
                    let _ = cache.init_counter(EPOCH_KEY, random_start()).await;
                    None
                }
                Ok(Some(shared)) => Some((shared, local)),
                Err(_) => None,
            },
        }
    }

    /// The answer kept for this request at this epoch.
    pub async fn get(
        &self,
        epoch: (u64, u64),
        hub: Option<&str>,
        request: &Bytes,
    ) -> Option<Arc<Cached>> {
        let entries = self.entries.as_ref()?;
        entries
            .get(&Key {
                epoch: epoch.0,
                local_epoch: epoch.1,
                hub: hub.map(str::to_owned),
                request: request.clone(),
            })
            .await
    }

    /// Keeps an answer.
    pub async fn put(&self, epoch: (u64, u64), hub: Option<&str>, request: Bytes, answer: Cached) {
        if let Some(entries) = &self.entries {
            entries
                .insert(
                    Key {
                        epoch: epoch.0,
                        local_epoch: epoch.1,
                        hub: hub.map(str::to_owned),
                        request,
                    },
                    Arc::new(answer),
                )
                .await;
        }
    }

    /// Moves the epoch on: every answer cached so far is out of date.
    pub async fn invalidate(&self) {
        self.local_epoch.fetch_add(1, Ordering::AcqRel);
        if let Some(cache) = &self.shared
            && let Err(e) = cache.increment(EPOCH_KEY).await
        {
            // Other instances may hold answers the change made stale: this one stops caching
            // for a time-to-live (after which theirs have expired too).
            self.bypass_until
                .store(unix_now() + self.ttl.as_secs() + 1, Ordering::Release);
            tracing::warn!(error_id = %e.error_id(), "moving the response cache epoch failed; caching paused for one time-to-live");
        }
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn random_start() -> u64 {
    // a large random start, so a restarted counter does not meet old epochs again
    u64::from(uuid::Uuid::new_v4().as_u128() as u32) << 20
}

#[async_trait::async_trait]
impl alkemio_api::OnMutation for ResponseCache {
    async fn mutated(&self) {
        self.invalidate().await;
    }
}

/// What a mutation makes stale: cached answers and the search index.
pub struct MutationHooks {
    /// The response cache.
    pub responses: ResponseCache,
    /// The search index.
    pub search: alkemio_search::SearchService,
}

#[async_trait::async_trait]
impl alkemio_api::OnMutation for MutationHooks {
    async fn mutated(&self) {
        self.search.mark_stale();
        self.responses.invalidate().await;
    }
}
