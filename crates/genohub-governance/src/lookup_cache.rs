//! Counted variants kept between lookups. A Beacon count or a variant lookup at one position
//! decodes the whole genotype block around it (zstd and the PBWT run scan were a quarter of the
//! server's CPU under load), yet the answer depends only on the samples counted, the region and
//! the stored data. Only that computation is kept: authorisation, scoping, the differencing
//! gate, disclosure control and the audit entry still run on every call.
//!
//! Key: the resolved sample set (the scope cache hands the same `Arc` out until consent, the
//! sample registry or the exclusions change; the entry holds that `Arc`, so its address cannot
//! be reused while kept), the region, and the store's batch and sample generations read
//! *before* counting, so rows counted while an ingest or purge was committing are never found
//! again.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use genohub_analysis::{freq_resolved, FreqRow};
use genohub_store::{Region, ResolvedSamples, Store};

/// Lookups kept at once by default; the oldest goes first.
pub const DEFAULT_KEPT: usize = 16_384;
/// Only small regions are kept (a lookup is typically one position).
const MAX_SPAN: u64 = 10_000;
/// Nor answers with many rows.
const MAX_ROWS: usize = 256;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    samples: usize,
    region: Region,
    batches: u64,
    registry: u64,
}

struct Kept {
    _samples: Arc<ResolvedSamples>,
    rows: Arc<Vec<FreqRow>>,
}

pub(crate) struct LookupCache {
    kept: Mutex<(HashMap<Key, Kept>, VecDeque<Key>)>,
    /// 0: nothing is kept (every lookup counts).
    capacity: usize,
}

impl Default for LookupCache {
    fn default() -> Self {
        LookupCache::new(DEFAULT_KEPT)
    }
}

impl LookupCache {
    pub fn new(capacity: usize) -> LookupCache {
        LookupCache { kept: Mutex::default(), capacity }
    }

    /// The counted variants of `region` over `samples` (`freq_resolved`'s rows), counted now
    /// when not kept.
    pub fn rows(&self, store: &Store, samples: &Arc<ResolvedSamples>, region: &Region) -> crate::error::Result<Arc<Vec<FreqRow>>> {
        let count = || -> crate::error::Result<Vec<FreqRow>> {
            let mut rows = Vec::new();
            freq_resolved(store, samples, std::slice::from_ref(region), |row| {
                rows.push(row);
                Ok(())
            })?;
            Ok(rows)
        };
        if self.capacity == 0 || region.end == u64::MAX || region.end.saturating_sub(region.start) >= MAX_SPAN {
            return Ok(Arc::new(count()?));
        }
        let engine = store.engine();
        let key =
            Key { samples: Arc::as_ptr(samples) as usize, region: region.clone(), batches: engine.batches_generation(), registry: engine.samples_generation() };
        if let Some(k) = self.lock().0.get(&key) {
            return Ok(k.rows.clone());
        }
        let rows = Arc::new(count()?);
        if rows.len() <= MAX_ROWS {
            let mut guard = self.lock();
            let (map, order) = &mut *guard;
            // Generations only grow: rows of other generations are stale (or these are).
            if order.front().is_some_and(|k| (k.batches, k.registry) != (key.batches, key.registry)) {
                map.clear();
                order.clear();
            }
            if map.len() >= self.capacity {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
            if map.insert(key.clone(), Kept { _samples: samples.clone(), rows: rows.clone() }).is_none() {
                order.push_back(key);
            }
        }
        Ok(rows)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (HashMap<Key, Kept>, VecDeque<Key>)> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}
