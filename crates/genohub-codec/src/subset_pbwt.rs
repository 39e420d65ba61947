//! Slot bits of a sample subset at every PBWT record of a block, for counting the subset
//! without replaying the whole PBWT order (which costs O(2N) per order-moving record).
//!
//! The subset's slots are followed by LF-mapping ([`crate::pbwt_track`]), at O(runs +
//! tracked) per PBWT record (O(2N / 64) for a bitmap record). From format version 4 only
//! PBWT records move the order, so that is all. Up to version 3, a sparse or dense record
//! that moves the order needs every slot of its rarer bit tracked as well, from the
//! block's start up to that record (see there); a sparse record with a heterozygous
//! default cannot be tracked at all. Common variants stored densely make that expensive
//! early in a block, so the whole order is replayed up to the record that minimises an
//! instruction estimate, and only tracked from there on. Subsets too big to track pay off
//! are counted during one full replay ([`crate::replayed_subset`]).

use crate::code;
use crate::dense_planes::DensePlanes;
use crate::pbwt::{self, OrderReplay, Slot, FIRST_ALLELES};
use crate::pbwt_track::Tracked;
use crate::replayed_subset::ReplayedSubset;
use crate::sample_subset::SampleSubset;
use crate::sparse_exceptions::SparseExceptions;
use crate::variant_layout::{PaletteEntry, VariantLayout};

/// Estimated instructions, for choosing how far to replay the whole order (callgrind on
/// the 10,000-sample msprime cohort, see docs/benchmarks.md): per slot of a PBWT record and
/// of a sparse or dense record replayed in full, per tracked slot and record, per byte of
/// PBWT runs walked.
const FULL_PBWT_PER_SLOT: u64 = 3;
const FULL_PLANES_PER_SLOT: u64 = 28;
const PER_TRACKED_PBWT: u64 = 20;
const PER_TRACKED_PLANES: u64 = 40;
const PER_RUN_BYTE: u64 = 4;

/// The subset's slot bits at each PBWT record: sample i of the subset (ascending) at bits
/// 2i and 2i + 1; override samples read 0/0.
pub(crate) struct SubsetPbwt {
    words_per_record: usize,
    bits: Vec<u64>,
}

impl SubsetPbwt {
    /// (het, hom-alt) among the subset's samples at PBWT record `ordinal`, override
    /// samples counted as hom-ref.
    pub(crate) fn diploid(&self, ordinal: u32) -> (u64, u64) {
        let at = ordinal as usize * self.words_per_record;
        let words = self.bits.get(at..at + self.words_per_record).unwrap_or(&[]);
        words.iter().fold((0, 0), |(het, hom_alt), &w| {
            (het + u64::from(((w ^ w >> 1) & FIRST_ALLELES).count_ones()), hom_alt + u64::from((w & w >> 1 & FIRST_ALLELES).count_ones()))
        })
    }
}

/// The block as [`crate::BlockView`] holds it.
pub(crate) struct Block<'a> {
    pub gt: &'a [u8],
    pub layouts: &'a [VariantLayout],
    pub palette: &'a [PaletteEntry],
    pub n_samples: usize,
    pub n_pbwt: usize,
}

/// How a view counts a subset at its PBWT records.
pub(crate) enum SubsetPlan {
    /// From the subset's tracked slot bits.
    Tracked(SubsetPbwt),
    /// All samples (stored counts) less the complement, counted from its tracked bits.
    Complement(SampleSubset, SubsetPbwt),
    /// Counted as the whole order was replayed once ([`ReplayedSubset`]).
    Counted(ReplayedSubset),
    /// From the whole replayed order ([`crate::pbwt::materialize`]).
    Replay,
}

/// The subset's bits. `economical`: replay the whole order as far as that is estimated
/// cheaper, and return `None` when that is all the way; otherwise replay only as far as
/// tracking cannot start earlier (for tests of the tracking).
pub(crate) fn build(block: &Block<'_>, subset: &SampleSubset, economical: bool) -> Option<SubsetPbwt> {
    let samples: Vec<u32> = subset.iter().collect();
    let plan = Plan::new(block, &samples, economical)?;
    Some(if block.n_samples <= 1 << 15 { track::<u16>(block, subset, &samples, &plan) } else { track::<u32>(block, subset, &samples, &plan) })
}

/// Which slots to track and from where.
struct Plan {
    /// Per slot: one past the last record that needs it tracked (0: none), `u32::MAX` for
    /// the subset's slots.
    until: Vec<u32>,
    /// The last record up to which the order is replayed in full.
    replay_through: Option<usize>,
    /// Per record: the bit value whose slots are all tracked.
    rarer: Vec<bool>,
    /// One past the last PBWT record.
    end: usize,
}

impl Plan {
    /// `None` when replaying the whole order is the cheapest (and `economical`).
    fn new(block: &Block<'_>, samples: &[u32], economical: bool) -> Option<Plan> {
        let n_slots = 2 * block.n_samples;
        let mut until = vec![0u32; n_slots];
        for &s in samples {
            until[2 * s as usize..2 * s as usize + 2].fill(u32::MAX);
        }
        let mut tracked = 2 * samples.len() as u64;
        // Tracking the subset alone costs more than replaying every slot.
        if economical && tracked * PER_TRACKED_PBWT >= FULL_PBWT_PER_SLOT * n_slots as u64 {
            return None;
        }
        let end = block.layouts.iter().rposition(|l| matches!(l, VariantLayout::Pbwt(_))).map_or(0, |i| i + 1);
        let mut rarer = vec![false; end];
        // Estimated cost of each record when tracked; `None` for records that do not move
        // the order.
        let mut cost: Vec<Option<u64>> = vec![None; end];
        let mut barrier = None;
        let mut need = |slot: usize, r: usize, tracked: &mut u64| {
            if until[slot] == 0 {
                until[slot] = r as u32 + 1;
                *tracked += 1;
            }
        };
        // From the end: a record needs the slots of every later record tracked too.
        for r in (0..end).rev() {
            match &block.layouts[r] {
                VariantLayout::Pbwt(p) => {
                    // A bitmap is walked a word at a time.
                    let walked = (p.runs_end - p.runs_at) as u64 / if p.bitmap { 8 } else { 1 };
                    cost[r] = Some(PER_RUN_BYTE * walked + PER_TRACKED_PBWT * tracked)
                }
                VariantLayout::Dense(d) if d.advances => {
                    let planes = DensePlanes::new(block.gt, d, block.n_samples);
                    let ones = slot_words(&planes);
                    let n_ones: usize = ones.iter().map(|w| w.count_ones() as usize).sum();
                    rarer[r] = 2 * n_ones <= n_slots;
                    for (i, &o) in ones.iter().enumerate() {
                        let mut rare = if rarer[r] { o } else { !o & valid_slots(i, n_slots) };
                        while rare != 0 {
                            need(64 * i + rare.trailing_zeros() as usize, r, &mut tracked);
                            rare &= rare - 1;
                        }
                    }
                    cost[r] = Some(PER_TRACKED_PLANES * tracked);
                }
                VariantLayout::Sparse(sp) if sp.advances => {
                    let (b1, b2) = (code::first(sp.default) == code::ALT, code::second(sp.default) == code::ALT);
                    if b1 != b2 {
                        barrier = Some(r);
                        break;
                    }
                    rarer[r] = !b1;
                    for slot in differing_slots(block, sp, b1) {
                        need(slot as usize, r, &mut tracked);
                    }
                    cost[r] = Some(PER_TRACKED_PLANES * tracked);
                }
                _ => {}
            }
        }
        // Replay through the record that minimises the estimated total.
        let full_pbwt = FULL_PBWT_PER_SLOT * n_slots as u64;
        let full_planes = FULL_PLANES_PER_SLOT * n_slots as u64;
        let tracked_total: u64 = cost.iter().flatten().sum();
        let (mut best, mut best_total) = (None, if barrier.is_none() { tracked_total } else { u64::MAX });
        let (mut replayed, mut left) = (0u64, tracked_total);
        for (r, c) in cost.iter().enumerate() {
            if let Some(c) = c {
                replayed += if matches!(block.layouts[r], VariantLayout::Pbwt(_)) { full_pbwt } else { full_planes };
                left -= c;
            }
            if barrier.is_none_or(|b| r >= b) && replayed + left < best_total {
                (best, best_total) = (Some(r), replayed + left);
            }
        }
        if !economical {
            best = barrier;
        } else if best.is_some_and(|r| r + 1 >= end) {
            return None;
        }
        Some(Plan { until, replay_through: best, rarer, end })
    }
}

/// A dense record's ALT bits by slot.
fn slot_words(planes: &DensePlanes<'_>) -> Vec<u64> {
    let mut out = Vec::with_capacity(2 * planes.n_words());
    for i in 0..planes.n_words() {
        let (a1, a2) = pbwt::dense_alt_words(planes, i);
        out.push(pbwt::interleave(a1 as u32, a2 as u32));
        out.push(pbwt::interleave((a1 >> 32) as u32, (a2 >> 32) as u32));
    }
    out
}

fn valid_slots(word: usize, n_slots: usize) -> u64 {
    let left = n_slots.saturating_sub(64 * word);
    if left >= 64 {
        !0
    } else {
        (1u64 << left) - 1
    }
}

/// Slots of a sparse record's exceptions whose bit (ALT or not) is not `h`.
fn differing_slots<'a>(block: &Block<'a>, sp: &crate::variant_layout::SparseLayout, h: bool) -> impl Iterator<Item = u32> + 'a {
    pbwt::sparse_codes(block.gt, sp, block.palette).flat_map(move |(sample, c)| {
        let bits = [code::first(c) == code::ALT, code::second(c) == code::ALT];
        (0..2u32).filter(move |&a| bits[a as usize] != h).map(move |a| 2 * sample + a)
    })
}

fn track<S: Slot>(block: &Block<'_>, subset: &SampleSubset, samples: &[u32], plan: &Plan) -> SubsetPbwt {
    let m = samples.len();
    let words_per_record = (2 * m).div_ceil(64);
    let mut bits = vec![0u64; block.n_pbwt * words_per_record];
    let n_slots = 2 * block.n_samples;
    let start = plan.replay_through.map_or(0, |r| r + 1);
    // Ids: the subset's slots first (sample i's at 2i and 2i + 1), then those other
    // records need.
    let mut slot_of: Vec<u32> = samples.iter().flat_map(|&s| [2 * s, 2 * s + 1]).collect();
    let mut until_of = vec![u32::MAX; 2 * m];
    for (slot, &until) in plan.until.iter().enumerate() {
        if until as usize > start && until != u32::MAX {
            slot_of.push(slot as u32);
            until_of.push(until);
        }
    }
    let mut tracked = Tracked::new(n_slots, slot_of, until_of, 2 * m);
    let record = |ordinal: u32| ordinal as usize * words_per_record..(ordinal as usize + 1) * words_per_record;
    if let Some(last) = plan.replay_through {
        let mut replay = OrderReplay::<S>::new(block.n_samples);
        let mut full = vec![0u64; 2 * block.n_samples.div_ceil(64)];
        for layout in &block.layouts[..=last] {
            match layout {
                VariantLayout::Pbwt(p) => {
                    replay.step(block.gt, layout, block.palette, Some(&mut full));
                    let out = &mut bits[record(p.ordinal)];
                    for (i, &s) in samples.iter().enumerate() {
                        let (slot, at) = (2 * s as usize, 2 * i);
                        out[at / 64] |= (full[slot / 64] >> (slot % 64) & 3) << (at % 64);
                    }
                }
                _ => replay.step(block.gt, layout, block.palette, None),
            }
        }
        tracked.place(replay.order());
    }
    let mut differing = Vec::new();
    for (r, layout) in block.layouts.iter().enumerate().take(plan.end).skip(start) {
        let r32 = r as u32;
        match layout {
            VariantLayout::Pbwt(p) => {
                let bytes = block.gt.get(p.runs_at..p.runs_end).unwrap_or(&[]);
                if p.bitmap {
                    tracked.bitmap_step(bytes, p.n_ones as usize);
                } else {
                    tracked.pbwt_step(bytes, p.n_ones as usize);
                }
                let out = &mut bits[record(p.ordinal)];
                out.copy_from_slice(&tracked.hits()[..words_per_record]);
                if !m.is_multiple_of(32) {
                    out[words_per_record - 1] &= (1 << (2 * m % 64)) - 1;
                }
                // Override samples read 0/0, as in the full replay.
                for (sample, _) in SparseExceptions::new(block.gt, &p.overrides) {
                    if subset.contains(sample) {
                        if let Ok(i) = samples.binary_search(&sample) {
                            out[i / 32] &= !(3 << (2 * (i % 32)));
                        }
                    }
                }
            }
            VariantLayout::Dense(d) if d.advances => {
                let ones = slot_words(&DensePlanes::new(block.gt, d, block.n_samples));
                tracked.dense_step(r32, plan.rarer[r], |slot| ones.get(slot as usize / 64).is_some_and(|w| w >> (slot % 64) & 1 == 1));
            }
            VariantLayout::Sparse(sp) if sp.advances => {
                let h = code::first(sp.default) == code::ALT;
                differing.clear();
                differing.extend(differing_slots(block, sp, h));
                tracked.sparse_step(r32, h, &differing);
            }
            _ => {}
        }
    }
    SubsetPbwt { words_per_record, bits }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{make, MISSING};
    use crate::encode::{encode_version, EncodeOptions};
    use crate::{decode, BlockView, GenotypeBlock};

    /// 400 samples whose haplotypes copy one of four founders, so that the identity order
    /// sorts the first common variants into many runs; a few missing calls (overrides).
    fn founder_block() -> GenotypeBlock {
        let (n, n_variants) = (400usize, 90usize);
        let mut x = 5u64;
        let mut rand = move |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let copying: Vec<u64> = (0..2 * n).map(|_| rand(4)).collect();
        let mut codes = Vec::with_capacity(n * n_variants);
        for _ in 0..n_variants {
            let founders: Vec<u8> = (0..4).map(|_| rand(2) as u8).collect();
            for s in 0..n {
                let (a, b) = (founders[copying[2 * s] as usize], founders[copying[2 * s + 1] as usize]);
                codes.push(if rand(300) == 0 { make(MISSING, MISSING, true) } else { make(a, b, true) });
            }
        }
        GenotypeBlock { n_variants: n_variants as u32, n_samples: n as u32, codes, ..GenotypeBlock::default() }
    }

    /// From format 4 only PBWT records move the order (common variants the order does not
    /// yet sort are bitmap records), so a small subset is tracked from the block's first
    /// record with no replay of the whole order; format 3 moved it by dense records too.
    #[test]
    fn version_4_moves_the_order_only_at_pbwt_records() {
        let block = founder_block();
        let v4 = BlockView::open(&encode_version(&block, &EncodeOptions::default(), 4).unwrap()).unwrap();
        let v3 = BlockView::open(&encode_version(&block, &EncodeOptions::default(), 3).unwrap()).unwrap();
        let moves_by_other = |view: &BlockView| {
            view.layouts.iter().filter(|l| matches!(l, VariantLayout::Dense(d) if d.advances) || matches!(l, VariantLayout::Sparse(s) if s.advances)).count()
        };
        assert!(moves_by_other(&v3) > 0, "format 3 moves the order by dense records here");
        assert_eq!(moves_by_other(&v4), 0);
        assert!(v4.layouts.iter().any(|l| matches!(l, VariantLayout::Pbwt(p) if p.bitmap)));
        assert!(v4.layouts.iter().any(|l| matches!(l, VariantLayout::Pbwt(p) if !p.bitmap)));
        assert_eq!(decode(&encode_version(&block, &EncodeOptions::default(), 4).unwrap()).unwrap(), block);
        let samples = [3u32, 77, 200, 399];
        let subset = SampleSubset::from_sorted_indices(400, &samples).unwrap();
        let blocks = [&v4, &v3].map(|v| Block { gt: &v.gt, layouts: &v.layouts, palette: &v.palette, n_samples: 400, n_pbwt: v.n_pbwt as usize });
        let plan = Plan::new(&blocks[0], &samples, true).expect("tracked");
        assert_eq!(plan.replay_through, None);
        assert_eq!(plan.until.iter().filter(|&&u| u != 0).count(), 2 * samples.len(), "no slot besides the subset's is tracked");
        assert!(Plan::new(&blocks[1], &samples, false).unwrap().until.iter().filter(|&&u| u != 0).count() > 2 * samples.len());
        for view in [&v4, &v3] {
            for v in 0..block.n_variants {
                let mut expected = crate::GenotypeCounts::default();
                samples.iter().for_each(|&s| expected.add_code(block.variant_codes(v)[s as usize], 1));
                assert_eq!(view.variant(v).counts_in(&subset), expected, "variant {v}");
            }
        }
    }
}
