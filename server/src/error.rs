//! The error model: every failure is a JSON body `{"code", "message"}` with a stable,
//! machine-readable code and a message meant for the caller. Internal details (paths, engine
//! messages) go to the log, never to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use genohub_governance::GovernanceError;
use genohub_store::StoreError;

/// The body of every error answer.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Stable code, e.g. `unauthorized`, `checksum_mismatch`, `payload_too_large`.
    pub code: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn too_large(limit: u64) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", format!("the body exceeds the limit of {limit} bytes"))
    }

    /// A failure the caller cannot fix: logged in full, answered with a generic message.
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "{context}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("{context} failed; the server log has the details"))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(m) => ApiError::not_found(strip_paths(&m)),
            StoreError::Refused(m) => ApiError::unprocessable("refused", strip_paths(&m)),
            StoreError::Format(f) => ApiError::unprocessable("invalid_input", strip_paths(&f.to_string())),
            StoreError::Busy(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "the store is in use by another process"),
            other => ApiError::internal("reading the store", other),
        }
    }
}

/// Store messages name server-side files; the client knows its data by the names it sent.
pub fn strip_paths(message: &str) -> String {
    message.split(' ').map(|w| if w.starts_with('/') { w.rsplit('/').next().unwrap_or(w) } else { w }).collect::<Vec<_>>().join(" ")
}

impl From<GovernanceError> for ApiError {
    fn from(e: GovernanceError) -> ApiError {
        match e {
            GovernanceError::Unauthenticated(m) => ApiError::unauthorized(m),
            GovernanceError::Forbidden(m) => ApiError::forbidden(m),
            // Allowed in principle, refused by policy or disclosure control for this request.
            GovernanceError::Refused(m) => ApiError::new(StatusCode::FORBIDDEN, "refused", m),
            GovernanceError::Input(m) => ApiError::unprocessable("invalid_request", strip_paths(&m)),
            GovernanceError::NotFound(m) => ApiError::not_found(m),
            GovernanceError::Store(s) => ApiError::from(s),
            GovernanceError::Analysis(genohub_analysis::AnalysisError::Store(s)) => ApiError::from(s),
            GovernanceError::Analysis(genohub_analysis::AnalysisError::Input(m)) => ApiError::unprocessable("invalid_request", strip_paths(&m)),
            other => ApiError::internal("a governed call", other),
        }
    }
}

impl From<genohub_analysis::AnalysisError> for ApiError {
    fn from(e: genohub_analysis::AnalysisError) -> ApiError {
        ApiError::from(GovernanceError::from(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(ErrorBody { code: self.code.into(), message: self.message })).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"genohub\""));
        }
        r
    }
}

/// Middleware: answers produced outside the handlers (timeouts, body limits, unknown methods)
/// get the same JSON error body as the rest.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took longer than the server allows"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body exceeds the server's limit"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this path does not accept that method"),
        StatusCode::NOT_FOUND => ("not_found", "no such endpoint"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "the request's content type is not accepted here"),
        s if s.is_server_error() => ("internal", "the server failed; its log has the details"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid_request", ""),
        _ => ("bad_request", ""),
    };
    let (parts, body) = response.into_parts();
    let message = if message.is_empty() {
        // axum's extractor rejections say which parameter was wrong: worth passing on.
        let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&text).trim().to_string();
        if text.is_empty() {
            "the request could not be understood".to_string()
        } else {
            text
        }
    } else {
        message.to_string()
    };
    let mut r = ApiError::new(status, code, message).into_response();
    for (k, v) in &parts.headers {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            r.headers_mut().insert(k.clone(), v.clone());
        }
    }
    r
}
