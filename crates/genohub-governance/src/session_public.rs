//! Public answers (the anonymous Beacon, statistics): yes/no existence and store statistics,
//! authorised by the matrix (`exists`, `stats`) and audited like every other call, so an
//! anonymous caller has no path around the facade.

use std::collections::BTreeSet;

use serde_json::json;

use genohub_clinical::GenomicSampleRef;
use genohub_store::{Region, StoreStats};

use crate::clinical_source::ClinicalSource;
use crate::cohort_spec::CohortSpec;
use crate::error::{GovernanceError, Result};
use crate::filter_terms;
use crate::matrix::Operation;
use crate::oncotree::OncoTree;
use crate::session::{Done, Session};
use crate::session_query::CohortSize;

/// Clinical filters a public query may use (all must hold): cancer types as OncoTree codes
/// (`LUAD`) or NCIT cancer terms (`C2926`), each matching a patient with some disease of that
/// type or, with the hub's OncoTree, of a subtype of it ([`crate::filter_terms`]); and sex.
/// Values are codes, never free rule text, so a public question cannot be an arbitrary
/// clinical rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndividualFilters {
    pub cancer_types: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ncit_cancer_types: Vec<String>,
    pub sex: Option<String>,
}

/// OncoTree spells a few codes with '-' or '/' (`HCL-V`, `MDS/MPN`); rules quote every value.
fn plain(value: &str) -> Result<&str> {
    if !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-/".contains(&b)) {
        Ok(value)
    } else {
        Err(GovernanceError::input(format!("filter value {value:?}: expected a code of letters, digits, '_', '-' or '/'")))
    }
}

impl IndividualFilters {
    pub fn is_empty(&self) -> bool {
        self.cancer_types.is_empty() && self.ncit_cancer_types.is_empty() && self.sex.is_none()
    }

    /// The clinical cohort rule (docs/clinical.md) these filters stand for, read with `tree`
    /// (the hub's, [`Hub::oncotree`](crate::Hub::oncotree)); None when empty. An OncoTree code
    /// the tree lacks, or an NCIT id no disease node carries, is an input error.
    pub fn rule_with(&self, tree: Option<&OncoTree>) -> Result<Option<String>> {
        let mut parts = Vec::new();
        for c in &self.cancer_types {
            parts.push(filter_terms::oncotree_clause(tree, plain(c)?)?);
        }
        for c in &self.ncit_cancer_types {
            parts.push(filter_terms::ncit_clause(tree, plain(c)?)?);
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
                let rows = self.hub.lookups.rows(self.store(), &all, &region)?;
                found = rows.iter().any(|row| row.ac > 0 && matches(row.pos, &row.reference, &row.alternate));
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
            let Some(rule) = filters.rule_with(self.hub.oncotree.as_ref())? else { return Ok((!present.is_empty(), Done::size(1))) };
            let today = self.hub.clock.today();
            let selected = self.hub.clinical.rule_samples(store, &self.hub.key, &rule, today)?;
            let facts = self.hub.clinical.shared(store, &self.hub.key, today)?;
            let consenting: BTreeSet<&GenomicSampleRef> = facts.iter().filter(|p| !p.withdrawn && p.consent.is_some()).flat_map(|p| p.samples.iter()).collect();
            let found = selected.iter().any(|s| present.contains(s) && consenting.contains(s));
            Ok((found, Done::size(1)))
        })
    }

    /// The size of the cohort `filters` select in the caller's scope (`cohort.size`: the same
    /// authorisation, scoping and disclosure control as any cohort rule); every individual in
    /// scope without filters.
    pub fn individuals_count(&self, project: Option<&str>, filters: &IndividualFilters) -> Result<CohortSize> {
        let spec = match filters.rule_with(self.hub.oncotree.as_ref())? {
            Some(rule) => CohortSpec::Rule(rule),
            None => CohortSpec::Everyone,
        };
        self.cohort_size_audited_as(project, &spec, json!({"individuals": filters}))
    }

    /// Aggregate statistics of the store: counts and bytes, nothing about anyone.
    pub fn store_stats(&self) -> Result<StoreStats> {
        self.run(Operation::Stats, None, json!({}), |_| Ok((self.store().stats()?, Done::size(1))))
    }
}
