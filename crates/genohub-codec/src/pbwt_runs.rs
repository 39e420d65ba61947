//! A PBWT record's alternating run lengths, read from either of its two encodings: varint
//! runs, or (from format version 4) a bitmap of the slots' bits in the current order.

use crate::variant_layout::PbwtLayout;
use crate::varint;

/// Run lengths of a record validated at open, the (possibly empty) run of 0s first, whether
/// the record stores runs or a bitmap.
pub(crate) enum Runs<'a> {
    Varint { bytes: &'a [u8], pos: usize, later: u32 },
    Bitmap(BitmapRuns<'a>),
}

impl<'a> Runs<'a> {
    pub(crate) fn new(gt: &'a [u8], layout: &PbwtLayout, n_slots: usize) -> Self {
        let bytes = gt.get(layout.runs_at..layout.runs_end).unwrap_or(&[]);
        if layout.bitmap {
            Self::Bitmap(BitmapRuns { bytes, n_slots, at: 0, bit: 0, started: false })
        } else {
            Self::Varint { bytes, pos: 0, later: 0 }
        }
    }
}

impl Iterator for Runs<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self {
            Self::Varint { bytes, pos, later } => {
                let (value, len) = varint::read_gap(bytes, *pos)?;
                *pos += len;
                let run = value + *later;
                *later = 1;
                Some(run as usize)
            }
            Self::Bitmap(b) => b.next(),
        }
    }
}

/// Word `i` of a bitmap record's bytes (order positions 64i..64i+63), zeros past its end.
#[inline]
pub(crate) fn bitmap_word(bytes: &[u8], i: usize) -> u64 {
    match bytes.get(8 * i..8 * i + 8) {
        Some(chunk) => u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])),
        None => {
            let mut word = [0u8; 8];
            let tail = bytes.get(8 * i..).unwrap_or(&[]);
            word[..tail.len()].copy_from_slice(tail);
            u64::from_le_bytes(word)
        }
    }
}

/// The runs of a bitmap record.
pub(crate) struct BitmapRuns<'a> {
    bytes: &'a [u8],
    n_slots: usize,
    /// Where the next run starts, and its bit.
    at: usize,
    bit: u64,
    started: bool,
}

impl Iterator for BitmapRuns<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.at >= self.n_slots && self.started {
            return None;
        }
        self.started = true;
        let start = self.at;
        let mut p = start;
        while p < self.n_slots {
            // Ones where the bit differs from the run's, from position p on.
            let w = (bitmap_word(self.bytes, p / 64) ^ self.bit.wrapping_neg()) >> (p % 64);
            if w != 0 {
                p += w.trailing_zeros() as usize;
                break;
            }
            p = (p / 64 + 1) * 64;
        }
        self.at = p.min(self.n_slots);
        self.bit ^= 1;
        Some(self.at - start)
    }
}
