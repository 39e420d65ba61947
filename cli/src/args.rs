use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use genohub_store::RefCheck;

pub use crate::analysis_args::{AfDistArgs, AssocArgs, CohortCommand, FreqArgs};
pub use crate::clinical_args::{ConsentCommand, KeyCommand, PatientCommand, PurgeArgs};
pub use crate::reads_args::{DepthArgs, QcArgs};

#[derive(Parser)]
#[command(name = "genohub", version, about = "Genomics data hub: a compressed variant store with cohort analysis")]
pub struct Cli {
    /// Store directory, created on first use.
    #[arg(long, global = true, env = "GENOHUB_STORE", default_value = "./genohub-data")]
    pub store: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// The hub key file (pseudonyms, clinical record encryption); default: STORE.hub-key beside the store.
    #[arg(long, global = true, env = "GENOHUB_KEY_FILE")]
    pub key: Option<PathBuf>,
    /// No progress bars or summaries.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Act as this API token's user (docs/security-model.md); without one, as the local operator.
    #[arg(long, global = true, env = "GENOHUB_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// The project a researcher's query runs in.
    #[arg(long, global = true, env = "GENOHUB_PROJECT")]
    pub project: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Stream VCF/BCF/gVCF files into the store, one batch per file; BAM/CRAM become the
    /// sample's depth, callable regions and QC.
    Ingest(IngestArgs),
    /// Write records of regions and samples as VCF/BCF (bcftools-style).
    View(ViewArgs),
    /// List samples.
    Samples {
        #[arg(long)]
        json: bool,
    },
    /// List committed batches with their provenance.
    Batches {
        #[arg(long)]
        json: bool,
    },
    /// Sites, samples, calls and bytes on disk.
    Stats {
        #[arg(long)]
        json: bool,
        /// Flush and compact first, so bytes on disk reflect the data.
        #[arg(long)]
        compact: bool,
    },
    /// A consistent copy of the store (database and file area) taken while it stays in use.
    /// The hub key is not copied: back it up separately.
    Backup {
        /// New directory to write the copy to.
        dest: std::path::PathBuf,
    },
    /// Named sample sets for analyses.
    #[command(subcommand)]
    Cohort(CohortCommand),
    /// The hub's secret key (kept outside the store).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Pseudonymous patients and their Phenopacket-shaped clinical records.
    #[command(subcommand)]
    Patient(PatientCommand),
    /// Versioned consent: record, withdraw, history.
    #[command(subcommand)]
    Consent(ConsentCommand),
    /// Erase withdrawn patients' clinical data and genotypes from every file of the store.
    Purge(PurgeArgs),
    /// Per-variant AC, AN, AF, genotype counts and HWE p-value (bcftools +fill-tags, plink2 --freq/--hardy).
    Freq(FreqArgs),
    /// Allele-frequency spectrum (bcftools +af-dist), optionally plotted.
    Afdist(AfDistArgs),
    /// Case/control association per variant (Fisher exact or logistic regression).
    Assoc(AssocArgs),
    /// Depth of a sample's reads over a region: per base or windowed (TSV), optionally plotted.
    Depth(DepthArgs),
    /// Read QC of samples with read data (table or JSON).
    Qc(QcArgs),
    /// Organisations (sequencing centers, hospitals, companies, academics, committees).
    #[command(subcommand)]
    Org(crate::governance_args::OrgCommand),
    /// Users and their roles.
    #[command(subcommand)]
    User(crate::governance_args::UserCommand),
    /// API tokens: create (shown once), list, revoke.
    #[command(subcommand)]
    Token(crate::governance_args::TokenCommand),
    /// Data-access projects: submit, approve, reject, revoke, renew, show, list, explain.
    #[command(subcommand)]
    Project(crate::governance_args::ProjectCommand),
    /// The tamper-evident audit log: log, verify, checkpoint.
    #[command(subcommand)]
    Audit(crate::governance_args::AuditCommand),
    /// Synthetic data.
    #[command(subcommand)]
    Simulate(SimulateCommand),
    /// The main job on an embedded default: simulate a cohort, ingest it, query it, compare.
    Demo(DemoArgs),
    /// The HTTP service: uploads and ingest jobs, governed queries, Beacon v2, htsget (docs/api.md).
    Serve(crate::serve_args::ServeArgs),
}

#[derive(Args)]
pub struct IngestArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The submitting sequencing center; samples are identified by (center, name).
    #[arg(long, default_value = "default")]
    pub center: String,
    /// Reference FASTA (plain, or bgzip with .fai/.gzi): REF checked, indels left-aligned.
    #[arg(long, short = 'f')]
    pub reference: Option<PathBuf>,
    /// On REF mismatch: error, warn (keep the record unnormalised) or skip (drop it).
    #[arg(long, default_value = "error")]
    pub check_ref: RefCheck,
    /// Supersede samples already present from the same center.
    #[arg(long)]
    pub replace: bool,
    /// BAM/CRAM: the sample's name when the header has no @RG SM (or to override it).
    #[arg(long)]
    pub sample: Option<String>,
    /// BAM/CRAM: reads with a lower mapping quality are not counted in depth (mosdepth -Q).
    #[arg(long, default_value_t = 0)]
    pub mapq: u8,
    /// BAM/CRAM: depth at which a base is callable (a sample without a call there is 0/0).
    #[arg(long, default_value_t = 10)]
    pub min_depth: u32,
}

#[derive(Args)]
pub struct ViewArgs {
    /// Regions: chr20, chr20:1000-2000 (1-based, inclusive).
    pub regions: Vec<String>,
    /// Comma-separated samples (NAME or CENTER/NAME).
    #[arg(short = 's', long = "samples")]
    pub samples: Option<String>,
    /// File with one sample per line.
    #[arg(short = 'S', long = "samples-file")]
    pub samples_file: Option<PathBuf>,
    /// Output type: v (VCF), z (bgzip VCF), b (BCF).
    #[arg(short = 'O', long = "output-type", default_value = "v")]
    pub output_type: String,
    /// Output file (default: stdout).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum SimulateCommand {
    /// A deterministic synthetic cohort with linkage disequilibrium and a rare-dominated spectrum.
    Cohort(CohortArgs),
}

#[derive(Args)]
pub struct CohortArgs {
    #[arg(long, default_value_t = 100)]
    pub samples: usize,
    #[arg(long, default_value_t = 1_000_000)]
    pub length: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value = "chr20")]
    pub contig: String,
    /// Also write FORMAT DP, GQ and AD.
    #[arg(long)]
    pub depth: bool,
    /// Also write the reference FASTA the cohort was drawn from (with .fai).
    #[arg(long)]
    pub reference_out: Option<PathBuf>,
    /// Also write one gVCF per sample (the same genotypes, reference blocks, simulated
    /// low-coverage gaps) into this directory.
    #[arg(long)]
    pub gvcf_dir: Option<PathBuf>,
    #[arg(short = 'o', long)]
    pub output: PathBuf,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Where the demo builds its hub: input files, the store and the hub key (default: STORE/demo).
    #[arg(long, alias = "workdir")]
    pub dir: Option<PathBuf>,
    /// Then serve the demo hub, printing a token per role and curl lines.
    #[arg(long)]
    pub serve: bool,
    /// Address for --serve (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
}
