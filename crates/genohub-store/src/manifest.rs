//! Records kept about batches, samples and contigs (JSON values: small, read rarely, and
//! readable with `ldb` when debugging a store).

use serde::{Deserialize, Serialize};

use crate::keys::{BatchId, ContigId, SampleId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchStatus {
    /// Being written: invisible to every reader, removed at the next open if never committed.
    Pending,
    Committed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchManifest {
    pub id: BatchId,
    pub status: BatchStatus,
    pub file_name: String,
    pub file_sha256: String,
    pub file_bytes: u64,
    pub center: String,
    /// Seconds since the Unix epoch, UTC.
    pub created: u64,
    pub tool_version: String,
    pub header: String,
    pub reference: Option<String>,
    /// Genome build recognised from the header's contig names and lengths, if any.
    pub build: Option<String>,
    /// Sample ids by column of this batch's genotype blocks.
    #[serde(with = "crate::sample_id_runs")]
    pub samples: Vec<SampleId>,
    pub records_read: u64,
    pub variants: u64,
    pub ref_blocks: u64,
    /// Longest REF per contig, so region queries know how far back a record may start.
    pub max_ref_len: Vec<(ContigId, u64)>,
    /// INFO keys used without a header definition, with whether each is a Flag.
    pub inferred_info: Vec<(String, bool)>,
    pub inferred_filters: Vec<String>,
    pub warnings: Vec<WarningSummary>,
    pub stored_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WarningSummary {
    pub kind: String,
    pub count: u64,
    pub first: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SampleRecord {
    pub id: SampleId,
    pub center: String,
    pub name: String,
    /// Where the sample's current genotypes are: batch and column.
    pub batch: BatchId,
    pub column: u32,
    /// Earlier (batch, column) locations replaced with `--replace`; never read again.
    pub replaced: Vec<(BatchId, u32)>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContigRecord {
    pub id: ContigId,
    pub name: String,
    pub length: Option<u64>,
    pub md5: Option<String>,
}
