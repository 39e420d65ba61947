//! Encode / decode / count throughput on a 10,000-sample block whose allele counts follow
//! the neutral site-frequency spectrum (P(i alt alleles) ∝ 1/i), i.e. mostly rare, with
//! alleles drawn independently (no linkage: sparse and dense records only); and the same
//! spectrum on haplotype mosaics (linkage disequilibrium: mostly PBWT records).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use genohub_codec::code::{make, ALT, MISSING, REF};
use genohub_codec::{decode, encode, BlockView, GenotypeBlock, GenotypeCounts, LayoutKind, SampleSubset};

const N_SAMPLES: u32 = 10_000;
const N_VARIANTS: u32 = 1_000;
/// Share of calls that are './.', scattered over every variant as in joint-called data.
const MISSING_PER_MILLE: u64 = 1;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn sfs_block(with_format_fields: bool) -> GenotypeBlock {
    let mut rng = Rng(42);
    let n = N_SAMPLES as usize;
    let haplotypes = 2 * n as u64;
    let mut codes = Vec::with_capacity(n * N_VARIANTS as usize);
    for _ in 0..N_VARIANTS {
        // Inverse CDF of P(i) ∝ 1/i on 1..2N.
        let alt_alleles = ((haplotypes as f64).powf(rng.unit()) as u64).clamp(1, haplotypes - 1);
        let mut alleles = vec![REF; 2 * n];
        if alt_alleles * 20 < haplotypes {
            for _ in 0..alt_alleles {
                alleles[rng.below(haplotypes) as usize] = ALT;
            }
        } else {
            let p = alt_alleles as f64 / haplotypes as f64;
            alleles.iter_mut().for_each(|a| *a = if rng.unit() < p { ALT } else { REF });
        }
        for s in 0..n {
            let code = if rng.below(1000) < MISSING_PER_MILLE { make(MISSING, MISSING, false) } else { make(alleles[2 * s], alleles[2 * s + 1], true) };
            codes.push(code);
        }
    }
    let cells = codes.len();
    let (dp, gq) = if with_format_fields {
        let depth_of_sample: Vec<i32> = (0..n).map(|_| 15 + rng.below(30) as i32).collect();
        let dp = (0..cells).map(|i| depth_of_sample[i % n] + rng.below(11) as i32 - 5).collect();
        let gq = (0..cells).map(|_| if rng.below(10) < 8 { 99 } else { 20 + rng.below(79) as i32 }).collect();
        (Some(dp), Some(gq))
    } else {
        (None, None)
    };
    GenotypeBlock { n_variants: N_VARIANTS, n_samples: N_SAMPLES, codes, extended: Vec::new(), dp, gq, ad: None }
}

/// Haplotypes copy one of `FOUNDERS` founders and switch with probability 1/1000 per
/// variant; a variant's alt allele sits on a random set of founders whose share follows
/// the neutral spectrum.
fn linked_block() -> GenotypeBlock {
    const FOUNDERS: usize = 64;
    let mut rng = Rng(7);
    let n = N_SAMPLES as usize;
    let mut copying: Vec<usize> = (0..2 * n).map(|_| rng.below(FOUNDERS as u64) as usize).collect();
    let mut codes = Vec::with_capacity(n * N_VARIANTS as usize);
    for _ in 0..N_VARIANTS {
        let carriers = ((FOUNDERS as f64).powf(rng.unit()) as usize).clamp(1, FOUNDERS - 1);
        let mut alt = [false; FOUNDERS];
        for _ in 0..carriers {
            alt[rng.below(FOUNDERS as u64) as usize] = true;
        }
        for founder in copying.iter_mut() {
            if rng.below(1000) == 0 {
                *founder = rng.below(FOUNDERS as u64) as usize;
            }
        }
        for s in 0..n {
            let allele = |h: usize| if alt[copying[h]] { ALT } else { REF };
            let code = if rng.below(1000) < MISSING_PER_MILLE { make(MISSING, MISSING, false) } else { make(allele(2 * s), allele(2 * s + 1), true) };
            codes.push(code);
        }
    }
    GenotypeBlock { n_variants: N_VARIANTS, n_samples: N_SAMPLES, codes, ..GenotypeBlock::default() }
}

fn count_all(view: &BlockView) -> GenotypeCounts {
    let mut total = GenotypeCounts::default();
    for variant in view.variants() {
        total += variant.counts();
    }
    total
}

fn bench(c: &mut Criterion) {
    let calls = u64::from(N_SAMPLES) * u64::from(N_VARIANTS);
    let gt_block = sfs_block(false);
    let full_block = sfs_block(true);
    let gt_bytes = encode(&gt_block).unwrap();
    let full_bytes = encode(&full_block).unwrap();
    let view = BlockView::open(&gt_bytes).unwrap();
    let kinds = |view: &BlockView| [LayoutKind::Sparse, LayoutKind::Dense, LayoutKind::Pbwt].map(|k| view.variants().filter(|v| v.layout_kind() == k).count());
    let [sparse, dense, pbwt] = kinds(&view);
    println!(
        "block {N_VARIANTS} variants x {N_SAMPLES} samples: GT-only {} B ({:.4} B/call), \
         GT+DP+GQ {} B; {sparse} sparse / {dense} dense / {pbwt} PBWT variants",
        gt_bytes.len(),
        gt_bytes.len() as f64 / calls as f64,
        full_bytes.len(),
    );
    let linked = linked_block();
    let linked_bytes = encode(&linked).unwrap();
    let linked_view = BlockView::open(&linked_bytes).unwrap();
    let [sparse, dense, pbwt] = kinds(&linked_view);
    println!(
        "linked block: {} B ({:.4} B/call); {sparse} sparse / {dense} dense / {pbwt} PBWT variants",
        linked_bytes.len(),
        linked_bytes.len() as f64 / calls as f64
    );
    let half: Vec<u32> = (0..N_SAMPLES).step_by(2).collect();
    let subset = SampleSubset::from_sorted_indices(N_SAMPLES, &half).unwrap();

    let mut group = c.benchmark_group("codec");
    group.throughput(Throughput::Elements(calls));
    group.bench_function("encode_gt", |b| b.iter(|| encode(black_box(&gt_block))));
    group.bench_function("encode_gt_dp_gq", |b| b.iter(|| encode(black_box(&full_block))));
    group.bench_function("decode_gt", |b| b.iter(|| decode(black_box(&gt_bytes))));
    group.bench_function("decode_gt_dp_gq", |b| b.iter(|| decode(black_box(&full_bytes))));
    group.bench_function("open_view", |b| b.iter(|| BlockView::open(black_box(&gt_bytes))));
    group.bench_function("counts_open_view", |b| b.iter(|| count_all(black_box(&view))));
    group.bench_function("open_then_counts", |b| b.iter(|| count_all(&BlockView::open(black_box(&gt_bytes)).unwrap())));
    group.bench_function("encode_linked", |b| b.iter(|| encode(black_box(&linked))));
    group.bench_function("open_then_counts_linked", |b| b.iter(|| count_all(&BlockView::open(black_box(&linked_bytes)).unwrap())));
    group.throughput(Throughput::Elements(calls / 2));
    group.bench_function("counts_in_half_subset", |b| {
        b.iter(|| {
            let mut total = GenotypeCounts::default();
            for variant in view.variants() {
                total += variant.counts_in(black_box(&subset));
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
