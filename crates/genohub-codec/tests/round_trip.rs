mod common;

use common::{check_view, mosaic_block, random_block, BlockShape, MosaicShape, Rng};
use genohub_codec::{decode, encode, BlockView, GenotypeBlock, LayoutKind, SampleSubset};
use proptest::prelude::*;

fn shape() -> impl Strategy<Value = BlockShape> {
    (1usize..300, prop::collection::vec(0u8..5, 0..50), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(n_samples, profiles, dp, gq, ad)| BlockShape {
        n_samples,
        profiles,
        dp,
        gq,
        ad,
    })
}

/// Big enough for the PBWT order to pay off (see `gt_writer::GIVE_UP_AFTER`).
fn mosaic_shape() -> impl Strategy<Value = MosaicShape> {
    (100usize..400, 100usize..200, 2usize..6, 0u64..4, 0u64..30).prop_map(|(n_samples, n_variants, founders, switch_per_mille, exception_per_mille)| {
        MosaicShape { n_samples, n_variants, founders, switch_per_mille, exception_per_mille }
    })
}

fn random_subset(n: u32, seed: u64) -> SampleSubset {
    let mut rng = Rng::new(seed ^ 0xABCD);
    let keep_percent = rng.below(101);
    let indices: Vec<u32> = (0..n).filter(|_| rng.below(100) < keep_percent).collect();
    SampleSubset::from_sorted_indices(n, &indices).unwrap()
}

fn layout_share(view: &BlockView, kind: LayoutKind) -> usize {
    view.variants().filter(|v| v.layout_kind() == kind).count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn encode_decode_round_trips(seed in any::<u64>(), shape in shape()) {
        let block = random_block(seed, &shape);
        let bytes = encode(&block).unwrap();
        let decoded = decode(&bytes).unwrap();
        prop_assert_eq!(decoded, block);
    }

    #[test]
    fn view_agrees_with_dense_codes(seed in any::<u64>(), shape in shape()) {
        let block = random_block(seed, &shape);
        let view = BlockView::open(&encode(&block).unwrap()).unwrap();
        prop_assert_eq!(view.dp().unwrap(), block.dp.clone());
        prop_assert_eq!(view.gq().unwrap(), block.gq.clone());
        prop_assert_eq!(view.ad().unwrap(), block.ad.clone());
        let subset = random_subset(block.n_samples, seed);
        if let Err(e) = check_view(&view, &block, &subset) {
            prop_assert!(false, "{}", e);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn haplotype_mosaics_round_trip_through_pbwt(seed in any::<u64>(), shape in mosaic_shape()) {
        let block = mosaic_block(seed, &shape);
        let bytes = encode(&block).unwrap();
        let view = BlockView::open(&bytes).unwrap();
        // Linked haplotypes: common variants (minor allele on at least a tenth of the
        // haplotypes) should be PBWT records but for the first few, which bootstrap the
        // order. Over 600 random shapes the worst share was 0.91.
        let n = block.n_samples as usize;
        let common: Vec<bool> = view.variants().map(|v| v.counts()).map(|c| 10 * c.ac.min(c.an - c.ac) as usize >= 2 * n).collect();
        let pbwt = view.variants().filter(|v| common[v.index() as usize] && v.layout_kind() == LayoutKind::Pbwt).count();
        let n_common = common.iter().filter(|&&c| c).count();
        prop_assert!(4 * pbwt >= 3 * n_common, "{} of {} common variants PBWT", pbwt, n_common);
        prop_assert_eq!(&decode(&bytes).unwrap(), &block);
        let subset = random_subset(block.n_samples, seed);
        if let Err(e) = check_view(&view, &block, &subset) {
            prop_assert!(false, "{}", e);
        }
    }

    /// Mosaic rows interleaved with chaotic ones: PBWT, sparse and dense records (some
    /// moving the order on, some not) must replay in step. With a third or less of the
    /// rows chaotic, the linked layout still wins (400 random shapes: always).
    #[test]
    fn pbwt_order_survives_other_layouts_in_between(seed in any::<u64>(), shape in mosaic_shape(), every in 3usize..6) {
        let mosaic = mosaic_block(seed, &shape);
        let n = mosaic.n_samples as usize;
        let noise = random_block(seed ^ 1, &BlockShape { n_samples: n, profiles: (0..mosaic.n_variants as u8).collect(), dp: false, gq: false, ad: false });
        let mut block = GenotypeBlock { n_samples: n as u32, ..GenotypeBlock::default() };
        for v in 0..mosaic.n_variants {
            let (source, at) = if (v as usize).is_multiple_of(every) { (&noise, v % noise.n_variants.max(1)) } else { (&mosaic, v) };
            block.codes.extend_from_slice(source.variant_codes(at));
            let calls = source.extended.iter().filter(|e| e.variant == at);
            block.extended.extend(calls.map(|e| genohub_codec::ExtendedCall { variant: v, ..e.clone() }));
        }
        block.n_variants = mosaic.n_variants;
        let bytes = encode(&block).unwrap();
        let view = BlockView::open(&bytes).unwrap();
        prop_assert!(layout_share(&view, LayoutKind::Pbwt) > 0);
        prop_assert_eq!(&decode(&bytes).unwrap(), &block);
        let subset = random_subset(block.n_samples, seed);
        if let Err(e) = check_view(&view, &block, &subset) {
            prop_assert!(false, "{}", e);
        }
    }
}
