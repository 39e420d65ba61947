//! The hub's HTTP service on axum. So far it serves only what identifies no one: service health
//! and aggregate store statistics. Genotype, clinical and cohort endpoints arrive with the
//! governance layer, which every handler will call (the server adds no rules of its own).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use genohub_store::Store;

#[derive(Clone)]
pub struct AppState {
    store_dir: Arc<PathBuf>,
}

/// Errors as JSON with a stable code; no internal detail leaks to the client.
struct ApiError(StatusCode, &'static str, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"code": self.1, "message": self.2}))).into_response()
    }
}

pub fn router(store_dir: PathBuf) -> Router {
    Router::new()
        .route("/api/v1/health", get(|| async { Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})) }))
        .route("/api/v1/stats", get(stats))
        .with_state(AppState { store_dir: Arc::new(store_dir) })
}

async fn stats(State(state): State<AppState>) -> Result<Json<genohub_store::StoreStats>, ApiError> {
    let dir = state.store_dir.clone();
    // RocksDB calls block: keep them off the async workers.
    let result = tokio::task::spawn_blocking(move || Store::open_read_only(&dir).and_then(|s| s.stats())).await;
    match result {
        Ok(Ok(stats)) => Ok(Json(stats)),
        Ok(Err(genohub_store::StoreError::NotFound(_))) => Err(ApiError(StatusCode::NOT_FOUND, "store_not_found", "the store holds no data yet".into())),
        _ => Err(ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the store could not be read".into())),
    }
}

/// Serves until ctrl-c, finishing running requests. Says where it listens on stderr (the
/// port is the system's choice when `listen` has port 0).
pub async fn serve(listen: SocketAddr, store_dir: PathBuf) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!("genohub: listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router(store_dir))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
