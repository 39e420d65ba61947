//! Byte layout of one variant record inside the (decompressed) GT section.
//!
//! ```text
//! sparse: tag = 0 | g<<2 | a<<7 | default u8 | palette: g codes | varint k
//!         | k varints: first sample, then (gap - 1) | k palette indices, index_bits(g) each
//! dense:  tag = 1 | planes<<2 | a<<7 | default u8 | one u64-LE word per 64 samples per
//!         present plane
//! pbwt:   tag = 2 | phased<<2 | g<<3 | default u8 | override list as in sparse (palette,
//!         varint k, sample gaps, packed indices) | from format version 3: varint het,
//!         varint hom_alt (over the samples the bits describe) | run lengths (see
//!         [`crate::pbwt`])
//! pbwt bitmap (from format version 4): tag = 3 | phased<<2 | g<<3 | default u8 | override
//!         list | varint het, varint hom_alt | ceil(2N / 8) bytes: the bit of order position
//!         i at bit i % 8 of byte i / 8, padding bits 0
//! ```
//! `a` (ADVANCES) marks a sparse or dense record that also moves the block's PBWT order on;
//! up to format version 3 only. From version 4 only PBWT records move it: a common variant
//! that the order does not yet sort into few runs is a bitmap record instead (as many bytes
//! as two dense planes), so a reader following a few haplotypes finds the bit of any order
//! position in every order-moving record (see [`crate::subset_pbwt`]).
//! A dense plane holds one signature bit XOR the default's bit, so absent planes are
//! all-equal-to-default and usually only the two allele-low planes are stored.
//!
//! A PBWT record stores the 2N haplotype bits (sample s: slots 2s and 2s+1) of a diploid
//! REF/ALT variant in the block's current PBWT order as alternating runs of 0s and 1s; every
//! sample is `make(bit(2s), bit(2s+1), phased)` unless the override list gives its code.

pub(crate) const KIND_MASK: u8 = 0b11;
pub(crate) const KIND_SPARSE: u8 = 0;
pub(crate) const KIND_DENSE: u8 = 1;
pub(crate) const KIND_PBWT: u8 = 2;
/// A PBWT record whose bits are a bitmap in order rather than runs (format version 4).
pub(crate) const KIND_PBWT_BITMAP: u8 = 3;
/// Tag bit of sparse and dense records that also move the block's PBWT order on.
pub(crate) const ADVANCES: u8 = 0x80;
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

/// How many of the first `n` packed indices take each value; `None` if any index is not
/// below `palette_len`. One- and two-bit indices (palettes of up to four codes, i.e.
/// nearly every variant) are tallied with popcounts instead of one read per index.
pub(crate) fn tally_indices(bytes: &[u8], n: usize, bits: u32, palette_len: usize) -> Option<[u32; MAX_PALETTE]> {
    let mut tally = [0u32; MAX_PALETTE];
    match bits {
        0 => {
            if palette_len > 0 {
                tally[0] = n as u32;
            }
        }
        1 | 2 => {
            const LOW_LANES: u64 = 0x5555_5555_5555_5555;
            let total_bits = n * bits as usize;
            let mut counts = [0u64; 4];
            for (i, chunk) in bytes.chunks(8).enumerate() {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                let mut w = u64::from_le_bytes(word);
                let remaining = total_bits.saturating_sub(i * 64);
                if remaining < 64 {
                    w &= (1u64 << remaining) - 1;
                }
                if bits == 1 {
                    counts[1] += u64::from(w.count_ones());
                } else {
                    let lo = w & LOW_LANES;
                    let hi = (w >> 1) & LOW_LANES;
                    counts[1] += u64::from((lo & !hi).count_ones());
                    counts[2] += u64::from((hi & !lo).count_ones());
                    counts[3] += u64::from((lo & hi).count_ones());
                }
            }
            counts[0] = n as u64 - counts[1] - counts[2] - counts[3];
            if counts[palette_len.min(4)..].iter().any(|&c| c > 0) {
                return None;
            }
            for (t, c) in tally.iter_mut().zip(counts) {
                *t = c as u32;
            }
        }
        _ => {
            for i in 0..n {
                let index = read_index(bytes, i, bits);
                *tally.get_mut(index).filter(|_| index < palette_len)? += 1;
            }
        }
    }
    Some(tally)
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
    fn tallies_match_per_index_reads() {
        for palette_len in 2..=MAX_PALETTE {
            let bits = index_bits(palette_len);
            for n in [0usize, 1, 31, 32, 33, 100, 257] {
                let values: Vec<usize> = (0..n).map(|i| (i * 5 + i / 3) % palette_len).collect();
                let mut out = Vec::new();
                let mut w = IndexWriter::new(&mut out);
                values.iter().for_each(|&v| w.push(v, bits));
                w.finish();
                let mut expected = [0u32; MAX_PALETTE];
                values.iter().for_each(|&v| expected[v] += 1);
                assert_eq!(tally_indices(&out, n, bits, palette_len), Some(expected));
            }
        }
        // Index 3 with a three-entry palette is out of range.
        assert_eq!(tally_indices(&[0b11], 1, 2, 3), None);
        // Stray padding bits beyond n are ignored.
        assert_eq!(tally_indices(&[0b1110], 1, 1, 2).map(|t| t[0]), Some(1));
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
