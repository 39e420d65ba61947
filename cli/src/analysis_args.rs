//! Arguments of the analysis subcommands (cohort, freq, afdist, assoc).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// Which samples: a stored cohort, or names given on the spot (default: all samples).
#[derive(Args, Clone)]
pub struct SampleArgs {
    /// A cohort made with `genohub cohort create`.
    #[arg(long, conflicts_with_all = ["samples", "samples_file"])]
    pub cohort: Option<String>,
    /// Comma-separated samples (NAME or CENTER/NAME).
    #[arg(short = 's', long = "samples")]
    pub samples: Option<String>,
    /// File with one sample per line.
    #[arg(short = 'S', long = "samples-file")]
    pub samples_file: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum CohortCommand {
    /// Define a named sample set.
    Create {
        name: String,
        #[arg(short = 's', long = "samples", required_unless_present_any = ["samples_file", "rule"])]
        samples: Option<String>,
        #[arg(short = 'S', long = "samples-file")]
        samples_file: Option<PathBuf>,
        /// A rule over clinical data instead of a list, evaluated whenever the cohort is used,
        /// e.g. "cancer_type=LUAD and sex=female and age_at_diagnosis>=50 and sample_type=tumor"
        /// (docs/clinical.md).
        #[arg(long = "where", conflicts_with_all = ["samples", "samples_file"])]
        rule: Option<String>,
        /// Redefine an existing cohort.
        #[arg(long)]
        replace: bool,
    },
    /// List cohorts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a cohort's definition and members.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a cohort (samples and genotypes are untouched).
    Delete { name: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TableFormat {
    Tsv,
    Json,
}

#[derive(Args)]
pub struct FreqArgs {
    /// Regions: chr20, chr20:1000-2000 (1-based, inclusive); none = everything.
    pub regions: Vec<String>,
    #[command(flatten)]
    pub samples: SampleArgs,
    #[arg(long, value_enum, default_value = "tsv")]
    pub format: TableFormat,
    /// Output file (default: stdout).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

#[derive(Args)]
pub struct AfDistArgs {
    pub regions: Vec<String>,
    #[command(flatten)]
    pub samples: SampleArgs,
    /// Genotype probability bins (bcftools +af-dist -p).
    #[arg(short = 'p', long, default_value = genohub_analysis::bins::DEFAULT_EDGES)]
    pub prob_bins: String,
    /// AF deviation bins (bcftools +af-dist -d).
    #[arg(short = 'd', long, default_value = genohub_analysis::bins::DEFAULT_EDGES)]
    pub dev_bins: String,
    /// AF bins of the site spectrum (AF_DIST).
    #[arg(long, default_value = "0,0.001,0.01,0.05,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1")]
    pub af_bins: String,
    /// Draw the histograms to this file: FILE.svg, or FILE.png for a bitmap.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TestKind {
    Fisher,
    Logistic,
}

#[derive(Args)]
pub struct AssocArgs {
    pub regions: Vec<String>,
    /// Cohort of cases.
    #[arg(long, required = true)]
    pub cases: String,
    /// Cohort of controls (must not share samples with the cases).
    #[arg(long, required = true)]
    pub controls: String,
    /// Allelic Fisher exact test (sample OR with Woolf CI, and COND_OR: the conditional MLE OR with its exact CI, as R), or logistic regression on dosage (Firth when separated).
    #[arg(long, value_enum, default_value = "fisher")]
    pub test: TestKind,
    /// Covariates for --test logistic: header `SAMPLE NAME...`, then one line per sample.
    #[arg(long)]
    pub covariates: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "tsv")]
    pub format: TableFormat,
    /// Draw a Manhattan plot of the p-values (per variant, or per gene at its start) to
    /// FILE.svg, or FILE.png for a bitmap.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// Gene burden of rare variants instead of per-variant tests: Fisher on carrier counts,
    /// or logistic on the burden score (+ covariates). Needs --genes.
    #[arg(long, requires = "genes")]
    pub burden: bool,
    /// Gene regions for --burden: BED (chrom, 0-based start, end, name) or GFF3 (.gff, .gff3;
    /// features of type gene, named by Name, gene_name or ID).
    #[arg(long, requires = "burden")]
    pub genes: Option<PathBuf>,
    /// --burden: a variant qualifies when its AF over cases and controls is at most this.
    #[arg(long, default_value_t = 0.01, requires = "burden")]
    pub max_af: f64,
    /// --burden with --test logistic: the score regressed on, carrier status (any qualifying
    /// alt allele) or the count of qualifying alt alleles.
    #[arg(long, value_enum, default_value = "carrier", requires = "burden")]
    pub burden_score: BurdenScoreArg,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BurdenScoreArg {
    Carrier,
    AltCount,
}
