//! The hub's HTTP service on axum. The server adds no rules of its own: it authenticates
//! (through [`auth`], the one seam to the governance layer), calls the governed library, and
//! shapes the answer. Areas: uploads and ingest jobs (`/api/v1/uploads`, `/api/v1/jobs`),
//! governed queries (`/api/v1/...`), GA4GH Beacon v2 (`/beacon/v2`), htsget 1.3 (`/htsget`),
//! and the OpenAPI document (`/api/v1/openapi.json`). See docs/api.md.

pub mod auth;
pub mod beacon;
pub mod config;
pub mod error;
pub mod htsget;
pub mod jobs;
pub mod logging;
pub mod openapi;
pub mod routes;
pub mod serve;
pub mod state;
pub mod tls;
pub mod uploads;

pub use config::{ServerConfig, TlsFiles};
pub use routes::router;
pub use serve::{serve, serve_with, Server};
pub use state::{AppState, HubSetup};
