//! Users: a person or pipeline of one organisation, holding one role.

use serde::{Deserialize, Serialize};

use crate::role::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub org: String,
    pub role: Role,
    pub created: i64,
    /// Disabled users cannot authenticate; their tokens stay recorded for the audit trail.
    #[serde(default)]
    pub disabled: bool,
}
