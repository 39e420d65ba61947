//! Reading and staging governance records (organisations, users, tokens, projects) as JSON in
//! their column families. Writes are staged into a [`Batch`] so they commit with their audit
//! entry.

use serde::de::DeserializeOwned;
use serde::Serialize;

use genohub_store::cf;
use genohub_store::engine::{Batch, Engine};

use crate::error::{GovernanceError, Result};
use crate::org::Organisation;
use crate::project::Project;
use crate::token::TokenRecord;
use crate::user::User;

const PROJECT_PREFIX: &[u8] = b"p:";
const PROJECT_COUNTER: &[u8] = b"#next";

pub fn get<T: DeserializeOwned>(engine: &Engine, family: &str, key: &[u8]) -> Result<Option<T>> {
    engine
        .get(family, key)?
        .map(|v| serde_json::from_slice(&v).map_err(|e| GovernanceError::Corrupt(format!("{family} record {}: {e}", String::from_utf8_lossy(key)))))
        .transpose()
}

pub fn scan<T: DeserializeOwned>(engine: &Engine, family: &str, prefix: &[u8]) -> Result<Vec<T>> {
    engine
        .scan_prefix(family, prefix)
        .map(|r| {
            let (k, v) = r?;
            serde_json::from_slice(&v).map_err(|e| GovernanceError::Corrupt(format!("{family} record {}: {e}", String::from_utf8_lossy(&k))))
        })
        .collect()
}

pub fn put<T: Serialize>(batch: &mut Batch, family: &'static str, key: &[u8], value: &T) {
    batch.put(family, key, &serde_json::to_vec(value).expect("governance records serialise"));
}

pub fn org(engine: &Engine, id: &str) -> Result<Option<Organisation>> {
    get(engine, cf::ORGS, id.as_bytes())
}

pub fn user(engine: &Engine, name: &str) -> Result<Option<User>> {
    get(engine, cf::USERS, name.as_bytes())
}

pub fn project(engine: &Engine, id: &str) -> Result<Option<Project>> {
    get(engine, cf::PROJECTS, &project_key(id))
}

pub fn projects(engine: &Engine) -> Result<Vec<Project>> {
    scan(engine, cf::PROJECTS, PROJECT_PREFIX)
}

pub fn project_key(id: &str) -> Vec<u8> {
    [PROJECT_PREFIX, id.as_bytes()].concat()
}

/// The next project id (`P0001`, ...) and the counter update to stage with it.
pub fn next_project_id(engine: &Engine, batch: &mut Batch) -> Result<String> {
    let n = engine.get(cf::PROJECTS, PROJECT_COUNTER)?.and_then(|v| v.try_into().ok()).map(u32::from_be_bytes).unwrap_or(0) + 1;
    batch.put(cf::PROJECTS, PROJECT_COUNTER, &n.to_be_bytes());
    Ok(format!("P{n:04}"))
}

/// Tokens with their storage key (the keyed hash).
pub fn tokens(engine: &Engine) -> Result<Vec<(Vec<u8>, TokenRecord)>> {
    engine
        .scan(cf::TOKENS, &[], None)
        .map(|r| {
            let (k, v) = r?;
            let t = serde_json::from_slice(&v).map_err(|e| GovernanceError::Corrupt(format!("token record: {e}")))?;
            Ok((k.to_vec(), t))
        })
        .collect()
}
