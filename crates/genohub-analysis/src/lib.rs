//! Cohort analyses over the genohub store: allele and genotype counts with Hardy–Weinberg
//! tests ([`freq`]), the allele-frequency spectrum ([`afdist`]), and case/control association
//! tests per variant and per gene (rare-variant burden, [`burden`]). Every analysis resolves and checks its samples first ([`samples`]), plans a scan
//! ([`plan`]) and streams the store's bins in parallel ([`scan`]), counting straight from the
//! compressed genotype layouts. Rules and formulas: docs/analysis.md.

pub mod afdist;
pub mod assoc;
pub mod bins;
pub mod burden;
pub mod conditional_or;
pub mod covariates;
pub mod error;
pub mod fisher;
pub mod fit_pass;
pub mod freq;
pub mod freq_line;
pub mod genes;
pub mod hwe;
mod hwe_memo;
pub mod linalg;
pub mod logistic;
mod null_model;
pub mod number;
pub mod plan;
pub mod plot;
pub mod samples;
pub mod scan;
mod vecmath;

pub use afdist::{afdist, AfDist, AfDistRequest};
pub use assoc::{assoc, resolve_case_control, AssocRequest, AssocRow, AssocTest};
pub use bins::Bins;
pub use burden::{burden, burden_resolved, BurdenOptions, BurdenRequest, BurdenRow, BurdenScore, BurdenSummary};
pub use conditional_or::{conditional_odds_ratio, ConditionalOdds};
pub use covariates::Covariates;
pub use error::AnalysisError;
pub use fisher::fisher_exact;
pub use freq::{freq, freq_resolved, FreqRequest, FreqRow};
pub use freq_line::{freq_text, FreqLine, RowFormat};
pub use genes::{Gene, GeneFormat, GeneSet};
pub use hwe::hwe_exact;
pub use samples::{create_cohort, resolve, SampleSource};
