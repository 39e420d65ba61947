//! Sites only withdrawn samples carry. Between a withdrawal and the purge that erases it, a
//! withdrawn sample's genotypes are never read, but a site row of its batch that only it
//! carried would still show, with no visible carrier — revealing that an excluded person has
//! that variant. Such rows are hidden from every reader here, before merging.

use std::collections::{BTreeMap, BTreeSet};

use genohub_codec::code;

use crate::cohort::SampleKey;
use crate::keys::BatchId;
use crate::merge::LoadedBlock;
use crate::{Store, StoreError};

/// Columns of excluded samples (current and replaced locations), by batch.
#[derive(Debug, Clone, Default)]
pub struct HiddenColumns(BTreeMap<BatchId, BTreeSet<u32>>);

impl HiddenColumns {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// For a block of a batch with hidden columns: false for each row whose ALT allele only
    /// hidden columns carry (a row nobody carries stays, as it would without the withdrawal).
    /// None when the batch hides nothing.
    pub fn visible_rows(&self, block: &LoadedBlock) -> Result<Option<Vec<bool>>, StoreError> {
        let Some(hidden) = self.0.get(&block.batch) else { return Ok(None) };
        let g = block.genotypes()?;
        // (a visible column carries ALT, a hidden column carries ALT)
        let mut carried = vec![(false, false); g.n_variants as usize];
        for (v, row) in carried.iter_mut().enumerate() {
            for (s, &c) in g.variant_codes(v as u32).iter().enumerate() {
                if c != code::EXTENDED && code::alt_count(c) > 0 {
                    if hidden.contains(&(s as u32)) {
                        row.1 = true;
                    } else {
                        row.0 = true;
                    }
                }
            }
        }
        for e in &g.extended {
            if e.alleles.contains(&code::ALT) {
                let row = &mut carried[e.variant as usize];
                if hidden.contains(&e.sample) {
                    row.1 = true;
                } else {
                    row.0 = true;
                }
            }
        }
        Ok(Some(carried.into_iter().map(|(visible, hidden)| visible || !hidden).collect()))
    }
}

impl Store {
    pub fn hidden_columns(&self) -> Result<HiddenColumns, StoreError> {
        let excluded = self.exclusions()?;
        let mut map: BTreeMap<BatchId, BTreeSet<u32>> = BTreeMap::new();
        if excluded.is_empty() {
            return Ok(HiddenColumns(map));
        }
        for s in self.samples()? {
            if excluded.contains_key(&SampleKey { center: s.center.clone(), name: s.name.clone() }) {
                map.entry(s.batch).or_default().insert(s.column);
                for &(b, c) in &s.replaced {
                    map.entry(b).or_default().insert(c);
                }
            }
        }
        Ok(HiddenColumns(map))
    }
}
