//! Compressed genotype blocks: V biallelic variants x N samples.
//!
//! Each variant is stored in whichever of three layouts is smallest: sparse (default code +
//! exception list, the rare-variant case), dense (bit planes) or PBWT (run-length coded
//! haplotype bits in positional-BWT order, which turns linkage disequilibrium into long
//! runs; see `pbwt.rs`). The GT section and each DP/GQ/AD column are then compressed
//! separately with zstd so analytics can skip what they do not read. [`BlockView`] counts
//! alleles straight from these layouts without expanding rare variants to one byte per
//! sample.

mod block_view;
mod byte_reader;
pub mod code;
mod code_scan;
mod decode;
mod dense_counts;
mod dense_planes;
mod encode;
mod error;
mod extended_call;
mod genotype_block;
mod genotype_counts;
mod gt_parser;
mod gt_writer;
mod header;
mod int_column;
pub mod limits;
mod pbwt;
mod pbwt_runs;
mod pbwt_track;
mod record;
mod replayed_subset;
mod sample_subset;
mod section;
mod signature;
mod sparse_exceptions;
mod subset_pbwt;
mod variant_genotypes;
mod variant_layout;
mod varint;

pub use block_view::{BlockView, SubsetPath};
pub use decode::decode;
pub use encode::{encode, encode_version, encode_with, EncodeOptions};
pub use error::CodecError;
pub use extended_call::ExtendedCall;
pub use genotype_block::{GenotypeBlock, MISSING_INT};
pub use genotype_counts::GenotypeCounts;
pub use sample_subset::SampleSubset;
pub use section::decompress as decompress_section;
pub use variant_genotypes::{LayoutKind, VariantGenotypes};
