//! Public answers (the anonymous Beacon, statistics): yes/no existence and store statistics,
//! authorised by the matrix (`exists`, `stats`) and audited like every other call, so an
//! anonymous caller has no path around the facade.

use std::collections::BTreeSet;

use serde_json::json;

use genohub_clinical::GenomicSampleRef;
use genohub_store::{Region, StoreStats};

use crate::clinical_source::ClinicalSource;
use crate::error::{GovernanceError, Result};
use crate::matrix::Operation;
use crate::session::{Done, Session};
use genohub_analysis::freq_resolved;

/// Clinical filters a public query may use: exact OncoTree codes of the patient's diseases
/// (all must match, each on some disease) and sex. Values are codes, never free rule text,
/// so a public question cannot be an arbitrary clinical rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndividualFilters {
    pub cancer_types: Vec<String>,
    pub sex: Option<String>,
}

fn plain(value: &str) -> Result<&str> {
    if !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        Ok(value)
    } else {
        Err(GovernanceError::input(format!("filter value {value:?}: expected a code of letters, digits, '_' or '-'")))
    }
}

impl IndividualFilters {
    pub fn is_empty(&self) -> bool {
        self.cancer_types.is_empty() && self.sex.is_none()
    }

    /// The clinical cohort rule (docs/clinical.md) these filters stand for; None when empty.
    pub fn rule(&self) -> Result<Option<String>> {
        let mut parts = Vec::new();
        for c in &self.cancer_types {
            parts.push(format!("cancer_type={}", plain(c)?));
        }
        if let Some(s) = &self.sex {
            let s = plain(s)?.to_ascii_lowercase();
            if !matches!(s.as_str(), "female" | "male" | "other" | "unknown") {
                return Err(GovernanceError::input(format!("sex filter {s:?}: expected female, male, other or unknown")));
            }
            parts.push(format!("sex={s}"));
        }
        Ok((!parts.is_empty()).then(|| parts.join(" and ")))
    }
}

impl Session<'_> {
    /// Whether at least one stored sample carries an alternate allele of a variant in `region`
    /// that `matches(pos, ref, alt)` accepts. Over every sample of the store (which never
    /// returns a sample excluded by a withdrawal); the answer is one bit.
    pub fn variant_exists(&self, region: Region, query: serde_json::Value, matches: impl Fn(u64, &str, &str) -> bool) -> Result<bool> {
        self.run(Operation::Exists, None, json!({"variant": query, "region": region.to_string()}), |_| {
            let all = self.hub.scopes.all_samples(self.store())?;
            let mut found = false;
            // A store without samples has no individual carrying anything.
            if !all.samples.is_empty() {
                freq_resolved(self.store(), &all, &[region], |row| {
                    found |= row.ac > 0 && matches(row.pos, &row.reference, &row.alternate);
                    Ok(())
                })?;
            }
            Ok((found, Done::size(1)))
        })
    }

    /// Whether the hub holds an individual matching `filters`: without filters, any stored
    /// sample; with filters, a sample in the store of a patient who matches them, is not
    /// withdrawn and has a consent in force today.
    pub fn individuals_exist(&self, filters: &IndividualFilters) -> Result<bool> {
        self.run(Operation::Exists, None, json!({"individuals": filters}), |_| {
            let store = self.store();
            let present: BTreeSet<GenomicSampleRef> = self
                .hub
                .scopes
                .all_samples(store)
                .map(|r| r.samples.iter().map(|s| GenomicSampleRef { center: s.center.clone(), name: s.name.clone() }).collect())
                .unwrap_or_default();
            let Some(rule) = filters.rule()? else { return Ok((!present.is_empty(), Done::size(1))) };
            let today = self.hub.clock.today();
            let selected = self.hub.clinical.rule_samples(store, &self.hub.key, &rule, today)?;
            let facts = self.hub.clinical.shared(store, &self.hub.key, today)?;
            let consenting: BTreeSet<&GenomicSampleRef> = facts.iter().filter(|p| !p.withdrawn && p.consent.is_some()).flat_map(|p| p.samples.iter()).collect();
            let found = selected.iter().any(|s| present.contains(s) && consenting.contains(s));
            Ok((found, Done::size(1)))
        })
    }

    /// Aggregate statistics of the store: counts and bytes, nothing about anyone.
    pub fn store_stats(&self) -> Result<StoreStats> {
        self.run(Operation::Stats, None, json!({}), |_| Ok((self.store().stats()?, Done::size(1))))
    }
}
