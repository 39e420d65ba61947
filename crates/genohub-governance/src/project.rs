//! Projects (data-access requests) and their lifecycle:
//! submitted → approved | rejected → active → expired | revoked.
//!
//! Approval and activation are distinct: an approved project becomes active on its start date
//! and expired after its expiry date, both computed from the dates (no background job), so a
//! project is never active outside the dates the committee approved.

use serde::{Deserialize, Serialize};
use time::Date;

use genohub_duo::Purpose;

use crate::disclosure_rules::DisclosureRules;
use crate::matrix::Operation;
use crate::org::OrgKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    /// Only disclosure-controlled aggregates.
    Aggregate,
    /// Also individual (pseudonymous) genotypes of the effective samples.
    Record,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Submitted,
    Approved,
    Rejected,
    Active,
    Expired,
    Revoked,
}

impl ProjectStatus {
    pub fn name(self) -> &'static str {
        match self {
            ProjectStatus::Submitted => "submitted",
            ProjectStatus::Approved => "approved",
            ProjectStatus::Rejected => "rejected",
            ProjectStatus::Active => "active",
            ProjectStatus::Expired => "expired",
            ProjectStatus::Revoked => "revoked",
        }
    }
}

/// One step of the lifecycle, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// submitted, approved, rejected, revoked, renewed.
    pub action: String,
    pub by: String,
    pub at: i64,
    /// Conditions or reasons the decider gave.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub title: String,
    pub owner_org: String,
    pub owner_kind: OrgKind,
    pub submitted_by: String,
    /// Researchers of the owner organisation who may run its queries.
    pub members: Vec<String>,
    /// DUO purpose; `commercial`/`for_profit` are set from the owner organisation's kind.
    pub purpose: Purpose,
    pub analyses: Vec<Operation>,
    /// A clinical cohort rule (genohub-clinical syntax) narrowing the samples; none = all.
    pub cohort_rule: Option<String>,
    pub access: AccessLevel,
    #[serde(with = "genohub_clinical::iso_date")]
    pub start: Date,
    #[serde(with = "genohub_clinical::iso_date")]
    pub expires: Date,
    pub disclosure: DisclosureRules,
    /// The last recorded decision's state (submitted, approved, rejected, revoked).
    pub status: ProjectStatus,
    pub history: Vec<Decision>,
}

impl Project {
    /// The state on a day, activation and expiry following from the approved dates.
    pub fn status_on(&self, today: Date) -> ProjectStatus {
        match self.status {
            ProjectStatus::Approved | ProjectStatus::Active if today > self.expires => ProjectStatus::Expired,
            ProjectStatus::Approved | ProjectStatus::Active if today >= self.start => ProjectStatus::Active,
            s => s,
        }
    }

    pub fn allows(&self, op: Operation) -> bool {
        self.analyses.contains(&op) || (op == Operation::CohortSize && !self.analyses.is_empty())
    }
}

/// Analyses a project may request: aggregates, and genotypes (record-level access only).
pub fn requestable(op: Operation) -> bool {
    op.is_aggregate() || op == Operation::Genotypes
}
