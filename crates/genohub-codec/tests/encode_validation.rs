//! The encoder refuses inconsistent blocks with a clear error.

use genohub_codec::code::{make, ABSENT, EXTENDED, REF};
use genohub_codec::{decode, encode, CodecError, ExtendedCall, GenotypeBlock};

fn small() -> GenotypeBlock {
    GenotypeBlock { n_variants: 2, n_samples: 3, codes: vec![make(REF, REF, false); 6], ..GenotypeBlock::default() }
}

fn invalid(block: &GenotypeBlock) -> String {
    match encode(block) {
        Err(CodecError::InvalidBlock(msg)) => msg,
        other => panic!("expected InvalidBlock, got {other:?}"),
    }
}

#[test]
fn shape_mismatches_are_rejected() {
    let mut b = small();
    b.codes.pop();
    assert!(invalid(&b).contains("codes"));
    let mut b = small();
    b.dp = Some(vec![1; 5]);
    assert!(invalid(&b).contains("dp"));
    let mut b = small();
    b.ad = Some(vec![1; 6]);
    assert!(invalid(&b).contains("ad"));
}

#[test]
fn bad_codes_are_rejected() {
    for bad in [make(ABSENT, REF, false), 0x20, 0xFE] {
        let mut b = small();
        b.codes[4] = bad;
        assert!(invalid(&b).contains("variant 1, sample 1"), "{bad:#x}");
    }
}

#[test]
fn extended_list_must_match_codes() {
    let call = |variant, sample| ExtendedCall { variant, sample, alleles: vec![0, 1, 1], phased: vec![false, false] };
    let mut b = small();
    b.codes[4] = EXTENDED;
    assert!(invalid(&b).contains("EXTENDED"));
    b.extended = vec![call(1, 2)];
    assert!(invalid(&b).contains("not EXTENDED"));
    b.extended = vec![call(1, 1)];
    assert_eq!(decode(&encode(&b).unwrap()).unwrap(), b);
    b.extended[0].phased.pop();
    assert!(invalid(&b).contains("phased"));
}

#[test]
fn empty_blocks_round_trip() {
    for (v, n) in [(0, 0), (0, 5), (3, 0)] {
        let b = GenotypeBlock { n_variants: v, n_samples: n, dp: Some(vec![]), ..GenotypeBlock::default() };
        assert_eq!(decode(&encode(&b).unwrap()).unwrap(), b);
    }
}
