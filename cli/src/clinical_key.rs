//! The hub key file for this run (`--key`, GENOHUB_KEY_FILE, or beside the store), and rule
//! cohorts, which only the clinical repository (and so the key) can evaluate.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use genohub_analysis::{samples, SampleSource};
use genohub_clinical::Clinical;
use genohub_keys::HubKey;
use genohub_store::{CohortDefinition, Store};

static KEY_FILE: OnceLock<PathBuf> = OnceLock::new();

/// Called once by `main` with the global `--key`.
pub fn set(store: &Path, key: Option<PathBuf>) {
    let _ = KEY_FILE.set(key.unwrap_or_else(|| genohub_keys::default_path(store)));
}

pub fn path() -> PathBuf {
    KEY_FILE.get().cloned().unwrap_or_else(|| PathBuf::from("genohub.hub-key"))
}

pub fn load() -> Result<HubKey> {
    let p = path();
    HubKey::load(&p).with_context(|| format!("loading the hub key {}", p.display()))
}

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// A rule cohort evaluated now; any other source unchanged (the key is loaded only if needed).
pub fn prepare(store: &Store, source: SampleSource) -> Result<SampleSource> {
    let is_rule = match &source {
        SampleSource::Cohort(name) => matches!(store.cohort(name)?.map(|c| c.definition), Some(CohortDefinition::Rule(_))),
        _ => false,
    };
    if !is_rule {
        return Ok(source);
    }
    let key = load()?;
    let clinical = Clinical::new(store, &key)?;
    Ok(samples::prepare(store, Some(&clinical), source, today())?)
}
