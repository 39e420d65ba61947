//! Beacon v2 informational endpoints: `/`, `/info`, `/service-info`, `/configuration`, `/map`,
//! `/entry_types`, `/filtering_terms`.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use super::meta::{self, API_VERSION, BEACON_ID, DEFAULT_MODEL};
use crate::state::AppState;

const ORG: &str = "genohub";

fn entry_types() -> Value {
    json!({
        "genomicVariant": {
            "id": "genomicVariant",
            "name": "Genomic variants",
            "ontologyTermForThisType": {"id": "ENSGLOSSARY:0000092", "label": "Variant"},
            "partOfSpecification": "Beacon v2.0.0",
            "defaultSchema": {"id": "ga4gh-beacon-variant-v2.0.0", "name": "Default schema for a genomic variation",
                "referenceToSchemaDefinition": format!("{DEFAULT_MODEL}/genomicVariations/defaultSchema.json"), "schemaVersion": "v2.0.0"},
            "nonFilteredQueriesAllowed": true
        },
        "individual": {
            "id": "individual",
            "name": "Individuals",
            "ontologyTermForThisType": {"id": "NCIT:C25190", "label": "Person"},
            "partOfSpecification": "Beacon v2.0.0",
            "defaultSchema": {"id": "ga4gh-beacon-individual-v2.0.0", "name": "Default schema for an individual",
                "referenceToSchemaDefinition": format!("{DEFAULT_MODEL}/individuals/defaultSchema.json"), "schemaVersion": "v2.0.0"},
            "nonFilteredQueriesAllowed": true
        }
    })
}

#[utoipa::path(get, path = "/beacon/v2/info", tag = "beacon", responses((status = 200, body = Object, description = "beaconInfoResponse")))]
pub async fn info() -> Json<Value> {
    Json(json!({
        "meta": meta::informational(&["genomicVariant", "individual"]),
        "response": {
            "id": BEACON_ID,
            "name": "genohub Beacon",
            "apiVersion": API_VERSION,
            "environment": "prod",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Variant and individual discovery over the genohub store. Anonymous callers get yes/no answers; registered users get counts under the disclosure rules.",
            "organization": {"id": ORG, "name": "genohub"},
        }
    }))
}

#[utoipa::path(get, path = "/beacon/v2/service-info", tag = "beacon", responses((status = 200, body = Object, description = "GA4GH service-info 1.0.0")))]
pub async fn service_info() -> Json<Value> {
    Json(json!({
        "id": BEACON_ID,
        "name": "genohub Beacon",
        "type": {"group": "org.ga4gh", "artifact": "beacon", "version": API_VERSION},
        "organization": {"name": "genohub", "url": "https://genohub.invalid/"},
        "version": env!("CARGO_PKG_VERSION"),
        "environment": "prod",
    }))
}

#[utoipa::path(get, path = "/beacon/v2/configuration", tag = "beacon", responses((status = 200, body = Object, description = "beaconConfigurationResponse")))]
pub async fn configuration() -> Json<Value> {
    Json(json!({
        "meta": meta::informational(&[]),
        "response": {
            "$schema": "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main/framework/json/configuration/beaconConfigurationSchema.json",
            "maturityAttributes": {"productionStatus": "PROD"},
            "securityAttributes": {"defaultGranularity": "boolean", "securityLevels": ["PUBLIC", "REGISTERED", "CONTROLLED"]},
            "entryTypes": entry_types(),
        }
    }))
}

#[utoipa::path(get, path = "/beacon/v2/map", tag = "beacon", responses((status = 200, body = Object, description = "beaconMapResponse")))]
pub async fn map(State(state): State<AppState>, headers: HeaderMap) -> Json<Value> {
    let base = state.base_url(&headers);
    Json(json!({
        "meta": meta::informational(&[]),
        "response": {
            "$schema": "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main/framework/json/configuration/beaconMapSchema.json",
            "endpointSets": {
                "genomicVariant": {"entryType": "genomicVariant", "rootUrl": format!("{base}/beacon/v2/g_variants"), "endpoints": {}},
                "individual": {"entryType": "individual", "rootUrl": format!("{base}/beacon/v2/individuals"), "endpoints": {}}
            }
        }
    }))
}

#[utoipa::path(get, path = "/beacon/v2/entry_types", tag = "beacon", responses((status = 200, body = Object, description = "beaconEntryTypesResponse")))]
pub async fn entry_types_handler() -> Json<Value> {
    Json(json!({"meta": meta::informational(&[]), "response": {"entryTypes": entry_types()}}))
}

/// Terms a filter may use. Sex and cancer type filters come with the clinical repository;
/// until it is connected none is offered (an offered term must work).
#[utoipa::path(get, path = "/beacon/v2/filtering_terms", tag = "beacon", responses((status = 200, body = Object, description = "beaconFilteringTermsResponse")))]
pub async fn filtering_terms() -> Json<Value> {
    Json(json!({"meta": meta::informational(&[]), "response": {"filteringTerms": [], "resources": []}}))
}
