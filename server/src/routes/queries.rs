//! Governed queries: variant look-up, genotypes, freq, afdist, assoc, cohort size. Each one is
//! a single call on the caller's governance session, which scopes it (own patients, consent,
//! project) and applies disclosure control; the handler only parses and formats.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};

use genohub_analysis::{AfDistRequest, AssocRequest, AssocTest, Bins, SampleSource};
use genohub_governance::{CohortSpec, DisclosedFreqRow};

use super::params::{self, CohortParams, Format};
use super::stream::governed_body;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

fn tsv(header: &str, rows: impl FnOnce(&mut Vec<u8>)) -> Response {
    let mut out = Vec::from(header.as_bytes());
    out.push(b'\n');
    rows(&mut out);
    ([(header::CONTENT_TYPE, "text/tab-separated-values; charset=utf-8")], out).into_response()
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VariantParams {
    /// `chr20:1000000-1000100` (1-based, inclusive).
    pub region: Option<String>,
    /// Act inside this approved project (researchers).
    pub project: Option<String>,
    /// `json` (default) or `tsv`.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/variants", tag = "queries", params(VariantParams),
    description = "Variants in a region with their counts in the caller's scope (disclosure-controlled).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn variants(State(state): State<AppState>, caller: Caller, Query(p): Query<VariantParams>) -> ApiResult<Response> {
    let format = params::format(p.format.as_deref(), &[Format::Json, Format::Tsv])?;
    let mut regions = params::regions(p.region.as_deref())?;
    if regions.len() != 1 {
        return Err(ApiError::unprocessable("invalid_request", "variants takes one region"));
    }
    let region = regions.remove(0);
    let shown = region.to_string();
    let rows = state.governed(&caller, move |s| Ok(s.variant_lookup(p.project.as_deref(), region)?)).await?;
    Ok(match format {
        Format::Tsv => tsv(DisclosedFreqRow::TSV_HEADER, |out| rows.iter().for_each(|r| r.write_tsv(out))),
        _ => Json(json!({"region": shown, "variants": rows})).into_response(),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct GenotypeParams {
    /// Comma-separated regions.
    pub region: Option<String>,
    pub project: Option<String>,
    #[serde(flatten)]
    #[param(inline)]
    pub cohort: CohortParams,
}

#[utoipa::path(get, path = "/api/v1/genotypes", tag = "queries", params(GenotypeParams),
    description = "Individual genotypes as VCF: a clinician's own patients, or a record-level project's samples.",
    responses((status = 200, description = "VCF text", content_type = "text/vcf"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn genotypes(State(state): State<AppState>, caller: Caller, Query(p): Query<GenotypeParams>) -> ApiResult<Response> {
    let regions = params::regions(p.region.as_deref())?;
    let spec = p.cohort.spec()?;
    let body: Body = governed_body(&state, &caller, move |s| {
        let view = s.genotypes(p.project.as_deref(), regions, &spec)?;
        Ok(Box::new(move |mut out: Box<dyn std::io::Write + Send>| {
            out.write_all(view.header().as_bytes())?;
            view.write(&mut |text| out.write_all(text))?;
            out.flush()?;
            Ok(())
        }))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/vcf; charset=utf-8")], body).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FreqParams {
    pub region: Option<String>,
    pub project: Option<String>,
    pub format: Option<String>,
    #[serde(flatten)]
    #[param(inline)]
    pub cohort: CohortParams,
}

#[utoipa::path(get, path = "/api/v1/freq", tag = "queries", params(FreqParams),
    description = "Allele and genotype counts per variant with HWE, over a cohort in the caller's scope (disclosure-controlled).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn freq(State(state): State<AppState>, caller: Caller, Query(p): Query<FreqParams>) -> ApiResult<Response> {
    let format = params::format(p.format.as_deref(), &[Format::Json, Format::Tsv])?;
    let regions = params::regions(p.region.as_deref())?;
    let spec = p.cohort.spec()?;
    let rows = state
        .governed(&caller, move |s| {
            let mut rows = Vec::new();
            s.freq(p.project.as_deref(), regions, &spec, |r| {
                rows.push(r);
                Ok(())
            })?;
            Ok(rows)
        })
        .await?;
    Ok(match format {
        Format::Tsv => tsv(DisclosedFreqRow::TSV_HEADER, |out| rows.iter().for_each(|r| r.write_tsv(out))),
        _ => Json(json!({"variants": rows})).into_response(),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AfDistParams {
    /// Comma-separated regions; whole genome when absent.
    pub region: Option<String>,
    pub project: Option<String>,
    #[serde(flatten)]
    #[param(inline)]
    pub cohort: CohortParams,
}

#[utoipa::path(get, path = "/api/v1/afdist", tag = "queries", params(AfDistParams),
    description = "The allele-frequency spectrum (bcftools +af-dist bins), disclosure-controlled.",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn afdist(State(state): State<AppState>, caller: Caller, Query(p): Query<AfDistParams>) -> ApiResult<Json<Value>> {
    let regions = if p.region.is_some() { params::regions(p.region.as_deref())? } else { Vec::new() };
    let spec = p.cohort.spec()?;
    let bins = |s: &str| Bins::parse(s).map_err(ApiError::from);
    let req = AfDistRequest {
        regions,
        samples: SampleSource::All,
        prob_bins: bins(genohub_analysis::bins::DEFAULT_EDGES)?,
        dev_bins: bins(genohub_analysis::bins::DEFAULT_EDGES)?,
        af_bins: bins("0,0.001,0.01,0.05,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1")?,
    };
    let d = state.governed(&caller, move |s| Ok(s.afdist(p.project.as_deref(), req, &spec)?.disclosed)).await?;
    Ok(Json(serde_json::to_value(d).map_err(|e| ApiError::internal("encoding the answer", e))?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssocBody {
    /// Regions (`chr20:1-2000000`); whole genome when empty.
    #[serde(default)]
    pub regions: Vec<String>,
    pub cases: CohortParams,
    pub controls: CohortParams,
    /// `fisher` (default) or `logistic`.
    pub test: Option<String>,
    pub project: Option<String>,
    /// `json` (the only format).
    pub format: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/assoc", tag = "queries", request_body = AssocBody,
    description = "Case/control association per variant, disclosure-controlled.",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn assoc(State(state): State<AppState>, caller: Caller, Json(b): Json<AssocBody>) -> ApiResult<Response> {
    let format = params::format(b.format.as_deref(), &[Format::Json])?;
    let regions = if b.regions.is_empty() { Vec::new() } else { params::regions(Some(&b.regions.join(",")))? };
    let test = match b.test.as_deref().unwrap_or("fisher") {
        "fisher" => AssocTest::Fisher,
        "logistic" => AssocTest::Logistic,
        other => return Err(ApiError::unprocessable("invalid_request", format!("test {other:?}: fisher or logistic"))),
    };
    let (cases, controls): (CohortSpec, CohortSpec) = (b.cases.spec()?, b.controls.spec()?);
    let req = AssocRequest { regions, cases: SampleSource::All, controls: SampleSource::All, test, covariates: None };
    let project = b.project.clone();
    let rows = state
        .governed(&caller, move |s| {
            let mut rows = Vec::new();
            s.assoc(project.as_deref(), req, &cases, &controls, |r| {
                rows.push(r);
                Ok(())
            })?;
            Ok(rows)
        })
        .await?;
    let _ = format;
    Ok(Json(json!({"variants": rows})).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CohortSizeParams {
    pub project: Option<String>,
    #[serde(flatten)]
    #[param(inline)]
    pub cohort: CohortParams,
}

#[utoipa::path(get, path = "/api/v1/cohorts/size", tag = "queries", params(CohortSizeParams),
    description = "How many samples and individuals a cohort holds in the caller's scope (disclosure-controlled).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cohort_size(State(state): State<AppState>, caller: Caller, Query(p): Query<CohortSizeParams>) -> ApiResult<Json<Value>> {
    let spec = p.cohort.spec()?;
    let size = state.governed(&caller, move |s| Ok(s.cohort_size(p.project.as_deref(), &spec)?)).await?;
    Ok(Json(serde_json::to_value(size).map_err(|e| ApiError::internal("encoding the answer", e))?))
}
