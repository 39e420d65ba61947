//! The router: every area's routes, with limits, timeouts, logging and the JSON error layer.

pub mod audit;
pub mod clinical;
pub mod cohorts;
pub mod health;
pub mod jobs;
pub mod params;
pub mod projects;
pub mod queries;
pub mod stream;
pub mod uploads;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Router;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::{json_errors, ApiError};
use crate::state::AppState;
use crate::{beacon, htsget, openapi};

pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    // Uploads are long and large: their own timeout, and no buffering limit (the handler
    // streams to disk and enforces the configured size itself).
    let uploads = Router::new()
        .route("/api/v1/uploads/{name}", put(uploads::put_upload))
        .layer(DefaultBodyLimit::disable())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.upload_timeout));
    let api = Router::new()
        .route("/api/v1/health", get(health::health))
        .route("/api/v1/stats", get(health::stats))
        .route("/api/v1/openapi.json", get(openapi::openapi_json))
        .route("/api/v1/jobs", get(jobs::list_jobs))
        .route("/api/v1/jobs/{id}", get(jobs::get_job))
        .route("/api/v1/jobs/{id}/resume", post(jobs::resume_job))
        .route("/api/v1/variants", get(queries::variants))
        .route("/api/v1/genotypes", get(queries::genotypes))
        .route("/api/v1/freq", get(queries::freq))
        .route("/api/v1/afdist", get(queries::afdist))
        .route("/api/v1/assoc", post(queries::assoc))
        .route("/api/v1/cohorts/size", get(queries::cohort_size))
        .route("/api/v1/cohorts", get(cohorts::list).post(cohorts::create))
        .route("/api/v1/cohorts/{name}", get(cohorts::show).delete(cohorts::delete))
        .route("/api/v1/projects", get(projects::list).post(projects::submit))
        .route("/api/v1/projects/{id}", get(projects::get_one))
        .route("/api/v1/projects/{id}/approve", post(projects::approve))
        .route("/api/v1/projects/{id}/reject", post(projects::reject))
        .route("/api/v1/projects/{id}/revoke", post(projects::revoke))
        .route("/api/v1/projects/{id}/renew", post(projects::renew))
        .route("/api/v1/projects/{id}/explain", get(projects::explain))
        .route("/api/v1/audit", get(audit::entries))
        .route("/api/v1/audit/verify", get(audit::verify))
        .route("/api/v1/patients", get(clinical::patients))
        .route("/api/v1/patients/{id}", get(clinical::patient))
        .route("/api/v1/patients/{id}/consent", get(clinical::consent).post(clinical::record_consent))
        .route("/api/v1/patients/{id}/withdrawal", post(clinical::withdraw))
        .merge(beacon::router())
        .merge(htsget::router())
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout));
    Router::new()
        .merge(uploads)
        .merge(api)
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .layer(axum::middleware::from_fn(json_errors))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The request's log span names the route template (`/api/v1/patients/{id}`), never the path
/// or query as sent: those can carry a hospital's patient ID, which no log may hold in clear.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let route = req.extensions().get::<axum::extract::MatchedPath>().map_or("(no route)", |p| p.as_str());
    tracing::info_span!("request", method = %req.method(), route)
}
