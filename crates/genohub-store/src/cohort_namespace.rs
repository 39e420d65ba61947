//! Cohorts owned by an organisation (and optionally one of its projects), kept beside the
//! operator's global cohorts in [`cf::COHORTS`] under a namespaced name: `ORG/NAME` or
//! `ORG/PROJECT/NAME`.
//!
//! A global name never contains `/` ([`check_name`]), so two organisations' cohorts of the same
//! name cannot collide with each other or with a global one. Because the namespaced record is an
//! ordinary [`CohortRecord`] whose `name` is its key, everything store-wide keeps covering it
//! unchanged: listing, backup, and purge dropping purged samples from explicit lists.
//! Writes are staged into a [`Batch`] so the caller commits them with its own records (the
//! governance layer: with the audit entry of the call that made them).

use crate::cohort::{check_name, CohortRecord};
use crate::engine::Batch;
use crate::store::to_json;
use crate::{cf, Store, StoreError};

pub const SEPARATOR: char = '/';

/// `ORG/NAME` or `ORG/PROJECT/NAME` from its segments, each a valid plain name.
pub fn namespaced_name(segments: &[&str]) -> Result<String, StoreError> {
    if segments.len() < 2 {
        return Err(StoreError::Refused("a namespaced cohort name needs an owner and a name".into()));
    }
    for s in segments {
        check_name(s)?;
    }
    Ok(segments.join("/"))
}

/// The segments of a stored name: one for a global cohort, two or three for a namespaced one.
pub fn segments(stored: &str) -> Vec<&str> {
    stored.split(SEPARATOR).collect()
}

impl Store {
    /// Every cohort stored under `namespace/` (an organisation's, or `ORG/PROJECT`'s), by name.
    pub fn cohorts_in(&self, namespace: &str) -> Result<Vec<CohortRecord>, StoreError> {
        check_name(namespace.split(SEPARATOR).next().unwrap_or_default())?;
        let prefix = format!("{namespace}{SEPARATOR}");
        self.engine
            .scan_prefix(cf::COHORTS, prefix.as_bytes())
            .map(|r| r.and_then(|(k, v)| serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("cohort {}: {e}", String::from_utf8_lossy(&k))))))
            .collect()
    }

    /// Stages writing a cohort (a global name, or one made by [`namespaced_name`]), replacing
    /// any record of that name: the caller decides whether replacing is wanted.
    pub fn stage_cohort(&self, batch: &mut Batch, record: &CohortRecord) -> Result<(), StoreError> {
        let parts = segments(&record.name);
        if parts.len() > 3 {
            return Err(StoreError::Refused(format!("cohort name {:?}: at most ORG/PROJECT/NAME", record.name)));
        }
        for s in parts {
            check_name(s)?;
        }
        batch.put(cf::COHORTS, record.name.as_bytes(), &to_json(record));
        Ok(())
    }

    /// Stages removing the cohort stored under `stored` (global or namespaced).
    pub fn stage_cohort_delete(&self, batch: &mut Batch, stored: &str) {
        batch.delete(cf::COHORTS, stored.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::{CohortDefinition, SampleKey};

    fn rec(name: &str, def: CohortDefinition) -> CohortRecord {
        CohortRecord { name: name.into(), created: 1, definition: def }
    }

    #[test]
    fn namespaces_do_not_collide_and_stay_store_wide() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.put_cohort(&rec("luad", CohortDefinition::Rule("sex=female".into())), false).unwrap();
        let mut b = Batch::default();
        let a = namespaced_name(&["hosp-a", "luad"]).unwrap();
        let p = namespaced_name(&["pharma", "P0001", "luad"]).unwrap();
        store.stage_cohort(&mut b, &rec(&a, CohortDefinition::Rule("sex=male".into()))).unwrap();
        let keys = CohortDefinition::Samples(vec![SampleKey { center: "c".into(), name: "S1".into() }]);
        store.stage_cohort(&mut b, &rec(&p, keys)).unwrap();
        store.engine().write(b, true).unwrap();

        assert_eq!(store.cohort("luad").unwrap().unwrap().definition, CohortDefinition::Rule("sex=female".into()), "the global cohort is untouched");
        assert_eq!(store.cohort("hosp-a/luad").unwrap().unwrap().definition, CohortDefinition::Rule("sex=male".into()));
        let names = |ns: &str| store.cohorts_in(ns).unwrap().into_iter().map(|c| c.name).collect::<Vec<_>>();
        assert_eq!(names("hosp-a"), vec!["hosp-a/luad"]);
        assert_eq!(names("pharma"), vec!["pharma/P0001/luad"]);
        assert_eq!(names("pharma/P0001"), vec!["pharma/P0001/luad"]);
        assert!(names("hosp").is_empty(), "a prefix of an organisation's id is not its namespace");
        assert_eq!(store.cohorts().unwrap().len(), 3, "the store-wide listing covers every namespace");

        let mut b = Batch::default();
        store.stage_cohort_delete(&mut b, &a);
        store.engine().write(b, true).unwrap();
        assert!(store.cohort(&a).unwrap().is_none());
        assert!(store.cohort("luad").unwrap().is_some());

        for bad in [&["x"][..], &["a b", "n"], &["org", "x/y"], &["org", ".n"]] {
            assert!(namespaced_name(bad).is_err(), "{bad:?}");
        }
        let mut b = Batch::default();
        for bad in ["a/b/c/d", "org/x y", "org//n", ""] {
            assert!(store.stage_cohort(&mut b, &rec(bad, CohortDefinition::Rule("x".into()))).is_err(), "{bad:?}");
        }
        assert!(b.is_empty());
        store.stage_cohort(&mut b, &rec("plain", CohortDefinition::Rule("x".into()))).unwrap();
        store.engine().write(b, true).unwrap();
        assert!(store.cohort("plain").unwrap().is_some(), "a global cohort staged like a namespaced one");
    }
}
