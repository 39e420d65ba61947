//! Shared generators and a naive reference implementation for the integration tests.
#![allow(dead_code)]

use genohub_codec::code::{self, ABSENT, ALT, EXTENDED, MISSING, REF};
use genohub_codec::{BlockView, ExtendedCall, GenotypeBlock, GenotypeCounts, SampleSubset, MISSING_INT};

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

/// Shape of a block of haplotype mosaics: every haplotype copies one of a few founder
/// haplotypes and now and then switches to another, as linked genomes do. In PBWT order
/// haplotypes with the same recent founder sit together, so runs are long.
#[derive(Debug, Clone)]
pub struct MosaicShape {
    pub n_samples: usize,
    pub n_variants: usize,
    pub founders: usize,
    /// Chance per haplotype and variant of switching founder, per mille.
    pub switch_per_mille: u64,
    /// Chance per call of an exception (missing, haploid, other phasing, extended), per
    /// mille.
    pub exception_per_mille: u64,
}

pub fn mosaic_block(seed: u64, shape: &MosaicShape) -> GenotypeBlock {
    let mut rng = Rng::new(seed);
    let n = shape.n_samples;
    let founders = shape.founders.max(1);
    let mut copying: Vec<usize> = (0..2 * n).map(|_| rng.below(founders as u64) as usize).collect();
    let mut codes = Vec::with_capacity(n * shape.n_variants);
    let mut extended = Vec::new();
    for v in 0..shape.n_variants {
        let phased = rng.chance(80);
        // Common variants carried by some founders, or a recent mutation on part of one
        // founder's descendants (rare but clustered), with ALT or (nearly fixed variants)
        // REF as the rare allele.
        let recent = rng.chance(30);
        let rare_ref = recent && rng.chance(30);
        let keep_one_in = [1, 3, 10, 40][rng.below(4) as usize];
        let carrier_founder = rng.below(founders as u64) as usize;
        let founder_alleles: Vec<u8> = (0..founders).map(|f| if recent { u8::from(f == carrier_founder) } else { u8::from(rng.chance(50)) }).collect();
        let mut bits = Vec::with_capacity(2 * n);
        for (slot, founder) in copying.iter_mut().enumerate() {
            if rng.below(1000) < shape.switch_per_mille {
                *founder = rng.below(founders as u64) as usize;
            }
            let mut bit = founder_alleles[*founder];
            if recent && bit == 1 && (slot * 7 + v) % keep_one_in != 0 {
                bit = 0;
            }
            if rare_ref {
                bit ^= 1;
            }
            if rng.below(5000) == 0 {
                bit ^= 1;
            }
            bits.push(bit);
        }
        for s in 0..n {
            let (b1, b2) = (bits[2 * s], bits[2 * s + 1]);
            let c = if rng.below(1000) < shape.exception_per_mille {
                match rng.below(5) {
                    0 => code::make(MISSING, MISSING, false),
                    1 => code::make(b1, MISSING, phased),
                    2 => code::make(b1, ABSENT, false),
                    3 => code::make(b1, b2, !phased),
                    _ => {
                        extended.push(ExtendedCall { variant: v as u32, sample: s as u32, alleles: vec![b1, b2, ALT], phased: vec![phased, false] });
                        EXTENDED
                    }
                }
            } else {
                code::make(b1, b2, phased)
            };
            codes.push(c);
        }
    }
    GenotypeBlock { n_variants: shape.n_variants as u32, n_samples: n as u32, codes, extended, ..GenotypeBlock::default() }
}

/// Checks every accessor of a view of `block` against the dense codes: fill,
/// default_code (a most frequent code), for_each_exception, exception_count, counts,
/// counts_in (over `subset` and over all samples) and extended.
pub fn check_view(view: &BlockView, block: &GenotypeBlock, subset: &SampleSubset) -> Result<(), String> {
    let n = block.n_samples;
    if (view.n_variants(), view.n_samples()) != (block.n_variants, n) {
        return Err("shape".into());
    }
    let mut filled = vec![0u8; n as usize];
    for v in 0..block.n_variants {
        let expected = block.variant_codes(v);
        let variant = view.variant(v);
        let fail = |what: &str| Err(format!("variant {v} ({:?}): {what}", variant.layout_kind()));
        variant.fill(&mut filled);
        if filled != expected {
            return fail("fill");
        }
        let default = variant.default_code();
        let default_count = expected.iter().filter(|&&c| c == default).count();
        let mut histogram = [0usize; 256];
        expected.iter().for_each(|&c| histogram[c as usize] += 1);
        if histogram.iter().any(|&h| h > default_count) {
            return fail("default is not a most frequent code");
        }
        let mut exceptions = Vec::new();
        variant.for_each_exception(|s, c| exceptions.push((s, c)));
        let naive: Vec<(u32, u8)> = expected.iter().enumerate().filter(|(_, &c)| c != default).map(|(s, &c)| (s as u32, c)).collect();
        if exceptions != naive {
            return fail("for_each_exception");
        }
        if variant.exception_count() as usize != naive.len() {
            return fail("exception_count");
        }
        if variant.counts() != naive_counts(block, v, |_| true) {
            return fail("counts");
        }
        if variant.counts_in(subset) != naive_counts(block, v, |s| subset.contains(s)) {
            return fail("counts_in");
        }
        if variant.counts_in(&SampleSubset::all(n)) != variant.counts() {
            return fail("counts_in(all)");
        }
        let listed: Vec<_> = block.extended.iter().filter(|e| e.variant == v).cloned().collect();
        if variant.extended() != &listed[..] {
            return fail("extended");
        }
    }
    Ok(())
}
