//! `GET /beacon/v2/individuals`: does the hub hold individuals (optionally matching filters)?
//! Anonymous callers learn whether any sequenced individual exists; registered callers the
//! number of individuals in their scope, disclosure-controlled by governance. Filters on sex
//! and cancer type (OncoTree codes and NCIT cancer terms, with their subtypes when the hub has
//! an OncoTree) become a clinical cohort rule that governance builds and evaluates.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use genohub_governance::{Count, GovernanceError, IndividualFilters, OncoTree, Role};

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

enum Answer {
    Bit(bool),
    Count(Count),
}

/// Sex terms (NCIT, as the Beacon v2 individual model uses) and the clinical value they mean.
pub const SEX_TERMS: [(&str, &str, &str); 2] = [("NCIT:C16576", "female", "female"), ("NCIT:C20197", "male", "male")];

/// What this beacon filters on, for error messages.
fn filters_offered(tree: Option<&OncoTree>) -> String {
    let cancer = match tree {
        Some(t) => format!("oncotree:CODE or an NCIT cancer term NCIT:Cnnnn of OncoTree {}, each with its subtypes", t.version),
        None => "oncotree:CODE, the exact code: no OncoTree is loaded, so subtypes and NCIT terms are not read".to_string(),
    };
    format!("this beacon filters on sex (NCIT:C16576 female, NCIT:C20197 male) and cancer type ({cancer}); see /beacon/v2/filtering_terms")
}

fn is_ncit_code(code: &str) -> bool {
    code.strip_prefix(['C', 'c']).is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `NCIT:C16576` (female), `NCIT:C20197` (male), `oncotree:CODE` and other `NCIT:Cnnnn` (cancer
/// types, read with the hub's OncoTree `tree`). Codes the tree does not know are refused here,
/// so a client learns of a typo rather than getting "none".
pub fn parse_filters(ids: &[String], tree: Option<&OncoTree>) -> Result<IndividualFilters, BeaconError> {
    let bad = |m: String| BeaconError::new(StatusCode::BAD_REQUEST, "individual", m);
    let mut f = IndividualFilters::default();
    for id in ids {
        if let Some((_, _, sex)) = SEX_TERMS.iter().find(|(t, _, _)| t.eq_ignore_ascii_case(id)) {
            if f.sex.as_deref().is_some_and(|s| s != *sex) {
                return Err(bad("at most one sex filter (an individual has one recorded sex)".into()));
            }
            f.sex = Some(sex.to_string());
            continue;
        }
        match id.split_once(':') {
            Some((prefix, code)) if prefix.eq_ignore_ascii_case("oncotree") && !code.is_empty() => f.cancer_types.push(code.to_ascii_uppercase()),
            Some((prefix, code)) if prefix.eq_ignore_ascii_case("NCIT") && is_ncit_code(code) => f.ncit_cancer_types.push(code.to_ascii_uppercase()),
            _ => return Err(bad(format!("unknown filter {id:?}: {}", filters_offered(tree)))),
        }
    }
    f.rule_with(tree).map_err(|e| bad(format!("{e}: {}", filters_offered(tree))))?;
    Ok(f)
}

fn err(e: crate::error::ApiError) -> BeaconError {
    BeaconError { entity: "individual", ..BeaconError::from(e) }
}

#[utoipa::path(get, path = "/beacon/v2/individuals", tag = "beacon", params(IndividualParams),
    responses((status = 200, body = Object, description = "beaconBooleanResponse or beaconCountResponse"),
              (status = 400, body = Object, description = "beaconErrorResponse"), (status = 401, body = Object, description = "beaconErrorResponse"),
              (status = 403, body = Object, description = "beaconErrorResponse")))]
pub async fn individuals(
    State(state): State<AppState>,
    caller: Result<Caller, crate::error::ApiError>,
    Query(p): Query<IndividualParams>,
) -> Result<Json<Value>, BeaconError> {
    let caller = caller.map_err(err)?;
    let requested = Granularity::parse(p.requested_granularity.as_deref()).map_err(|m| BeaconError::new(StatusCode::BAD_REQUEST, "individual", m))?;
    let filters: Vec<String> = p.filters.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    let parsed = parse_filters(&filters, state.hub.oncotree())?;
    let mut returned = granularity::for_caller(&caller, requested);
    let project = p.project.clone();
    let answer = state
        .session(&caller, move |s| {
            if s.principal().role == Role::Anonymous {
                return Ok(Answer::Bit(s.individuals_exist(&parsed)?));
            }
            match s.individuals_count(project.as_deref(), &parsed) {
                Ok(size) => Ok(Answer::Count(size.individuals.unwrap_or(size.samples))),
                // Governance refuses an empty cohort outside projects; for Beacon that is a 0.
                Err(GovernanceError::Input(m)) if m.contains("no sample you may read") => Ok(Answer::Count(Count::Exact(0))),
                Err(e) => Err(e.into()),
            }
        })
        .await
        .map_err(err)?;
    let (exists, count) = match answer {
        Answer::Bit(b) => (b, None),
        Answer::Count(Count::Exact(n)) => (n > 0, Some(n)),
        // Fewer than k, or withheld: someone is there, the number is not shown.
        Answer::Count(_) => {
            returned = Granularity::Boolean;
            (true, None)
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
