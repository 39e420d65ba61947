//! A few haplotype slots followed through the block's PBWT order by LF-mapping, without
//! the rest of the order.
//!
//! Every order-moving record is a stable partition by one bit per slot: a slot at position
//! p with bit 0 moves to rank0(p), one with bit 1 to n_zeros + rank1(p). Walking the
//! tracked positions in ascending order, the new positions come out as two ascending lists
//! (zeros, then ones), so the tracked slots stay sorted by position at O(tracked) per
//! record plus, for a PBWT record, O(runs) to find each position's run.
//!
//! A PBWT record's runs give rank0 at any position. A sparse or dense record gives its bits
//! in sample order, so rank0(p) is only known if every slot of one bit value v is tracked:
//! then the tracked slots with bit v seen before p are all there are. The caller (see
//! [`crate::subset_pbwt`]) tracks those slots too, up to the last record that needs them.

use crate::pbwt::Slot;
use crate::pbwt_runs;
use crate::varint;

/// A tracked slot, by its id (see [`Tracked::new`]), and where it is in the current order.
#[derive(Clone, Copy, Default)]
struct Entry {
    pos: u32,
    id: u32,
}

pub(crate) struct Tracked {
    n_slots: usize,
    /// The first `live` are the tracked slots by ascending position; the vectors are one
    /// longer than that at least, so that both destinations of a slot can be written.
    entries: Vec<Entry>,
    next: Vec<Entry>,
    ones: Vec<Entry>,
    live: usize,
    /// By id: the slot, and one past the last record that needs it.
    slot_of: Vec<u32>,
    until_of: Vec<u32>,
    /// By id: the bits of the last PBWT record.
    hits: Vec<u64>,
    /// Slot bitmap of a sparse record's slots whose bit differs from its default's.
    flipped: Vec<u64>,
}

impl Tracked {
    /// Tracks slot `slot_of[id]` until record `until_of[id]`, from the identity order.
    /// `slot_of` is ascending but for one place: the subset's slots come first.
    pub(crate) fn new(n_slots: usize, slot_of: Vec<u32>, until_of: Vec<u32>, n_subset_slots: usize) -> Self {
        let (subset, helpers) = slot_of.split_at(n_subset_slots.min(slot_of.len()));
        let mut entries = Vec::with_capacity(slot_of.len() + 1);
        let (mut i, mut j) = (0, 0);
        while i < subset.len() || j < helpers.len() {
            if j == helpers.len() || (i < subset.len() && subset[i] < helpers[j]) {
                entries.push(Entry { pos: subset[i], id: i as u32 });
                i += 1;
            } else {
                entries.push(Entry { pos: helpers[j], id: (subset.len() + j) as u32 });
                j += 1;
            }
        }
        let live = entries.len();
        entries.push(Entry::default());
        let hits = vec![0; slot_of.len().div_ceil(64)];
        Self { n_slots, next: entries.clone(), ones: entries.clone(), entries, live, slot_of, until_of, hits, flipped: vec![0; n_slots.div_ceil(64)] }
    }

    /// Re-places the tracked slots where `order` (the whole current order) has them.
    pub(crate) fn place<S: Slot>(&mut self, order: &[S]) {
        let id_of = id_of(self.n_slots, &self.slot_of);
        let mut live = 0;
        for (pos, slot) in order.iter().enumerate() {
            let id = id_of.get(slot.index()).copied().unwrap_or(u32::MAX);
            if id != u32::MAX {
                if let Some(e) = self.entries.get_mut(live) {
                    *e = Entry { pos: pos as u32, id };
                    live += 1;
                }
            }
        }
        self.live = live;
    }

    /// Bits by id (ALT = 1) at the last PBWT record: the first `2m` are the subset's.
    pub(crate) fn hits(&self) -> &[u64] {
        &self.hits
    }

    /// Moves past a PBWT record with these run bytes (see [`crate::pbwt`]) and `n_ones`
    /// 1-slots, and sets [`hits`](Self::hits).
    pub(crate) fn pbwt_step(&mut self, runs: &[u8], n_ones: usize) {
        let n_zeros = self.n_slots - n_ones;
        let Self { entries, next, ones, hits, live, .. } = self;
        hits.fill(0);
        let entries = &entries[..*live];
        let (mut zeros, mut n_one) = (0usize, 0usize);
        let mut runs = RunCursor::new(runs, self.n_slots);
        let mut i = 0;
        // Run by run: the tracked slots of one run keep their order and move by the same
        // offset, which matters when they are many (large subsets).
        while let Some(first) = entries.get(i) {
            runs.seek(first.pos as usize);
            let end = entries[i..].iter().position(|e| e.pos as usize >= runs.run_end).map_or(entries.len(), |k| i + k);
            let group = &entries[i..end];
            if runs.bit == 0 {
                let shift = runs.zeros_before_run as u32;
                let start = runs.run_start as u32;
                for (to, e) in next[zeros..zeros + group.len()].iter_mut().zip(group) {
                    *to = Entry { pos: e.pos - start + shift, ..*e };
                }
                zeros += group.len();
            } else {
                let shift = (n_zeros - runs.zeros_before_run) as u32;
                for (to, e) in ones[n_one..n_one + group.len()].iter_mut().zip(group) {
                    *to = Entry { pos: e.pos + shift, ..*e };
                    hits[e.id as usize / 64] |= 1 << (e.id % 64);
                }
                n_one += group.len();
            }
            i = end;
        }
        next[zeros..zeros + n_one].copy_from_slice(&ones[..n_one]);
        std::mem::swap(&mut self.entries, &mut self.next);
    }

    /// Moves past a PBWT bitmap record (see [`crate::record`]) with `n_ones` 1-slots, and
    /// sets [`hits`](Self::hits): a position's new place is its rank among the positions
    /// with its bit, counted with popcounts as the ascending positions are walked.
    pub(crate) fn bitmap_step(&mut self, bitmap: &[u8], n_ones: usize) {
        let n_zeros = self.n_slots - n_ones;
        let Self { entries, next, ones, hits, live, .. } = self;
        hits.fill(0);
        let (mut zeros, mut n_one) = (0usize, 0usize);
        // Ones before word `word`.
        let (mut word, mut ones_before, mut w) = (0usize, 0usize, pbwt_runs::bitmap_word(bitmap, 0));
        for e in &entries[..*live] {
            let p = e.pos as usize;
            while word < p / 64 {
                ones_before += w.count_ones() as usize;
                word += 1;
                w = pbwt_runs::bitmap_word(bitmap, word);
            }
            let rank1 = ones_before + (w & ((1u64 << (p % 64)) - 1)).count_ones() as usize;
            if w >> (p % 64) & 1 == 1 {
                ones[n_one] = Entry { pos: (n_zeros + rank1) as u32, ..*e };
                hits[e.id as usize / 64] |= 1 << (e.id % 64);
                n_one += 1;
            } else {
                next[zeros] = Entry { pos: (p - rank1) as u32, ..*e };
                zeros += 1;
            }
        }
        next[zeros..zeros + n_one].copy_from_slice(&ones[..n_one]);
        std::mem::swap(&mut self.entries, &mut self.next);
    }

    /// Moves past dense record `r`: `bit(slot)` is the slot's bit, and every slot whose bit
    /// is `v` is tracked.
    pub(crate) fn dense_step(&mut self, r: u32, v: bool, bit: impl Fn(u32) -> bool) {
        self.step(r, v, bit);
    }

    /// Moves past sparse record `r` whose unlisted slots have bit `h`; `differing` holds
    /// the slots whose bit is not `h`, all of them tracked.
    pub(crate) fn sparse_step(&mut self, r: u32, h: bool, differing: &[u32]) {
        let mut flipped = std::mem::take(&mut self.flipped);
        for &slot in differing {
            if let Some(w) = flipped.get_mut(slot as usize / 64) {
                *w |= 1 << (slot % 64);
            }
        }
        self.step(r, !h, |slot| h ^ (flipped[slot as usize / 64] >> (slot % 64) & 1 == 1));
        for &slot in differing {
            if let Some(w) = flipped.get_mut(slot as usize / 64) {
                *w = 0;
            }
        }
        self.flipped = flipped;
    }

    /// One stable partition by `bit(slot)`, knowing every slot with bit `v` is tracked.
    /// Slots needed by no later record are dropped.
    #[inline]
    fn step(&mut self, r: u32, v: bool, bit: impl Fn(u32) -> bool) {
        let Self { entries, next, ones, slot_of, until_of, .. } = self;
        let (mut zeros, mut n_one, mut seen_v) = (0usize, 0usize, 0usize);
        for &e in &entries[..self.live] {
            let b = usize::from(bit(slot_of[e.id as usize]));
            let is_v = usize::from(b == usize::from(v));
            // Slots with bit v before p are all tracked, and all seen by now.
            let rank = if is_v == 1 { seen_v } else { e.pos as usize - seen_v };
            seen_v += is_v;
            let keep = usize::from(until_of[e.id as usize] > r + 1);
            next[zeros] = Entry { pos: rank as u32, ..e };
            ones[n_one] = Entry { pos: rank as u32, ..e };
            zeros += keep & (1 - b);
            n_one += keep & b;
        }
        let n_zeros = if v { self.n_slots - seen_v } else { seen_v };
        for (to, from) in next[zeros..zeros + n_one].iter_mut().zip(&ones[..n_one]) {
            *to = Entry { pos: from.pos + n_zeros as u32, ..*from };
        }
        self.live = zeros + n_one;
        std::mem::swap(entries, next);
    }
}

/// Per slot: its id, or `u32::MAX` when not tracked.
fn id_of(n_slots: usize, slot_of: &[u32]) -> Vec<u32> {
    let mut id_of = vec![u32::MAX; n_slots];
    for (id, &slot) in slot_of.iter().enumerate() {
        if let Some(to) = id_of.get_mut(slot as usize) {
            *to = id as u32;
        }
    }
    id_of
}

/// A walk along a PBWT record's runs (validated at open: they cover the slots exactly).
struct RunCursor<'a> {
    bytes: &'a [u8],
    at: usize,
    n_slots: usize,
    /// The current run: [run_start, run_end), its bit, and the 0s before it.
    run_start: usize,
    run_end: usize,
    bit: usize,
    zeros_before_run: usize,
}

impl<'a> RunCursor<'a> {
    fn new(bytes: &'a [u8], n_slots: usize) -> Self {
        // The first run (of 0s) is stored as its length, later ones as length - 1.
        let (first, len) = varint::read_gap(bytes, 0).unwrap_or((n_slots as u32, 0));
        Self { bytes, at: len, n_slots, run_start: 0, run_end: first as usize, bit: 0, zeros_before_run: 0 }
    }

    /// Moves on to the run holding position `p` (at or after the current one).
    #[inline]
    fn seek(&mut self, p: usize) {
        if p < self.run_end {
            return;
        }
        // Zeros up to the end of the current run; the next run has the other bit.
        let mut zeros = self.zeros_before_run + (1 - self.bit) * (self.run_end - self.run_start);
        let mut end = self.run_end;
        let mut next_bit = 1 - self.bit;
        loop {
            // Eight one-byte runs at once when position p lies beyond all of them (most
            // runs of a sorted order are under 129 slots).
            if let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
                let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
                if w & 0x8080_8080_8080_8080 == 0 {
                    const LANES: u64 = 0x00FF_00FF_00FF_00FF;
                    let lane_sum = |x: u64| (x.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize;
                    let (even, odd) = (lane_sum(w & LANES), lane_sum(w >> 8 & LANES));
                    let total = even + odd + 8;
                    if p >= end + total {
                        // Bytes 0, 2, 4, 6 are runs with `next_bit`.
                        zeros += if next_bit == 0 { even } else { odd } + 4;
                        end += total;
                        self.at += 8;
                        continue;
                    }
                }
            }
            let (value, len) = varint::read_gap(self.bytes, self.at).unwrap_or((self.n_slots as u32, 1));
            self.at += len;
            let run = value as usize + 1;
            if p < end + run {
                *self = Self { run_start: end, run_end: end + run, bit: next_bit, zeros_before_run: zeros, ..*self };
                return;
            }
            zeros += (1 - next_bit) * run;
            end += run;
            next_bit ^= 1;
        }
    }
}
