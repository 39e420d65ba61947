//! Errors returned by the simulator.

use std::io;

/// Everything that can go wrong while simulating a cohort.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The parameters cannot describe a valid cohort (e.g. zero samples).
    #[error("invalid simulation parameters: {0}")]
    InvalidParams(String),
    /// Writing the VCF, FASTA or index failed.
    #[error("I/O error while writing simulated data: {0}")]
    Io(#[from] io::Error),
}
