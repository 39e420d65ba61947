//! Public, identifying no one: liveness and aggregate store statistics.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
}

#[utoipa::path(get, path = "/api/v1/health", tag = "service", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
}

/// Aggregate statistics of the store (counts and bytes only): the governed `stats` call, in the
/// caller's session (anonymous without a token).
#[derive(Serialize, ToSchema)]
pub struct Stats {
    pub batches: usize,
    pub sites: u64,
    pub samples: usize,
    pub genotype_calls: u64,
    pub ref_blocks: u64,
    pub block_bytes: u64,
    pub disk_bytes: u64,
    pub bytes_per_call: f64,
}

#[utoipa::path(get, path = "/api/v1/stats", tag = "service", responses((status = 200, body = Stats), (status = 401, body = ErrorBody), (status = 500, body = ErrorBody)))]
pub async fn stats(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Stats>> {
    let s = state.session(&caller, |s| Ok(s.store_stats()?)).await?;
    Ok(Json(Stats {
        batches: s.batches,
        sites: s.sites,
        samples: s.samples,
        genotype_calls: s.genotype_calls,
        ref_blocks: s.ref_blocks,
        block_bytes: s.block_bytes,
        disk_bytes: s.disk_bytes,
        bytes_per_call: s.bytes_per_call,
    }))
}
