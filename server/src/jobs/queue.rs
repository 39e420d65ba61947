//! The ingest queue: one worker thread per store runs one ingest at a time (RocksDB and the
//! store's block encoder already use every core). Every ingest goes through the governed
//! session of the token that uploaded it, so it is authorised and audited like any call.
//!
//! Jobs are persisted before they are acknowledged. Tokens are never written to disk, so a
//! job the server could not finish before it stopped cannot run again on its own: at the
//! next start it is `interrupted`, its file kept, and its owner resumes it with their token
//! (the store discarded the uncommitted batch of an interrupted run when it was opened).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use genohub_formats::FileKind;
use genohub_governance::{GovernanceError, Hub};
use genohub_store::reads::ReadsIngestOptions;
use genohub_store::{IngestOptions, StoreError};

use super::progress::LiveProgress;
use super::record::{self, IngestOutcome, JobRecord, JobState, ReadsOutcome};
use crate::error::strip_paths;

#[derive(Clone)]
pub struct JobQueue {
    inner: Arc<Inner>,
}

struct Inner {
    jobs_dir: PathBuf,
    uploads_dir: PathBuf,
    hub: Arc<Hub>,
    reference: Option<PathBuf>,
    jobs: Mutex<BTreeMap<String, JobRecord>>,
    /// Bearer tokens of queued jobs, in memory only.
    tokens: Mutex<HashMap<String, String>>,
    live: Mutex<Option<(String, Arc<LiveProgress>)>>,
    sender: Mutex<Option<mpsc::Sender<String>>>,
    stopping: AtomicBool,
    stopped: Mutex<Option<mpsc::Receiver<()>>>,
}

impl JobQueue {
    /// Loads the job records under `spool`, settles the ones a previous run left unfinished,
    /// and starts the worker.
    pub fn open(spool: &Path, hub: Arc<Hub>, reference: Option<PathBuf>) -> std::io::Result<JobQueue> {
        let jobs_dir = spool.join("jobs");
        let uploads_dir = spool.join("uploads");
        std::fs::create_dir_all(&jobs_dir)?;
        std::fs::create_dir_all(&uploads_dir)?;
        let (tx, rx) = mpsc::channel::<String>();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let inner = Arc::new(Inner {
            jobs_dir,
            uploads_dir,
            hub,
            reference,
            jobs: Mutex::new(BTreeMap::new()),
            tokens: Mutex::new(HashMap::new()),
            live: Mutex::new(None),
            sender: Mutex::new(Some(tx)),
            stopping: AtomicBool::new(false),
            stopped: Mutex::new(Some(done_rx)),
        });
        for mut job in record::load_all(&inner.jobs_dir)? {
            if matches!(job.state, JobState::Queued | JobState::Running) {
                job.progress = Default::default();
                if inner.upload_path(&job).exists() {
                    tracing::info!(job = %job.id, state = ?job.state, "a job left unfinished by the previous run is interrupted; its owner may resume it");
                    job.state = JobState::Interrupted;
                } else {
                    job.fail("interrupted", "the server stopped and the uploaded file was lost; upload it again");
                }
                record::save(&inner.jobs_dir, &job)?;
            }
            inner.jobs.lock().unwrap().insert(job.id.clone(), job);
        }
        let worker = inner.clone();
        std::thread::Builder::new().name("genohub-ingest".into()).spawn(move || {
            for id in rx {
                if worker.stopping.load(Ordering::SeqCst) {
                    break;
                }
                worker.run(&id);
            }
            let _ = done_tx.send(());
        })?;
        Ok(JobQueue { inner })
    }

    /// Where the body of a new upload goes: `uploads/ID/NAME`, so the store's manifest records
    /// the client's file name.
    pub fn upload_path_for(&self, id: &str, file_name: &str) -> PathBuf {
        self.inner.uploads_dir.join(id).join(file_name)
    }

    /// Persists and queues a job whose file is complete at [`Self::upload_path_for`]; it will
    /// run in the session of `token`.
    pub fn submit(&self, job: JobRecord, token: String) -> std::io::Result<JobRecord> {
        record::save(&self.inner.jobs_dir, &job)?;
        self.inner.jobs.lock().unwrap().insert(job.id.clone(), job.clone());
        self.enqueue(&job.id, token);
        Ok(job)
    }

    fn enqueue(&self, id: &str, token: String) {
        self.inner.tokens.lock().unwrap().insert(id.to_string(), token);
        let sent = self.inner.sender.lock().unwrap().as_ref().map(|tx| tx.send(id.to_string()).is_ok()).unwrap_or(false);
        if !sent {
            tracing::info!(job = %id, "queue closed; the job will be interrupted and resumable at the next start");
        }
    }

    /// Queues an interrupted job again, in the session of `token` (its owner's, checked by
    /// the caller). Returns the job, or None when it is not interrupted.
    pub fn resume(&self, id: &str, token: String) -> std::io::Result<Option<JobRecord>> {
        let job = {
            let mut jobs = self.inner.jobs.lock().unwrap();
            let Some(job) = jobs.get_mut(id) else { return Ok(None) };
            if job.state != JobState::Interrupted {
                return Ok(None);
            }
            job.state = JobState::Queued;
            job.clone()
        };
        record::save(&self.inner.jobs_dir, &job)?;
        self.enqueue(id, token);
        Ok(Some(job))
    }

    /// The job with its live progress when running.
    pub fn get(&self, id: &str) -> Option<JobRecord> {
        let mut job = self.inner.jobs.lock().unwrap().get(id).cloned()?;
        if job.state == JobState::Running {
            if let Some((live_id, live)) = self.inner.live.lock().unwrap().as_ref() {
                if live_id == id {
                    job.progress = live.snapshot();
                }
            }
        }
        Some(job)
    }

    pub fn list(&self) -> Vec<JobRecord> {
        let ids: Vec<String> = self.inner.jobs.lock().unwrap().keys().cloned().collect();
        ids.iter().filter_map(|id| self.get(id)).collect()
    }

    /// Stops taking jobs and waits up to `grace` for the running one. Jobs still queued or
    /// running afterwards stay so on disk and are `interrupted` at the next start.
    pub fn shutdown(&self, grace: Duration) -> bool {
        self.inner.stopping.store(true, Ordering::SeqCst);
        self.inner.sender.lock().unwrap().take();
        let Some(done) = self.inner.stopped.lock().unwrap().take() else { return true };
        let finished = done.recv_timeout(grace).is_ok();
        if !finished {
            tracing::warn!("an ingest was still running at shutdown; it will be resumable at the next start");
        }
        finished
    }
}

impl Inner {
    fn upload_path(&self, job: &JobRecord) -> PathBuf {
        self.uploads_dir.join(&job.id).join(&job.file_name)
    }

    fn update(&self, job: &JobRecord) {
        if let Err(e) = record::save(&self.jobs_dir, job) {
            tracing::error!(job = %job.id, error = %e, "could not persist the job record");
        }
        self.jobs.lock().unwrap().insert(job.id.clone(), job.clone());
    }

    fn run(&self, id: &str) {
        let Some(mut job) = self.jobs.lock().unwrap().get(id).cloned() else { return };
        let Some(token) = self.tokens.lock().unwrap().remove(id) else { return };
        if job.state != JobState::Queued {
            return;
        }
        let path = self.upload_path(&job);
        job.state = JobState::Running;
        job.started = Some(genohub_store::ingest::now_seconds());
        job.attempts += 1;
        let live = Arc::new(LiveProgress::default());
        *self.live.lock().unwrap() = Some((job.id.clone(), live.clone()));
        self.update(&job);
        tracing::info!(job = %job.id, file = %job.file_name, bytes = job.bytes, "ingest started");

        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.ingest(&job, &token, &path, &live)));
        job.progress = live.snapshot();
        *self.live.lock().unwrap() = None;
        match outcome {
            Ok(Ok(result)) => {
                job.state = JobState::Succeeded;
                job.finished = Some(genohub_store::ingest::now_seconds());
                tracing::info!(job = %job.id, batch = ?result.batch, variants = result.variants, "ingest succeeded");
                job.result = Some(result);
            }
            Ok(Err((code, message))) => {
                tracing::warn!(job = %job.id, code, %message, "ingest failed");
                job.fail(code, message);
            }
            Err(_) => {
                tracing::error!(job = %job.id, "ingest panicked");
                job.fail("internal", "the ingest failed unexpectedly; the store is unchanged and the server log has the details");
            }
        }
        // The file is not needed once the job is settled either way: a failed job is retried
        // by uploading again.
        if let Err(e) = std::fs::remove_dir_all(self.uploads_dir.join(&job.id)) {
            tracing::warn!(job = %job.id, error = %e, "could not remove the spooled upload");
        }
        self.update(&job);
    }

    fn ingest(&self, job: &JobRecord, token: &str, path: &Path, live: &LiveProgress) -> Result<IngestOutcome, (&'static str, String)> {
        let kind = genohub_formats::detect_path(path).map_err(|e| ("invalid_input", strip_paths(&e.to_string())))?;
        match kind {
            k if k.is_variants() => {}
            FileKind::Bam | FileKind::Cram => return self.ingest_reads(job, token, path, live),
            FileKind::PlainGzip => return Err(("invalid_input", format!("{}: plain gzip is not accepted; compress with bgzip", job.file_name))),
            _ => return Err(("invalid_input", format!("{}: not a VCF, BCF, gVCF, BAM or CRAM file", job.file_name))),
        }
        let session = self.hub.authenticate(token).map_err(|e| ("unauthenticated", e.to_string()))?;
        let opts = IngestOptions {
            center: job.center.clone(),
            reference: self.reference.clone(),
            replace: job.replace,
            threads: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            ..Default::default()
        };
        let manifest = session.ingest(path, &opts, live).map_err(|e| failure(job, e))?;
        Ok(IngestOutcome {
            batch: Some(manifest.id),
            variants: manifest.variants,
            samples: manifest.samples.len(),
            ref_blocks: manifest.ref_blocks,
            warnings: manifest.warnings.iter().map(|w| format!("{} ({}×): {}", w.kind, w.count, strip_paths(&w.first))).collect(),
            reads: None,
        })
    }

    fn ingest_reads(&self, job: &JobRecord, token: &str, path: &Path, live: &LiveProgress) -> Result<IngestOutcome, (&'static str, String)> {
        let session = self.hub.authenticate(token).map_err(|e| ("unauthenticated", e.to_string()))?;
        let opts = ReadsIngestOptions {
            center: job.center.clone(),
            reference: self.reference.clone(),
            replace: job.replace,
            threads: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            ..Default::default()
        };
        let r = session.ingest_reads(path, &opts, live).map_err(|e| failure(job, e))?;
        Ok(IngestOutcome {
            batch: None,
            variants: 0,
            samples: 1,
            ref_blocks: 0,
            warnings: Vec::new(),
            reads: Some(ReadsOutcome { sample: format!("{}/{}", r.center, r.name), records: r.records, depth_bytes: r.depth_bytes }),
        })
    }
}

/// A failed ingest as the client sees it: a stable code, and a message without server paths
/// (or none at all when the failure is internal).
fn failure(job: &JobRecord, e: GovernanceError) -> (&'static str, String) {
    let code = match &e {
        GovernanceError::Store(StoreError::Format(_)) => "invalid_input",
        GovernanceError::Store(StoreError::Refused(_) | StoreError::NotFound(_) | StoreError::Reference(_)) => "refused",
        GovernanceError::Forbidden(_) => "forbidden",
        GovernanceError::Refused(_) | GovernanceError::Input(_) => "refused",
        _ => "internal",
    };
    if code == "internal" {
        tracing::error!(job = %job.id, error = %e, "ingest failed inside the store");
        (code, "the store could not complete the ingest; it is unchanged and the server log has the details".to_string())
    } else {
        (code, strip_paths(&e.to_string()))
    }
}
