//! Blocks must stay near the information they carry: rare variants a few bytes per
//! carrier, linked common variants far below two bits per sample.

mod common;

use common::{mosaic_block, MosaicShape, Rng};
use genohub_codec::code::{make, ALT, REF};
use genohub_codec::{encode, BlockView, GenotypeBlock, LayoutKind};

#[test]
fn rare_variant_block_costs_a_few_bytes_per_carrier() {
    let (n, v) = (10_000u32, 200u32);
    let mut rng = Rng::new(7);
    let mut codes = vec![make(REF, REF, true); (n * v) as usize];
    let mut carriers = 0u64;
    for variant in 0..v {
        for _ in 0..1 + rng.below(5) {
            let s = rng.below(n.into()) as usize;
            let code = if rng.chance(80) { make(REF, ALT, true) } else { make(ALT, REF, true) };
            let cell = &mut codes[variant as usize * n as usize + s];
            carriers += u64::from(*cell == make(REF, REF, true));
            *cell = code;
        }
    }
    let block = GenotypeBlock { n_variants: v, n_samples: n, codes, ..GenotypeBlock::default() };
    let bytes = encode(&block).unwrap();
    // Per carrier: a sample gap varint (<= 2 bytes for N < 16384) plus a 1-bit palette
    // index. Per variant: tag, default, palette (<= 2 codes), count = 5 bytes. Plus
    // header and zstd frame (< 64 bytes). zstd may only shrink the record bytes.
    let bound = 64 + 5 * u64::from(v) + carriers * 2 + carriers.div_ceil(8);
    println!("{} bytes for {carriers} carriers in {v} variants (bound {bound}; {:.2} B/carrier)", bytes.len(), bytes.len() as f64 / carriers as f64);
    assert!((bytes.len() as u64) < bound, "{} >= {bound}", bytes.len());
    // BCF stores at least 2 bytes per call before BGZF; here we are 4 orders below raw.
    assert!(bytes.len() < (n * v) as usize / 1000);
}

#[test]
fn linked_common_variants_cost_far_less_than_dense_planes() {
    // 4,000 haplotypes copying 8 founders, each switching founder with probability 2 per
    // mille per variant: about 8 switches per variant, as in a cohort with strong LD.
    let (n, v, founders) = (2000usize, 200usize, 8usize);
    let shape = MosaicShape { n_samples: n, n_variants: v, founders, switch_per_mille: 2, exception_per_mille: 0 };
    let block = mosaic_block(11, &shape);
    let bytes = encode(&block).unwrap();

    // The dense layout alone: tag, default and two bit planes (first and second allele)
    // per variant, since every call is a phased REF/ALT diploid.
    let words = n.div_ceil(64);
    let dense_raw = v * (2 + 2 * 8 * words);
    let mut planes = Vec::with_capacity(dense_raw);
    for variant in 0..v as u32 {
        let codes = block.variant_codes(variant);
        for shift in [0, 2] {
            for chunk in codes.chunks(64) {
                let word = chunk.iter().enumerate().fold(0u64, |w, (j, &c)| w | u64::from(c >> shift & 1) << j);
                planes.extend_from_slice(&word.to_le_bytes());
            }
        }
    }
    let dense_zstd = zstd::bulk::compress(&planes, 3).unwrap().len();

    // Bound: in PBWT order the haplotypes of one founder are contiguous, so a variant has
    // about F runs, plus at most 2 per haplotype still out of place after a switch. With
    // s = 8 switches per variant and w = log2(F) = 3 variants for a switched haplotype to
    // be sorted in, that is F + 2 * s * w = 56 runs, at most 2 bytes each (runs < 2^14),
    // plus 3 bytes of record header: about 115 bytes against 2 + 2 * 8 * 32 = 514 bytes
    // of planes, so below 0.25x; the first few variants (before the order has separated
    // the founders) are dense, which the slack to 0.5x covers.
    let view = BlockView::open(&bytes).unwrap();
    let pbwt = view.variants().filter(|x| x.layout_kind() == LayoutKind::Pbwt).count();
    println!(
        "{} bytes for {v} linked variants x {n} samples: {:.3}x dense planes ({dense_raw} B), {:.3}x zstd'd planes ({dense_zstd} B); {pbwt} PBWT records",
        bytes.len(),
        bytes.len() as f64 / dense_raw as f64,
        bytes.len() as f64 / dense_zstd as f64
    );
    assert!(pbwt * 10 >= v * 9, "only {pbwt} of {v} variants stored as PBWT");
    assert!(bytes.len() * 2 < dense_raw, "{} bytes >= 0.5x dense {dense_raw}", bytes.len());
    // zstd alone finds some of the repetition in the planes; PBWT must still be far ahead.
    assert!(bytes.len() * 2 < dense_zstd, "{} bytes >= 0.5x zstd'd dense {dense_zstd}", bytes.len());
}
