//! What the governance layer needs to know about each patient to decide what a query may
//! count: the consent in force on a day, withdrawal, hospitals, and linked genomic samples.
//! The clinical repository produces these; the policy consumes them (plain data, so the policy
//! can be property-tested without a store).

use genohub_duo::DataUse;
use time::Date;

/// A genomic sample in the variant store: the sequencing center and the sample name there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct GenomicSampleRef {
    pub center: String,
    pub name: String,
}

/// The latest consent event on or before the day asked about (withdrawals excluded: see
/// [`PatientFacts::withdrawn`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentInForce {
    pub data_use: DataUse,
    pub date: Date,
    pub form_version: String,
    /// Research use beyond the patient's own care.
    pub secondary_use: bool,
    pub recontact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFacts {
    /// The keyed pseudonym; the raw hospital ID is never stored.
    pub pseudonym: String,
    /// Hospitals that registered this patient (several when linked).
    pub hospitals: Vec<String>,
    /// None when no consent was ever recorded, or the latest event is a withdrawal.
    pub consent: Option<ConsentInForce>,
    /// True once a withdrawal is recorded, whatever came later.
    pub withdrawn: bool,
    pub samples: Vec<GenomicSampleRef>,
}
