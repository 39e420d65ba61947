//! Reference-genome knowledge for genohub.
//!
//! * [`GenomeBuild`] / [`Contig`]: the primary contigs of GRCh37 and GRCh38 (names, lengths,
//!   sequence MD5s, aliases), embedded from `reference/*.tsv`, plus build detection from VCF
//!   `##contig` lines.
//! * [`Region`]: bcftools-style region strings (`chr20:1,000-2,000`).
//! * [`ReferenceFasta`]: random access to a plain or bgzip-compressed indexed FASTA with a
//!   bounded window cache, and [`sequence_md5`].
//! * [`normalize`] / [`check_ref`]: left-alignment and trimming identical to
//!   `bcftools norm -f REF` (1.16) for one biallelic record; see the `normalize` module docs for
//!   the few intentional differences.

mod compression;
mod contig;
mod fasta_source;
mod fasta_state;
mod genome_build;
mod indexed_contig;
mod normalize;
mod normalize_outcome;
mod normalized_allele;
mod ref_check;
mod ref_error;
mod ref_mismatch;
mod reference_fasta;
mod region;
mod region_parse_error;
mod sequence_md5;
mod sequence_window;

pub use contig::Contig;
pub use genome_build::GenomeBuild;
pub use normalize::{check_ref, normalize, normalize_checked};
pub use normalize_outcome::NormalizeOutcome;
pub use normalized_allele::NormalizedAllele;
pub use ref_check::RefCheck;
pub use ref_error::RefError;
pub use ref_mismatch::RefMismatch;
pub use reference_fasta::ReferenceFasta;
pub use region::Region;
pub use region_parse_error::RegionParseError;
pub use sequence_md5::sequence_md5;
