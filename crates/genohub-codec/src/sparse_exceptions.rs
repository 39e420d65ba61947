use crate::record;
use crate::variant_layout::SparseLayout;
use crate::varint;

/// Walks a sparse record's exceptions in ascending sample order, yielding
/// `(sample, palette index)`. Runs only over records validated at open.
pub(crate) struct SparseExceptions<'a> {
    gaps: &'a [u8],
    pos: usize,
    indices: &'a [u8],
    bits: u32,
    next: u32,
    len: u32,
    base: u32,
}

impl<'a> SparseExceptions<'a> {
    pub(crate) fn new(gt: &'a [u8], layout: &SparseLayout) -> Self {
        Self {
            gaps: gt.get(layout.samples_at..layout.indices_at).unwrap_or(&[]),
            pos: 0,
            indices: gt.get(layout.indices_at..layout.indices_end).unwrap_or(&[]),
            bits: u32::from(layout.index_bits),
            next: 0,
            len: layout.n_exceptions,
            base: 0,
        }
    }
}

impl Iterator for SparseExceptions<'_> {
    type Item = (u32, usize);

    #[inline(always)]
    fn next(&mut self) -> Option<(u32, usize)> {
        if self.next == self.len {
            return None;
        }
        // Validated at open, so the fallback never triggers.
        let (gap, len) = varint::read_gap(self.gaps, self.pos).unwrap_or((0, 1));
        self.pos += len;
        let sample = self.base.wrapping_add(gap);
        self.base = sample.wrapping_add(1);
        let index = if self.bits == 0 { 0 } else { record::read_index(self.indices, self.next as usize, self.bits) };
        self.next += 1;
        Some((sample, index))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.len - self.next) as usize;
        (left, Some(left))
    }
}
