//! htsget 1.3: tickets under `/htsget/{reads,variants}/{id}` whose URLs serve the slices.
//! A variants id is a sample (`NAME` or `CENTER/NAME`, the slash percent-encoded), a reads id
//! a read sample named the same way; every ticket and every slice is allowed only where
//! governance lets the caller see that individual.

pub mod cram_slice;
pub mod error;
pub mod params;
pub mod reads;
pub mod variants;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use genohub_governance::CohortSpec;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::stream::governed_body;
use crate::state::AppState;
use error::HtsgetError;
use params::{HtsgetParams, Slice};

pub const TICKET_TYPE: &str = "application/vnd.ga4gh.htsget.v1.3.0+json; charset=utf-8";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/htsget/reads/{id}", get(reads_ticket))
        .route("/htsget/reads/{id}/data", get(reads_data))
        .route("/htsget/variants/{id}", get(variants_ticket))
        .route("/htsget/variants/{id}/data", get(variants_data))
}

pub(crate) fn encode_component(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// The region's contig must exist (htsget answers NotFound, not an empty slice).
async fn check_contig(state: &AppState, slice: &Slice) -> Result<(), HtsgetError> {
    if let Slice::Records(Some(r)) = slice {
        let contig = r.contig.clone();
        if !state.metadata(move |hub| Ok(hub.contig_known(&contig)?)).await? {
            return Err(HtsgetError::not_found(format!("referenceName {} is not in the store", r.contig)));
        }
    }
    Ok(())
}

fn one_sample(id: &str) -> CohortSpec {
    CohortSpec::Samples(vec![id.to_string()])
}

#[utoipa::path(get, path = "/htsget/variants/{id}", tag = "htsget",
    params(("id" = String, Path, description = "sample: NAME or CENTER/NAME (slash percent-encoded)"), HtsgetParams),
    responses((status = 200, body = Object, description = "htsget ticket"), (status = 400, body = Object), (status = 401, body = Object),
              (status = 403, body = Object), (status = 404, body = Object)),
    security(("bearer" = [])))]
pub async fn variants_ticket(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    Query(p): Query<HtsgetParams>,
    headers: HeaderMap,
) -> Result<Response, HtsgetError> {
    let format = p.format.clone().unwrap_or_else(|| "VCF".into());
    if format != "VCF" {
        return Err(HtsgetError::unsupported_format(format!("variants are served as VCF; {format} is not offered")));
    }
    let slice = p.slice()?;
    let caller = caller?;
    check_contig(&state, &slice).await?;
    // Governance decides whether the caller may see this individual (audited as a genotype
    // read); the ticket is issued only then.
    let (sample, regions, project) = (id.clone(), slice.regions(), p.project.clone());
    state.governed(&caller, move |s| s.genotypes(project.as_deref(), regions, &one_sample(&sample)).map(|_| ()).map_err(ApiError::from)).await?;

    let base = format!("{}/htsget/variants/{}/data", state.base_url(&headers), encode_component(&id));
    // The data URLs need the same credentials as the ticket; htsget carries them per URL.
    let auth: Option<Value> = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(|v| json!({"Authorization": v}));
    let with_auth = |mut u: Value| {
        if let Some(a) = &auth {
            u["headers"] = a.clone();
        }
        u
    };
    let mut urls = vec![with_auth(json!({"url": format!("{base}?class=header"), "class": "header"}))];
    if let Slice::Records(region) = &slice {
        let mut url = format!("{base}?class=body");
        if let Some(r) = region {
            url.push_str(&format!("&referenceName={}&start={}", encode_component(&r.contig), r.start - 1));
            if r.end != u64::MAX {
                url.push_str(&format!("&end={}", r.end));
            }
        }
        if let Some(project) = &p.project {
            url.push_str(&format!("&project={}", encode_component(project)));
        }
        urls.push(with_auth(json!({"url": url, "class": "body"})));
    }
    let ticket = json!({"htsget": {"format": "VCF", "urls": urls}});
    Ok(([(header::CONTENT_TYPE, TICKET_TYPE)], Json(ticket)).into_response())
}

#[utoipa::path(get, path = "/htsget/variants/{id}/data", tag = "htsget",
    params(("id" = String, Path, description = "sample"), HtsgetParams),
    responses((status = 200, description = "BGZF-compressed VCF part", content_type = "application/vnd.ga4gh.vcf"), (status = 401, body = Object), (status = 404, body = Object)),
    security(("bearer" = [])))]
pub async fn variants_data(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    Query(p): Query<HtsgetParams>,
) -> Result<Response, HtsgetError> {
    let slice = match p.class.as_deref() {
        Some("header") => Slice::HeaderOnly,
        Some("body") => HtsgetParams { class: None, ..p.clone() }.slice()?,
        _ => return Err(HtsgetError::invalid_input("class must be header or body")),
    };
    let caller = caller?;
    check_contig(&state, &slice).await?;
    let project = p.project.clone();
    let body = governed_body(&state, &caller, move |s| {
        let view = s.genotypes(project.as_deref(), slice.regions(), &one_sample(&id))?;
        Ok(Box::new(move |out| variants::write_part(&view, &slice, out).map(|_| ())))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/vnd.ga4gh.vcf")], body).into_response())
}

/// The ticket's copy of the caller's credentials, for each data URL.
fn auth_headers(headers: &HeaderMap) -> Option<Value> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(|v| json!({"Authorization": v}))
}

#[utoipa::path(get, path = "/htsget/reads/{id}", tag = "htsget",
    params(("id" = String, Path, description = "read sample: NAME or CENTER/NAME (slash percent-encoded)"), HtsgetParams),
    responses((status = 200, body = Object, description = "htsget ticket"), (status = 400, body = Object), (status = 401, body = Object),
              (status = 403, body = Object), (status = 404, body = Object)),
    security(("bearer" = [])))]
pub async fn reads_ticket(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    Query(p): Query<HtsgetParams>,
    headers: HeaderMap,
) -> Result<Response, HtsgetError> {
    if let Some(format) = p.format.as_deref().filter(|f| !["BAM", "CRAM"].contains(f)) {
        return Err(HtsgetError::unsupported_format(format!("reads are served as BAM or CRAM (as kept); {format} is not offered")));
    }
    let slice = reads::ReadSlice::parse(&p)?;
    let caller = caller?;
    // Governance decides (and audits, as a genotype read) whether the caller may see this
    // individual; the ticket is issued only then.
    let (sample, project) = (id.clone(), p.project.clone());
    let access = state.governed(&caller, move |s| Ok(s.read_file(project.as_deref(), &sample)?)).await?;
    let format = reads::check(&access, &slice, p.format.as_deref())?;

    let base = format!("{}/htsget/reads/{}/data", state.base_url(&headers), encode_component(&id));
    let project = p.project.as_deref().map(|p| format!("&project={}", encode_component(p))).unwrap_or_default();
    let auth = auth_headers(&headers);
    let url = |query: String, class: &str| {
        let mut u = json!({"url": format!("{base}?format={}&{query}{project}", format.name()), "class": class});
        if let Some(a) = &auth {
            u["headers"] = a.clone();
        }
        u
    };
    let mut urls = vec![url(reads::ReadSlice::Header.query(), "header")];
    if slice != reads::ReadSlice::Header {
        urls.push(url(slice.query(), "body"));
    }
    // A CRAM's parts are byte ranges of the kept file; its EOF container ends the last one.
    if format == reads::ReadFormat::Cram {
        urls.push(url(reads::ReadSlice::Eof.query(), if slice == reads::ReadSlice::Header { "header" } else { "body" }));
    }
    Ok(([(header::CONTENT_TYPE, TICKET_TYPE)], Json(json!({"htsget": {"format": format.name(), "urls": urls}}))).into_response())
}

#[utoipa::path(get, path = "/htsget/reads/{id}/data", tag = "htsget",
    params(("id" = String, Path, description = "read sample"), HtsgetParams),
    responses((status = 200, description = "BAM part (BGZF) or CRAM part (byte range of the kept file)", content_type = "application/vnd.ga4gh.bam"), (status = 401, body = Object),
              (status = 403, body = Object), (status = 404, body = Object)),
    security(("bearer" = [])))]
pub async fn reads_data(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    Query(p): Query<HtsgetParams>,
) -> Result<Response, HtsgetError> {
    let slice = reads::ReadSlice::parse_data(&p)?;
    let caller = caller?;
    let (project, requested) = (p.project.clone(), p.format.clone());
    // The kept file's format, known inside the governed call, names the body's content type.
    let served = std::sync::Arc::new(std::sync::OnceLock::new());
    let served_in = served.clone();
    let body = governed_body(&state, &caller, move |s| {
        let access = s.read_file(project.as_deref(), &id)?;
        let format =
            reads::check(&access, &slice, requested.as_deref()).map_err(|e| ApiError { status: e.status, code: "invalid_request", message: e.message })?;
        let _ = served_in.set(format);
        let part = reads::Part::prepare(access, slice, format).map_err(|e| ApiError::internal("preparing a read slice", format!("{e:#}")))?;
        Ok(Box::new(move |out| part.write(out).map(|_| ())))
    })
    .await?;
    let format = served.get().copied().unwrap_or(reads::ReadFormat::Bam);
    Ok(([(header::CONTENT_TYPE, format.content_type())], body).into_response())
}
