//! The OpenAPI document, generated from the handlers' annotations, at
//! `/api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{beacon, htsget, routes};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "genohub", description = "The genohub hub API: uploads and jobs, governed queries, GA4GH Beacon v2 and htsget 1.3."),
    paths(
        routes::health::health,
        routes::health::stats,
        routes::uploads::put_upload,
        routes::jobs::get_job,
        routes::jobs::list_jobs,
        routes::jobs::resume_job,
        routes::queries::variants,
        routes::queries::genotypes,
        routes::queries::freq,
        routes::queries::afdist,
        routes::queries::assoc,
        routes::queries::cohort_size,
        routes::cohorts::list,
        routes::cohorts::create,
        routes::cohorts::show,
        routes::cohorts::delete,
        routes::projects::list,
        routes::projects::submit,
        routes::projects::get_one,
        routes::projects::approve,
        routes::projects::reject,
        routes::projects::revoke,
        routes::projects::renew,
        routes::projects::explain,
        routes::audit::entries,
        routes::audit::verify,
        routes::clinical::patients,
        routes::clinical::patient,
        routes::clinical::consent,
        routes::clinical::record_consent,
        routes::clinical::withdraw,
        openapi_json,
        beacon::info::info,
        beacon::info::service_info,
        beacon::info::configuration,
        beacon::info::map,
        beacon::info::entry_types_handler,
        beacon::info::filtering_terms,
        beacon::g_variants::g_variants,
        beacon::individuals::individuals,
        htsget::variants_ticket,
        htsget::variants_data,
        htsget::reads_ticket,
        htsget::reads_data,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service", responses((status = 200, body = Object, description = "this document")))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
