use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allowed,
    /// The role may not do this (authorisation matrix, or not its own object).
    Forbidden,
    /// Allowed in principle, refused by policy or disclosure control.
    Refused,
    /// Failed authentication.
    Unauthenticated,
    /// Bad request or internal error: nothing was answered.
    Failed,
}

/// One audited event. Field order is the stored (hashed) order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    pub actor: String,
    pub role: Option<Role>,
    pub org: String,
    /// The id of the token used (never the secret).
    pub token: Option<String>,
    pub project: Option<String>,
    pub operation: String,
    pub parameters: serde_json::Value,
    /// Rows, samples or records in the answer.
    pub result_size: Option<u64>,
    pub decision: Decision,
    pub reason: Option<String>,
    /// SHA-256 (hex) of the previous entry's stored bytes.
    pub prev: String,
}

/// A signed statement "entry `seq` has hash `hash`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: u64,
    pub hash: String,
    pub time: String,
    /// Ed25519 public key (hex) that signed it.
    pub public_key: String,
    /// Ed25519 signature (hex) over [`Checkpoint::message`].
    pub signature: String,
}

impl Checkpoint {
    pub fn message(seq: u64, hash: &str) -> Vec<u8> {
        let mut m = b"genohub audit checkpoint v1\0".to_vec();
        m.extend_from_slice(&seq.to_be_bytes());
        m.extend_from_slice(hash.as_bytes());
        m
    }
}

/// Which entries `audit log` shows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub project: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub actor: Option<String>,
    pub limit: Option<usize>,
}

impl AuditFilter {
    pub fn matches(&self, e: &AuditEntry) -> bool {
        if self.project.as_ref().is_some_and(|p| e.project.as_ref() != Some(p)) {
            return false;
        }
        if self.actor.as_ref().is_some_and(|a| &e.actor != a) {
            return false;
        }
        if let Some(since) = self.since {
            // Entry times are fixed-width RFC 3339 UTC, so text order is time order.
            if e.time < crate::clock::rfc3339(since) {
                return false;
            }
        }
        true
    }
}
