//! GA4GH Beacon v2 under `/beacon/v2`.

pub mod g_variants;
pub mod granularity;
pub mod individuals;
pub mod info;
pub mod meta;
pub mod query;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beacon/v2", get(info::info))
        .route("/beacon/v2/", get(info::info))
        .route("/beacon/v2/info", get(info::info))
        .route("/beacon/v2/service-info", get(info::service_info))
        .route("/beacon/v2/configuration", get(info::configuration))
        .route("/beacon/v2/map", get(info::map))
        .route("/beacon/v2/entry_types", get(info::entry_types_handler))
        .route("/beacon/v2/filtering_terms", get(info::filtering_terms))
        .route("/beacon/v2/g_variants", get(g_variants::g_variants))
        .route("/beacon/v2/individuals", get(individuals::individuals))
}
