//! Encodes a real cohort the way the store does (one block per 64 kb bin) and reports the
//! genotype block sizes, the share of each variant layout and the counting throughput.
//!
//! ```text
//! zcat cohort.vcf.gz | cargo run --release -p genohub-codec --example block_sizes [-- zstd_level [passes]]
//! ```
//! `passes` adds untimed open+counts passes per block, for profiling. Every block is also
//! decoded and its per-variant counts checked against the input.
//! Only the GT column is read; alleles above 1 are mapped to ALT (the rare multi-allelic
//! sites of an msprime cohort), '.' to MISSING, a single allele to a haploid call.

use std::io::{self, BufRead};
use std::time::{Duration, Instant};

use genohub_codec::code::{self, ABSENT, ALT, MISSING, REF};
use genohub_codec::{encode_with, BlockView, EncodeOptions, GenotypeBlock, GenotypeCounts};

/// Same bin width as the store (`genohub_store::keys::BIN_SHIFT`).
const BIN_SHIFT: u32 = 16;

#[derive(Default)]
struct Totals {
    blocks: u64,
    variants: u64,
    calls: u64,
    bytes: u64,
    /// Sparse, dense, PBWT.
    layouts: [u64; 3],
    encode: Duration,
    open_counts: Duration,
    open: Duration,
    checksum: u64,
    warm_passes: u32,
}

fn allele(field: &[u8]) -> u8 {
    match field {
        b"." => MISSING,
        b"0" => REF,
        _ => ALT,
    }
}

fn parse_gt(field: &[u8]) -> u8 {
    let gt = field.split(|&b| b == b':').next().unwrap_or(b".");
    match gt.iter().position(|&b| b == b'|' || b == b'/') {
        Some(i) => code::make(allele(&gt[..i]), allele(&gt[i + 1..]), gt[i] == b'|'),
        None => code::make(allele(gt), ABSENT, false),
    }
}

fn flush(codes: &mut Vec<u8>, n_variants: &mut u32, n_samples: u32, options: &EncodeOptions, totals: &mut Totals) {
    if *n_variants == 0 {
        return;
    }
    let block = GenotypeBlock { n_variants: *n_variants, n_samples, codes: std::mem::take(codes), ..GenotypeBlock::default() };
    let started = Instant::now();
    let bytes = encode_with(&block, options).expect("encode");
    totals.encode += started.elapsed();
    // Extra untimed passes, for profilers.
    for _ in 0..totals.warm_passes {
        let view = BlockView::open(&bytes).expect("open");
        std::hint::black_box(view.variants().map(|v| v.counts().ac).sum::<u64>());
    }
    let started = Instant::now();
    let view = BlockView::open(&bytes).expect("open");
    totals.open += started.elapsed();
    let mut sum = GenotypeCounts::default();
    for variant in view.variants() {
        sum += variant.counts();
    }
    totals.open_counts += started.elapsed();
    totals.checksum = totals.checksum.wrapping_add(sum.ac + 3 * sum.het);
    // Cross-check: full decode and per-variant counts against the input.
    assert!(genohub_codec::decode(&bytes).expect("decode") == block, "round trip");
    let n = block.n_samples as usize;
    for variant in view.variants() {
        totals.layouts[variant.layout_kind() as usize] += 1;
        let mut expected = GenotypeCounts::default();
        block.codes[variant.index() as usize * n..][..n].iter().for_each(|&c| expected.add_code(c, 1));
        assert_eq!(variant.counts(), expected, "counts of variant {}", variant.index());
    }
    totals.blocks += 1;
    totals.variants += u64::from(block.n_variants);
    totals.calls += block.codes.len() as u64;
    totals.bytes += bytes.len() as u64;
    *n_variants = 0;
}

fn main() -> io::Result<()> {
    let level = std::env::args().nth(1).map_or(EncodeOptions::default().zstd_level, |s| s.parse().expect("zstd level"));
    let warm_passes = std::env::args().nth(2).map_or(0, |s| s.parse().expect("extra open+counts passes"));
    let options = EncodeOptions { zstd_level: level };
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut line = Vec::new();
    let mut n_samples = 0u32;
    let mut codes = Vec::new();
    let mut n_variants = 0u32;
    let mut bin = None;
    let mut totals = Totals { warm_passes, ..Totals::default() };
    while {
        line.clear();
        input.read_until(b'\n', &mut line)? > 0
    } {
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.starts_with(b"##") {
            continue;
        }
        let mut fields = line.split(|&b| b == b'\t');
        if line.starts_with(b"#") {
            n_samples = fields.count().saturating_sub(9) as u32;
            continue;
        }
        let _chrom = fields.next();
        let pos: u64 = std::str::from_utf8(fields.next().unwrap_or(b"0")).ok().and_then(|s| s.parse().ok()).expect("POS");
        let this_bin = pos >> BIN_SHIFT;
        if bin != Some(this_bin) {
            flush(&mut codes, &mut n_variants, n_samples, &options, &mut totals);
            bin = Some(this_bin);
        }
        let before = codes.len();
        codes.extend(fields.skip(7).map(parse_gt));
        assert_eq!(codes.len() - before, n_samples as usize, "line with the wrong number of samples at {pos}");
        n_variants += 1;
    }
    flush(&mut codes, &mut n_variants, n_samples, &options, &mut totals);

    let t = &totals;
    let share = |i: usize| 100.0 * t.layouts[i] as f64 / t.variants.max(1) as f64;
    println!("zstd level {level}: {} samples, {} variants in {} blocks", n_samples, t.variants, t.blocks);
    println!(
        "total {} bytes, {:.5} bytes/call, {:.1} bytes/variant",
        t.bytes,
        t.bytes as f64 / t.calls.max(1) as f64,
        t.bytes as f64 / t.variants.max(1) as f64
    );
    println!("layouts: sparse {:.1}%, dense {:.1}%, pbwt {:.1}%", share(0), share(1), share(2));
    println!(
        "encode {:.2} s ({:.2e} calls/s); open+counts {:.3} s ({:.2e} calls/s; open alone {:.3} s) [checksum {}]",
        t.encode.as_secs_f64(),
        t.calls as f64 / t.encode.as_secs_f64(),
        t.open_counts.as_secs_f64(),
        t.calls as f64 / t.open_counts.as_secs_f64(),
        t.open.as_secs_f64(),
        t.checksum
    );
    Ok(())
}
