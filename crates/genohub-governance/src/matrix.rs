//! The authorisation matrix: for every role and operation, whether it is allowed and on what.
//! This table is the single place access is granted; docs/security-model.md reproduces it and
//! tests/authorisation.rs checks every cell through the facade.

use serde::{Deserialize, Serialize};

use crate::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    OrgCreate,
    OrgList,
    UserCreate,
    UserList,
    UserDisable,
    TokenCreate,
    TokenList,
    TokenRevoke,
    /// Loading a VCF/BCF/gVCF batch for a center.
    Ingest,
    /// Batch manifests (provenance, warnings) and their QC.
    BatchList,
    /// Importing clinical records or recording consent.
    ClinicalWrite,
    /// Reading a patient's clinical record.
    ClinicalRead,
    /// Individual genotypes (`view`).
    Genotypes,
    CohortSize,
    Freq,
    AfDist,
    Assoc,
    VariantLookup,
    ProjectSubmit,
    /// Approve, reject, revoke, renew.
    ProjectDecide,
    ProjectRead,
    /// The per-patient eligibility explanation of a project.
    ProjectExplain,
    AuditRead,
    AuditVerify,
    /// A copy of the whole store: every personal datum in it, so the operator's alone.
    Backup,
    /// Whether any stored individual carries a variant, or matches a clinical filter: a yes/no
    /// answer (the public Beacon's), never a count.
    Exists,
    /// Aggregate statistics of the store (counts and bytes; no sample, no patient).
    Stats,
    /// Listing and showing saved cohort definitions (session_cohorts.rs).
    CohortRead,
    /// Saving and deleting cohort definitions: a clinician's for its hospital, a researcher's
    /// inside one of its projects, the operator's global ones.
    CohortWrite,
}

impl Operation {
    pub const ALL: [Operation; 29] = [
        Operation::OrgCreate,
        Operation::OrgList,
        Operation::UserCreate,
        Operation::UserList,
        Operation::UserDisable,
        Operation::TokenCreate,
        Operation::TokenList,
        Operation::TokenRevoke,
        Operation::Ingest,
        Operation::BatchList,
        Operation::ClinicalWrite,
        Operation::ClinicalRead,
        Operation::Genotypes,
        Operation::CohortSize,
        Operation::Freq,
        Operation::AfDist,
        Operation::Assoc,
        Operation::VariantLookup,
        Operation::ProjectSubmit,
        Operation::ProjectDecide,
        Operation::ProjectRead,
        Operation::ProjectExplain,
        Operation::AuditRead,
        Operation::AuditVerify,
        Operation::Backup,
        Operation::Exists,
        Operation::Stats,
        Operation::CohortRead,
        Operation::CohortWrite,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::OrgCreate => "org.create",
            Operation::OrgList => "org.list",
            Operation::UserCreate => "user.create",
            Operation::UserList => "user.list",
            Operation::UserDisable => "user.disable",
            Operation::TokenCreate => "token.create",
            Operation::TokenList => "token.list",
            Operation::TokenRevoke => "token.revoke",
            Operation::Ingest => "ingest",
            Operation::BatchList => "batch.list",
            Operation::ClinicalWrite => "clinical.write",
            Operation::ClinicalRead => "clinical.read",
            Operation::Genotypes => "genotypes",
            Operation::CohortSize => "cohort.size",
            Operation::Freq => "freq",
            Operation::AfDist => "afdist",
            Operation::Assoc => "assoc",
            Operation::VariantLookup => "variant.lookup",
            Operation::ProjectSubmit => "project.submit",
            Operation::ProjectDecide => "project.decide",
            Operation::ProjectRead => "project.read",
            Operation::ProjectExplain => "project.explain",
            Operation::AuditRead => "audit.read",
            Operation::AuditVerify => "audit.verify",
            Operation::Backup => "store.backup",
            Operation::Exists => "exists",
            Operation::Stats => "stats",
            Operation::CohortRead => "cohort.read",
            Operation::CohortWrite => "cohort.write",
        }
    }

    /// Aggregate statistics over a cohort (subject to consent scope and disclosure control).
    pub fn is_aggregate(self) -> bool {
        matches!(self, Operation::CohortSize | Operation::Freq | Operation::AfDist | Operation::Assoc | Operation::VariantLookup)
    }
}

/// What a role may do with an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Denied,
    /// On anything.
    All,
    /// Only on its own organisation's objects: its center's batches, its hospital's patients,
    /// its organisation's projects.
    OwnOrg,
    /// Aggregates over every patient whose consent in force allows clinical care (DUO CC).
    ClinicalConsent,
    /// Only inside an approved, active project the user is a member of, on the project's
    /// effective samples, for the analyses and access level it was approved for.
    Project,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Denied => "-",
            Scope::All => "all",
            Scope::OwnOrg => "own org",
            Scope::ClinicalConsent => "CC consent",
            Scope::Project => "project",
        }
    }
}

/// The matrix. Read a row as "a <role> may <operation> on <scope>".
pub fn scope(role: Role, op: Operation) -> Scope {
    use Operation as O;
    use Role as R;
    use Scope as S;
    match (role, op) {
        // Administration: admins, and the local operator (to bootstrap the first admin).
        (R::Admin | R::Operator, O::OrgCreate | O::UserCreate | O::UserList | O::UserDisable | O::TokenCreate | O::TokenList | O::TokenRevoke) => S::All,
        (R::Admin | R::Operator | R::Committee, O::OrgList) => S::All,

        // Data submission.
        (R::Operator, O::Ingest | O::BatchList) => S::All,
        (R::Uploader, O::Ingest | O::BatchList) => S::OwnOrg,
        (R::Operator, O::ClinicalWrite | O::ClinicalRead) => S::All,
        (R::Clinician, O::ClinicalWrite | O::ClinicalRead) => S::OwnOrg,

        // Genotypes and aggregates.
        (R::Operator, O::Genotypes) => S::All,
        (R::Clinician, O::Genotypes) => S::OwnOrg,
        (R::Researcher, O::Genotypes) => S::Project,
        (R::Operator, O::CohortSize | O::Freq | O::AfDist | O::Assoc | O::VariantLookup) => S::All,
        (R::Clinician, O::CohortSize | O::Freq | O::AfDist | O::Assoc | O::VariantLookup) => S::ClinicalConsent,
        (R::Researcher, O::CohortSize | O::Freq | O::AfDist | O::Assoc | O::VariantLookup) => S::Project,

        // Projects.
        (R::Researcher, O::ProjectSubmit) => S::OwnOrg,
        (R::Committee, O::ProjectDecide | O::ProjectExplain) => S::All,
        (R::Researcher, O::ProjectRead) => S::OwnOrg,
        (R::Committee | R::Admin | R::Operator, O::ProjectRead) => S::All,

        // Audit.
        (R::Committee | R::Operator, O::AuditRead) => S::All,
        (R::Committee | R::Operator | R::Admin, O::AuditVerify) => S::All,

        // Operations.
        (R::Operator, O::Backup) => S::All,

        // Saved cohort definitions: where their owner may evaluate them.
        (R::Operator, O::CohortRead | O::CohortWrite) => S::All,
        (R::Clinician, O::CohortRead | O::CohortWrite) => S::OwnOrg,
        (R::Researcher, O::CohortRead | O::CohortWrite) => S::Project,

        // Public answers: what anyone may learn, without a token too.
        (_, O::Exists | O::Stats) => S::All,

        _ => S::Denied,
    }
}

/// The matrix as Markdown, for docs/security-model.md (a test keeps the document in step).
pub fn markdown_table() -> String {
    let mut s = String::from("| operation |");
    for r in Role::ALL {
        s.push_str(&format!(" {} |", r.name()));
    }
    s.push_str("\n|---|");
    for _ in Role::ALL {
        s.push_str("---|");
    }
    s.push('\n');
    for op in Operation::ALL {
        s.push_str(&format!("| `{}` |", op.name()));
        for r in Role::ALL {
            s.push_str(&format!(" {} |", scope(r, op).name()));
        }
        s.push('\n');
    }
    s
}
