//! Organisations: who users work for, and what kind of institution that is. The kind decides
//! which roles its users may hold and whether its research is commercial.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{GovernanceError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    SequencingCenter,
    Hospital,
    Company,
    Academic,
    Committee,
}

impl OrgKind {
    pub const ALL: [OrgKind; 5] = [OrgKind::SequencingCenter, OrgKind::Hospital, OrgKind::Company, OrgKind::Academic, OrgKind::Committee];

    pub fn name(self) -> &'static str {
        match self {
            OrgKind::SequencingCenter => "sequencing-center",
            OrgKind::Hospital => "hospital",
            OrgKind::Company => "company",
            OrgKind::Academic => "academic",
            OrgKind::Committee => "committee",
        }
    }

    /// DUO's commercial use (NCU) and for-profit (NPU) follow from the kind, never from what
    /// a project declares.
    pub fn is_commercial(self) -> bool {
        self == OrgKind::Company
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OrgKind {
    type Err = GovernanceError;
    fn from_str(s: &str) -> Result<OrgKind> {
        let s = s.trim().replace('_', "-");
        OrgKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(&s))
            .ok_or_else(|| GovernanceError::input(format!("unknown organisation kind {s:?} (sequencing-center, hospital, company, academic, committee)")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Short stable identifier. For a sequencing center it is the `--center` its batches carry;
    /// for a hospital, the hospital code its patients are registered under.
    pub id: String,
    pub name: String,
    pub kind: OrgKind,
    pub created: i64,
}

/// Identifiers of organisations, users and projects appear in keys, tokens' records and the
/// audit log: keep them plain.
pub fn check_id(what: &str, id: &str) -> Result<()> {
    let ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) && !id.starts_with(['.', '-']);
    if ok {
        Ok(())
    } else {
        Err(GovernanceError::input(format!("{what} {id:?} must be 1-64 characters of A-Z, a-z, 0-9, '-', '_', '.' (not starting with '.' or '-')")))
    }
}
