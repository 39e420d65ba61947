//! Receiving an upload body: streamed to a file chunk by chunk (memory stays at one chunk
//! whatever the file size), hashed as it arrives, cut off at the size limit.

use std::path::{Path, PathBuf};

use axum::body::Body;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::error::ApiError;

pub struct Received {
    pub bytes: u64,
    pub sha256: String,
}

/// Removes an upload's spool directory when dropped, unless kept: a refused upload, a client
/// that went away and a request cut by the timeout (its future is dropped mid-stream) all
/// leave nothing behind.
pub struct SpoolGuard(Option<PathBuf>);

impl SpoolGuard {
    pub fn new(dir: PathBuf) -> SpoolGuard {
        SpoolGuard(Some(dir))
    }

    /// The upload was accepted: its file now belongs to the job.
    pub fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for SpoolGuard {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(dir = %dir.display(), error = %e, "could not remove a refused upload");
                }
            }
        }
    }
}

/// Writes `body` to `path` (its directory is the caller's to clean up, see [`SpoolGuard`]).
pub async fn receive(body: Body, path: &Path, limit: u64) -> Result<Received, ApiError> {
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(|e| ApiError::internal("creating the upload spool", e))?;
    }
    let file = tokio::fs::File::create(path).await.map_err(|e| ApiError::internal("creating the upload file", e))?;
    let mut out = tokio::io::BufWriter::with_capacity(1 << 20, file);
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            // A timeout or a client that went away: nothing to keep.
            tracing::info!(error = %e, "upload body ended early");
            ApiError::bad_request("incomplete_body", "the upload body ended before it was complete")
        })?;
        bytes += chunk.len() as u64;
        if bytes > limit {
            return Err(ApiError::too_large(limit));
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(|e| ApiError::internal("writing the upload", e))?;
    }
    out.flush().await.map_err(|e| ApiError::internal("writing the upload", e))?;
    out.into_inner().sync_all().await.map_err(|e| ApiError::internal("writing the upload", e))?;
    Ok(Received { bytes, sha256: hex::encode(hasher.finalize()) })
}
