//! Ingest progress shared between the worker (many rayon threads call `update`) and the HTTP
//! handlers that report it: atomics, no lock on the hot path.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use genohub_store::Progress;

use super::record::JobProgress;

#[derive(Default)]
pub struct LiveProgress {
    phase: Mutex<Option<String>>,
    bytes_done: AtomicU64,
    bytes_total: AtomicU64,
    records: AtomicU64,
}

impl LiveProgress {
    pub fn snapshot(&self) -> JobProgress {
        JobProgress {
            phase: self.phase.lock().map(|p| p.clone()).unwrap_or(None),
            bytes_done: self.bytes_done.load(Ordering::Relaxed),
            bytes_total: self.bytes_total.load(Ordering::Relaxed),
            records: self.records.load(Ordering::Relaxed),
        }
    }
}

impl Progress for LiveProgress {
    fn phase(&self, name: &str, total_bytes: u64) {
        if let Ok(mut p) = self.phase.lock() {
            *p = Some(name.to_string());
        }
        self.bytes_total.store(total_bytes, Ordering::Relaxed);
        self.bytes_done.store(0, Ordering::Relaxed);
    }

    fn update(&self, bytes: u64, records: u64) {
        self.bytes_done.store(bytes, Ordering::Relaxed);
        if records > 0 {
            self.records.store(records, Ordering::Relaxed);
        }
    }
}
