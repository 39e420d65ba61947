//! Sequencing reads (BAM/CRAM) → per-base depth, callable intervals, QC.
//!
//! Depth follows mosdepth's default mode exactly (see [`depth`]); it is produced as run-length
//! bins of 64 kb ([`rle`]) in one streaming pass ([`scan`]), memory bounded by the longest read
//! span, not by the genome. Nothing here knows the store: bins go to a sink.

pub mod alignment;
pub mod bam_raw;
pub mod bins;
pub mod cigar;
pub mod depth;
pub mod error;
pub mod header;
pub mod plot;
pub mod qc;
pub mod rle;
pub mod sam_to_bam;
pub mod scan;
pub mod tee;

pub use bins::DepthBin;
pub use depth::{BIN_SHIFT, BIN_SIZE};
pub use error::ReadsError;
pub use header::{ReadsHeader, RefSeq};
pub use qc::{ContigCoverage, ReadQc};
pub use rle::Run;
pub use scan::{sniff, FinishedBin, ReadsKind, ReadsScan, ScanOptions, ScanOutcome};
