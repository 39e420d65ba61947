//! The rare-variant block must stay near the information it carries.

mod common;

use common::Rng;
use genohub_codec::code::{make, ALT, REF};
use genohub_codec::{encode, GenotypeBlock};

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
