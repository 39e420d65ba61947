//! Byte layout of one variant record inside the (decompressed) GT section.
//!
//! ```text
//! sparse: tag = 0 | g<<2 | default u8 | palette: g codes | varint k
//!         | k varints: first sample, then (gap - 1) | k palette indices, index_bits(g) each
//! dense:  tag = 1 | planes<<2 | default u8 | one u64-LE word per 64 samples per present plane
//! ```
//! A dense plane holds one signature bit XOR the default's bit, so absent planes are
//! all-equal-to-default and usually only the two allele-low planes are stored.

pub(crate) const KIND_MASK: u8 = 0b11;
pub(crate) const KIND_SPARSE: u8 = 0;
pub(crate) const KIND_DENSE: u8 = 1;
/// 25 valid codes minus the default.
pub(crate) const MAX_PALETTE: usize = 24;

/// Bits per palette index; a single-entry palette needs none.
pub(crate) fn index_bits(palette_len: usize) -> u32 {
    if palette_len <= 1 {
        0
    } else {
        usize::BITS - (palette_len - 1).leading_zeros()
    }
}

pub(crate) fn index_bytes(n_exceptions: usize, bits: u32) -> usize {
    (n_exceptions * bits as usize).div_ceil(8)
}

/// Reads the `i`-th packed index (LSB-first). Never panics: missing bytes read as zero.
#[inline]
pub(crate) fn read_index(bytes: &[u8], i: usize, bits: u32) -> usize {
    let bit = i * bits as usize;
    let byte = bit / 8;
    let lo = u16::from(bytes.get(byte).copied().unwrap_or(0));
    let hi = u16::from(bytes.get(byte + 1).copied().unwrap_or(0));
    (((hi << 8 | lo) >> (bit % 8)) & ((1u16 << bits) - 1)) as usize
}

/// LSB-first packer matching [`read_index`].
pub(crate) struct IndexWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u32,
    filled: u32,
}

impl<'a> IndexWriter<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        Self { out, acc: 0, filled: 0 }
    }

    pub(crate) fn push(&mut self, value: usize, bits: u32) {
        self.acc |= (value as u32) << self.filled;
        self.filled += bits;
        while self.filled >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.filled -= 8;
        }
    }

    pub(crate) fn finish(self) {
        if self.filled > 0 {
            self.out.push(self.acc as u8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_bits_cover_palette() {
        assert_eq!(index_bits(0), 0);
        assert_eq!(index_bits(1), 0);
        assert_eq!(index_bits(2), 1);
        assert_eq!(index_bits(3), 2);
        assert_eq!(index_bits(4), 2);
        assert_eq!(index_bits(5), 3);
        assert_eq!(index_bits(24), 5);
    }

    #[test]
    fn packed_indices_round_trip() {
        for bits in 1..=5u32 {
            let values: Vec<usize> = (0..37).map(|i| (i * 7 + 3) % (1 << bits)).collect();
            let mut out = Vec::new();
            let mut w = IndexWriter::new(&mut out);
            values.iter().for_each(|&v| w.push(v, bits));
            w.finish();
            assert_eq!(out.len(), index_bytes(values.len(), bits));
            for (i, &v) in values.iter().enumerate() {
                assert_eq!(read_index(&out, i, bits), v);
            }
        }
    }
}
