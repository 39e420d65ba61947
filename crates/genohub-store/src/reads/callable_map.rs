//! Callable intervals from reads, placed where the callable rule looks for them: under the
//! (batch, column) that holds the same (center, name)'s genotypes, whichever came first.

use std::collections::{BTreeSet, HashMap};

use super::keys::{self as rkeys, Placement, ReadSampleId};
use crate::callable::{self, Interval};
use crate::keys::{self, BatchId, ContigId};
use crate::{cf, Store, StoreError};

/// Read samples whose intervals matter for a query, by where their genotypes are.
#[derive(Debug, Default)]
pub(crate) struct ReadCallableMap {
    placements: HashMap<ReadSampleId, Placement>,
}

impl ReadCallableMap {
    pub(crate) fn is_empty(&self) -> bool {
        self.placements.is_empty()
    }
}

impl Store {
    /// Committed read samples that are also genotype samples of `batches`.
    pub(crate) fn read_callable_map(&self, batches: &BTreeSet<BatchId>) -> Result<ReadCallableMap, StoreError> {
        let mut placements = HashMap::new();
        if batches.is_empty() {
            return Ok(ReadCallableMap { placements });
        }
        for item in self.engine.scan_prefix(cf::READ_QC, rkeys::NAME_PREFIX) {
            let (k, v) = item?;
            let Some(id) = keys::decode_u32(&v) else { continue };
            let Some(zero) = k[1..].iter().position(|&b| b == 0) else { continue };
            let center = String::from_utf8_lossy(&k[1..1 + zero]);
            let name = String::from_utf8_lossy(&k[2 + zero..]);
            if let Some(s) = self.sample_by_name(&center, &name)? {
                if batches.contains(&s.batch) {
                    placements.insert(id, (s.batch, s.column));
                }
            }
        }
        Ok(ReadCallableMap { placements })
    }

    /// The reads-derived callable intervals of one bin, as (batch, intervals in that batch's
    /// column) entries like gVCF ones.
    pub(crate) fn read_callable_in_bin(&self, map: &ReadCallableMap, contig: ContigId, bin: u32) -> Result<Vec<(BatchId, Vec<Interval>)>, StoreError> {
        let mut out = Vec::new();
        if map.is_empty() {
            return Ok(out);
        }
        let start = rkeys::callable_key(contig, bin, 0);
        let end = rkeys::callable_key(contig, bin + 1, 0);
        for item in self.engine.scan(cf::READ_CALLABLE, &start, Some(&end)) {
            let (k, v) = item?;
            let Some((_, _, id)) = rkeys::decode_callable_key(&k) else { continue };
            if let Some(&(batch, column)) = map.placements.get(&id) {
                let mut ivs = callable::decode(&v)?;
                ivs.iter_mut().for_each(|iv| iv.column = column);
                out.push((batch, ivs));
            }
        }
        Ok(out)
    }
}
