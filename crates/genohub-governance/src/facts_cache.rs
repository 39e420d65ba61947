//! Patient facts kept between calls. Every consent-scoped query needs every patient's facts
//! for the day (consent in force, withdrawal, hospitals, samples); reading and decrypting them
//! per request costs about a second at 10,000 patients (benches/server_load.sh). They change
//! only through the hub's own clinical writes (`clinical.write` calls, which run inside
//! [`crate::Session::run`] and bump the generation when they finish) or when the day changes,
//! so the facts are kept per (day, generation).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use time::Date;

use genohub_clinical::{GenomicSampleRef, PatientFacts};
use genohub_keys::HubKey;
use genohub_store::Store;

use crate::clinical_source::ClinicalSource;
use crate::error::Result;

pub(crate) struct CachedFacts {
    inner: Box<dyn ClinicalSource>,
    generation: Arc<AtomicU64>,
    kept: Mutex<Option<(Date, u64, Arc<Vec<PatientFacts>>)>>,
}

impl CachedFacts {
    pub fn new(inner: Box<dyn ClinicalSource>, generation: Arc<AtomicU64>) -> CachedFacts {
        CachedFacts { inner, generation, kept: Mutex::new(None) }
    }
}

impl CachedFacts {
    /// The facts of the day, shared (no copy of 10,000 patients per call).
    pub fn shared(&self, store: &Store, key: &HubKey, on: Date) -> Result<Arc<Vec<PatientFacts>>> {
        // Read before the facts: a write finishing meanwhile bumps it and the entry is stale.
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some((day, g, facts)) = &*self.kept.lock().unwrap_or_else(|p| p.into_inner()) {
            if *day == on && *g == generation {
                return Ok(facts.clone());
            }
        }
        let facts = Arc::new(self.inner.patient_facts(store, key, on)?);
        *self.kept.lock().unwrap_or_else(|p| p.into_inner()) = Some((on, generation, facts.clone()));
        Ok(facts)
    }
}

impl ClinicalSource for CachedFacts {
    fn patient_facts(&self, store: &Store, key: &HubKey, on: Date) -> Result<Vec<PatientFacts>> {
        Ok(self.shared(store, key, on)?.as_ref().clone())
    }

    fn rule_samples(&self, store: &Store, key: &HubKey, rule: &str, on: Date) -> Result<BTreeSet<GenomicSampleRef>> {
        self.inner.rule_samples(store, key, rule, on)
    }

    fn check_rule(&self, rule: &str) -> Result<()> {
        self.inner.check_rule(rule)
    }
}
