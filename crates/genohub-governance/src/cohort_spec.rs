//! Which samples a query asks about, before scoping: everyone the caller may count, a stored
//! cohort, named samples, or a clinical rule.

use serde::Serialize;

use genohub_analysis::SampleSource;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortSpec {
    /// Every sample in the caller's scope (a project's effective set, for a researcher).
    Everyone,
    /// A saved cohort: the caller's organisation's of that plain name (session_cohorts.rs),
    /// else one stored with `genohub cohort create`; the operator names any by its stored name.
    Cohort(String),
    /// `NAME` or `CENTER/NAME` each.
    Samples(Vec<String>),
    /// A genohub-clinical cohort rule, evaluated today.
    Rule(String),
}

impl From<SampleSource> for CohortSpec {
    fn from(s: SampleSource) -> CohortSpec {
        match s {
            SampleSource::All => CohortSpec::Everyone,
            SampleSource::Cohort(c) => CohortSpec::Cohort(c),
            SampleSource::Names(n) => CohortSpec::Samples(n),
            // A rule cohort already evaluated (genohub-analysis `samples::prepare`).
            SampleSource::Evaluated { samples, .. } => CohortSpec::Samples(samples.iter().map(|k| k.qualified()).collect()),
        }
    }
}
