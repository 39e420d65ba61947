use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::RefMismatch;

/// Errors from opening or reading a reference FASTA and from normalising against it.
#[derive(Debug, Error)]
pub enum RefError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A bgzip-compressed FASTA needs both `.fai` and `.gzi` for random access.
    #[error("{fasta} is bgzip-compressed and needs the index {missing}, which does not exist (create .fai and .gzi with `samtools faidx {fasta}`)")]
    MissingIndex { fasta: PathBuf, missing: PathBuf },
    #[error("{path} is gzip- but not bgzip-compressed, so it cannot be read at random; recompress it with `bgzip` and index it with `samtools faidx`")]
    NotBgzf { path: PathBuf },
    #[error("invalid FASTA or FASTA index for {path}: {reason}")]
    InvalidIndex { path: PathBuf, reason: String },
    #[error("contig {contig:?} is not in the FASTA {path}")]
    UnknownContig { contig: String, path: PathBuf },
    #[error("{contig}:{start}-{end} is outside contig {contig} (length {length})")]
    OutOfRange { contig: String, start: u64, end: u64, length: u64 },
    #[error("invalid range {contig}:{start}-{end}: positions are 1-based and start must not exceed end")]
    InvalidRange { contig: String, start: u64, end: u64 },
    #[error(transparent)]
    RefMismatch(#[from] RefMismatch),
    /// REF and ALT are the same sequence; `bcftools norm -c e` stops here too.
    #[error("duplicate alleles at {contig}:{pos}: REF and ALT are both {allele:?}")]
    DuplicateAllele { contig: String, pos: u64, allele: String },
    #[error("invalid allele at {contig}:{pos}: {reason}")]
    InvalidAllele { contig: String, pos: u64, reason: String },
}
