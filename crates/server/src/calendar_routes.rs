//! `GET /api/private/rest/calendar/event/{id}/ics` (also `/rest/calendar/event/{id}/ics`): a
//! calendar event as an iCalendar file, for callers who may read it. Others are sent to sign in
//! (anonymous) or to the client's restricted page, as the reference does.

use alkemio_kernel::ErrorStatus;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::AppState;

fn json_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"statusCode": status.as_u16(), "message": message})),
    )
        .into_response()
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Serves an event as an `.ics` file.
pub async fn ics(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let actor = match state.authenticator.authenticate(&headers).await {
        Ok(actor) => actor,
        Err(failure) => {
            return (StatusCode::UNAUTHORIZED, axum::Json(json!({"statusCode": 401, "message": "unauthenticated", "error_code": failure.error_code})))
                .into_response();
        }
    };
    let Ok(id) = uuid::Uuid::parse_str(id.trim()) else {
        return json_error(StatusCode::BAD_REQUEST, "invalid calendar event ID");
    };
    let base = state.settings.http.endpoint_cluster.trim_end_matches('/');
    let download = match state.spaces.calendar_event_download(&actor, id).await {
        Ok(found) => found,
        Err(e) => {
            return match e.status() {
                ErrorStatus::EntityNotFound => {
                    json_error(StatusCode::NOT_FOUND, "calendar event not found")
                }
                ErrorStatus::Forbidden | ErrorStatus::ForbiddenPolicy => {
                    let back = format!("{base}/api/private/rest/calendar/event/{id}/ics");
                    let target = if actor.authenticated_id().is_some() {
                        format!("{base}/restricted?returnUrl={}", encode(&back))
                    } else {
                        format!("{base}/login?returnUrl={}", encode(&back))
                    };
                    (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
                }
                _ => {
                    e.log();
                    json_error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "calendar event could not be read",
                    )
                }
            };
        }
    };
    let url = format!("{base}/{}", download.path.trim_start_matches('/'));
    let body = alkemio_timeline::links::ics(
        &download.event,
        alkemio_timeline::links::EventText {
            title: &download.title,
            description: download.description.as_deref(),
            location: download.location.as_deref(),
            url: &url,
        },
        chrono::Utc::now(),
    );
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.ics\"",
        download.event.name_id
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
