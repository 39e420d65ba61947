//! The one function that decides which samples a purpose may use: the consent in force on the
//! day must allow the purpose (DUO semantics, genohub-duo), research needs the patient's
//! agreement to secondary use, withdrawn patients never count, and the project's cohort rule
//! narrows the set. Pure over plain facts, so it is property-tested without a store.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use time::Date;

use genohub_clinical::{GenomicSampleRef, PatientFacts};
use genohub_duo::Purpose;

/// Why one patient's samples are in or out, for the review committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientVerdict {
    pub pseudonym: String,
    pub samples: Vec<GenomicSampleRef>,
    pub included: bool,
    /// Empty when included.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Eligibility {
    /// The effective sample set.
    pub samples: BTreeSet<GenomicSampleRef>,
    /// Who each effective sample belongs to (for counting individuals).
    pub owner: BTreeMap<GenomicSampleRef, String>,
    pub verdicts: Vec<PatientVerdict>,
}

impl Eligibility {
    /// Distinct individuals among `samples`.
    pub fn individuals<'a>(&self, samples: impl IntoIterator<Item = &'a GenomicSampleRef>) -> BTreeSet<&str> {
        samples.into_iter().filter_map(|s| self.owner.get(s).map(String::as_str)).collect()
    }

    pub fn included_patients(&self) -> usize {
        self.verdicts.iter().filter(|v| v.included).count()
    }
}

/// Decides the effective samples for `purpose` on day `on`.
///
/// `rule` is the set of samples the project's cohort rule selects (None: no rule). `is_a`
/// answers disease subsumption for DS consents. A sample is effective only when every patient
/// it is linked to is eligible: a sample linked to two patients (a data error, or a twin
/// mix-up) counts only if both consents allow it.
pub fn eligible(
    facts: &[PatientFacts],
    purpose: &Purpose,
    on: Date,
    rule: Option<&BTreeSet<GenomicSampleRef>>,
    is_a: &dyn Fn(&str, &str) -> bool,
) -> Eligibility {
    let mut out = Eligibility::default();
    let mut blocked: BTreeSet<&GenomicSampleRef> = BTreeSet::new();
    for p in facts {
        let mut reasons = Vec::new();
        if p.withdrawn {
            reasons.push("consent withdrawn".to_string());
        }
        match &p.consent {
            None if !p.withdrawn => reasons.push("no consent in force".to_string()),
            None => {}
            Some(c) => {
                if !purpose.clinical_care && !c.secondary_use {
                    reasons.push(format!("consent of {} (form {}) does not allow secondary use", c.date, c.form_version));
                }
                if let Err(refusals) = genohub_duo::check(&c.data_use, purpose, on, is_a) {
                    reasons.extend(refusals.iter().map(|r| r.to_string()));
                }
            }
        }
        if reasons.is_empty() {
            if let Some(rule) = rule {
                if !p.samples.iter().any(|s| rule.contains(s)) {
                    reasons.push("not selected by the project's cohort rule".to_string());
                }
            }
        }
        let included = reasons.is_empty();
        if !included {
            blocked.extend(p.samples.iter());
        }
        out.verdicts.push(PatientVerdict { pseudonym: p.pseudonym.clone(), samples: p.samples.clone(), included, reasons });
    }
    for (p, v) in facts.iter().zip(&out.verdicts) {
        if !v.included {
            continue;
        }
        for s in &p.samples {
            if blocked.contains(s) || rule.is_some_and(|r| !r.contains(s)) {
                continue;
            }
            out.samples.insert(s.clone());
            out.owner.insert(s.clone(), p.pseudonym.clone());
        }
    }
    out
}
