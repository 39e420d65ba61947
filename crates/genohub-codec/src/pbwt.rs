//! PBWT-ordered haplotype runs (Durbin 2014, positional Burrows-Wheeler transform).
//!
//! Within a block the 2N haplotype slots (sample s: slot 2s holds the first allele, 2s+1
//! the second) are kept in an order that starts as the identity. A PBWT record lists the
//! slots' allele bits (1 = ALT) in the current order as alternating runs, starting with the
//! run of 0s: the first run as a varint (possibly 0), every later run as varint(len - 1),
//! until the runs cover all 2N slots. The order is then updated by the stable PBWT rule:
//! slots with bit 0 first, then those with bit 1, each group keeping its relative order.
//! Sparse and dense records flagged ADVANCES update it the same way with bit = "allele is
//! ALT" (missing, absent and EXTENDED count as 0); unflagged ones leave it alone. The order
//! restarts at every block.
//!
//! The flag exists because the order has to be bootstrapped: in the identity order a
//! common variant is about as many runs as it has ALT alleles, far more than its two
//! dense bit planes, so if only PBWT run records moved the order no variant would ever be
//! stored as PBWT. Which variants advance is the encoder's choice (`gt_writer::Policy`).
//! From format version 4 the flag is gone: a PBWT record may store its bits as a bitmap in
//! order (as long as two dense planes, and better compressed, the order clustering the
//! alleles), which bootstraps the order instead, so only PBWT records move it and a reader
//! can follow a few haplotypes through any block without the rest of the order.
//!
//! Linked haplotypes end up next to each other, so a common variant in linkage
//! disequilibrium becomes a handful of long runs instead of two bits per sample. Samples
//! the bits cannot describe (missing or haploid calls, EXTENDED, or a phasing other than
//! the record's) are listed as overrides; the encoder gives their slots the bit of the
//! slot before them in the order so they never start a run, and the decoder moves them
//! along with whatever bit was stored.
//!
//! Readers need the order to place bits, so a view replays the block's PBWT records once
//! ([`materialize`]; its runs are read by [`crate::pbwt_runs`]) into one slot-ordered bitmap per record (a sample's two alleles side
//! by side, override samples cleared); counting is then a few popcounts per 32 samples.
//! Counting all samples needs no replay: from format version 3 each PBWT record also stores
//! its het and hom-alt counts over the samples its bits describe.
//! Counting a small subset follows only its haplotypes through the order
//! ([`crate::subset_pbwt`]); a large one is counted record by record during one replay
//! ([`crate::replayed_subset`]).

use crate::code;
use crate::dense_counts::SampleMask;
use crate::dense_planes::DensePlanes;
use crate::genotype_counts::GenotypeCounts;
use crate::pbwt_runs::Runs;
use crate::sparse_exceptions::SparseExceptions;
use crate::variant_layout::{PaletteEntry, PbwtLayout, SparseLayout, VariantLayout};
use crate::varint;

/// Whether `c` is `make(a1, a2, phased)` with both alleles REF or ALT.
#[inline]
pub(crate) fn representable(c: u8, phased: bool) -> bool {
    // Valid codes have no bit above 4 except EXTENDED, whose bit 1 is set.
    c & 0b0_1010 == 0 && code::is_phased(c) == phased
}

/// The encoder's copy of the block's PBWT order and the plan for the variant at hand.
#[derive(Default)]
pub(crate) struct PbwtEncoder {
    order: Vec<u32>,
    next: Vec<u32>,
    /// Slot-indexed bits (bit s%64 of word s/64): the variant's ALT alleles, and the slots
    /// of override samples, whose bit the encoder may choose.
    slot_bits: Vec<u64>,
    free: Vec<u64>,
    ones: Vec<u32>,
    /// Runs of the last plan, the (possibly empty) run of 0s first.
    runs: Vec<u32>,
    n_zeros: usize,
}

impl PbwtEncoder {
    /// Restarts at the identity order for a block of `n_samples`.
    pub(crate) fn reset(&mut self, n_samples: usize) {
        self.order.clear();
        self.order.extend(0..2 * n_samples as u32);
    }

    /// Lays the haplotype bits of `codes` out in the current order and returns the encoded
    /// length of their runs. Samples not representable under `phased` take the bit of the
    /// slot before them.
    pub(crate) fn plan(&mut self, codes: &[u8], phased: bool) -> usize {
        self.slot_bits.clear();
        self.free.clear();
        let mut any_free = 0u64;
        for chunk in codes.chunks(32) {
            let (mut bits, mut free) = (0u64, 0u64);
            for (j, &c) in chunk.iter().enumerate() {
                let fixed = u64::from(representable(c, phased));
                bits |= (u64::from(c & 1 | (c >> 1) & 2) * fixed) << (2 * j);
                free |= (3 * (1 - fixed)) << (2 * j);
            }
            self.slot_bits.push(bits);
            self.free.push(free);
            any_free |= free;
        }
        self.runs.clear();
        self.n_zeros = 0;
        if self.order.is_empty() {
            return 0;
        }
        let mut run_start = 0usize;
        if any_free == 0 {
            // Runs end where a bit differs from the one before it (a 1 at slot 0 ends an
            // empty run of 0s): 64 slots per step, one branch per run.
            let mut previous = 0u64;
            for (i, chunk) in self.order.chunks(64).enumerate() {
                let w = gather(chunk, &self.slot_bits);
                let mut ends = (w ^ (w << 1 | previous)) & low_bits(chunk.len());
                while ends != 0 {
                    let at = i * 64 + ends.trailing_zeros() as usize;
                    self.runs.push((at - run_start) as u32);
                    run_start = at;
                    ends &= ends - 1;
                }
                previous = w >> (chunk.len() - 1) & 1;
            }
        } else {
            let mut previous = 0u64;
            for (at, &slot) in self.order.iter().enumerate() {
                let s = slot as usize;
                let bit = if self.free[s / 64] >> (s % 64) & 1 == 1 { previous } else { self.slot_bits[s / 64] >> (s % 64) & 1 };
                if bit != previous {
                    self.runs.push((at - run_start) as u32);
                    run_start = at;
                    previous = bit;
                }
            }
        }
        self.runs.push((self.order.len() - run_start) as u32);
        self.n_zeros = self.runs.iter().step_by(2).map(|&r| r as usize).sum();
        self.runs.iter().enumerate().map(|(i, &r)| varint::encoded_len(u64::from(r - u32::from(i > 0)))).sum()
    }

    /// Writes the runs of the last plan.
    pub(crate) fn write_runs(&self, out: &mut Vec<u8>) {
        for (i, &r) in self.runs.iter().enumerate() {
            varint::write(out, u64::from(r - u32::from(i > 0)));
        }
    }

    /// Length of the last plan's bits as a bitmap (format version 4).
    pub(crate) fn bitmap_len(&self) -> usize {
        self.order.len().div_ceil(8)
    }

    /// Writes the last plan's bits as a bitmap in order.
    pub(crate) fn write_bitmap(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + self.bitmap_len(), 0);
        let bitmap = &mut out[start..];
        let mut at = 0usize;
        for (i, &r) in self.runs.iter().enumerate() {
            let r = r as usize;
            if i % 2 == 1 {
                for p in at..at + r {
                    bitmap[p / 8] |= 1 << (p % 8);
                }
            }
            at += r;
        }
    }

    /// Moves the order past a variant stored in another layout, by its ALT alleles.
    pub(crate) fn commit_alleles(&mut self, codes: &[u8]) {
        self.slot_bits.clear();
        for chunk in codes.chunks(32) {
            let mut bits = 0u64;
            for (j, &c) in chunk.iter().enumerate() {
                let alt = u8::from(code::first(c) == code::ALT) | u8::from(code::second(c) == code::ALT) << 1;
                bits |= u64::from(alt) << (2 * j);
            }
            self.slot_bits.push(bits);
        }
        self.next.resize(self.order.len(), 0);
        advance_by_slot_bits(&self.order, &self.slot_bits, &mut self.next, &mut self.ones);
        std::mem::swap(&mut self.order, &mut self.next);
    }

    /// Moves the order past the last plan's variant.
    pub(crate) fn commit(&mut self) {
        self.next.resize(self.order.len(), 0);
        advance(&self.order, self.runs.iter().map(|&r| r as usize), self.n_zeros, &mut self.next, |_, _| {});
        std::mem::swap(&mut self.order, &mut self.next);
    }
}

/// The slot bits of up to 64 slots, the first slot in bit 0.
#[inline]
fn gather<S: Slot>(slots: &[S], slot_bits: &[u64]) -> u64 {
    let mut w = 0u64;
    for (j, &slot) in slots.iter().enumerate() {
        let s = slot.index();
        w |= (slot_bits.get(s / 64).map_or(0, |b| b >> (s % 64)) & 1) << j;
    }
    w
}

/// Ones in the low `n` bits (n <= 64).
#[inline]
fn low_bits(n: usize) -> u64 {
    if n >= 64 {
        !0
    } else {
        (1u64 << n) - 1
    }
}

/// An index into the 2N haplotype slots: u16 when 2N fits, which halves the bytes every
/// PBWT step moves.
pub(crate) trait Slot: Copy + Default {
    fn from_index(i: usize) -> Self;
    fn index(self) -> usize;

    /// Flips the bit of each of `slots` in `bits` (slots past its end are ignored).
    #[inline]
    fn flip_all(slots: &[Self], bits: &mut [u64]) {
        for &slot in slots {
            let s = slot.index();
            if let Some(w) = bits.get_mut(s / 64) {
                *w ^= 1u64 << (s % 64);
            }
        }
    }
}

/// Words of slot bits that any u16 slot indexes: given that many, flipping a slot needs no
/// bounds check, which is most of the replay's per-slot work for common variants.
pub(crate) const U16_SLOT_WORDS: usize = 1 << 10;

impl Slot for u16 {
    #[inline(always)]
    fn from_index(i: usize) -> Self {
        i as u16
    }
    #[inline(always)]
    fn index(self) -> usize {
        usize::from(self)
    }

    #[inline]
    fn flip_all(slots: &[Self], bits: &mut [u64]) {
        if let Some(words) = bits.get_mut(..U16_SLOT_WORDS).and_then(|b| <&mut [u64; U16_SLOT_WORDS]>::try_from(b).ok()) {
            for &s in slots {
                words[usize::from(s >> 6)] ^= 1u64 << (s & 63);
            }
        } else {
            for &slot in slots {
                let s = usize::from(slot);
                if let Some(w) = bits.get_mut(s / 64) {
                    *w ^= 1u64 << (s % 64);
                }
            }
        }
    }
}

impl Slot for u32 {
    #[inline(always)]
    fn from_index(i: usize) -> Self {
        i as u32
    }
    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
}

/// Runs up to this long are moved with one fixed-size copy instead of a memmove call.
const SHORT_RUN: usize = 16;

/// One PBWT step: copies `order` into `next` with the slots of 0-runs first, then those of
/// 1-runs, and hands each run's slots and bit to `visit`. The runs must cover `order`.
#[inline]
fn advance<S: Slot>(order: &[S], runs: impl Iterator<Item = usize>, n_zeros: usize, next: &mut [S], mut visit: impl FnMut(&[S], bool)) {
    let n_slots = order.len();
    let (mut at, mut zeros, mut ones) = (0usize, 0usize, n_zeros);
    for (i, run) in runs.enumerate() {
        let Some(slots) = order.get(at..at + run) else {
            return;
        };
        let one = i % 2 == 1;
        let (to, end) = if one { (&mut ones, n_slots) } else { (&mut zeros, n_zeros) };
        // Copying a few slots too many is harmless while it stays inside the run's own
        // half of `next`: later runs of that half overwrite them.
        if run <= SHORT_RUN && *to + SHORT_RUN <= end && at + SHORT_RUN <= n_slots {
            next[*to..*to + SHORT_RUN].copy_from_slice(&order[at..at + SHORT_RUN]);
        } else if let Some(dst) = next.get_mut(*to..*to + run) {
            dst.copy_from_slice(slots);
        }
        *to += run;
        at += run;
        visit(slots, one);
    }
}

/// Replays the block's order-moving records in order and returns, for the PBWT record
/// with ordinal k, `2 * n_words` words at `k * 2 * n_words` (n_words = ceil(N / 64)):
/// the ALT bit of slot s at bit s % 64 of word s / 64, with padding and the slots of
/// override samples clear.
pub(crate) fn materialize(gt: &[u8], layouts: &[VariantLayout], palette: &[PaletteEntry], n_samples: usize, n_pbwt: usize) -> Vec<u64> {
    let n_words = n_samples.div_ceil(64);
    let mut bits = vec![0u64; n_pbwt * 2 * n_words];
    if n_pbwt == 0 || n_samples == 0 {
        return bits;
    }
    if 2 * n_samples <= 1 << 16 {
        replay::<u16>(gt, layouts, palette, n_samples, &mut bits);
    } else {
        replay::<u32>(gt, layouts, palette, n_samples, &mut bits);
    }
    bits
}

fn replay<S: Slot>(gt: &[u8], layouts: &[VariantLayout], palette: &[PaletteEntry], n_samples: usize, bits: &mut [u64]) {
    let mut replay = OrderReplay::<S>::new(n_samples);
    let mut records = bits.chunks_exact_mut(2 * n_samples.div_ceil(64)).peekable();
    for layout in layouts {
        if records.peek().is_none() {
            break;
        }
        let out = match layout {
            VariantLayout::Pbwt(_) => records.next(),
            _ => None,
        };
        replay.step(gt, layout, palette, out);
    }
}

/// The block's whole PBWT order, moved on one record at a time.
pub(crate) struct OrderReplay<S> {
    n_samples: usize,
    order: Vec<S>,
    next: Vec<S>,
    scratch: Vec<u64>,
    slot_bits: Vec<u64>,
    replay_scratch: ReplayScratch<S>,
    /// Slot bits of a PBWT record nobody asked for.
    unused_bits: Vec<u64>,
}

impl<S: Slot> OrderReplay<S> {
    /// Starts at the identity order.
    pub(crate) fn new(n_samples: usize) -> Self {
        let n_slots = 2 * n_samples;
        Self {
            n_samples,
            order: (0..n_slots).map(S::from_index).collect(),
            next: vec![S::default(); n_slots],
            scratch: vec![0u64; 2 * n_samples.div_ceil(64)],
            slot_bits: Vec::new(),
            replay_scratch: ReplayScratch::default(),
            unused_bits: Vec::new(),
        }
    }

    /// Slots in the current order.
    pub(crate) fn order(&self) -> &[S] {
        &self.order
    }

    /// Moves the order past `layout` (if it moves it). A PBWT record also writes its slot
    /// bits (see [`materialize`]) to `out`, which must then hold at least `2 * ceil(N / 64)`
    /// words (and words past those must be clear); [`U16_SLOT_WORDS`] words make it faster.
    pub(crate) fn step(&mut self, gt: &[u8], layout: &VariantLayout, palette: &[PaletteEntry], out: Option<&mut [u64]>) {
        let n_samples = self.n_samples;
        let n_words = n_samples.div_ceil(64);
        match layout {
            VariantLayout::Pbwt(p) => {
                let out = match out {
                    Some(out) => out,
                    None => {
                        self.unused_bits.resize((2 * n_words).max(U16_SLOT_WORDS), 0);
                        &mut self.unused_bits[..]
                    }
                };
                if !replay_runs(gt, p, &mut self.order, &mut self.next, &mut self.replay_scratch, out) {
                    return;
                }
            }
            VariantLayout::Dense(d) if d.advances => {
                let planes = DensePlanes::new(gt, d, n_samples);
                let (first, second) = self.scratch.split_at_mut(n_words);
                for (i, (a1, a2)) in first.iter_mut().zip(second.iter_mut()).enumerate() {
                    (*a1, *a2) = dense_alt_words(&planes, i);
                }
                advance_by_planes(&self.order, &self.scratch, &mut self.slot_bits, &mut self.next, &mut self.replay_scratch.moved);
            }
            VariantLayout::Sparse(sp) if sp.advances => {
                let (first, second) = self.scratch.split_at_mut(n_words);
                first.fill(fill_of(code::first(sp.default)));
                second.fill(fill_of(code::second(sp.default)));
                for (sample, c) in sparse_codes(gt, sp, palette) {
                    let (w, bit) = (sample as usize / 64, 1u64 << (sample % 64));
                    for (plane, allele) in [(&mut *first, code::first(c)), (&mut *second, code::second(c))] {
                        if let Some(word) = plane.get_mut(w) {
                            *word = (*word & !bit) | (fill_of(allele) & bit);
                        }
                    }
                }
                clear_padding(&mut self.scratch, n_samples);
                advance_by_planes(&self.order, &self.scratch, &mut self.slot_bits, &mut self.next, &mut self.replay_scratch.moved);
            }
            _ => return,
        }
        std::mem::swap(&mut self.order, &mut self.next);
    }
}

/// The ALT bits by which dense record word `i` moves the order: (first alleles, second
/// alleles). ALT is allele bits 01; EXTENDED samples (first-allele bits 11) copy their other
/// bits from the default but have no allele here.
#[inline]
pub(crate) fn dense_alt_words(planes: &DensePlanes<'_>, i: usize) -> (u64, u64) {
    let (low1, high1) = (planes.actual_word(0, i), planes.actual_word(1, i));
    let plain = planes.valid_mask(i) & !(low1 & high1);
    (low1 & !high1 & plain, planes.actual_word(2, i) & !planes.actual_word(3, i) & plain)
}

/// (sample, code) of a sparse record's exceptions, ascending.
pub(crate) fn sparse_codes<'a>(gt: &'a [u8], sp: &SparseLayout, palette: &'a [PaletteEntry]) -> impl Iterator<Item = (u32, u8)> + 'a {
    let entries = palette.get(sp.palette_start as usize..).unwrap_or(&[]);
    SparseExceptions::new(gt, sp).map(move |(sample, index)| (sample, entries.get(index).map_or(0, |e| e.code)))
}

/// Clears the bits past `n_samples` in both halves of `planes`.
fn clear_padding(planes: &mut [u64], n_samples: usize) {
    let n_words = planes.len() / 2;
    let tail = n_samples % 64;
    if tail != 0 && n_words > 0 {
        let keep = (1u64 << tail) - 1;
        planes[n_words - 1] &= keep;
        planes[2 * n_words - 1] &= keep;
    }
}

/// Scratch space of [`replay_runs`].
#[derive(Default)]
struct ReplayScratch<S> {
    /// Slots of the rarer bit value, when the order is updated in place.
    moved: Vec<S>,
    runs: Vec<usize>,
}

/// Writes the slot bits of PBWT record `layout` to `out` and moves the order on: in place
/// (returns false) when few slots change group, else into `next` (returns true).
fn replay_runs<S: Slot>(gt: &[u8], layout: &PbwtLayout, order: &mut [S], next: &mut [S], scratch: &mut ReplayScratch<S>, out: &mut [u64]) -> bool {
    let n_slots = order.len();
    let n_ones = layout.n_ones as usize;
    // Flip whichever bit value is rarer. (Byte stores packed afterwards measured no
    // faster than flipping bits in place.)
    let flip_ones = 2 * n_ones <= n_slots;
    let flipped = if flip_ones { n_ones } else { n_slots - n_ones };
    let ReplayScratch { moved, runs } = scratch;
    let slot_bits = out;
    // The record's words (see `materialize`); any further words of `out` stay clear.
    let record_words = 2 * n_slots.div_ceil(128);
    slot_bits[..record_words].fill(if flip_ones { 0 } else { !0 });
    let flip = |slot_bits: &mut [u64], slots: &[S]| S::flip_all(slots, slot_bits);
    let in_place = flipped * 16 <= n_slots;
    if in_place {
        // Few slots change group (the usual rare or clustered variant): set them aside and
        // close the gaps they leave, which moves only the slots behind the first of them
        // instead of copying the whole order.
        runs.clear();
        runs.extend(Runs::new(gt, layout, n_slots));
        moved.clear();
        let mut at = 0;
        for (i, &run) in runs.iter().enumerate() {
            if (i % 2 == 1) == flip_ones {
                moved.extend_from_slice(&order[at..at + run]);
            }
            at += run;
        }
        if flip_ones {
            // 0-runs slide left, then the 1s go last.
            let (mut at, mut write) = (0, 0);
            for (i, &run) in runs.iter().enumerate() {
                if i % 2 == 0 {
                    order.copy_within(at..at + run, write);
                    write += run;
                }
                at += run;
            }
            order[write..].copy_from_slice(moved);
        } else {
            // 1-runs slide right, then the 0s go first.
            let (mut at, mut write) = (n_slots, n_slots);
            for (i, &run) in runs.iter().enumerate().rev() {
                at -= run;
                if i % 2 == 1 {
                    write -= run;
                    order.copy_within(at..at + run, write);
                }
            }
            order[..write].copy_from_slice(moved);
        }
        flip(slot_bits, moved);
    } else {
        advance(order, Runs::new(gt, layout, n_slots), n_slots - n_ones, next, |slots, one| {
            if one == flip_ones {
                flip(slot_bits, slots);
            }
        });
    }
    debug_assert!(flipped == moved.len() || !in_place);
    // Padding slots (up to a word and a half: the record has 2 * ceil(N / 64) words), and
    // both slots of override samples, read as 0.
    if !n_slots.is_multiple_of(64) {
        slot_bits[n_slots / 64] &= (1u64 << (n_slots % 64)) - 1;
    }
    slot_bits[n_slots.div_ceil(64)..record_words].fill(0);
    for (sample, _) in SparseExceptions::new(gt, &layout.overrides) {
        let s = 2 * sample as usize;
        slot_bits[s / 64] &= !(3u64 << (s % 64));
    }
    !in_place
}

/// One PBWT step by sample-ordered ALT planes (first allele, then second allele).
fn advance_by_planes<S: Slot>(order: &[S], planes: &[u64], slot_bits: &mut Vec<u64>, next: &mut [S], ones: &mut Vec<S>) {
    let n_words = planes.len() / 2;
    slot_bits.clear();
    for (&a1, &a2) in planes[..n_words].iter().zip(&planes[n_words..]) {
        let (lo, hi) = (interleave(a1 as u32, a2 as u32), interleave((a1 >> 32) as u32, (a2 >> 32) as u32));
        slot_bits.extend_from_slice(&[lo, hi]);
    }
    advance_by_slot_bits(order, slot_bits, next, ones);
}

/// One PBWT step by slot-indexed bits; bits past the slot count must be clear. `ones` is
/// scratch space.
fn advance_by_slot_bits<S: Slot>(order: &[S], slot_bits: &[u64], next: &mut [S], ones: &mut Vec<S>) {
    let n_ones: usize = slot_bits.iter().map(|w| w.count_ones() as usize).sum();
    let n_zeros = order.len().saturating_sub(n_ones);
    // Zeros go straight to `next`, ones to `ones` (one spare entry at the end), and ones
    // are appended at the end.
    ones.clear();
    ones.resize(n_ones + 1, S::default());
    let (mut zeros, mut one) = (0usize, 0usize);
    for chunk in order.chunks(64) {
        let mask = gather(chunk, slot_bits);
        // Most chunks of 64 slots are all 0s or all 1s (the minority allele is rare or
        // clustered in the order), and move as one block.
        if mask == 0 || mask == low_bits(chunk.len()) {
            let (to, dst) = if mask == 0 { (&mut zeros, &mut *next) } else { (&mut one, &mut ones[..]) };
            if let Some(dst) = dst.get_mut(*to..*to + chunk.len()) {
                dst.copy_from_slice(chunk);
            }
            *to += chunk.len();
            continue;
        }
        // Mixed chunks (common variants) without a branch per slot, which would be a coin
        // flip: every slot is written to both destinations and only one cursor advances.
        // A stray write lands on a position that a later slot or the final copy of the
        // ones overwrites.
        for (j, &slot) in chunk.iter().enumerate() {
            let bit = (mask >> j & 1) as usize;
            if let Some(dst) = next.get_mut(zeros) {
                *dst = slot;
            }
            if let Some(dst) = ones.get_mut(one) {
                *dst = slot;
            }
            zeros += 1 - bit;
            one += bit;
        }
    }
    if let (Some(dst), Some(src)) = (next.get_mut(n_zeros..), ones.get(..n_ones)) {
        if dst.len() == src.len() {
            dst.copy_from_slice(src);
        }
    }
}

/// Bits of `even` at even positions, bits of `odd` at odd positions.
pub(crate) fn interleave(even: u32, odd: u32) -> u64 {
    spread(even) | spread(odd) << 1
}

pub(crate) fn spread(x: u32) -> u64 {
    let mut x = u64::from(x);
    x = (x | x << 16) & 0x0000_FFFF_0000_FFFF;
    x = (x | x << 8) & 0x00FF_00FF_00FF_00FF;
    x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | x << 2) & 0x3333_3333_3333_3333;
    (x | x << 1) & 0x5555_5555_5555_5555
}

/// Even bit positions: the first allele of each of 32 samples in a slot word.
pub(crate) const FIRST_ALLELES: u64 = 0x5555_5555_5555_5555;

/// The slot bits of one PBWT record (see [`materialize`]): word k holds samples
/// 32k..32k+31, the first allele of sample 32k+j at bit 2j and the second at bit 2j+1.
pub(crate) struct SlotBits<'a>(pub &'a [u64]);

impl SlotBits<'_> {
    /// Counts over all `n_samples` as if every override sample were 0/0; the caller
    /// corrects for the overrides.
    pub(crate) fn count_all(&self, n_samples: u64) -> GenotypeCounts {
        let (mut het, mut hom_alt) = (0u64, 0u64);
        for &w in self.0 {
            het += u64::from(((w ^ w >> 1) & FIRST_ALLELES).count_ones());
            hom_alt += u64::from((w & w >> 1 & FIRST_ALLELES).count_ones());
        }
        diploid_counts(n_samples, het, hom_alt)
    }

    /// Counts over the samples of `mask` (one bit per sample, 64 to a word), overrides
    /// read as 0/0 as in [`count_all`](Self::count_all).
    pub(crate) fn count<M: SampleMask>(&self, mask: &M) -> GenotypeCounts {
        let (mut het, mut hom_alt) = (0u64, 0u64);
        for (i, pair) in self.0.chunks(2).enumerate() {
            let samples = mask.word(i);
            // A small subset leaves most words empty: skip their spreading and popcounts.
            if samples == 0 {
                continue;
            }
            for (half, &w) in pair.iter().enumerate() {
                let m = spread((samples >> (32 * half)) as u32);
                het += u64::from(((w ^ w >> 1) & m).count_ones());
                hom_alt += u64::from((w & w >> 1 & m).count_ones());
            }
        }
        diploid_counts(mask.total(), het, hom_alt)
    }

    /// Calls `f(sample, code)` for every sample whose code differs from `default`, in
    /// ascending order; `overrides` yields (sample, code) ascending.
    pub(crate) fn for_each_exception(
        &self,
        default: u8,
        phased: bool,
        n_samples: usize,
        overrides: impl Iterator<Item = (u32, u8)>,
        mut f: impl FnMut(u32, u8),
    ) {
        let mut overrides = overrides.peekable();
        // The default as slot bits, when the record's bits can spell it.
        let default_bits =
            representable(default, phased).then(|| fill_of(code::first(default)) & FIRST_ALLELES | fill_of(code::second(default)) & !FIRST_ALLELES);
        let mut override_codes = [0u8; 32];
        for (k, &w) in self.0.iter().enumerate() {
            let base = (k * 32) as u32;
            // Samples of this word, at their first-allele bit.
            let mut overridden = 0u64;
            while let Some(&(sample, c)) = overrides.peek() {
                if sample >= base + 32 {
                    break;
                }
                let j = sample - base;
                overridden |= 1 << (2 * j);
                override_codes[j as usize] = c;
                overrides.next();
            }
            // The last word or two may be partly or wholly padding.
            let valid = spread(low_bits(n_samples.saturating_sub(k * 32).min(32)) as u32);
            let differ = default_bits.map_or(!0, |d| {
                let x = w ^ d;
                x | x >> 1
            });
            let mut mask = (differ & valid) | overridden;
            while mask != 0 {
                let bit = mask.trailing_zeros();
                let j = bit / 2;
                let c =
                    if overridden >> bit & 1 == 1 { override_codes[j as usize] } else { code::make((w >> bit & 1) as u8, (w >> (bit + 1) & 1) as u8, phased) };
                if c != default {
                    f(base + j, c);
                }
                mask &= mask - 1;
            }
        }
    }
}

pub(crate) fn diploid_counts(total: u64, het: u64, hom_alt: u64) -> GenotypeCounts {
    GenotypeCounts { hom_ref: total - het - hom_alt, het, hom_alt, ac: het + 2 * hom_alt, an: 2 * total, ..GenotypeCounts::default() }
}

/// All-ones for ALT, zero otherwise.
pub(crate) fn fill_of(allele: u8) -> u64 {
    if allele == code::ALT {
        !0
    } else {
        0
    }
}
