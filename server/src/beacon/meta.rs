//! The `meta` sections every Beacon v2 answer carries, and its error response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub const BEACON_ID: &str = "org.genohub.beacon";
pub const API_VERSION: &str = "v2.0.0";
pub const DEFAULT_MODEL: &str = "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main/models/json/beacon-v2-default-model";

/// The schema each entry type's records follow (Beacon v2 default model).
pub fn entity_schema(entity: &str) -> Value {
    let (dir, file) = match entity {
        "individual" => ("individuals", "defaultSchema.json"),
        _ => ("genomicVariations", "defaultSchema.json"),
    };
    json!({"entityType": entity, "schema": format!("{DEFAULT_MODEL}/{dir}/{file}")})
}

/// `meta` of informational endpoints (`/info`, `/map`, ...).
pub fn informational(returned: &[&str]) -> Value {
    json!({
        "beaconId": BEACON_ID,
        "apiVersion": API_VERSION,
        "returnedSchemas": returned.iter().map(|e| entity_schema(e)).collect::<Vec<_>>(),
    })
}

/// `meta` of query answers: what was asked and at which granularity it is answered.
pub fn response(entity: &str, requested_granularity: &str, returned_granularity: &str, request_parameters: Value, filters: &[String]) -> Value {
    let mut summary = json!({
        "apiVersion": API_VERSION,
        "requestedSchemas": [entity_schema(entity)],
        "pagination": {"skip": 0, "limit": 0},
        "requestedGranularity": requested_granularity,
    });
    if request_parameters.as_object().is_some_and(|o| !o.is_empty()) {
        summary["requestParameters"] = request_parameters;
    }
    if !filters.is_empty() {
        summary["filters"] = json!(filters);
    }
    json!({
        "beaconId": BEACON_ID,
        "apiVersion": API_VERSION,
        "returnedSchemas": [entity_schema(entity)],
        "returnedGranularity": returned_granularity,
        "receivedRequestSummary": summary,
    })
}

/// A Beacon error response (`beaconErrorResponse`), with the HTTP status mirrored.
pub struct BeaconError {
    pub status: StatusCode,
    pub message: String,
    pub entity: &'static str,
}

impl BeaconError {
    pub fn new(status: StatusCode, entity: &'static str, message: impl Into<String>) -> BeaconError {
        BeaconError { status, message: message.into(), entity }
    }
}

impl IntoResponse for BeaconError {
    fn into_response(self) -> Response {
        let body = json!({
            "meta": response(self.entity, "boolean", "boolean", json!({}), &[]),
            "error": {"errorCode": self.status.as_u16(), "errorMessage": self.message},
        });
        (self.status, Json(body)).into_response()
    }
}

impl From<crate::error::ApiError> for BeaconError {
    fn from(e: crate::error::ApiError) -> BeaconError {
        BeaconError { status: e.status, message: e.message, entity: "genomicVariant" }
    }
}
