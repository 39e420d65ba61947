//! Per-base depth exactly as mosdepth counts it (default mode), streamed: a difference array
//! (+1 where an aligned stretch starts, −1 one past its end) over a sliding window of 64 kb
//! bins. Input is coordinate-sorted, so every change lands at or after the current read's
//! start; bins before it are final and handed on.
//!
//! Overlapping mates of a proper pair are counted once, with mosdepth's rule: the leftmost
//! mate is remembered when it reaches past its mate's start, and when the mate arrives the
//! overlap is taken off again (for two single-operation CIGARs, from the mate's start to the
//! first read's end, as mosdepth does even when one read contains the other).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use crate::alignment::{Alignment, DEFAULT_EXCLUDE, FLAG_PROPER_PAIR, FLAG_SUPPLEMENTARY};
use crate::cigar;

pub const BIN_SHIFT: u32 = 16;
pub const BIN_SIZE: usize = 1 << BIN_SHIFT;

/// Depth changes of one bin (None: no change in it).
pub struct RawBin {
    pub contig: usize,
    pub bin: u32,
    pub diffs: Option<Box<[i32]>>,
}

/// Read names are hashed once per proper pair; SipHash's resistance to chosen keys is not
/// needed for them and cost 3% of a pass (measured), so a multiply-rotate hash is used.
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap()));
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(tail));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl NameHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

struct Mate {
    start: i64,
    stop: i64,
    cigar: Vec<u32>,
}

pub struct DepthCounter {
    min_mapq: u8,
    lengths: Vec<u64>,
    contig: Option<usize>,
    length: i64,
    first_bin: u32,
    window: VecDeque<Option<Box<[i32]>>>,
    seen: HashMap<Vec<u8>, Mate, BuildHasherDefault<NameHasher>>,
    events: Vec<(i64, i32)>,
}

impl DepthCounter {
    pub fn new(lengths: Vec<u64>, min_mapq: u8) -> Self {
        DepthCounter {
            min_mapq,
            lengths,
            contig: None,
            length: 0,
            first_bin: 0,
            window: VecDeque::new(),
            seen: HashMap::default(),
            events: Vec::with_capacity(16),
        }
    }

    /// Counts one record (any record, in file order: positions of filtered ones still let
    /// earlier bins be finished).
    pub fn push(&mut self, a: &Alignment, emit: &mut impl FnMut(RawBin)) {
        let Some(tid) = a.tid else { return };
        if a.pos < 0 {
            return;
        }
        if self.contig != Some(tid) {
            self.finish(emit);
            self.contig = Some(tid);
            self.length = self.lengths.get(tid).copied().unwrap_or(0) as i64;
            self.first_bin = 0;
        }
        self.advance((a.pos >> BIN_SHIFT) as u32, emit);
        if a.mapq < self.min_mapq || a.flags & DEFAULT_EXCLUDE != 0 {
            return;
        }
        let stop = cigar::end_position(a.pos, a.cigar);
        if a.has(FLAG_PROPER_PAIR) && !a.has(FLAG_SUPPLEMENTARY) {
            let overlaps_mate_ahead =
                a.tid == a.mate_tid && stop > a.mate_pos && (a.pos < a.mate_pos || (a.pos == a.mate_pos && !self.seen.contains_key(a.name)));
            if overlaps_mate_ahead {
                self.seen.insert(a.name.to_vec(), Mate { start: a.pos, stop, cigar: a.cigar.to_vec() });
            } else if let Some(mate) = self.seen.remove(a.name) {
                self.remove_overlap(a, &mate);
            }
        }
        self.events.clear();
        cigar::start_ends(a.cigar, a.pos, &mut self.events);
        for i in 0..self.events.len() {
            let (p, v) = self.events[i];
            self.add(p, v);
        }
    }

    fn remove_overlap(&mut self, a: &Alignment, mate: &Mate) {
        if a.cigar.len() == 1 && mate.cigar.len() == 1 {
            self.add(a.pos, -1);
            self.add(mate.stop, 1);
            return;
        }
        self.events.clear();
        cigar::start_ends(a.cigar, a.pos, &mut self.events);
        cigar::start_ends(&mate.cigar, mate.start, &mut self.events);
        // Stable, like mosdepth's merge sort: at equal positions this read's events come first.
        self.events.sort_by_key(|e| e.0);
        let mut pair_depth = 0;
        let mut last_pos = 0i64;
        for i in 0..self.events.len() {
            let (p, v) = self.events[i];
            if v == -1 && pair_depth == 2 {
                self.add(last_pos, -1);
                self.add(p, 1);
            }
            pair_depth += v;
            last_pos = p;
        }
    }

    #[inline]
    fn add(&mut self, pos: i64, v: i32) {
        // Changes past the contig's end (a read overhanging it) and before the window (only
        // possible with inconsistent mate fields) cannot affect stored bases.
        if pos >= self.length || pos < ((self.first_bin as i64) << BIN_SHIFT) {
            return;
        }
        let bin = (pos >> BIN_SHIFT) as u32;
        let idx = (bin - self.first_bin) as usize;
        if idx >= self.window.len() {
            self.window.resize_with(idx + 1, || None);
        }
        let slot = self.window[idx].get_or_insert_with(|| vec![0i32; BIN_SIZE].into_boxed_slice());
        slot[(pos as usize) & (BIN_SIZE - 1)] += v;
    }

    /// Hands on every bin before `bin`.
    fn advance(&mut self, bin: u32, emit: &mut impl FnMut(RawBin)) {
        let contig = self.contig.expect("advance within a contig");
        while self.first_bin < bin {
            match self.window.pop_front() {
                Some(diffs) => emit(RawBin { contig, bin: self.first_bin, diffs }),
                None => {
                    self.first_bin = bin;
                    break;
                }
            }
            self.first_bin += 1;
        }
    }

    /// Hands on every bin of the current contig.
    pub fn finish(&mut self, emit: &mut impl FnMut(RawBin)) {
        if self.contig.is_some() {
            self.advance(u32::MAX, emit);
        }
        self.window.clear();
        self.seen.clear();
        self.contig = None;
    }
}
