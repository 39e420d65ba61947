//! Hand-worked counts, in both the sparse and the dense layout.

use genohub_codec::code::{make, ABSENT, ALT, EXTENDED, MISSING, REF};
use genohub_codec::{encode, BlockView, ExtendedCall, GenotypeBlock, GenotypeCounts, SampleSubset};

/// 0/0, 0/1, 1/1, ./., ./1, haploid 1, 0|1/1 (ploidy 3), haploid '.', 1|0
fn pattern() -> Vec<u8> {
    vec![
        make(REF, REF, false),
        make(REF, ALT, false),
        make(ALT, ALT, false),
        make(MISSING, MISSING, false),
        make(MISSING, ALT, false),
        make(ALT, ABSENT, false),
        EXTENDED,
        make(MISSING, ABSENT, false),
        make(ALT, REF, true),
    ]
}

/// Counts of one repetition of `pattern()`, worked out by hand.
fn expected_once() -> GenotypeCounts {
    GenotypeCounts {
        hom_ref: 1,
        het: 2,     // 0/1, 1|0
        hom_alt: 1, // 1/1
        missing: 2, // ./., ./1
        hap_ref: 0,
        hap_alt: 1,                    // 1
        hap_missing: 1,                // .
        extended: 1,                   // 0|1/1
        ac: 1 + 2 + 1 + 1 + 2 + 1,     // 0/1, 1/1, ./1, hap 1, 0|1/1, 1|0
        an: 2 + 2 + 2 + 1 + 1 + 3 + 2, // ./. adds 0, hap '.' adds 0
    }
}

fn block_of(repeats: usize, padding_ref: usize) -> GenotypeBlock {
    let mut codes: Vec<u8> = (0..repeats).flat_map(|_| pattern()).collect();
    codes.extend(std::iter::repeat_n(make(REF, REF, false), padding_ref));
    let extended = codes
        .iter()
        .enumerate()
        .filter(|(_, &c)| c == EXTENDED)
        .map(|(s, _)| ExtendedCall { variant: 0, sample: s as u32, alleles: vec![REF, ALT, ALT], phased: vec![true, false] })
        .collect();
    GenotypeBlock { n_variants: 1, n_samples: codes.len() as u32, codes, extended, ..GenotypeBlock::default() }
}

fn times(c: GenotypeCounts, k: u64) -> GenotypeCounts {
    let mut sum = GenotypeCounts::default();
    (0..k).for_each(|_| sum += c);
    sum
}

#[test]
fn nine_hand_worked_calls_sparse() {
    let block = block_of(1, 0);
    let view = BlockView::open(&encode(&block).unwrap()).unwrap();
    let variant = view.variant(0);
    assert!(variant.is_sparse());
    let counts = variant.counts();
    assert_eq!(counts, expected_once());
    assert_eq!(counts.ac, 8);
    assert_eq!(counts.an, 13);
    assert_eq!(counts.samples(), 9);
}

#[test]
fn rare_pattern_among_many_hom_ref_is_sparse() {
    let block = block_of(1, 5000);
    let view = BlockView::open(&encode(&block).unwrap()).unwrap();
    let variant = view.variant(0);
    assert!(variant.is_sparse());
    assert_eq!(variant.default_code(), make(REF, REF, false));
    let mut expected = expected_once();
    expected.hom_ref += 5000;
    expected.an += 10000;
    assert_eq!(variant.counts(), expected);
}

#[test]
fn repeated_pattern_is_dense_and_counts_match() {
    let block = block_of(100, 0);
    let view = BlockView::open(&encode(&block).unwrap()).unwrap();
    let variant = view.variant(0);
    assert!(!variant.is_sparse());
    assert_eq!(variant.counts(), times(expected_once(), 100));
}

#[test]
fn subset_counts_hand_worked() {
    // Samples 1 (0/1), 2 (1/1), 5 (hap 1), 6 (0|1/1 extended).
    let subset_indices = [1, 2, 5, 6];
    let expected = GenotypeCounts { het: 1, hom_alt: 1, hap_alt: 1, extended: 1, ac: 1 + 2 + 1 + 2, an: 2 + 2 + 1 + 3, ..GenotypeCounts::default() };
    for repeats in [1, 100] {
        let block = block_of(repeats, 0);
        let view = BlockView::open(&encode(&block).unwrap()).unwrap();
        let subset = SampleSubset::from_sorted_indices(block.n_samples, &subset_indices).unwrap();
        assert_eq!(view.variant(0).counts_in(&subset), expected, "repeats {repeats}");
        let empty = SampleSubset::from_sorted_indices(block.n_samples, &[]).unwrap();
        assert_eq!(view.variant(0).counts_in(&empty), GenotypeCounts::default());
    }
}

#[test]
fn common_biallelic_fast_path() {
    // 0|0, 0|1, 1|0, 1|1 repeated: the dense path without missing/haploid planes.
    let row: Vec<u8> = (0..1000).map(|i| make((i % 2) as u8, ((i / 2) % 2) as u8, true)).collect();
    let block = GenotypeBlock { n_variants: 1, n_samples: 1000, codes: row, ..GenotypeBlock::default() };
    let view = BlockView::open(&encode(&block).unwrap()).unwrap();
    let variant = view.variant(0);
    assert!(!variant.is_sparse());
    let c = variant.counts();
    assert_eq!((c.hom_ref, c.het, c.hom_alt, c.missing), (250, 500, 250, 0));
    assert_eq!((c.ac, c.an), (1000, 2000));
    assert_eq!(c.allele_frequency(), Some(0.5));
}

#[test]
fn code_helpers() {
    use genohub_codec::code::{alt_count, called_alleles, first, is_phased, second};
    let c = make(MISSING, ALT, true);
    assert_eq!((first(c), second(c), is_phased(c)), (MISSING, ALT, true));
    assert_eq!(c, 0x16);
    assert_eq!((alt_count(c), called_alleles(c)), (1, 1));
    assert_eq!(called_alleles(make(ALT, ABSENT, false)), 1);
    assert_eq!(alt_count(make(ALT, ALT, false)), 2);
}

#[test]
fn subset_counts_on_sparse_variant_with_over_65535_exceptions() {
    // Exceptions differ from 0/0 in all five planes between them, so sparse wins even at
    // 70,000 exceptions; this crosses the packed-counter flush threshold.
    let n = 200_000u32;
    let codes: Vec<u8> = (0..n)
        .map(|s| match s % 20 {
            0..=3 => make(ALT, ALT, true),
            4..=6 => make(MISSING, MISSING, false),
            _ => make(REF, REF, false),
        })
        .collect();
    let block = GenotypeBlock { n_variants: 1, n_samples: n, codes: codes.clone(), ..GenotypeBlock::default() };
    let view = BlockView::open(&encode(&block).unwrap()).unwrap();
    let variant = view.variant(0);
    assert!(variant.is_sparse());
    assert_eq!(variant.exception_count(), 70_000);
    let kept: Vec<u32> = (0..n).filter(|s| s % 3 != 0).collect();
    let subset = SampleSubset::from_sorted_indices(n, &kept).unwrap();
    let mut expected = GenotypeCounts::default();
    kept.iter().for_each(|&s| expected.add_code(codes[s as usize], 1));
    assert_eq!(variant.counts_in(&subset), expected);
    assert_eq!(variant.counts_in(&SampleSubset::all(n)), variant.counts());
}
