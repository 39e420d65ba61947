//! Patients and consent, for hospitals: a clinician lists, reads and records consent only for
//! its own hospital's patients (governance's `clinical.read` / `clinical.write`, audited by
//! pseudonym). A patient is named by pseudonym, or by the hospital's own ID with `hospital=`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};

use genohub_clinical::ConsentAction;
use genohub_duo::DataUse;
use genohub_governance::PatientSpec;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct HospitalParam {
    /// With a hospital's own patient ID: the hospital that registered it (a clinician's own).
    pub hospital: Option<String>,
}

fn spec<'a>(id: &'a str, p: &'a HospitalParam) -> PatientSpec<'a> {
    PatientSpec { patient: id, hospital: p.hospital.as_deref() }
}

fn to_json(v: impl serde::Serialize) -> ApiResult<Json<Value>> {
    serde_json::to_value(v).map(Json).map_err(|e| ApiError::internal("encoding the answer", e))
}

fn parse_date(s: &str) -> Result<time::Date, ApiError> {
    let bad = || ApiError::unprocessable("invalid_request", format!("date: expected YYYY-MM-DD, got {s:?}"));
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let (y, m, d) = (y.parse::<i32>().map_err(|_| bad())?, m.parse::<u8>().map_err(|_| bad())?, d.parse::<u8>().map_err(|_| bad())?);
    let month = time::Month::try_from(m).map_err(|_| bad())?;
    time::Date::from_calendar_date(y, month, d).map_err(|_| bad())
}

#[utoipa::path(get, path = "/api/v1/patients", tag = "clinical", params(HospitalParam),
    description = "A hospital's own patients (pseudonyms, consent in force, sample counts).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn patients(State(state): State<AppState>, caller: Caller, Query(p): Query<HospitalParam>) -> ApiResult<Json<Value>> {
    let list = state.governed(&caller, move |s| Ok(s.patients(p.hospital.as_deref())?)).await?;
    Ok(Json(json!({"patients": list})))
}

#[utoipa::path(get, path = "/api/v1/patients/{id}", tag = "clinical", params(("id" = String, Path, description = "pseudonym, or the hospital's patient ID with hospital="), HospitalParam),
    description = "One patient: consent in force, samples, and the record as a Phenopacket (a clinician sees its own hospital's part).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn patient(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, Query(p): Query<HospitalParam>) -> ApiResult<Json<Value>> {
    let view = state.governed(&caller, move |s| Ok(s.patient(spec(&id, &p))?)).await?;
    to_json(view)
}

#[utoipa::path(get, path = "/api/v1/patients/{id}/consent", tag = "clinical", params(("id" = String, Path, description = "pseudonym, or the hospital's patient ID with hospital="), HospitalParam),
    description = "The patient's consent history (consents and withdrawals, oldest first).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn consent(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, Query(p): Query<HospitalParam>) -> ApiResult<Json<Value>> {
    let events = state.governed(&caller, move |s| Ok(s.consent_history(spec(&id, &p))?)).await?;
    Ok(Json(json!({"events": events})))
}

/// A consent signed by the patient.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// The day it was signed, `YYYY-MM-DD`.
    pub date: String,
    /// DUO shorthand, e.g. `GRU+CC`, `DS:oncotree:LUAD+IRB`.
    pub data_use: String,
    pub form_version: String,
    pub secondary_use: bool,
    pub recontact: bool,
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/consent", tag = "clinical", params(("id" = String, Path, description = "pseudonym, or the hospital's patient ID with hospital="), HospitalParam),
    request_body = ConsentBody, description = "Records a new consent (it supersedes the earlier one from its date).",
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_consent(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(p): Query<HospitalParam>,
    Json(b): Json<ConsentBody>,
) -> ApiResult<Response> {
    let date = parse_date(&b.date)?;
    let data_use = DataUse::parse(&b.data_use).map_err(|e| ApiError::unprocessable("invalid_request", format!("data_use: {e}")))?;
    let action = ConsentAction::Consent { data_use, form_version: b.form_version, secondary_use: b.secondary_use, recontact: b.recontact };
    let event = state.governed(&caller, move |s| Ok(s.record_consent(spec(&id, &p), date, action)?)).await?;
    Ok((StatusCode::CREATED, to_json(event)?).into_response())
}

/// A withdrawal of consent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalBody {
    /// The day the patient withdrew, `YYYY-MM-DD`.
    pub date: String,
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/withdrawal", tag = "clinical", params(("id" = String, Path, description = "pseudonym, or the hospital's patient ID with hospital="), HospitalParam),
    request_body = WithdrawalBody,
    description = "Withdraws the patient: their samples leave every answer at once (the store excludes them); `genohub purge` erases them later.",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(p): Query<HospitalParam>,
    Json(b): Json<WithdrawalBody>,
) -> ApiResult<Json<Value>> {
    let date = parse_date(&b.date)?;
    let samples = state.governed(&caller, move |s| Ok(s.withdraw_consent(spec(&id, &p), date)?)).await?;
    let names: Vec<String> = samples.iter().map(|g| format!("{}/{}", g.center, g.name)).collect();
    Ok(Json(json!({"withdrawn": true, "excluded_samples": names})))
}
