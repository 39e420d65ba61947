//! Corrupt, truncated and adversarial bytes must yield `CodecError`, never a panic, and
//! whatever the decoder does accept must be a self-consistent block.

mod common;

use common::{mosaic_block, naive_counts, random_block, BlockShape, MosaicShape, Rng};
use genohub_codec::code::{make, ALT, REF};
use genohub_codec::{decode, encode, BlockView, CodecError, GenotypeBlock, LayoutKind, SampleSubset};
use proptest::prelude::*;

fn exercise(bytes: &[u8]) {
    let Ok(view) = BlockView::open(bytes) else {
        assert!(decode(bytes).is_err());
        return;
    };
    let Ok(block) = decode(bytes) else {
        // Only the lazily decoded DP/GQ/AD columns may fail after a successful open.
        assert!(view.dp().is_err() || view.gq().is_err() || view.ad().is_err());
        return;
    };
    block.validate().expect("accepted block is valid");
    assert_eq!(decode(&encode(&block).unwrap()).unwrap(), block);

    let n = view.n_samples();
    let odd: Vec<u32> = (0..n).filter(|s| s % 2 == 1).collect();
    let subset = SampleSubset::from_sorted_indices(n, &odd).unwrap();
    let mut filled = vec![0u8; n as usize];
    for v in 0..view.n_variants() {
        let variant = view.variant(v);
        variant.fill(&mut filled);
        assert_eq!(&filled[..], block.variant_codes(v));
        let default = variant.default_code();
        variant.for_each_exception(|_, c| assert_ne!(c, default));
        let (counts, naive) = (variant.counts(), naive_counts(&block, v, |_| true));
        // From format version 3 a PBWT record carries its het/hom-alt counts beside the runs
        // (so counting all samples needs no replay). A tampered record can make the two
        // disagree within the checked bounds; the counts still cover every sample once.
        // Stored blocks are protected by RocksDB's checksums, and untampered blocks agree
        // exactly (round_trip.rs).
        if counts != naive {
            assert!(bytes[4] >= 3 && variant.layout_kind() == LayoutKind::Pbwt, "variant {v}: {counts:?} vs {naive:?}");
            assert_eq!(counts.samples(), naive.samples());
        }
        assert_eq!(variant.counts_in(&subset), naive_counts(&block, v, |s| s % 2 == 1));
    }
}

/// A random block, or (one seed in three) a haplotype mosaic whose variants are mostly
/// PBWT records, so that tampering reaches run lengths and the PBWT order.
fn sample_block(seed: u64) -> Vec<u8> {
    if seed.is_multiple_of(3) {
        let shape = MosaicShape {
            n_samples: 20 + (seed % 100) as usize,
            n_variants: 100 + (seed % 7) as usize,
            founders: 2 + (seed % 3) as usize,
            switch_per_mille: seed % 5,
            exception_per_mille: seed % 40,
        };
        return encode(&mosaic_block(seed, &shape)).unwrap();
    }
    let shape = BlockShape {
        n_samples: 1 + (seed % 150) as usize,
        profiles: (0..(seed % 12) as u8).collect(),
        dp: seed.is_multiple_of(2),
        gq: seed.is_multiple_of(3),
        ad: seed.is_multiple_of(5),
    };
    encode(&random_block(seed, &shape)).unwrap()
}

/// Test-side reader of the documented header, so section payloads can be tampered with
/// *inside* a well-formed zstd frame and reach the section parsers.
struct Unpacked {
    version: u8,
    flags: u8,
    n_variants: u64,
    n_samples: u64,
    raw_sections: Vec<Vec<u8>>,
}

fn varint(bytes: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = bytes[*pos];
        *pos += 1;
        v |= u64::from(b & 0x7F) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

fn unpack(bytes: &[u8]) -> Unpacked {
    let version = bytes[4];
    let flags = bytes[5];
    let mut pos = 6;
    let n_variants = varint(bytes, &mut pos);
    let n_samples = varint(bytes, &mut pos);
    let n_sections = 1 + flags.count_ones() as usize;
    let lens: Vec<(u64, u64)> = (0..n_sections).map(|_| (varint(bytes, &mut pos), varint(bytes, &mut pos))).collect();
    let raw_sections = lens
        .iter()
        .map(|&(raw, comp)| {
            let payload = &bytes[pos..pos + comp as usize];
            pos += comp as usize;
            if raw == 0 {
                Vec::new()
            } else {
                zstd::bulk::decompress(payload, raw as usize).unwrap()
            }
        })
        .collect();
    Unpacked { version, flags, n_variants, n_samples, raw_sections }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn repack(u: &Unpacked) -> Vec<u8> {
    let mut out = b"GHGT".to_vec();
    out.push(u.version);
    out.push(u.flags);
    put_varint(&mut out, u.n_variants);
    put_varint(&mut out, u.n_samples);
    let compressed: Vec<Vec<u8>> = u.raw_sections.iter().map(|raw| if raw.is_empty() { Vec::new() } else { zstd::bulk::compress(raw, 1).unwrap() }).collect();
    for (raw, comp) in u.raw_sections.iter().zip(&compressed) {
        put_varint(&mut out, raw.len() as u64);
        put_varint(&mut out, comp.len() as u64);
    }
    compressed.iter().for_each(|c| out.extend_from_slice(c));
    out
}

fn mutate(raw: &mut Vec<u8>, rng: &mut Rng) {
    match rng.below(5) {
        0 if !raw.is_empty() => {
            let i = rng.below(raw.len() as u64) as usize;
            raw[i] ^= 1 << rng.below(8);
        }
        1 if !raw.is_empty() => {
            let i = rng.below(raw.len() as u64) as usize;
            raw[i] = rng.next_u64() as u8;
        }
        2 => raw.truncate(rng.below(raw.len() as u64 + 1) as usize),
        3 => (0..1 + rng.below(8)).for_each(|_| raw.push(rng.next_u64() as u8)),
        _ => {
            for _ in 0..1 + rng.below(4) {
                if !raw.is_empty() {
                    let i = rng.below(raw.len() as u64) as usize;
                    raw[i] ^= 1 << rng.below(8);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        exercise(&bytes);
        let mut with_magic = b"GHGT\x02".to_vec();
        with_magic.extend_from_slice(&bytes);
        exercise(&with_magic);
    }

    #[test]
    fn truncation_is_an_error(seed in any::<u64>(), cut in any::<prop::sample::Index>()) {
        let bytes = sample_block(seed);
        let len = cut.index(bytes.len());
        prop_assert!(decode(&bytes[..len]).is_err());
        prop_assert!(BlockView::open(&bytes[..len]).is_err());
    }

    #[test]
    fn bit_flips_never_panic(seed in any::<u64>(), flips in prop::collection::vec(any::<(prop::sample::Index, u8)>(), 1..4)) {
        let mut bytes = sample_block(seed);
        for (at, bit) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= 1 << (bit % 8);
        }
        exercise(&bytes);
    }

    #[test]
    fn tampered_sections_inside_valid_frames_never_panic(seed in any::<u64>(), section in any::<prop::sample::Index>()) {
        let mut unpacked = unpack(&sample_block(seed));
        let mut rng = Rng::new(seed);
        let s = section.index(unpacked.raw_sections.len());
        mutate(&mut unpacked.raw_sections[s], &mut rng);
        exercise(&repack(&unpacked));
    }

    #[test]
    fn tampered_shape_never_panics(seed in any::<u64>(), dv in -3i64..4, dn in -3i64..4) {
        let mut unpacked = unpack(&sample_block(seed));
        unpacked.n_variants = (unpacked.n_variants as i64 + dv).max(0) as u64;
        unpacked.n_samples = (unpacked.n_samples as i64 + dn).max(0) as u64;
        exercise(&repack(&unpacked));
    }
}

#[test]
fn huge_declared_shape_is_rejected_before_allocating() {
    let mut bytes = b"GHGT\x02\x07".to_vec();
    put_varint(&mut bytes, 1 << 24);
    put_varint(&mut bytes, 1 << 24);
    assert!(matches!(decode(&bytes), Err(CodecError::LimitExceeded(_))));

    let mut bytes = b"GHGT\x02\x00".to_vec();
    put_varint(&mut bytes, 100);
    put_varint(&mut bytes, 100);
    put_varint(&mut bytes, u64::MAX); // GT raw length
    put_varint(&mut bytes, 10);
    assert!(matches!(decode(&bytes), Err(CodecError::LimitExceeded(_))));
}

#[test]
fn wrong_magic_and_version_are_named() {
    let bytes = sample_block(3);
    let mut bad_magic = bytes.clone();
    bad_magic[0] = b'X';
    assert!(matches!(decode(&bad_magic), Err(CodecError::BadMagic)));
    let mut bad_version = bytes.clone();
    bad_version[4] = 9;
    assert!(matches!(decode(&bad_version), Err(CodecError::UnsupportedVersion(9))));
    // Version 1 (before PBWT records) is refused by name, not misread.
    let mut version_1 = bytes;
    version_1[4] = 1;
    assert!(matches!(decode(&version_1), Err(CodecError::UnsupportedVersion(1))));
    assert!(matches!(BlockView::open(&version_1), Err(CodecError::UnsupportedVersion(1))));
}

/// A GT-only block of `n_samples` whose raw GT section is `gt`.
fn block_with_gt(n_variants: u64, n_samples: u64, gt: Vec<u8>) -> Vec<u8> {
    // Version 2: hand-made PBWT records without het/hom-alt counts.
    repack(&Unpacked { version: 2, flags: 0, n_variants, n_samples, raw_sections: vec![gt] })
}

/// PBWT record tag: kind 2, phased flag, override palette length.
fn pbwt_tag(phased: bool, palette_len: u8) -> u8 {
    2 | u8::from(phased) << 2 | palette_len << 3
}

#[test]
fn pbwt_runs_must_cover_exactly_two_n_haplotypes() {
    // Three samples: six haplotype slots. Runs: first as is, later ones as length - 1.
    let record = |runs: &[u8]| {
        let mut gt = vec![pbwt_tag(true, 0), make(REF, REF, true), 0];
        gt.extend_from_slice(runs);
        block_with_gt(1, 3, gt)
    };
    let corrupt = |bytes: &[u8]| matches!(decode(bytes), Err(CodecError::Corrupt(_) | CodecError::Truncated(_)));
    // 2 zeros, 2 ones, 2 zeros: exactly six.
    let good = record(&[2, 1, 1]);
    let block = decode(&good).unwrap();
    let h = |a, b| make(a, b, true);
    assert_eq!(block.codes, vec![h(REF, REF), h(ALT, ALT), h(REF, REF)]);
    exercise(&good);
    // Sums past 2N, in the first run, a later run, or through a huge varint.
    for runs in [&[7u8][..], &[2, 1, 2], &[0, 6], &[3, 0x80, 0x80, 0x80, 0x01], &[2, 1, 1, 0]] {
        assert!(corrupt(&record(runs)), "{runs:?}");
    }
    // Sums short of 2N, and a varint longer than any run length.
    for runs in [&[][..], &[2, 1], &[0x80, 0x80, 0x80, 0x80, 0x01]] {
        assert!(decode(&record(runs)).is_err(), "{runs:?}");
    }
    // An override palette beyond 24 codes, and an override sample past the block.
    assert!(corrupt(&block_with_gt(1, 3, vec![pbwt_tag(false, 25), 0, 6])));
    let mut gt = vec![pbwt_tag(true, 1), 0, make(REF, REF, false), 1, 3, 6];
    assert!(corrupt(&block_with_gt(1, 3, gt.clone())));
    // The same override on sample 2 is fine and replaces the haplotype bits.
    gt[4] = 2;
    let block = decode(&block_with_gt(1, 3, gt)).unwrap();
    assert_eq!(block.codes, vec![make(REF, REF, true), make(REF, REF, true), make(REF, REF, false)]);
}

#[test]
fn empty_and_zero_sample_pbwt_records_are_consistent() {
    // No samples: no runs at all.
    let bytes = block_with_gt(2, 0, vec![pbwt_tag(true, 0), 0, 0, pbwt_tag(false, 0), 0x10, 0]);
    let block = decode(&bytes).unwrap();
    assert_eq!((block.n_variants, block.n_samples, block.codes.len()), (2, 0, 0));
    exercise(&bytes);
    // All-ALT: an empty run of 0s, then one run of 1s.
    let bytes = block_with_gt(1, 2, vec![pbwt_tag(false, 0), make(ALT, ALT, false), 0, 0, 3]);
    assert_eq!(decode(&bytes).unwrap().codes, vec![make(ALT, ALT, false); 2]);
    exercise(&bytes);
}

#[test]
fn mosaic_sample_blocks_contain_pbwt_records() {
    // Guards the premise of the tampering tests above: they reach PBWT records.
    let view = BlockView::open(&sample_block(3)).unwrap();
    assert!(view.variants().filter(|v| v.layout_kind() == LayoutKind::Pbwt).count() > 10);
    // And a hand-made block moving the order with an ADVANCES-flagged sparse record.
    let n = 4u32;
    let codes = vec![make(REF, ALT, true), 0x10, 0x10, 0x10, 0x10, 0x10, make(ALT, REF, true), 0x10];
    let block = GenotypeBlock { n_variants: 2, n_samples: n, codes, ..GenotypeBlock::default() };
    assert_eq!(decode(&encode(&block).unwrap()).unwrap(), block);
}

/// Format 4: a PBWT record's bits may be a bitmap in order (kind 3), which older versions
/// do not know; its padding bits must be clear; sparse and dense records no longer move the
/// order.
#[test]
fn version_4_bitmap_records_are_checked() {
    let v4 = |gt: Vec<u8>| repack(&Unpacked { version: 4, flags: 0, n_variants: 1, n_samples: 3, raw_sections: vec![gt] });
    // Three samples, six slots in the identity order: slots 2 and 3 (sample 1) are ALT.
    // Tag, default, empty override list, het 0, hom-alt 1, one bitmap byte.
    let record = |bitmap: u8| vec![3 | 1 << 2, make(REF, REF, true), 0, 0, 1, bitmap];
    let h = |a, b| make(a, b, true);
    let good = v4(record(0b00_1100));
    assert_eq!(decode(&good).unwrap().codes, vec![h(REF, REF), h(ALT, ALT), h(REF, REF)]);
    exercise(&good);
    // Bits past the six slots.
    assert!(matches!(decode(&v4(record(0b0100_1100))), Err(CodecError::Corrupt(_))));
    // A bitmap one byte short.
    assert!(decode(&v4(record(0b00_1100)[..5].to_vec())).is_err());
    // Kind 3 in format 3.
    let v3 = repack(&Unpacked { version: 3, flags: 0, n_variants: 1, n_samples: 3, raw_sections: vec![record(0b00_1100)] });
    assert!(matches!(decode(&v3), Err(CodecError::Corrupt(_))));
    // An order-moving (ADVANCES) sparse record: one exception, sample 0 at 0|1.
    let sparse = vec![1 << 2 | 0x80, make(REF, REF, true), make(REF, ALT, true), 1, 0];
    assert!(matches!(decode(&v4(sparse.clone())), Err(CodecError::Corrupt(_))));
    let v3 = repack(&Unpacked { version: 3, flags: 0, n_variants: 1, n_samples: 3, raw_sections: vec![sparse] });
    assert_eq!(decode(&v3).unwrap().codes, vec![h(REF, ALT), h(REF, REF), h(REF, REF)]);
}
