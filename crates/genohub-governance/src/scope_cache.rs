//! Consent scopes kept between calls. Deciding a clinician's or a project's effective sample
//! set means running the policy over every patient (10,000 at the bench) and resolving every
//! sample of the scope; that was most of the ~25 ms a governed Beacon count cost
//! (docs/benchmarks.md, server section). A scope depends only on its kind (the clinical-care
//! purpose, a hospital, a project's full record), the day, and the data it was computed from;
//! each of those is part of the key, read *before* the computation, so an entry computed while
//! a write was finishing is simply never found again:
//! - the hub's clinical generation (bumped when any `clinical.write` call finishes: imports,
//!   consents, withdrawals, purges);
//! - the store's sample-registry generation (ingest, purge);
//! - the store's exclusion epoch (every new exclusion, i.e. withdrawal);
//! - a project's record compared whole (approval, revocation, renewal, any field).

use std::sync::{Arc, Mutex, OnceLock};

use time::Date;

use genohub_store::{ResolvedSamples, SampleSelection, Store};

use crate::error::Result;
use crate::policy::Eligibility;
use crate::project::Project;
use crate::session_query::Group;

/// Scopes kept at once (kinds × days); beyond that the oldest is dropped.
const KEPT: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ScopeKind {
    ClinicalConsent,
    OwnOrg(String),
    Project(Box<Project>),
}

/// What a scope was computed from besides its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Freshness {
    pub day: Date,
    pub clinical: u64,
    pub samples: u64,
    pub exclusions: u64,
}

/// One scope: the policy's answer, and the whole scope as a query group, resolved once.
pub(crate) struct Scoped {
    pub eligibility: Eligibility,
    pub everyone: OnceLock<Group>,
}

type AllKey = (u64, u64);

#[derive(Default)]
pub(crate) struct ScopeCache {
    kept: Mutex<Vec<(ScopeKind, Freshness, Arc<Scoped>)>>,
    /// Held while a scope is computed, so a burst of requests after a write computes it once.
    filling: Mutex<()>,
    /// Every current (not excluded) sample of the store, resolved.
    all: Mutex<Option<(AllKey, Arc<ResolvedSamples>)>>,
}

impl ScopeCache {
    fn lookup(&self, kind: &ScopeKind, fresh: Freshness) -> Option<Arc<Scoped>> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter().find(|(k, f, _)| *f == fresh && k == kind).map(|(_, _, s)| s.clone())
    }

    /// The scope of `kind` as of `fresh` (read by the caller before anything else), computed
    /// by `compute` when not kept.
    pub fn scope(&self, kind: ScopeKind, fresh: Freshness, compute: impl FnOnce() -> Result<Eligibility>) -> Result<Arc<Scoped>> {
        if let Some(s) = self.lookup(&kind, fresh) {
            return Ok(s);
        }
        let _filling = self.filling.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = self.lookup(&kind, fresh) {
            return Ok(s);
        }
        let scoped = Arc::new(Scoped { eligibility: compute()?, everyone: OnceLock::new() });
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        // Generations only grow: entries of another freshness are stale (or this one is).
        kept.retain(|(_, f, _)| *f == fresh);
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push((kind, fresh, scoped.clone()));
        Ok(scoped)
    }

    /// Every current sample of the store (`SampleSelection::All`: withdrawn ones left out),
    /// kept until the sample registry or the exclusions change.
    pub fn all_samples(&self, store: &Store) -> Result<Arc<ResolvedSamples>> {
        let key = (store.engine().samples_generation(), store.exclusion_epoch()?);
        if let Some((k, r)) = &*self.all.lock().unwrap_or_else(|p| p.into_inner()) {
            if *k == key {
                return Ok(r.clone());
            }
        }
        let resolved = Arc::new(store.resolve_samples(&SampleSelection::All)?);
        *self.all.lock().unwrap_or_else(|p| p.into_inner()) = Some((key, resolved.clone()));
        Ok(resolved)
    }

    /// Forgets everything (the clinical source or the disease tree changed).
    pub fn clear(&self) {
        self.kept.lock().unwrap_or_else(|p| p.into_inner()).clear();
        *self.all.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
