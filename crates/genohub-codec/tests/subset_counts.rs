//! Subset counts at PBWT records: tracking the subset's haplotypes through the PBWT order
//! (and counting all samples less the complement) must give exactly what replaying the
//! whole order gives, and what the codes hold.

mod common;

use common::{mosaic_block, naive_counts, random_block, BlockShape, MosaicShape, Rng};
use genohub_codec::code::{make, ALT, REF};
use genohub_codec::{encode, encode_version, BlockView, EncodeOptions, GenotypeBlock, LayoutKind, SampleSubset, SubsetPath};
use proptest::prelude::*;

/// Mosaic rows (PBWT records), with every `every`-th row replaced by a random one (rare,
/// chaotic with missing and extended calls, common unlinked, haploid, near-uniform), so
/// that order-moving sparse and dense records sit between PBWT records.
fn mixed_block(seed: u64, shape: &MosaicShape, every: usize) -> GenotypeBlock {
    let mosaic = mosaic_block(seed, shape);
    let n = mosaic.n_samples as usize;
    let profiles: Vec<u8> = (0..mosaic.n_variants).map(|v| (v % 251) as u8).collect();
    let noise = random_block(seed ^ 1, &BlockShape { n_samples: n, profiles, dp: false, gq: false, ad: false });
    let mut block = GenotypeBlock { n_samples: n as u32, n_variants: mosaic.n_variants, ..GenotypeBlock::default() };
    for v in 0..mosaic.n_variants {
        let source = if every > 0 && (v as usize).is_multiple_of(every) { &noise } else { &mosaic };
        block.codes.extend_from_slice(source.variant_codes(v));
        block.extended.extend(source.extended.iter().filter(|e| e.variant == v).cloned());
    }
    block
}

/// Subsets of every kind: empty, one sample (first, last, random), a few, a quarter, a
/// half, three quarters, all but one, all, and a random density.
fn subsets(n: u32, seed: u64) -> Vec<Vec<u32>> {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let mut out = vec![vec![], vec![0], vec![n - 1], vec![rng.below(n.into()) as u32], (0..n).collect()];
    out.push((0..n).filter(|&s| s != rng.below(n.into()) as u32).collect());
    for percent in [2, 25, 50, 75, 98, rng.below(101)] {
        out.push((0..n).filter(|_| rng.below(100) < percent).collect());
    }
    let few = 1 + rng.below(8);
    let mut picked: Vec<u32> = (0..few).map(|_| rng.below(n.into()) as u32).collect();
    picked.sort_unstable();
    picked.dedup();
    out.push(picked);
    out
}

/// Every method agrees with the replay, and the replay with the codes, in the newest format
/// (only PBWT records, some of them bitmaps, move the order) and in format 3 (order-moving
/// sparse and dense records between them).
fn check(block: &GenotypeBlock, seed: u64) -> Result<(), String> {
    for version in [3, 4] {
        let bytes = encode_version(block, &EncodeOptions::default(), version).map_err(|e| e.to_string())?;
        check_view(block, &BlockView::open(&bytes).map_err(|e| e.to_string())?, seed).map_err(|e| format!("format {version}: {e}"))?;
    }
    Ok(())
}

fn check_view(block: &GenotypeBlock, view: &BlockView, seed: u64) -> Result<(), String> {
    let n = block.n_samples;
    for indices in subsets(n, seed) {
        let subset = SampleSubset::from_sorted_indices(n, &indices).map_err(|e| e.to_string())?;
        let replay = view.counts_in_by(&subset, SubsetPath::Replay);
        for v in 0..block.n_variants {
            let expected = naive_counts(block, v, |s| subset.contains(s));
            if replay[v as usize] != expected {
                return Err(format!("replay, variant {v}, {} of {n} samples", indices.len()));
            }
        }
        for path in [SubsetPath::Tracked, SubsetPath::Complement, SubsetPath::Counted, SubsetPath::Auto] {
            let counts = view.counts_in_by(&subset, path);
            if let Some(v) = (0..replay.len()).find(|&v| counts[v] != replay[v]) {
                let kind = view.variant(v as u32).layout_kind();
                return Err(format!("{path:?}, variant {v} ({kind:?}), {} of {n} samples: {:?} != {:?}", indices.len(), counts[v], replay[v]));
            }
        }
        // The cached path of `counts_in`, asked twice.
        for _ in 0..2 {
            if let Some(v) = view.variants().find(|v| v.counts_in(&subset) != replay[v.index() as usize]) {
                return Err(format!("counts_in, variant {}", v.index()));
            }
        }
    }
    Ok(())
}

fn mosaic_shape() -> impl Strategy<Value = MosaicShape> {
    // Sample counts on both sides of multiples of 64 and 32 (slot words, sample words).
    (prop_oneof![1usize..20, 60usize..70, 120usize..400], 100usize..180, 2usize..6, 0u64..6, 0u64..40).prop_map(
        |(n_samples, n_variants, founders, switch_per_mille, exception_per_mille)| MosaicShape {
            n_samples,
            n_variants,
            founders,
            switch_per_mille,
            exception_per_mille,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn tracked_and_complement_counts_equal_the_replay(seed in any::<u64>(), shape in mosaic_shape(), every in prop_oneof![Just(0usize), 2usize..8]) {
        let block = mixed_block(seed, &shape, every);
        if let Err(e) = check(&block, seed) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// Most samples 0|1 make a sparse record with a heterozygous default that moves the order:
/// its bits cannot be tracked, so the order is replayed in full up to it. Rows of 1|1 with
/// a few REF alleles move the order by their rare 0s.
#[test]
fn heterozygous_and_alt_defaults_between_pbwt_records() {
    let shape = MosaicShape { n_samples: 203, n_variants: 160, founders: 4, switch_per_mille: 3, exception_per_mille: 10 };
    let mut block = mixed_block(11, &shape, 0);
    let n = block.n_samples as usize;
    for (v, row) in block.codes.chunks_exact_mut(n).enumerate() {
        if v % 37 == 20 {
            row.iter_mut().enumerate().for_each(|(s, c)| *c = if s % 29 == 3 { make(REF, REF, true) } else { make(REF, ALT, true) });
        } else if v % 37 == 30 {
            row.iter_mut().enumerate().for_each(|(s, c)| *c = if s % 31 < 3 { make(REF, ALT, true) } else { make(ALT, ALT, true) });
        }
    }
    block.extended.retain(|e| !matches!(e.variant % 37, 20 | 30));
    let view = BlockView::open(&encode(&block).unwrap()).unwrap();
    let kinds: Vec<LayoutKind> = view.variants().map(|v| v.layout_kind()).collect();
    assert!(kinds[20] == LayoutKind::Sparse && view.variant(20).default_code() == make(REF, ALT, true), "{:?}", kinds[20]);
    assert!(kinds.iter().filter(|&&k| k == LayoutKind::Pbwt).count() > 40);
    check(&block, 5).unwrap();
}

/// Over 32,768 samples a slot index needs 32 bits in the replay.
#[test]
fn wide_blocks_use_wide_slots() {
    let shape = MosaicShape { n_samples: 33_001, n_variants: 24, founders: 3, switch_per_mille: 2, exception_per_mille: 5 };
    let block = mixed_block(3, &shape, 5);
    let view = BlockView::open(&encode(&block).unwrap()).unwrap();
    assert!(view.variants().any(|v| v.layout_kind() == LayoutKind::Pbwt));
    let subset = SampleSubset::from_sorted_indices(block.n_samples, &[5, 17, 4000, 32_999, 33_000]).unwrap();
    let replay = view.counts_in_by(&subset, SubsetPath::Replay);
    assert_eq!(view.counts_in_by(&subset, SubsetPath::Tracked), replay);
    assert_eq!(view.counts_in_by(&subset.complement(), SubsetPath::Auto), view.counts_in_by(&subset.complement(), SubsetPath::Replay));
    for v in 0..block.n_variants {
        assert_eq!(replay[v as usize], naive_counts(&block, v, |s| subset.contains(s)));
    }
}

/// A block wide enough for the estimate to replay the order only part of the way (dense
/// common variants early on) and track the rest, for small subsets and the complements of
/// large ones.
#[test]
fn partial_replay_then_tracking() {
    let shape = MosaicShape { n_samples: 3_001, n_variants: 300, founders: 5, switch_per_mille: 2, exception_per_mille: 8 };
    let block = mixed_block(21, &shape, 9);
    let view = BlockView::open(&encode(&block).unwrap()).unwrap();
    assert!(view.variants().filter(|v| v.layout_kind() == LayoutKind::Pbwt).count() > 100);
    let n = block.n_samples;
    for indices in [vec![7, 1500, 3000], (0..n).step_by(97).collect(), (0..n).filter(|s| s % 50 != 3).collect::<Vec<u32>>()] {
        let subset = SampleSubset::from_sorted_indices(n, &indices).unwrap();
        let replay = view.counts_in_by(&subset, SubsetPath::Replay);
        assert_eq!(view.counts_in_by(&subset, SubsetPath::Auto), replay, "{} samples", indices.len());
        for v in (0..block.n_variants).step_by(7) {
            assert_eq!(replay[v as usize], naive_counts(&block, v, |s| subset.contains(s)));
        }
    }
}
