//! Records kept about read samples and their files (JSON, like the store's other registries).

use serde::{Deserialize, Serialize};

use genohub_reads::{ReadQc, ReadsKind};

use super::keys::ReadSampleId;
use crate::keys::ContigId;
use crate::manifest::BatchStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadContig {
    /// Id in the store's contig dictionary (shared with the genotype blocks).
    pub id: ContigId,
    pub name: String,
    pub length: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadSampleRecord {
    pub id: ReadSampleId,
    pub status: BatchStatus,
    pub center: String,
    pub name: String,
    pub kind: ReadsKind,
    pub file_name: String,
    pub file_sha256: String,
    pub file_bytes: u64,
    /// The kept copy and its index, relative to the store directory.
    pub stored_file: Option<String>,
    pub stored_index: Option<String>,
    /// Seconds since the Unix epoch, UTC.
    pub created: u64,
    pub tool_version: String,
    pub reference: Option<String>,
    /// Header contigs in header order.
    pub contigs: Vec<ReadContig>,
    pub min_mapq: u8,
    pub min_depth: u32,
    pub records: u64,
    pub depth_bins: u64,
    pub depth_runs: u64,
    /// Bytes of stored depth values (run-length, compressed) and callable intervals.
    pub depth_bytes: u64,
    pub callable_bytes: u64,
    pub header: String,
    pub qc: Option<ReadQc>,
}

impl ReadSampleRecord {
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.center, self.name)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReadFileRecord {
    pub sha256: String,
    pub kind: ReadsKind,
    /// Relative to the store directory.
    pub path: String,
    pub index: Option<String>,
    pub bytes: u64,
    pub read_sample: ReadSampleId,
    pub center: String,
    pub name: String,
}
