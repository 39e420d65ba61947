//! htsget 1.3 errors: `{"htsget": {"error": NAME, "message": TEXT}}` with the spec's status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::ApiError;

pub struct HtsgetError {
    pub status: StatusCode,
    pub name: &'static str,
    pub message: String,
}

impl HtsgetError {
    pub fn invalid_input(m: impl Into<String>) -> Self {
        HtsgetError { status: StatusCode::BAD_REQUEST, name: "InvalidInput", message: m.into() }
    }
    pub fn invalid_range(m: impl Into<String>) -> Self {
        HtsgetError { status: StatusCode::BAD_REQUEST, name: "InvalidRange", message: m.into() }
    }
    pub fn unsupported_format(m: impl Into<String>) -> Self {
        HtsgetError { status: StatusCode::BAD_REQUEST, name: "UnsupportedFormat", message: m.into() }
    }
    pub fn not_found(m: impl Into<String>) -> Self {
        HtsgetError { status: StatusCode::NOT_FOUND, name: "NotFound", message: m.into() }
    }
}

impl From<ApiError> for HtsgetError {
    fn from(e: ApiError) -> Self {
        let name = match e.status {
            StatusCode::UNAUTHORIZED => "InvalidAuthentication",
            StatusCode::FORBIDDEN => "PermissionDenied",
            StatusCode::NOT_FOUND => "NotFound",
            StatusCode::PAYLOAD_TOO_LARGE => "PayloadTooLarge",
            s if s.is_client_error() => "InvalidInput",
            _ => "InternalError",
        };
        HtsgetError { status: e.status, name, message: e.message }
    }
}

impl IntoResponse for HtsgetError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(json!({"htsget": {"error": self.name, "message": self.message}}))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer realm=\"genohub\""));
        }
        r
    }
}
