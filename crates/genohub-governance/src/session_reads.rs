//! Reads (BAM/CRAM) of one individual, for htsget: the kept file and its index, handed out
//! only where the principal may see that individual's genotypes (the same rule and the same
//! audited operation, `genotypes`).

use std::path::PathBuf;

use serde_json::json;

use genohub_clinical::GenomicSampleRef;
use genohub_store::SampleKey;

use crate::error::{GovernanceError, Result};
use crate::matrix::Operation;
use crate::session::{Done, Session};

/// A kept read file the principal was allowed to read (the decision is already audited).
#[derive(Debug, Clone)]
pub struct ReadFileAccess {
    /// `CENTER/NAME`.
    pub sample: String,
    /// `bam` or `cram`.
    pub format: &'static str,
    pub file: PathBuf,
    /// The BAI/CSI (BAM) or CRAI (CRAM) index, when one is kept.
    pub index: Option<PathBuf>,
    /// Contig names of the file's header, in header order.
    pub contigs: Vec<String>,
}

impl Session<'_> {
    /// The kept reads of `sample` (`NAME` or `CENTER/NAME`): the operator any; a clinician its
    /// own hospital's patients; a researcher the effective samples of a record-level project
    /// approved for genotypes. A sample withdrawn from the store is not found, whoever asks.
    pub fn read_file(&self, project: Option<&str>, sample: &str) -> Result<ReadFileAccess> {
        self.run(Operation::Genotypes, project, json!({"reads": sample}), |granted| {
            let reach = self.reach(Operation::Genotypes, granted, project)?;
            let store = self.store();
            let record = store.resolve_read_sample(sample).map_err(|e| GovernanceError::NotFound(e.to_string()))?;
            let key = SampleKey { center: record.center.clone(), name: record.name.clone() };
            if store.exclusions()?.contains_key(&key) {
                return Err(GovernanceError::NotFound(format!("no read data for sample {sample}")));
            }
            if let Some(e) = reach.eligibility() {
                let g = GenomicSampleRef { center: record.center.clone(), name: record.name.clone() };
                if !e.samples.contains(&g) {
                    let whose = match &reach.project {
                        Some(p) => format!("project {}'s samples", p.id),
                        None => format!("the patients of {}", self.principal.org),
                    };
                    return Err(GovernanceError::forbidden(format!("sample {} is not one of {whose}", record.qualified())));
                }
            }
            let file = record.stored_file.as_ref().ok_or_else(|| GovernanceError::NotFound(format!("the reads of {} are not kept", record.qualified())))?;
            let access = ReadFileAccess {
                sample: record.qualified(),
                format: record.kind.extension(),
                file: store.root().join(file),
                index: record.stored_index.as_ref().map(|i| store.root().join(i)),
                contigs: record.contigs.iter().map(|c| c.name.clone()).collect(),
            };
            Ok((access, Done::size(1)))
        })
    }
}
