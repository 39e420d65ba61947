//! genohub's variant store: VCF/BCF/gVCF files become batches of compressed genotype blocks
//! in RocksDB, keyed by contig × 64 kb bin × batch so a region is one range scan.
//!
//! Layers inside the crate: [`keys`] and [`cf`] define the on-disk names, [`engine`] is the
//! only module that knows RocksDB, [`ingest`] writes batches, [`view`] reads them back.

pub mod accumulate;
pub mod backup;
pub mod block;
pub mod callable;
pub mod cf;
pub mod cohort;
pub mod cohort_namespace;
pub mod engine;
pub mod error;
pub mod exclusion;
pub mod hidden;
pub mod ingest;
pub mod keys;
pub mod manifest;
pub mod merge;
pub mod purge;
pub mod reads;
pub mod sample_id_runs;
pub mod sample_record_codec;
pub mod sample_registry;
pub mod select;
pub mod stats;
pub mod store;
pub mod varint;
pub mod view;

pub use cohort::{CohortDefinition, CohortRecord, SampleKey};
pub use error::StoreError;
pub use exclusion::Exclusion;
pub use ingest::{IngestOptions, NoProgress, Progress};
pub use manifest::{BatchManifest, BatchStatus, ContigRecord, SampleRecord};
pub use merge::{Bin, LoadedBlock, Span};
pub use purge::PurgeReport;
pub use select::{ResolvedSamples, SampleSelection};
pub use stats::StoreStats;
pub use store::Store;
pub use view::{ViewPlan, ViewRequest};

pub use genohub_reference::{RefCheck, Region};
