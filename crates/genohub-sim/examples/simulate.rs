//! Times a simulation: `cargo run --release -p genohub-sim --example simulate -- SAMPLES LENGTH OUT.vcf.gz [SEED] [--depth] [--plain]`.
//! `--plain` writes uncompressed VCF text, to separate generation time from BGZF compression.

use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use genohub_sim::{write_cohort, write_cohort_vcf, CohortParams};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [samples, length, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: simulate SAMPLES LENGTH OUT.vcf.gz [SEED] [--depth] [--plain]");
        std::process::exit(2);
    };
    let params = CohortParams {
        samples: samples.parse().expect("SAMPLES is an integer"),
        length: length.parse().expect("LENGTH is an integer"),
        seed: rest.iter().find(|a| !a.starts_with("--")).map_or(1, |s| s.parse().expect("SEED is an integer")),
        with_depth: rest.iter().any(|a| a == "--depth"),
        ..CohortParams::default()
    };
    let started = Instant::now();
    let summary = if rest.iter().any(|a| a == "--plain") {
        let file = BufWriter::new(File::create(out).expect("output is writable"));
        write_cohort_vcf(&params, file)
    } else {
        write_cohort(&params, out.as_ref(), None)
    }
    .expect("simulation succeeds");
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "{} samples × {} bp: {} records in {:.2?}, {:.1} MiB written",
        summary.samples,
        summary.reference_length,
        summary.records,
        started.elapsed(),
        bytes as f64 / (1 << 20) as f64
    );
}
