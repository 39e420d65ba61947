//! The record model every input is reduced to: biallelic sites with compact genotype codes.

pub use genohub_codec::{code, ExtendedCall, MISSING_INT};

/// Site-level fields of one biallelic record, kept as VCF text so they round-trip exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub contig: String,
    /// 1-based.
    pub pos: u64,
    pub id: String,
    pub reference: String,
    pub alternate: String,
    pub qual: String,
    pub filter: String,
    pub info: String,
}

impl Site {
    /// Last reference base covered, for region overlap.
    pub fn end(&self) -> u64 {
        self.pos + self.reference.len().max(1) as u64 - 1
    }
}

/// Per-sample values of one biallelic record. `extended` holds calls of ploidy > 2, with the
/// record-local variant index 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calls {
    pub codes: Vec<u8>,
    pub extended: Vec<ExtendedCall>,
    pub dp: Option<Vec<i32>>,
    pub gq: Option<Vec<i32>>,
    /// Two values per sample: reference depth, alternate depth.
    pub ad: Option<Vec<i32>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub site: Site,
    pub calls: Calls,
}

/// A gVCF reference block: the listed samples were callable as reference over [start, end].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefBlock {
    pub contig: String,
    pub start: u64,
    pub end: u64,
    /// Samples with a reference call over the block.
    pub samples: Vec<u32>,
    /// Those of `samples` whose call is haploid (`0`).
    pub haploid: Vec<u32>,
}

/// What one input line becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedLine {
    Variants(Vec<Variant>),
    RefBlock(RefBlock),
    /// Excluded, e.g. a REF mismatch under `--check-ref skip`.
    Skipped,
}
