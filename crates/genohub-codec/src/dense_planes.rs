use crate::signature::{self, PLANES};
use crate::variant_layout::{DenseLayout, ABSENT_PLANE};

/// Word-level access to a dense record's bit planes (see [`crate::record`]).
pub(crate) struct DensePlanes<'a> {
    /// Empty for planes that are not stored: they read as "same as default".
    stored: [&'a [u8]; PLANES],
    default_signature: u8,
    n_samples: usize,
    n_words: usize,
}

impl<'a> DensePlanes<'a> {
    pub(crate) fn new(gt: &'a [u8], layout: &DenseLayout, n_samples: usize) -> Self {
        let n_words = n_samples.div_ceil(64);
        let stored = layout.plane_at.map(|at| if at == ABSENT_PLANE { &[][..] } else { gt.get(at..at + n_words * 8).unwrap_or(&[]) });
        Self { stored, default_signature: signature::of_default(layout.default), n_samples, n_words }
    }

    pub(crate) fn n_words(&self) -> usize {
        self.n_words
    }

    pub(crate) fn is_stored(&self, plane: usize) -> bool {
        !self.stored[plane].is_empty()
    }

    pub(crate) fn default_bit(&self, plane: usize) -> bool {
        self.default_signature >> plane & 1 == 1
    }

    /// Bits where samples differ from the default in this plane.
    #[inline]
    pub(crate) fn stored_word(&self, plane: usize, i: usize) -> u64 {
        read_word(self.stored[plane], i)
    }

    /// The samples' own signature bits in this plane.
    #[inline]
    pub(crate) fn actual_word(&self, plane: usize, i: usize) -> u64 {
        let default = if self.default_bit(plane) { !0 } else { 0 };
        self.stored_word(plane, i) ^ default
    }

    /// Ones for real samples; clears the padding of the last word.
    #[inline]
    pub(crate) fn valid_mask(&self, i: usize) -> u64 {
        let tail = self.n_samples % 64;
        if i + 1 == self.n_words && tail != 0 {
            (1u64 << tail) - 1
        } else {
            !0
        }
    }

    /// Only planes 0 and 1 together can produce the EXTENDED signature.
    pub(crate) fn may_contain_extended(&self) -> bool {
        (self.is_stored(0) || self.default_bit(0)) && (self.is_stored(1) || self.default_bit(1))
    }

    #[inline]
    pub(crate) fn extended_mask(&self, i: usize) -> u64 {
        self.actual_word(0, i) & self.actual_word(1, i) & self.valid_mask(i)
    }

    #[inline]
    pub(crate) fn exception_mask(&self, i: usize) -> u64 {
        let any = (0..PLANES).fold(0, |acc, p| acc | self.stored_word(p, i));
        any & self.valid_mask(i)
    }

    pub(crate) fn for_each_exception(&self, mut f: impl FnMut(u32, u8)) {
        for i in 0..self.n_words {
            let mut mask = self.exception_mask(i);
            if mask == 0 {
                continue;
            }
            let words = [0, 1, 2, 3, 4].map(|p| self.stored_word(p, i));
            while mask != 0 {
                let bit = mask.trailing_zeros();
                let diff = words.iter().enumerate().fold(0u8, |acc, (p, w)| acc | ((w >> bit & 1) as u8) << p);
                let code = signature::to_code(self.default_signature ^ diff);
                f((i * 64) as u32 + bit, code);
                mask &= mask - 1;
            }
        }
    }
}

#[inline]
fn read_word(bytes: &[u8], i: usize) -> u64 {
    bytes.get(i * 8..i * 8 + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()).map_or(0, u64::from_le_bytes)
}
