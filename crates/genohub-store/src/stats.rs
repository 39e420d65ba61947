//! `stats`: what the store holds and what it costs on disk.

use serde::Serialize;

use crate::{Store, StoreError};

#[derive(Debug, Clone, Serialize)]
pub struct StoreStats {
    pub batches: usize,
    pub sites: u64,
    pub samples: usize,
    pub genotype_calls: u64,
    pub ref_blocks: u64,
    pub block_bytes: u64,
    pub disk_bytes: u64,
    pub bytes_per_call: f64,
}

impl Store {
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let batches = self.committed_batches()?;
        let samples = self.samples()?;
        let mut calls = 0u64;
        for b in &batches {
            let live = samples.iter().filter(|s| s.batch == b.id).count() as u64;
            calls += b.variants * live;
        }
        let disk = self.disk_bytes();
        Ok(StoreStats {
            batches: batches.len(),
            sites: batches.iter().map(|b| b.variants).sum(),
            samples: samples.len(),
            genotype_calls: calls,
            ref_blocks: batches.iter().map(|b| b.ref_blocks).sum(),
            block_bytes: batches.iter().map(|b| b.stored_bytes).sum(),
            disk_bytes: disk,
            bytes_per_call: if calls == 0 { 0.0 } else { disk as f64 / calls as f64 },
        })
    }
}
