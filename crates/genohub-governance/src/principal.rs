//! Who is asking: an authenticated user, the local operator, or an anonymous caller.

use serde::{Deserialize, Serialize};

use crate::org::OrgKind;
use crate::role::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// The user name; `operator:<os user>` for the local operator.
    pub user: String,
    /// The organisation id; empty for the local operator.
    pub org: String,
    pub org_kind: Option<OrgKind>,
    pub role: Role,
    /// The id (not the secret) of the token used, for the audit trail.
    pub token_id: Option<String>,
}

impl Principal {
    /// Whoever runs the CLI on the store directory holding the key file, without a token.
    pub fn local_operator() -> Principal {
        let who = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into());
        Principal { user: format!("operator:{who}"), org: String::new(), org_kind: None, role: Role::Operator, token_id: None }
    }

    /// A caller without a token: the public Beacon and statistics.
    pub fn anonymous() -> Principal {
        Principal { user: "anonymous".into(), org: String::new(), org_kind: None, role: Role::Anonymous, token_id: None }
    }

    pub fn is_commercial(&self) -> bool {
        self.org_kind.is_some_and(OrgKind::is_commercial)
    }
}
