//! Beacon v2 informational endpoints: `/`, `/info`, `/service-info`, `/configuration`, `/map`,
//! `/entry_types`, `/filtering_terms`.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use genohub_governance::filter_terms;

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

/// Terms a filter may use on `/individuals`: sex (NCIT) and cancer type. With the hub's
/// OncoTree: every OncoTree code and every NCIT id of a disease node in it, each matching its
/// subtypes too (the tree's vocabulary, not the codes patients have: those would tell anonymous
/// callers which rare diagnoses the hub holds). Without one: exact OncoTree codes, none listed.
/// Governance evaluates each filter as a clinical cohort rule.
#[utoipa::path(get, path = "/beacon/v2/filtering_terms", tag = "beacon", responses((status = 200, body = Object, description = "beaconFilteringTermsResponse")))]
pub async fn filtering_terms(State(state): State<AppState>) -> Json<Value> {
    let term = |id: &str, label: &str| json!({"type": "ontology", "id": id, "label": label, "scopes": ["individual"]});
    let mut terms: Vec<Value> = super::individuals::SEX_TERMS.iter().map(|(id, label, _)| term(id, label)).collect();
    let tree = state.hub.oncotree();
    let mut oncotree = json!({"id": "oncotree", "name": "OncoTree", "url": "https://oncotree.mskcc.org/", "nameSpacePrefix": "oncotree",
        "iriPrefix": "https://oncotree.mskcc.org/?version=oncotree_latest_stable&field=CODE&search="});
    let matching = match tree {
        Some(t) => {
            terms.extend(filter_terms::cancer_type_terms(t).iter().map(|f| term(&f.id, &f.label)));
            oncotree["version"] = json!(t.version);
            format!(
                "A cancer-type filter matches individuals with a disease of that OncoTree code or of any subtype below it in OncoTree {}; \
                 an NCIT term stands for the OncoTree code(s) carrying that NCI id.",
                t.version
            )
        }
        None => "No OncoTree is loaded: a cancer-type filter oncotree:CODE matches that exact code only (any well-formed code is accepted), \
                 and NCIT cancer terms are not accepted."
            .to_string(),
    };
    Json(json!({
        "meta": meta::informational(&["individual"]),
        "response": {
            "filteringTerms": terms,
            "resources": [
                {"id": "ncit", "name": "NCI Thesaurus", "url": "https://evs.nci.nih.gov/ftp1/NCI_Thesaurus/", "nameSpacePrefix": "NCIT", "iriPrefix": "http://purl.obolibrary.org/obo/NCIT_"},
                oncotree
            ]
        },
        "info": {"cancerTypeMatching": matching}
    }))
}
