//! Governance: who may ask what, and the audit trail of every answer.
//!
//! - [`Hub`] is the governed facade over a store and the hub key. Callers (CLI, server)
//!   authenticate ([`Hub::authenticate`], or [`Hub::operator`] for the local operator) and act
//!   through a [`Session`]; every operation is authorised by one matrix ([`matrix::scope`]),
//!   scoped by consent policy ([`policy::eligible`]), answered through disclosure control
//!   ([`disclosure`]) and recorded in the hash-chained, signed audit log ([`audit`]).
//! - Organisations, users and tokens ([`Session::create_org`], ...), projects and their
//!   lifecycle ([`Session::submit_project`], ...).
//!
//! The rules in prose: docs/security-model.md.

pub mod audit;
pub mod clinical_source;
pub mod clock;
pub mod cohort_spec;
pub mod disclosure;
pub mod disclosure_rules;
pub mod error;
mod facts_cache;
pub mod filter_terms;
pub mod history;
pub mod hub;
mod lookup_cache;
pub mod matrix;
pub mod oncotree;
pub mod org;
pub mod policy;
pub mod principal;
pub mod project;
pub mod registry;
pub mod role;
mod scope_cache;
pub mod session;
mod session_admin;
mod session_clinical;
mod session_cohorts;
mod session_data;
mod session_project;
mod session_public;
mod session_query;
mod session_reads;
pub mod token;
pub mod user;

pub use audit::{AuditEntry, AuditFilter, VerifyReport};
pub use clinical_source::{ClinicalRepository, ClinicalSource, FactsTable};
pub use clock::Clock;
pub use cohort_spec::CohortSpec;
pub use disclosure::{Count, DisclosedAfDist, DisclosedAssocRow, DisclosedFreqRow};
pub use disclosure_rules::DisclosureRules;
pub use error::GovernanceError;
pub use hub::Hub;
pub use lookup_cache::DEFAULT_KEPT as DEFAULT_LOOKUPS_KEPT;
pub use matrix::{Operation, Scope};
pub use oncotree::OncoTree;
pub use org::{OrgKind, Organisation};
pub use principal::Principal;
pub use project::{AccessLevel, Project, ProjectStatus};
pub use role::Role;
pub use session::Session;
pub use session_admin::MAX_TOKEN_DAYS;
pub use session_clinical::{PatientSample, PatientSpec, PatientSummary, PatientView};
pub use session_cohorts::{CohortDetails, CohortExists, CohortRequest, NewCohort, SavedCohort};
pub use session_data::GovernedView;
pub use session_project::{one_year_after, Approval, Explanation, ProjectRequest};
pub use session_public::IndividualFilters;
pub use session_query::{CohortSize, GovernedAfDist};
pub use session_reads::ReadFileAccess;
pub use token::{IssuedToken, TokenRecord};
pub use user::User;
