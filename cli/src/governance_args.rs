//! Arguments of the governance subcommands: org, user, token, project, audit.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Register an organisation (kind: sequencing-center, hospital, company, academic, committee).
    Create {
        /// Short id: a center's `--center`, a hospital's code.
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        kind: String,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user of an organisation with one role (uploader, clinician, researcher, committee, admin).
    Create {
        name: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        role: String,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable a user: their tokens stop working at once.
    Disable { name: String },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue an API token; the secret is printed once, on stdout, and never stored.
    Create {
        user: String,
        #[arg(long, default_value_t = 90)]
        days: u32,
        #[arg(long, default_value = "")]
        label: String,
    },
    List {
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id (as `token list` shows it).
    Revoke { id: String },
}

#[derive(Args)]
pub struct SubmitArgs {
    #[arg(long)]
    pub title: String,
    /// DUO research purpose: GRU, HMB, POA, or DS:DISEASE (e.g. DS:oncotree:LUAD).
    #[arg(long)]
    pub purpose: String,
    /// Comma-separated: cohort-size, freq, variant-lookup, afdist, assoc, genotypes.
    #[arg(long, default_value = "cohort-size,freq,afdist,assoc")]
    pub analyses: String,
    /// aggregate, or record (individual genotypes of the effective samples).
    #[arg(long, default_value = "aggregate")]
    pub access: String,
    /// IRB / ethics approval reference.
    #[arg(long)]
    pub irb: Option<String>,
    /// Other researchers of your organisation, comma-separated.
    #[arg(long)]
    pub members: Option<String>,
    /// Clinical cohort rule narrowing the samples (genohub-clinical syntax).
    #[arg(long)]
    pub rule: Option<String>,
    /// DUO conditions the project accepts (PUB, COL, RTN, ...), comma-separated.
    #[arg(long)]
    pub accept: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub expires: Option<String>,
}

#[derive(Args)]
pub struct ApproveArgs {
    pub id: String,
    #[arg(long, default_value = "")]
    pub conditions: String,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub expires: Option<String>,
    /// Counts below k are shown as <k; cohorts differing by fewer than k are refused.
    #[arg(long)]
    pub k: Option<u32>,
    #[arg(long)]
    pub min_cohort: Option<u32>,
    #[arg(long)]
    pub min_an: Option<u32>,
    /// Queries per day.
    #[arg(long)]
    pub budget: Option<u32>,
}

#[derive(Subcommand)]
pub enum ProjectCommand {
    /// Submit a data-access request (researcher).
    Submit(SubmitArgs),
    /// Approve a submitted project (committee).
    Approve(ApproveArgs),
    /// Reject a submitted project (committee).
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Revoke an approved project (committee).
    Revoke {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Extend an approved project, by default to a year from today (committee).
    Renew {
        id: String,
        #[arg(long)]
        until: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    /// Every patient in or out of the project's effective set, and why (committee).
    Explain {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Entries, oldest first (committee, operator). The global --project filters by project.
    Log {
        /// YYYY-MM-DD or an RFC 3339 time.
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        actor: Option<String>,
        /// Only the last N entries.
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Check the hash chain, the signed head and every checkpoint; fails naming the entries.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Sign a checkpoint of the log's head now and print it (keep a copy outside the hub).
    Checkpoint,
    /// Print the Ed25519 public key that verifies checkpoints.
    PublicKey,
}

/// Where OncoTree comes from, for DS subsumption (GENOHUB_ONCOTREE).
pub fn oncotree_path() -> Option<PathBuf> {
    std::env::var_os("GENOHUB_ONCOTREE").map(PathBuf::from)
}
