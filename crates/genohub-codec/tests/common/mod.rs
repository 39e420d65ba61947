//! Shared generators and a naive reference implementation for the integration tests.
#![allow(dead_code)]

use genohub_codec::code::{self, ABSENT, ALT, EXTENDED, MISSING, REF};
use genohub_codec::{ExtendedCall, GenotypeBlock, GenotypeCounts, MISSING_INT};

/// splitmix64: deterministic, dependency-free randomness for building blocks from a
/// proptest-chosen seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub fn any_code(rng: &mut Rng, extended_percent: u64) -> u8 {
    if rng.chance(extended_percent) {
        return EXTENDED;
    }
    let a1 = rng.below(3) as u8;
    let a2 = rng.below(4) as u8;
    code::make(a1, a2, rng.chance(50))
}

/// Variant profiles the encoder must handle: rare, chaotic, common biallelic, haploid,
/// and near-uniform rows (including an EXTENDED default).
pub fn random_variant(rng: &mut Rng, n: usize, profile: u8) -> Vec<u8> {
    match profile % 5 {
        0 => {
            let default = [code::make(REF, REF, false), code::make(REF, REF, true), code::make(REF, ABSENT, false), code::make(MISSING, MISSING, false)]
                [rng.below(4) as usize];
            let mut row = vec![default; n];
            for _ in 0..rng.below(6) {
                let s = rng.below(n as u64) as usize;
                row[s] = any_code(rng, 10);
            }
            row
        }
        1 => (0..n).map(|_| any_code(rng, 3)).collect(),
        2 => {
            let phased = rng.chance(50);
            let af = rng.below(100);
            (0..n)
                .map(|_| {
                    let a1 = if rng.below(100) < af { ALT } else { REF };
                    let a2 = if rng.below(100) < af { ALT } else { REF };
                    code::make(a1, a2, phased)
                })
                .collect()
        }
        3 => (0..n)
            .map(|_| {
                let a1 = [REF, ALT, ALT, MISSING][rng.below(4) as usize];
                code::make(a1, ABSENT, false)
            })
            .collect(),
        _ => {
            let default = any_code(rng, 30);
            let mut row = vec![default; n];
            for _ in 0..rng.below(4) {
                let s = rng.below(n as u64) as usize;
                row[s] = any_code(rng, 20);
            }
            row
        }
    }
}

fn random_int(rng: &mut Rng) -> i32 {
    match rng.below(20) {
        0 | 1 => MISSING_INT,
        2 => i32::MAX,
        3 => i32::MIN + 1,
        4 => -(rng.below(1000) as i32),
        _ => rng.below(80) as i32,
    }
}

#[derive(Debug, Clone)]
pub struct BlockShape {
    pub n_samples: usize,
    pub profiles: Vec<u8>,
    pub dp: bool,
    pub gq: bool,
    pub ad: bool,
}

pub fn random_block(seed: u64, shape: &BlockShape) -> GenotypeBlock {
    let mut rng = Rng::new(seed);
    let n = shape.n_samples;
    let mut codes = Vec::with_capacity(n * shape.profiles.len());
    for &p in &shape.profiles {
        codes.extend(random_variant(&mut rng, n, p));
    }
    let mut extended = Vec::new();
    for (i, &c) in codes.iter().enumerate() {
        if c == EXTENDED {
            let ploidy = if rng.chance(80) { 3 } else { 1 + rng.below(6) as usize };
            extended.push(ExtendedCall {
                variant: (i / n) as u32,
                sample: (i % n) as u32,
                alleles: (0..ploidy).map(|_| rng.below(3) as u8).collect(),
                phased: (1..ploidy).map(|_| rng.chance(50)).collect(),
            });
        }
    }
    let cells = codes.len();
    let mut ints = |len: usize, on: bool| on.then(|| (0..len).map(|_| random_int(&mut rng)).collect());
    GenotypeBlock {
        n_variants: shape.profiles.len() as u32,
        n_samples: n as u32,
        codes,
        extended,
        dp: ints(cells, shape.dp),
        gq: ints(cells, shape.gq),
        ad: ints(cells * 2, shape.ad),
    }
}

/// Reference counts straight from the dense codes; `keep` restricts to a sample subset.
pub fn naive_counts(block: &GenotypeBlock, v: u32, keep: impl Fn(u32) -> bool) -> GenotypeCounts {
    let mut counts = GenotypeCounts::default();
    for (s, &c) in block.variant_codes(v).iter().enumerate() {
        let s = s as u32;
        if !keep(s) {
            continue;
        }
        if c == EXTENDED {
            let call = block.extended.iter().find(|e| e.variant == v && e.sample == s).expect("extended call listed");
            counts.extended += 1;
            counts.ac += call.alleles.iter().filter(|&&a| a == ALT).count() as u64;
            counts.an += call.alleles.iter().filter(|&&a| a != MISSING).count() as u64;
        } else {
            counts.add_code(c, 1);
        }
    }
    counts
}
