//! Which samples an analysis reads: everyone, a stored cohort, or names given on the spot;
//! and creating cohorts. Every check happens here, before any genotype is read.

use genohub_store::{CohortDefinition, CohortRecord, ResolvedSamples, SampleKey, SampleSelection, Store, StoreError};

use crate::error::{AnalysisError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SampleSource {
    /// Every current sample of the store.
    All,
    /// A cohort stored with [`create_cohort`].
    Cohort(String),
    /// `NAME` or `CENTER/NAME` each.
    Names(Vec<String>),
}

impl SampleSource {
    /// How the source is named in messages.
    pub fn describe(&self) -> String {
        match self {
            SampleSource::All => "all samples".into(),
            SampleSource::Cohort(c) => format!("cohort {c}"),
            SampleSource::Names(n) => format!("the {} samples given", n.len()),
        }
    }
}

fn not_found_is_input(e: StoreError, what: &str) -> AnalysisError {
    match e {
        StoreError::NotFound(m) | StoreError::Refused(m) => AnalysisError::input(format!("{what}: {m}")),
        other => other.into(),
    }
}

/// Names to resolve for a stored definition.
fn definition_names(record: &CohortRecord) -> Result<Vec<String>> {
    match &record.definition {
        CohortDefinition::Samples(keys) => Ok(keys.iter().map(SampleKey::qualified).collect()),
        #[allow(unreachable_patterns)]
        _ => Err(AnalysisError::input(format!("cohort {}: this genohub cannot evaluate its kind of definition", record.name))),
    }
}

/// Resolves a source to samples; an empty result or any unknown name is an error.
pub fn resolve(store: &Store, source: &SampleSource) -> Result<ResolvedSamples> {
    let resolved = match source {
        SampleSource::All => store.resolve_samples(&SampleSelection::All)?,
        SampleSource::Names(names) => {
            if names.is_empty() {
                return Err(AnalysisError::input("no samples given"));
            }
            store.resolve_samples(&SampleSelection::Names(names.clone())).map_err(|e| not_found_is_input(e, "samples"))?
        }
        SampleSource::Cohort(name) => {
            let record = store.cohort(name)?.ok_or_else(|| AnalysisError::input(format!("unknown cohort {name} (see `genohub cohort list`)")))?;
            let names = definition_names(&record)?;
            if names.is_empty() {
                return Err(AnalysisError::input(format!("cohort {name} is empty")));
            }
            store.resolve_samples(&SampleSelection::Names(names)).map_err(|e| not_found_is_input(e, &format!("cohort {name}")))?
        }
    };
    if resolved.samples.is_empty() {
        return Err(AnalysisError::input(format!("{} selects no samples", source.describe())));
    }
    Ok(resolved)
}

/// Creates (or with `replace`, redefines) a cohort from sample names. Every name must
/// resolve to exactly one current sample; the cohort stores them as (center, name).
pub fn create_cohort(store: &Store, name: &str, samples: &[String], created: u64, replace: bool) -> Result<CohortRecord> {
    genohub_store::cohort::check_name(name).map_err(|e| AnalysisError::input(e.to_string()))?;
    if samples.is_empty() {
        return Err(AnalysisError::input(format!("cohort {name}: no samples given (a cohort cannot be empty)")));
    }
    if !replace && store.cohort(name)?.is_some() {
        return Err(AnalysisError::input(format!("cohort {name} already exists (delete it first)")));
    }
    let resolved = store.resolve_samples(&SampleSelection::Names(samples.to_vec())).map_err(|e| not_found_is_input(e, &format!("cohort {name}")))?;
    let keys = resolved.samples.iter().map(|s| SampleKey { center: s.center.clone(), name: s.name.clone() }).collect();
    let record = CohortRecord { name: name.to_string(), created, definition: CohortDefinition::Samples(keys) };
    store.put_cohort(&record, replace)?;
    Ok(record)
}

/// Members of a stored cohort as `CENTER/NAME`.
pub fn cohort_members(record: &CohortRecord) -> Result<Vec<String>> {
    definition_names(record)
}
