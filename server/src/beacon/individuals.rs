//! `GET /beacon/v2/individuals`: does the hub hold individuals (optionally matching filters)?
//! Anonymous callers learn whether any sequenced individual exists; registered callers the
//! number of individuals in their scope, disclosure-controlled by governance. Filters on sex
//! and cancer type need the clinical repository and are refused clearly until it is connected.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use genohub_governance::{CohortSpec, Count};

use super::granularity::{self, Granularity};
use super::meta::{self, BeaconError};
use crate::auth::Caller;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub struct IndividualParams {
    /// Comma-separated filtering term ids (see `/beacon/v2/filtering_terms`).
    pub filters: Option<String>,
    pub requested_granularity: Option<String>,
    /// genohub extension: count inside this approved project.
    pub project: Option<String>,
}

fn err(e: crate::error::ApiError) -> BeaconError {
    BeaconError { entity: "individual", ..BeaconError::from(e) }
}

#[utoipa::path(get, path = "/beacon/v2/individuals", tag = "beacon", params(IndividualParams),
    responses((status = 200, body = Object, description = "beaconBooleanResponse or beaconCountResponse"),
              (status = 400, body = Object, description = "beaconErrorResponse"), (status = 501, body = Object, description = "beaconErrorResponse")))]
pub async fn individuals(
    State(state): State<AppState>,
    caller: Result<Caller, crate::error::ApiError>,
    Query(p): Query<IndividualParams>,
) -> Result<Json<Value>, BeaconError> {
    let caller = caller.map_err(err)?;
    let requested = Granularity::parse(p.requested_granularity.as_deref()).map_err(|m| BeaconError::new(StatusCode::BAD_REQUEST, "individual", m))?;
    let filters: Vec<String> = p.filters.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    if !filters.is_empty() {
        return Err(BeaconError::new(
            StatusCode::NOT_IMPLEMENTED,
            "individual",
            format!("filters ({}) need the clinical repository, which is not connected to this server yet", filters.join(", ")),
        ));
    }
    let mut returned = granularity::for_caller(&caller, requested);
    let (exists, count) = match &caller {
        Caller::Anonymous => {
            let n = state.public_read(|store| Ok(store.samples()?.len())).await.map_err(err)?;
            (n > 0, None)
        }
        Caller::Bearer(_) => {
            let project = p.project.clone();
            let size = state.governed(&caller, move |s| Ok(s.cohort_size(project.as_deref(), &CohortSpec::Everyone)?)).await.map_err(err)?;
            let people = size.individuals.unwrap_or(size.samples);
            match people {
                Count::Exact(n) => (n > 0, Some(n)),
                // Fewer than k, or withheld: someone is there, the number is not shown.
                _ => {
                    returned = Granularity::Boolean;
                    (true, None)
                }
            }
        }
    };
    let mut summary = json!({"exists": exists});
    if let (Granularity::Count, Some(n)) = (returned, count) {
        summary["numTotalResults"] = json!(n);
    }
    Ok(Json(json!({
        "meta": meta::response("individual", requested.as_str(), returned.as_str(), json!({}), &filters),
        "responseSummary": summary,
        "info": {"granularityRule": granularity::rule(&caller)},
    })))
}
