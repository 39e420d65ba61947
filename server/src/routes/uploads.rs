//! `PUT /api/v1/uploads/{name}`: a sequencing center's file, streamed to the spool, checked
//! against its declared SHA-256, then queued for ingest.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use genohub_governance::Operation;
use serde_json::json;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::jobs::{JobRecord, JobState};
use crate::state::AppState;
use crate::uploads::{checksum, spool};

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadParams {
    /// Supersede samples of the same center already in the store (`genohub ingest --replace`).
    #[serde(default)]
    pub replace: bool,
}

/// A file name as the client sent it: one path component of ordinary characters.
pub fn check_file_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::unprocessable("invalid_name", "file names may use letters, digits, '.', '_', '-', '+' (not starting with '.'), at most 200 characters"))
    }
}

fn new_job_id() -> String {
    use rand::Rng;
    let bytes: [u8; 12] = rand::rng().random();
    hex::encode(bytes)
}

#[utoipa::path(
    put, path = "/api/v1/uploads/{name}", tag = "uploads",
    params(("name" = String, Path, description = "file name to record"), UploadParams,
           ("X-Content-SHA256" = Option<String>, Header, description = "SHA-256 of the body, hex (or send Content-Digest: sha-256=:BASE64:)")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "VCF, bgzip VCF, BCF, gVCF, BAM or CRAM"),
    responses(
        (status = 202, description = "received whole; the ingest job is queued", body = JobRecord),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "this content is already in the store", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, description = "checksum mismatch or invalid name", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
pub async fn put_upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    check_file_name(&name)?;
    let token = caller.token()?.to_string();
    // Asked before a byte is read: a caller who may not ingest is refused (and audited) at once.
    let checked = name.clone();
    let (owner, center) = state
        .governed(&caller, move |s| {
            let p = s.principal().clone();
            s.authorize(Operation::Ingest, Some(&p.org), json!({"upload": checked, "center": p.org}))?;
            Ok((p.user, p.org))
        })
        .await?;
    let declared = checksum::declared_sha256(&headers)?;
    let limit = state.config.max_upload_bytes;
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > limit) {
        return Err(ApiError::too_large(limit));
    }
    let sha = declared.clone();
    if let Some(batch) = state.public_read(move |s| Ok(s.batch_by_sha256(&sha)?)).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_ingested",
            format!("this content (SHA-256 {declared}) is already in the store as batch {batch}"),
        ));
    }
    let id = new_job_id();
    let path = state.jobs.upload_path_for(&id, &name);
    let guard = spool::SpoolGuard::new(path.parent().expect("uploads/ID/NAME").to_path_buf());
    let received = spool::receive(body, &path, limit).await?;
    if received.sha256 != declared {
        return Err(ApiError::unprocessable(
            "checksum_mismatch",
            format!("the body's SHA-256 is {} but {} was declared; nothing was stored", received.sha256, declared),
        ));
    }
    let job = JobRecord {
        id: id.clone(),
        kind: "ingest".into(),
        file_name: name,
        bytes: received.bytes,
        sha256: received.sha256,
        center,
        owner,
        replace: params.replace,
        state: JobState::Queued,
        progress: Default::default(),
        created: genohub_store::ingest::now_seconds(),
        started: None,
        finished: None,
        attempts: 0,
        error: None,
        result: None,
    };
    // From here the file is the job's; `submit` persists the record before queueing it.
    guard.keep();
    let jobs = state.jobs.clone();
    let dir = path.parent().map(|p| p.to_path_buf());
    let job = match tokio::task::spawn_blocking(move || jobs.submit(job, token)).await {
        Ok(Ok(job)) => job,
        failed => {
            if let Some(dir) = dir {
                let _ = std::fs::remove_dir_all(dir);
            }
            return Err(ApiError::internal("queueing the job", failed.map(|_| ()).map_err(|e| e.to_string()).err().unwrap_or_default()));
        }
    };
    tracing::info!(job = %job.id, file = %job.file_name, bytes = job.bytes, "upload received");
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, format!("/api/v1/jobs/{id}"))], Json(job)).into_response())
}
