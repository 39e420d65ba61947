//! Data in and out by record: ingest, batch listings, individual genotypes; and the audit log.

use std::path::Path;

use serde_json::json;

use genohub_analysis::SampleSource;
use genohub_store::engine::Batch;
use genohub_store::reads::{ReadSampleRecord, ReadsIngestOptions};
use genohub_store::{BatchManifest, IngestOptions, Progress, Region, SampleSelection, Store, ViewPlan, ViewRequest};

use crate::audit::{self, AuditEntry, AuditFilter, AuditLog, Checkpoint, VerifyReport};
use crate::cohort_spec::CohortSpec;
use crate::error::{GovernanceError, Result};
use crate::matrix::{Operation, Scope};
use crate::session::{Done, Session};

/// Genotypes a principal was allowed to read, ready to be written (the read is audited).
pub struct GovernedView<'h> {
    store: &'h Store,
    pub plan: ViewPlan,
    pub samples: Vec<String>,
}

impl std::fmt::Debug for GovernedView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GovernedView").field("samples", &self.samples).finish_non_exhaustive()
    }
}

impl GovernedView<'_> {
    pub fn header(&self) -> &str {
        &self.plan.header
    }

    /// Streams the records as VCF text lines; returns how many.
    pub fn write(&self, out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> Result<u64> {
        Ok(self.store.write_view(&self.plan, out)?)
    }
}

impl<'h> Session<'h> {
    /// Ingests a file for `opts.center`: an uploader only for its own center.
    pub fn ingest(&self, path: &Path, opts: &IngestOptions, progress: &dyn Progress) -> Result<BatchManifest> {
        let params = json!({"file": path.display().to_string(), "center": opts.center, "replace": opts.replace});
        self.run(Operation::Ingest, None, params, |granted| {
            if granted == Scope::OwnOrg && opts.center != self.principal.org {
                return Err(GovernanceError::forbidden(format!(
                    "{} may ingest only for its own center {}, not {}",
                    self.principal.user, self.principal.org, opts.center
                )));
            }
            let m = self.store().ingest(path, opts, progress)?;
            let size = m.samples.len() as u64;
            Ok((m, Done::size(size)))
        })
    }

    /// Reads (BAM/CRAM) of one sample: depth, callable intervals, QC and the kept file; the
    /// same rule as [`Session::ingest`] (an uploader only for its own center).
    pub fn ingest_reads(&self, path: &Path, opts: &ReadsIngestOptions, progress: &dyn Progress) -> Result<ReadSampleRecord> {
        let params = json!({"file": path.display().to_string(), "center": opts.center, "replace": opts.replace, "reads": true});
        self.run(Operation::Ingest, None, params, |granted| {
            if granted == Scope::OwnOrg && opts.center != self.principal.org {
                return Err(GovernanceError::forbidden(format!(
                    "{} may ingest only for its own center {}, not {}",
                    self.principal.user, self.principal.org, opts.center
                )));
            }
            let record = self.store().ingest_reads(path, opts, progress)?;
            Ok((record, Done::size(1)))
        })
    }

    /// Committed batches: an uploader sees its own center's only.
    pub fn batches(&self) -> Result<Vec<BatchManifest>> {
        self.run(Operation::BatchList, None, json!({}), |granted| {
            let all: Vec<BatchManifest> =
                self.store().committed_batches()?.into_iter().filter(|b| granted != Scope::OwnOrg || b.center == self.principal.org).collect();
            let n = all.len() as u64;
            Ok((all, Done::size(n)))
        })
    }

    /// Individual genotypes: the operator any; a clinician its own hospital's patients; a
    /// researcher the effective samples of a record-level project. Naming a sample outside the
    /// scope is refused, naming it.
    pub fn genotypes(&self, project: Option<&str>, regions: Vec<Region>, samples: &CohortSpec) -> Result<GovernedView<'h>> {
        let params = json!({"regions": regions.iter().map(|r| r.to_string()).collect::<Vec<_>>(), "samples": samples});
        let store: &'h Store = &self.hub.store;
        self.run(Operation::Genotypes, project, params, |granted| {
            let reach = self.reach(Operation::Genotypes, granted, project)?;
            let selection = match reach.eligibility() {
                None => match self.group(&reach, samples, true)?.source() {
                    SampleSource::All => SampleSelection::All,
                    SampleSource::Names(n) => SampleSelection::Names(n),
                    cohort => {
                        SampleSelection::Names(genohub_analysis::resolve(store, &cohort)?.samples.iter().map(|s| format!("{}/{}", s.center, s.name)).collect())
                    }
                },
                Some(_) => {
                    let g = self.group(&reach, samples, true)?;
                    if g.names.is_empty() {
                        return Err(GovernanceError::input("no sample to show"));
                    }
                    SampleSelection::Names(g.names.to_vec())
                }
            };
            let plan = store.plan_view(&ViewRequest { regions, samples: selection })?;
            let names = plan_samples(&plan);
            let n = names.len() as u64;
            Ok((GovernedView { store, plan, samples: names }, Done::size(n)))
        })
    }

    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let params = json!({"project": filter.project, "since": filter.since.map(crate::clock::rfc3339), "actor": filter.actor});
        self.run(Operation::AuditRead, filter.project.as_deref(), params, |_| {
            let entries = AuditLog::entries(self.store().engine(), filter)?;
            let n = entries.len() as u64;
            Ok((entries, Done::size(n)))
        })
    }

    /// Verifies the chain, head and checkpoints with this hub's key. The verification itself is
    /// audited after it ran, so it does not change what it checked.
    pub fn audit_verify(&self) -> Result<VerifyReport> {
        self.run(Operation::AuditVerify, None, json!({}), |_| {
            let report = audit::verify(self.store().engine(), &self.hub.audit.public_key())?;
            let n = report.problems.len() as u64;
            Ok((report, Done::size(n)))
        })
    }

    /// A consistent copy of the store at `dest` (see [`Store::backup`]); the hub key is not
    /// copied.
    pub fn backup(&self, dest: &Path) -> Result<genohub_store::backup::BackupSummary> {
        self.run(Operation::Backup, None, json!({"dest": dest.display().to_string()}), |_| {
            let summary = self.store().backup(dest)?;
            let files = summary.files;
            Ok((summary, Done::size(files)))
        })
    }

    /// Signs a checkpoint of the current head, to be copied somewhere the hub cannot rewrite.
    pub fn audit_checkpoint(&self) -> Result<Option<Checkpoint>> {
        self.run(Operation::AuditVerify, None, json!({"checkpoint": true}), |_| {
            let c = self.hub.audit.checkpoint(self.store().engine(), self.hub.clock.now())?;
            Ok((c, Done::write(Batch::default())))
        })
    }
}

/// Output columns of a view plan (names as the VCF header gives them).
fn plan_samples(plan: &ViewPlan) -> Vec<String> {
    plan.header.lines().last().map(|l| l.split('\t').skip(9).map(String::from).collect()).unwrap_or_default()
}
