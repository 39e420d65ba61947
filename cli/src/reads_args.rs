//! Arguments of the reads subcommands (depth, qc); `ingest` takes BAM/CRAM too.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Args)]
pub struct DepthArgs {
    /// NAME or CENTER/NAME of a sample with read data.
    pub sample: String,
    /// chr20 or chr20:1000-2000 (1-based, inclusive).
    pub region: String,
    /// Mean depth per window of N bases (BED coordinates) instead of per-base depth.
    #[arg(long)]
    pub window: Option<u64>,
    /// Draw the coverage track as SVG or PNG (from the file's extension).
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum QcFormat {
    Table,
    Json,
}

#[derive(Args)]
pub struct QcArgs {
    /// Samples (NAME or CENTER/NAME); default: every sample with read data.
    pub samples: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: QcFormat,
}
