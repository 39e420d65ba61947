//! Arguments of the clinical subcommands (key, patient, consent, purge).

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Create the hub key file (mode 0600; refuses to overwrite one).
    Init,
    /// Print the key's fingerprint (what the store records to refuse a wrong key).
    Fingerprint,
}

#[derive(Args, Clone)]
pub struct PatientRef {
    /// The patient: a pseudonym, or with --hospital that hospital's own patient ID.
    pub patient: String,
    /// Read PATIENT as this hospital's patient ID.
    #[arg(long)]
    pub hospital: Option<String>,
}

#[derive(Subcommand)]
pub enum PatientCommand {
    /// Import Phenopacket v2 JSON (a file, a list, JSON lines) or CSV template files or
    /// directories for one hospital; all-or-nothing.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The registering hospital.
        #[arg(long, required = true)]
        hospital: String,
        /// OncoTree JSON: check cancer types against it (otherwise only their syntax).
        #[arg(long, env = "GENOHUB_ONCOTREE")]
        oncotree: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// A patient's record, consent in force and samples.
    Show {
        #[command(flatten)]
        who: PatientRef,
        /// Print the Phenopacket v2 JSON only.
        #[arg(long)]
        phenopacket: bool,
    },
    /// Export patients as Phenopacket v2 JSON lines (all patients when none is named).
    Export {
        patients: Vec<String>,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
    /// List patients (pseudonyms), optionally those of one hospital.
    List {
        #[arg(long)]
        hospital: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The pseudonym of a hospital's patient ID.
    Lookup {
        local_id: String,
        #[arg(long, required = true)]
        hospital: String,
    },
}

#[derive(Subcommand)]
pub enum ConsentCommand {
    /// Record a consent event (first consent or re-consent on a new form).
    Record {
        #[command(flatten)]
        who: PatientRef,
        /// Day signed, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        #[arg(long)]
        form_version: String,
        /// DUO data use: PERMISSION[:DISEASE][+MODIFIER...], e.g. GRU, HMB+NCU,
        /// DS:oncotree:LUAD+IRB, GRU+TS=2030-12-31 (stored as CURIEs).
        #[arg(long)]
        data_use: String,
        /// Secondary (research) use: yes or no.
        #[arg(long)]
        secondary_use: String,
        /// Re-contact allowed: yes or no.
        #[arg(long)]
        recontact: String,
    },
    /// Record a withdrawal: the patient's samples leave every query at once.
    Withdraw {
        #[command(flatten)]
        who: PatientRef,
        /// Day of the withdrawal, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Every consent event, and the consent in force on a day.
    History {
        #[command(flatten)]
        who: PatientRef,
        /// Day for the consent in force, YYYY-MM-DD (default today).
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct PurgeArgs {
    #[arg(long)]
    pub json: bool,
}
