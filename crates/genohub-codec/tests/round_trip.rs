mod common;

use common::{naive_counts, random_block, BlockShape, Rng};
use genohub_codec::{decode, encode, BlockView, SampleSubset};
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
        prop_assert_eq!(view.n_variants(), block.n_variants);
        prop_assert_eq!(view.n_samples(), block.n_samples);
        prop_assert_eq!(view.dp().unwrap(), block.dp.clone());
        prop_assert_eq!(view.gq().unwrap(), block.gq.clone());
        prop_assert_eq!(view.ad().unwrap(), block.ad.clone());

        let n = block.n_samples;
        let mut rng = Rng::new(seed ^ 0xABCD);
        let keep_percent = rng.below(101);
        let indices: Vec<u32> = (0..n).filter(|_| rng.below(100) < keep_percent).collect();
        let subset = SampleSubset::from_sorted_indices(n, &indices).unwrap();
        let mut filled = vec![0u8; n as usize];
        for v in 0..block.n_variants {
            let expected = block.variant_codes(v);
            let variant = view.variant(v);

            variant.fill(&mut filled);
            prop_assert_eq!(&filled[..], expected);

            let default = variant.default_code();
            let default_count = expected.iter().filter(|&&c| c == default).count();
            for &c in expected {
                prop_assert!(expected.iter().filter(|&&x| x == c).count() <= default_count);
            }

            let mut exceptions = Vec::new();
            variant.for_each_exception(|s, c| exceptions.push((s, c)));
            let naive: Vec<(u32, u8)> = expected
                .iter()
                .enumerate()
                .filter(|(_, &c)| c != default)
                .map(|(s, &c)| (s as u32, c))
                .collect();
            prop_assert_eq!(variant.exception_count() as usize, naive.len());
            prop_assert_eq!(exceptions, naive);

            prop_assert_eq!(variant.counts(), naive_counts(&block, v, |_| true));
            prop_assert_eq!(
                variant.counts_in(&subset),
                naive_counts(&block, v, |s| subset.contains(s))
            );
            prop_assert_eq!(variant.counts_in(&SampleSubset::all(n)), variant.counts());

            let listed: Vec<_> = block.extended.iter().filter(|e| e.variant == v).cloned().collect();
            prop_assert_eq!(variant.extended(), &listed[..]);
        }
    }
}
