//! Named cohorts: persisted sample-set definitions, keyed by name in [`cf::COHORTS`].
//!
//! A definition is an enum so that a cohort can later be a rule over clinical data as well as
//! an explicit list; the store only keeps definitions, resolving them is the analysis layer's job.

use serde::{Deserialize, Serialize};

use crate::engine::Batch;
use crate::store::to_json;
use crate::{cf, Store, StoreError};

/// A sample by its stable identity: the submitting center and its name there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SampleKey {
    pub center: String,
    pub name: String,
}

impl SampleKey {
    /// `CENTER/NAME`, the form `-s` accepts that is never ambiguous.
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.center, self.name)
    }
}

/// What a cohort is. New kinds (e.g. `Rule(String)` over clinical criteria) are added as
/// variants; stored JSON of existing kinds stays readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CohortDefinition {
    /// An explicit list of samples, in the order given at creation.
    Samples(Vec<SampleKey>),
    /// A rule over clinical data (`cancer_type=LUAD and sample_type=tumor`, the language of
    /// genohub-clinical), evaluated at query time so later withdrawals and new patients count.
    Rule(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortRecord {
    pub name: String,
    /// Seconds since the Unix epoch, UTC.
    pub created: u64,
    pub definition: CohortDefinition,
}

/// Cohort names are used on command lines and in file names: keep them plain.
pub fn check_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty() && name.len() <= 128 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Refused(format!("cohort name {name:?} must be 1-128 characters of A-Z, a-z, 0-9, '-', '_', '.' (not starting with '.')")))
    }
}

impl Store {
    /// Stores a cohort; refuses to overwrite an existing one unless `replace`.
    pub fn put_cohort(&self, record: &CohortRecord, replace: bool) -> Result<(), StoreError> {
        check_name(&record.name)?;
        if !replace && self.cohort(&record.name)?.is_some() {
            return Err(StoreError::Refused(format!("cohort {} already exists (delete it first)", record.name)));
        }
        let mut b = Batch::default();
        b.put(cf::COHORTS, record.name.as_bytes(), &to_json(record));
        self.engine.write(b, true)
    }

    pub fn cohort(&self, name: &str) -> Result<Option<CohortRecord>, StoreError> {
        self.engine
            .get(cf::COHORTS, name.as_bytes())?
            .map(|v| serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("cohort {name}: {e}"))))
            .transpose()
    }

    /// All cohorts, by name.
    pub fn cohorts(&self) -> Result<Vec<CohortRecord>, StoreError> {
        self.engine
            .scan(cf::COHORTS, &[], None)
            .map(|r| r.and_then(|(_, v)| serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("cohort record: {e}")))))
            .collect()
    }

    /// Removes a cohort; false when there was none of that name.
    pub fn delete_cohort(&self, name: &str) -> Result<bool, StoreError> {
        if self.cohort(name)?.is_none() {
            return Ok(false);
        }
        let mut b = Batch::default();
        b.delete(cf::COHORTS, name.as_bytes());
        self.engine.write(b, true)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_round_trip_and_names_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let def = CohortDefinition::Samples(vec![SampleKey { center: "c".into(), name: "S1".into() }]);
        let rec = CohortRecord { name: "cases".into(), created: 7, definition: def };
        store.put_cohort(&rec, false).unwrap();
        assert!(store.put_cohort(&rec, false).is_err(), "no silent overwrite");
        assert_eq!(store.cohort("cases").unwrap(), Some(rec.clone()));
        assert_eq!(store.cohorts().unwrap(), vec![rec]);
        assert!(store.delete_cohort("cases").unwrap());
        assert!(!store.delete_cohort("cases").unwrap());
        for bad in ["", "a b", "x/y", ".hidden"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        let json = serde_json::to_string(&CohortDefinition::Samples(vec![])).unwrap();
        assert_eq!(json, r#"{"samples":[]}"#);
        let rule = CohortDefinition::Rule("sex=female".into());
        assert_eq!(serde_json::to_string(&rule).unwrap(), r#"{"rule":"sex=female"}"#);
        assert_eq!(serde_json::from_str::<CohortDefinition>(r#"{"rule":"sex=female"}"#).unwrap(), rule);
    }
}
