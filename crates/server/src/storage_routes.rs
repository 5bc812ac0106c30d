//! `GET /api/private/rest/storage/document/{id}` (also `/rest/storage/document/{id}`, as the
//! reference's ingress forwards it): a document's bytes, for callers holding READ on it.

use alkemio_kernel::ErrorStatus;
use alkemio_storage::StorageService;
use axum::body::Body;
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

/// Serves a document.
pub async fn document(
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
        return json_error(StatusCode::NOT_FOUND, "invalid document ID");
    };
    let storage: &StorageService = &state.storage;
    let (document, bytes, public) = match storage.download(&actor, id).await {
        Ok(found) => found,
        Err(e) => {
            return match e.status() {
                ErrorStatus::EntityNotFound => {
                    json_error(StatusCode::NOT_FOUND, "document not found")
                }
                ErrorStatus::Forbidden | ErrorStatus::ForbiddenPolicy => {
                    json_error(StatusCode::FORBIDDEN, "insufficient privileges")
                }
                _ => {
                    e.log();
                    json_error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "document could not be read",
                    )
                }
            };
        }
    };
    let etag = format!("\"{}\"", document.external_id);
    // Documents anyone may read can be cached anywhere; others only by the caller's browser.
    let cache = if public {
        "public, max-age=86400"
    } else {
        "private, max-age=86400"
    };
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(bytes));
        if let Ok(v) = HeaderValue::from_str(&document.mime_type) {
            r.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        r
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
