//! Where each variant's record lives inside the decompressed GT section, as found (and
//! validated) when the view was opened.

use crate::signature::PLANES;

#[derive(Debug, Clone)]
pub(crate) enum VariantLayout {
    Sparse(SparseLayout),
    Dense(DenseLayout),
}

impl VariantLayout {
    pub(crate) fn default_code(&self) -> u8 {
        match self {
            Self::Sparse(s) => s.default,
            Self::Dense(d) => d.default,
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
}

#[derive(Debug, Clone)]
pub(crate) struct DenseLayout {
    pub default: u8,
    /// Byte offset of each stored plane; `ABSENT_PLANE` when the plane equals the default.
    pub plane_at: [usize; PLANES],
}

pub(crate) const ABSENT_PLANE: usize = usize::MAX;

/// One exception code of a sparse variant and how many samples carry it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaletteEntry {
    pub code: u8,
    pub count: u32,
}
