//! Which samples an analysis reads: everyone, a stored cohort, or names given on the spot;
//! and creating cohorts. Every check happens here, before any genotype is read.
//!
//! Withdrawn samples (consent withdrawn, see genohub-store's exclusions) are never read: all
//! samples and stored cohorts leave them out, a name given on the spot is refused.
//!
//! A cohort may be a rule over clinical data (`cancer_type=LUAD and sample_type=tumor`). Its
//! members are decided when an analysis runs, which needs the clinical repository (and so the
//! hub key): [`prepare`] turns such a cohort into [`SampleSource::Evaluated`] before the
//! analysis resolves it.

use genohub_clinical::{Clinical, GenomicSampleRef};
use genohub_store::{CohortDefinition, CohortRecord, ResolvedSamples, SampleKey, SampleSelection, Store, StoreError};
use time::Date;

use crate::error::{AnalysisError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SampleSource {
    /// Every current sample of the store.
    All,
    /// A cohort stored with [`create_cohort`] or [`create_rule_cohort`].
    Cohort(String),
    /// `NAME` or `CENTER/NAME` each.
    Names(Vec<String>),
    /// A rule cohort's members as evaluated by [`prepare`] (only samples whose genomic data is
    /// in the store).
    Evaluated { cohort: String, samples: Vec<SampleKey> },
}

impl SampleSource {
    /// How the source is named in messages.
    pub fn describe(&self) -> String {
        match self {
            SampleSource::All => "all samples".into(),
            SampleSource::Cohort(c) | SampleSource::Evaluated { cohort: c, .. } => format!("cohort {c}"),
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

/// Names to resolve for a stored list definition.
fn definition_names(record: &CohortRecord) -> Result<Vec<String>> {
    match &record.definition {
        CohortDefinition::Samples(keys) => Ok(keys.iter().map(SampleKey::qualified).collect()),
        CohortDefinition::Rule(rule) => Err(AnalysisError::input(format!(
            "cohort {} is a rule over clinical data ({rule}); its members are decided when an analysis runs, with the hub key (--key)",
            record.name
        ))),
        #[allow(unreachable_patterns)]
        _ => Err(AnalysisError::input(format!("cohort {}: this genohub cannot evaluate its kind of definition", record.name))),
    }
}

/// Evaluates rule cohorts now (with the clinical repository, as of `on`); other sources are
/// returned unchanged. Without a repository a rule cohort is an error naming what is missing.
pub fn prepare(store: &Store, clinical: Option<&Clinical>, source: SampleSource, on: Date) -> Result<SampleSource> {
    let SampleSource::Cohort(name) = &source else { return Ok(source) };
    let Some(record) = store.cohort(name)? else { return Ok(source) };
    let CohortDefinition::Rule(rule) = &record.definition else { return Ok(source) };
    let clinical = clinical.ok_or_else(|| {
        AnalysisError::input(format!("cohort {name} is a rule over clinical data; evaluating it needs the hub key (--key FILE or GENOHUB_KEY_FILE)"))
    })?;
    let matched = clinical.evaluate_rule(rule, on).map_err(|e| AnalysisError::input(format!("cohort {name}: {e}")))?;
    let mut samples = Vec::with_capacity(matched.len());
    for GenomicSampleRef { center, name: sample } in matched {
        // Linked samples whose genomic data has not arrived yet are not part of the analysis.
        if store.sample_by_name(&center, &sample)?.is_some() {
            samples.push(SampleKey { center, name: sample });
        }
    }
    Ok(SampleSource::Evaluated { cohort: name.clone(), samples })
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
            store.resolve_samples(&SampleSelection::Members(names)).map_err(|e| not_found_is_input(e, &format!("cohort {name}")))?
        }
        SampleSource::Evaluated { cohort, samples } => {
            let names = samples.iter().map(SampleKey::qualified).collect();
            store.resolve_samples(&SampleSelection::Members(names)).map_err(|e| not_found_is_input(e, &format!("cohort {cohort}")))?
        }
    };
    if resolved.samples.is_empty() {
        let withdrawn = if resolved.withdrawn.is_empty() { String::new() } else { format!(" ({} withdrawn)", resolved.withdrawn.len()) };
        return Err(AnalysisError::input(format!("{} selects no samples{withdrawn}", source.describe())));
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

/// Creates a cohort defined by a rule over clinical data; the rule is checked now (errors give
/// the column) and evaluated by every analysis that uses the cohort.
pub fn create_rule_cohort(store: &Store, name: &str, rule: &str, created: u64, replace: bool) -> Result<CohortRecord> {
    genohub_store::cohort::check_name(name).map_err(|e| AnalysisError::input(e.to_string()))?;
    genohub_clinical::parse_rule(rule).map_err(|e| AnalysisError::input(format!("cohort {name}: {}", e.render(rule))))?;
    if !replace && store.cohort(name)?.is_some() {
        return Err(AnalysisError::input(format!("cohort {name} already exists (delete it first)")));
    }
    let record = CohortRecord { name: name.to_string(), created, definition: CohortDefinition::Rule(rule.trim().to_string()) };
    store.put_cohort(&record, replace)?;
    Ok(record)
}

/// Members of a stored list cohort as `CENTER/NAME`; a rule cohort has none until evaluated.
pub fn cohort_members(record: &CohortRecord) -> Result<Vec<String>> {
    definition_names(record)
}
