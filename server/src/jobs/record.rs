//! A job as clients see it and as it is kept on disk (one JSON file per job, replaced
//! atomically), so a restarted server still knows every job it accepted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    /// The server stopped before the job finished; the file is kept and its owner may resume
    /// it (`POST /api/v1/jobs/{id}/resume`). The store holds nothing of it.
    Interrupted,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct JobProgress {
    /// Current phase reported by the ingest (`hashing`, `reading`, ...).
    pub phase: Option<String>,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub records: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobFailure {
    /// Stable code: `invalid_input`, `refused`, `interrupted`, `unsupported_format`, `internal`.
    pub code: String,
    pub message: String,
}

/// What a successful ingest added to the store.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IngestOutcome {
    /// The variant batch written (absent for reads).
    pub batch: Option<u32>,
    pub variants: u64,
    pub samples: usize,
    pub ref_blocks: u64,
    pub warnings: Vec<String>,
    /// For a BAM/CRAM upload: the sample's depth and QC now in the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads: Option<ReadsOutcome>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReadsOutcome {
    /// `CENTER/NAME`, the same sample as its VCF calls.
    pub sample: String,
    pub records: u64,
    pub depth_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    /// The name the file was uploaded under.
    pub file_name: String,
    pub bytes: u64,
    pub sha256: String,
    /// Sequencing center the data is registered under.
    pub center: String,
    /// Principal that submitted the job; only they (and administrators) may read it.
    pub owner: String,
    pub replace: bool,
    pub state: JobState,
    pub progress: JobProgress,
    /// Seconds since the Unix epoch.
    pub created: u64,
    pub started: Option<u64>,
    pub finished: Option<u64>,
    /// How many times the job was started (more than one after a restart resumed it).
    pub attempts: u32,
    pub error: Option<JobFailure>,
    pub result: Option<IngestOutcome>,
}

impl JobRecord {
    pub fn is_done(&self) -> bool {
        matches!(self.state, JobState::Succeeded | JobState::Failed)
    }

    pub fn fail(&mut self, code: &str, message: impl Into<String>) {
        self.state = JobState::Failed;
        self.finished = Some(genohub_store::ingest::now_seconds());
        self.error = Some(JobFailure { code: code.into(), message: message.into() });
    }
}

pub fn record_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.json"))
}

/// Writes the record through a temporary file and a rename, so a crash never leaves half a
/// record behind.
pub fn save(dir: &Path, job: &JobRecord) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{}.json.tmp", job.id));
    let bytes = serde_json::to_vec_pretty(job).map_err(std::io::Error::other)?;
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, record_path(dir, &job.id))
}

/// Every job record in `dir`, oldest first. Unreadable files are reported and skipped.
pub fn load_all(dir: &Path) -> std::io::Result<Vec<JobRecord>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "json") || path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            continue;
        }
        match std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| serde_json::from_slice::<JobRecord>(&b).map_err(|e| e.to_string())) {
            Ok(job) => out.push(job),
            Err(e) => tracing::warn!(file = %path.display(), error = %e, "skipping unreadable job record"),
        }
    }
    out.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    Ok(out)
}
