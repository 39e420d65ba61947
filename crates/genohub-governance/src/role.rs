//! Roles a user holds, and the organisation kinds each role belongs to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::GovernanceError;
use crate::org::OrgKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A sequencing center's pipeline: ingests for its own center.
    Uploader,
    /// A hospital's physician: its own patients; aggregates over clinical-care consent.
    Clinician,
    /// A company or academic analyst: only inside approved, active projects.
    Researcher,
    /// The review committee: decides projects, reads the audit log; no genotypes.
    Committee,
    /// Hub administration: organisations, users, tokens; no data.
    Admin,
    /// Whoever runs the CLI on the store directory with the key file, without a token. Never
    /// a user's role; see docs/security-model.md for what it may do.
    Operator,
    /// A caller without a token (the public Beacon, statistics): yes/no answers and
    /// aggregate store statistics only. Never a user's role.
    Anonymous,
}

impl Role {
    pub const ALL: [Role; 7] = [Role::Uploader, Role::Clinician, Role::Researcher, Role::Committee, Role::Admin, Role::Operator, Role::Anonymous];

    pub fn name(self) -> &'static str {
        match self {
            Role::Uploader => "uploader",
            Role::Clinician => "clinician",
            Role::Researcher => "researcher",
            Role::Committee => "committee",
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Anonymous => "anonymous",
        }
    }

    /// Whether a user of an organisation of `kind` may hold this role.
    pub fn fits(self, kind: OrgKind) -> bool {
        match self {
            Role::Uploader => kind == OrgKind::SequencingCenter,
            Role::Clinician => kind == OrgKind::Hospital,
            Role::Researcher => matches!(kind, OrgKind::Company | OrgKind::Academic),
            Role::Committee => kind == OrgKind::Committee,
            Role::Admin => true,
            Role::Operator | Role::Anonymous => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = GovernanceError;
    fn from_str(s: &str) -> Result<Role, GovernanceError> {
        Role::ALL
            .into_iter()
            .filter(|r| !matches!(r, Role::Operator | Role::Anonymous))
            .find(|r| r.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| GovernanceError::input(format!("unknown role {s:?} (uploader, clinician, researcher, committee, admin)")))
    }
}
