//! Health probes: `/health/live` (the process answers) and `/health/ready` (every configured
//! backing service answers within a short timeout).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::http::AppState;

/// How long one readiness check may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_millis(1000);

/// The probe's answer.
#[derive(Debug, Serialize)]
pub struct HealthReport {
    /// `ok` or `error`.
    pub status: &'static str,
    /// One entry per backing service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<Checks>,
}

/// Readiness of each backing service.
#[derive(Debug, Serialize)]
pub struct Checks {
    /// The database.
    pub database: CheckResult,
    /// Redis, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<CheckResult>,
}

async fn check(
    what: &str,
    probe: impl std::future::Future<Output = alkemio_kernel::AppResult<()>>,
) -> CheckResult {
    match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(Ok(())) => CheckResult {
            status: "ok",
            error: None,
        },
        Ok(Err(e)) => {
            e.log();
            CheckResult {
                status: "error",
                error: Some(format!("{what} unavailable")),
            }
        }
        Err(_) => CheckResult {
            status: "error",
            error: Some(format!("no answer within {} ms", CHECK_TIMEOUT.as_millis())),
        },
    }
}

/// One check's outcome.
#[derive(Debug, Serialize)]
pub struct CheckResult {
    /// `ok` or `error`.
    pub status: &'static str,
    /// What went wrong, in general terms (never a connection string or driver message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `GET /health/live`.
pub async fn live() -> Json<HealthReport> {
    Json(HealthReport {
        status: "ok",
        checks: None,
    })
}

/// `GET /health/ready`: 200 when every check passes, 503 otherwise.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<HealthReport>) {
    let (database, redis) = tokio::join!(check("database", state.db.ping()), async {
        if state.cache.is_shared() {
            Some(check("redis", state.cache.ping()).await)
        } else {
            None
        }
    });
    let healthy = database.status == "ok" && redis.as_ref().is_none_or(|r| r.status == "ok");
    let report = HealthReport {
        status: if healthy { "ok" } else { "error" },
        checks: Some(Checks { database, redis }),
    };
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(report))
}
