//! Where the governance layer learns about patients: the seam to genohub-clinical.
//!
//! The policy needs, for a day, every patient's consent in force, withdrawal, hospitals and
//! linked genomic samples, and the samples a cohort rule selects. [`ClinicalSource`] is that
//! contract; [`ClinicalRepository`] answers it from genohub-clinical's repository in the hub's
//! own store (the default), [`FactsTable`] from facts given directly.

use std::collections::BTreeSet;

use time::Date;

use genohub_clinical::{Clinical, ClinicalError, GenomicSampleRef, PatientFacts};
use genohub_keys::HubKey;
use genohub_store::Store;

use crate::error::{GovernanceError, Result};

pub trait ClinicalSource: Send + Sync {
    /// Every patient's facts as of `on`.
    fn patient_facts(&self, store: &Store, key: &HubKey, on: Date) -> Result<Vec<PatientFacts>>;
    /// The genomic samples a cohort rule selects on `on`.
    fn rule_samples(&self, store: &Store, key: &HubKey, rule: &str, on: Date) -> Result<BTreeSet<GenomicSampleRef>>;
    /// Checks a rule's syntax (at project submission, before anything is stored).
    fn check_rule(&self, rule: &str) -> Result<()>;
}

/// Facts supplied as a table; rules are refused (there is no clinical data to evaluate them on).
#[derive(Debug, Clone, Default)]
pub struct FactsTable {
    pub facts: Vec<PatientFacts>,
}

impl ClinicalSource for FactsTable {
    fn patient_facts(&self, _: &Store, _: &HubKey, _: Date) -> Result<Vec<PatientFacts>> {
        Ok(self.facts.clone())
    }

    fn rule_samples(&self, _: &Store, _: &HubKey, rule: &str, _: Date) -> Result<BTreeSet<GenomicSampleRef>> {
        Err(GovernanceError::input(format!("cohort rule {rule:?}: no clinical repository to evaluate it on")))
    }

    fn check_rule(&self, rule: &str) -> Result<()> {
        Err(GovernanceError::input(format!("cohort rule {rule:?}: no clinical repository to evaluate it on")))
    }
}

/// The clinical repository kept in the hub's store (genohub-clinical).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClinicalRepository;

pub(crate) fn clinical_error(e: ClinicalError) -> GovernanceError {
    match e {
        ClinicalError::Store(s) => GovernanceError::Store(s),
        ClinicalError::Corrupt(m) => GovernanceError::Corrupt(format!("clinical data: {m}")),
        ClinicalError::NotFound(m) => GovernanceError::NotFound(m),
        other => GovernanceError::input(other.to_string()),
    }
}

impl ClinicalSource for ClinicalRepository {
    fn patient_facts(&self, store: &Store, key: &HubKey, on: Date) -> Result<Vec<PatientFacts>> {
        Clinical::new(store, key).and_then(|c| c.patient_facts(on)).map_err(clinical_error)
    }

    fn rule_samples(&self, store: &Store, key: &HubKey, rule: &str, on: Date) -> Result<BTreeSet<GenomicSampleRef>> {
        self.check_rule(rule)?;
        Ok(Clinical::new(store, key).and_then(|c| c.evaluate_rule(rule, on)).map_err(clinical_error)?.into_iter().collect())
    }

    fn check_rule(&self, rule: &str) -> Result<()> {
        genohub_clinical::parse_rule(rule).map(drop).map_err(|e| GovernanceError::input(format!("cohort rule: {}", e.render(rule))))
    }
}
