//! The compressed output must be a valid VCF for independent readers (noodles, bcftools).

use std::path::Path;
use std::process::Command;

use genohub_sim::{reference_sequence, write_cohort, CohortParams, CohortSummary};
use noodles::vcf;

fn params() -> CohortParams {
    CohortParams { samples: 120, length: 300_000, seed: 99, contig: "chr7".into(), with_depth: true, ..CohortParams::default() }
}

struct Written {
    _dir: tempfile::TempDir,
    vcf: std::path::PathBuf,
    fasta: std::path::PathBuf,
    summary: CohortSummary,
}

fn write() -> Written {
    let dir = tempfile::tempdir().unwrap();
    let vcf = dir.path().join("cohort.vcf.gz");
    let fasta = dir.path().join("ref.fa");
    let summary = write_cohort(&params(), &vcf, Some(&fasta)).unwrap();
    Written { _dir: dir, vcf, fasta, summary }
}

#[test]
fn noodles_reads_every_record_with_every_sample() {
    let out = write();
    let mut reader = vcf::io::reader::Builder::default().build_from_path(&out.vcf).unwrap();
    let header = reader.read_header().unwrap();
    assert_eq!(header.sample_names().len(), params().samples);
    assert_eq!(header.sample_names().first().map(String::as_str), Some("SIM00001"));
    assert!(header.contigs().contains_key("chr7"));

    let mut records = 0u64;
    for result in reader.record_bufs(&header) {
        let record = result.expect("record parses");
        assert_eq!(record.samples().values().count(), params().samples);
        records += 1;
    }
    assert!(records > 1_000, "{records} records");
    assert_eq!(records, out.summary.records);
    assert_eq!(out.summary.samples, params().samples);
}

#[test]
fn file_ends_with_bgzf_eof_block() {
    const BGZF_EOF: [u8; 28] = [
        0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00, 0x1b, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00,
    ];
    let bytes = std::fs::read(write().vcf).unwrap();
    assert!(bytes.ends_with(&BGZF_EOF));
}

#[test]
fn reference_fasta_and_fai_round_trip() {
    let out = write();
    let mut reader = noodles::fasta::io::indexed_reader::Builder::default().build_from_path(&out.fasta).expect("FASTA with .fai opens");
    let region = "chr7:1-300000".parse().unwrap();
    let record = reader.query(&region).unwrap();
    assert_eq!(record.sequence().as_ref(), reference_sequence(&params()).as_slice());
    assert_eq!(out.summary.reference_length, 300_000);

    let lines: Vec<String> = std::fs::read_to_string(&out.fasta).unwrap().lines().map(String::from).collect();
    assert!(lines[1..lines.len() - 1].iter().all(|l| l.len() == 60));

    if let Some(samtools_fai) = run_tool("samtools", &["faidx", "-o", "-", &path(&out.fasta)]) {
        let ours = std::fs::read_to_string(format!("{}.fai", path(&out.fasta))).unwrap();
        assert_eq!(ours, samtools_fai);
    }
}

#[test]
fn bcftools_agrees_on_records_and_reference() {
    let out = write();
    let Some(body) = run_tool("bcftools", &["view", "-H", &path(&out.vcf)]) else {
        return;
    };
    assert_eq!(body.lines().count() as u64, out.summary.records);

    // `norm -c e` fails on any REF that disagrees with the FASTA; it also realigns indels,
    // which our un-left-aligned repeat indels must trigger.
    let norm = Command::new("bcftools").args(["norm", "-c", "e", "-f", &path(&out.fasta), "-Ou", "-o", "/dev/null"]).arg(&out.vcf).output().unwrap();
    let stderr = String::from_utf8_lossy(&norm.stderr);
    assert!(norm.status.success(), "bcftools norm failed: {stderr}");
    let realigned = stderr
        .lines()
        .find_map(|l| l.split_once("total/split/realigned/skipped:"))
        .and_then(|(_, counts)| counts.trim().split('/').nth(2)?.parse::<u64>().ok())
        .expect("bcftools norm summary line");
    println!("bcftools norm realigned {realigned} records");
    assert!(realigned > 0);
}

fn path(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Stdout of a successful tool run, or None (with the reason printed) when it is not installed.
fn run_tool(tool: &str, args: &[&str]) -> Option<String> {
    match Command::new(tool).args(args).output() {
        Ok(output) => {
            assert!(output.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
            Some(String::from_utf8(output.stdout).unwrap())
        }
        Err(e) => {
            println!("skipping {tool} check: {tool} not runnable ({e})");
            None
        }
    }
}
