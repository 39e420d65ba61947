//! Genomic samples no query may read (their patient withdrew consent), keyed by (center, name)
//! so a withdrawal recorded before the genomic data arrives applies to it too. Every reader goes
//! through [`Store::resolve_samples`], which honours this list; ingest refuses new data for an
//! excluded sample. A counter (the exclusion epoch) changes with every new exclusion, so a cache
//! of any statistic can tell that it is stale.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cohort::SampleKey;
use crate::engine::Batch;
use crate::store::to_json;
use crate::{cf, keys, Store, StoreError};

const EPOCH: &[u8] = b"exclusion_epoch";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// Why, for messages: e.g. "consent withdrawn".
    pub reason: String,
    /// The day it took effect (YYYY-MM-DD).
    pub since: String,
    /// The patient's pseudonym, when it came from the clinical repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
}

fn decode_key(k: &[u8]) -> Option<SampleKey> {
    let sep = k.iter().position(|&b| b == 0)?;
    Some(SampleKey { center: String::from_utf8(k[..sep].to_vec()).ok()?, name: String::from_utf8(k[sep + 1..].to_vec()).ok()? })
}

impl Store {
    /// Adds exclusions to `batch` (committed by the caller together with whatever implies
    /// them, e.g. the withdrawal record) and advances the exclusion epoch.
    pub fn stage_exclusions(&self, batch: &mut Batch, samples: &[SampleKey], exclusion: &Exclusion) -> Result<(), StoreError> {
        if samples.is_empty() {
            return Ok(());
        }
        for s in samples {
            batch.put(cf::EXCLUDED, &keys::sample_name_key(&s.center, &s.name), &to_json(exclusion));
        }
        batch.put(cf::META, EPOCH, &(self.exclusion_epoch()? + 1).to_be_bytes());
        Ok(())
    }

    /// Every excluded sample with why.
    pub fn exclusions(&self) -> Result<BTreeMap<SampleKey, Exclusion>, StoreError> {
        let mut out = BTreeMap::new();
        for item in self.engine.scan(cf::EXCLUDED, &[], None) {
            let (k, v) = item?;
            let key = decode_key(&k).ok_or_else(|| StoreError::Corrupt("exclusion key".into()))?;
            let value = serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("exclusion of {}: {e}", key.qualified())))?;
            out.insert(key, value);
        }
        Ok(out)
    }

    pub fn exclusion(&self, center: &str, name: &str) -> Result<Option<Exclusion>, StoreError> {
        self.engine
            .get(cf::EXCLUDED, &keys::sample_name_key(center, name))?
            .map(|v| serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("exclusion of {center}/{name}: {e}"))))
            .transpose()
    }

    /// Changes whenever a sample is newly excluded; key caches of statistics by it.
    pub fn exclusion_epoch(&self) -> Result<u64, StoreError> {
        Ok(self.engine.get(cf::META, EPOCH)?.and_then(|v| v.as_slice().try_into().ok()).map(u64::from_be_bytes).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_commit_with_their_batch_and_advance_the_epoch() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.exclusion_epoch().unwrap(), 0);
        let ex = Exclusion { reason: "consent withdrawn".into(), since: "2024-05-01".into(), patient: Some("ab".into()) };
        let keys = vec![SampleKey { center: "c1".into(), name: "S1".into() }, SampleKey { center: "c2".into(), name: "S1".into() }];
        let mut b = Batch::default();
        store.stage_exclusions(&mut b, &keys, &ex).unwrap();
        assert_eq!(store.exclusion("c1", "S1").unwrap(), None, "nothing before the write");
        store.engine().write(b, true).unwrap();
        assert_eq!(store.exclusion("c1", "S1").unwrap(), Some(ex.clone()));
        assert_eq!(store.exclusion("c1", "S2").unwrap(), None);
        assert_eq!(store.exclusions().unwrap().keys().cloned().collect::<Vec<_>>(), keys);
        assert_eq!(store.exclusion_epoch().unwrap(), 1);
    }
}
