use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use genohub_store::RefCheck;

pub use crate::analysis_args::{AfDistArgs, AssocArgs, CohortCommand, FreqArgs};

#[derive(Parser)]
#[command(name = "genohub", version, about = "Genomics data hub: a compressed variant store with cohort analysis")]
pub struct Cli {
    /// Store directory, created on first use.
    #[arg(long, global = true, env = "GENOHUB_STORE", default_value = "./genohub-data")]
    pub store: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// No progress bars or summaries.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Stream VCF/BCF/gVCF files into the store, one batch per file.
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
    /// Named sample sets for analyses.
    #[command(subcommand)]
    Cohort(CohortCommand),
    /// Per-variant AC, AN, AF, genotype counts and HWE p-value (bcftools +fill-tags, plink2 --freq/--hardy).
    Freq(FreqArgs),
    /// Allele-frequency spectrum (bcftools +af-dist), optionally plotted.
    Afdist(AfDistArgs),
    /// Case/control association per variant (Fisher exact or logistic regression).
    Assoc(AssocArgs),
    /// Synthetic data.
    #[command(subcommand)]
    Simulate(SimulateCommand),
    /// The main job on an embedded default: simulate a cohort, ingest it, query it, compare.
    Demo(DemoArgs),
    /// The HTTP service (so far: health and aggregate statistics).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
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
    #[arg(short = 'o', long)]
    pub output: PathBuf,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Where the demo writes its input files (default: STORE/demo).
    #[arg(long)]
    pub workdir: Option<PathBuf>,
}
