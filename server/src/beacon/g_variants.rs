//! `GET /beacon/v2/g_variants`: sequence and range queries.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use genohub_governance::{Count, Role};

use super::granularity::{self, Granularity};
use super::meta::{self, BeaconError};
use super::query::{self, VariantQuery};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub struct GVariantParams {
    /// Chromosome: `20`, `chr20`, `X`.
    pub reference_name: Option<String>,
    /// 0-based start.
    pub start: Option<String>,
    /// 0-based exclusive end (range queries).
    pub end: Option<String>,
    pub reference_bases: Option<String>,
    pub alternate_bases: Option<String>,
    /// `GRCh38`, `GRCh37` (aliases `hg38`, `hg19`).
    pub assembly_id: Option<String>,
    /// `boolean`, `count` or `record`; the answer may be coarser than asked.
    pub requested_granularity: Option<String>,
    /// genohub extension: count inside this approved project (its members only).
    pub project: Option<String>,
}

fn bad(message: impl Into<String>) -> BeaconError {
    BeaconError::new(StatusCode::BAD_REQUEST, "genomicVariant", message)
}

fn coordinate(name: &str, value: &str) -> Result<u64, BeaconError> {
    if value.contains(',') {
        return Err(bad(format!("{name}: bracket queries (two values) are not supported; give one 0-based position")));
    }
    value.trim().parse::<u64>().map_err(|_| bad(format!("{name} must be a non-negative integer (0-based), got {value:?}")))
}

fn check_bases(name: &str, v: &Option<String>) -> Result<(), BeaconError> {
    match v {
        Some(b) if b.is_empty() || !b.bytes().all(|c| b"ACGTNacgtn".contains(&c)) => Err(bad(format!("{name} must be a sequence of A, C, G, T or N"))),
        _ => Ok(()),
    }
}

pub fn parse(p: &GVariantParams) -> Result<VariantQuery, BeaconError> {
    let reference_name = p.reference_name.clone().filter(|s| !s.is_empty()).ok_or_else(|| bad("referenceName is required"))?;
    let start = coordinate("start", p.start.as_deref().ok_or_else(|| bad("start is required"))?)?;
    let end = p.end.as_deref().map(|e| coordinate("end", e)).transpose()?;
    check_bases("referenceBases", &p.reference_bases)?;
    check_bases("alternateBases", &p.alternate_bases)?;
    match end {
        Some(e) if e <= start => return Err(bad("end must be greater than start")),
        None if p.alternate_bases.is_none() => return Err(bad("a sequence query needs alternateBases; a range query needs end")),
        _ => {}
    }
    Ok(VariantQuery {
        reference_name,
        start,
        end,
        reference_bases: p.reference_bases.clone(),
        alternate_bases: p.alternate_bases.clone(),
        assembly_id: p.assembly_id.clone(),
    })
}

/// Matching variants in the caller's governed scope: a variant counts when its alternate
/// allele count there is not an exact zero (a count below k still says someone carries it).
/// Anonymous callers get one bit, over every stored sample (`exists`).
async fn governed_count(state: &AppState, caller: &Caller, q: &VariantQuery, project: Option<String>) -> Result<u64, ApiError> {
    let q = q.clone();
    let hub = state.hub.clone();
    state
        .session(caller, move |s| {
            let Some(region) = query::region(&hub, &q)? else { return Ok(0) };
            if s.principal().role == Role::Anonymous {
                let described = serde_json::to_value(&q).unwrap_or_default();
                let found = s.variant_exists(region, described, |pos, r, a| query::matches(&q, pos, r, a))?;
                return Ok(found as u64);
            }
            let rows = s.variant_lookup(project.as_deref(), region)?;
            Ok(rows.iter().filter(|r| r.ac != Count::Exact(0) && query::matches(&q, r.pos, &r.reference, &r.alternate)).count() as u64)
        })
        .await
}

#[utoipa::path(get, path = "/beacon/v2/g_variants", tag = "beacon", params(GVariantParams),
    responses((status = 200, body = Object, description = "beaconBooleanResponse or beaconCountResponse"),
              (status = 400, body = Object, description = "beaconErrorResponse"), (status = 401, body = Object, description = "beaconErrorResponse"),
              (status = 403, body = Object, description = "beaconErrorResponse")))]
pub async fn g_variants(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Query(params): Query<GVariantParams>,
) -> Result<Json<Value>, BeaconError> {
    let caller = caller?;
    let requested = Granularity::parse(params.requested_granularity.as_deref()).map_err(bad)?;
    let query = parse(&params)?;
    let returned = granularity::for_caller(&caller, requested);
    let count = governed_count(&state, &caller, &query, params.project.clone()).await?;
    let mut summary = json!({"exists": count > 0});
    if returned == Granularity::Count {
        summary["numTotalResults"] = json!(count);
    }
    Ok(Json(json!({
        "meta": meta::response("genomicVariant", requested.as_str(), returned.as_str(), json!({"g_variant": query}), &[]),
        "responseSummary": summary,
        "info": {"granularityRule": granularity::rule(&caller)},
    })))
}
