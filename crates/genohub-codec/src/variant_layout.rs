//! Where each variant's record lives inside the decompressed GT section, as found (and
//! validated) when the view was opened.

use crate::signature::PLANES;

#[derive(Debug, Clone)]
pub(crate) enum VariantLayout {
    Sparse(SparseLayout),
    Dense(DenseLayout),
    Pbwt(PbwtLayout),
}

impl VariantLayout {
    pub(crate) fn default_code(&self) -> u8 {
        match self {
            Self::Sparse(s) => s.default,
            Self::Dense(d) => d.default,
            Self::Pbwt(p) => p.default,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SparseLayout {
    pub default: u8,
    /// Range into `BlockView::palette`.
    pub palette_start: u32,
    pub palette_len: u8,
    pub index_bits: u8,
    pub n_exceptions: u32,
    /// Byte ranges into the GT section: sample gaps, then packed palette indices.
    pub samples_at: usize,
    pub indices_at: usize,
    pub indices_end: usize,
    /// Whether the record moves the block's PBWT order on (see [`crate::pbwt`]).
    pub advances: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct DenseLayout {
    pub default: u8,
    /// Byte offset of each stored plane; `ABSENT_PLANE` when the plane equals the default.
    pub plane_at: [usize; PLANES],
    /// Whether the record moves the block's PBWT order on (see [`crate::pbwt`]).
    pub advances: bool,
}

/// See [`crate::pbwt`].
#[derive(Debug, Clone)]
pub(crate) struct PbwtLayout {
    pub default: u8,
    /// Phase flag of every sample the haplotype bits describe.
    pub phased: bool,
    /// Samples whose code the bits do not give, in sparse-record form; its `default` is
    /// unused.
    pub overrides: SparseLayout,
    /// Byte range of the run lengths (or of the bitmap) in the GT section.
    pub runs_at: usize,
    pub runs_end: usize,
    /// Haplotype slots with bit 1, override slots included.
    pub n_ones: u32,
    /// Position among the block's PBWT records, which indexes its materialised planes.
    pub ordinal: u32,
    /// (het, hom-alt) among the samples the bits describe, stored from format version 3.
    pub diploid: Option<(u32, u32)>,
    /// The bits are a bitmap in order, not runs (format version 4).
    pub bitmap: bool,
}

pub(crate) const ABSENT_PLANE: usize = usize::MAX;

/// One exception code of a sparse variant and how many samples carry it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaletteEntry {
    pub code: u8,
    pub count: u32,
}
