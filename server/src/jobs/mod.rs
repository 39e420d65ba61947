//! Ingest jobs: persisted records, a single worker per store, live progress.

pub mod progress;
pub mod queue;
pub mod record;

pub use queue::JobQueue;
pub use record::{IngestOutcome, JobFailure, JobProgress, JobRecord, JobState};
