//! Bad input gives a clear error naming the file (and the record and field when one is at
//! fault); CRAM needs the right reference.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use genohub_reads::sam_to_bam::write_bam;
use genohub_reads::ScanOptions;

const HEADER: &str = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chr2\tLN:1000\n@RG\tID:a\tSM:S1\n";

fn bam(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    write_bam(text, &p).unwrap();
    p
}

fn sorted_reads(n: usize) -> String {
    (0..n).map(|i| format!("r{i}\t0\tchr1\t{}\t60\t50M\t*\t0\t0\t*\t*\n", 1 + i * 900 / n)).collect::<Vec<_>>().join("")
}

fn error_of(path: &Path, opts: ScanOptions) -> String {
    match scan(path, opts) {
        Ok(_) => panic!("{} was accepted", path.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unsorted_reads_are_refused_naming_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let p = bam(dir.path(), "unsorted.bam", &format!("{HEADER}a\t0\tchr1\t500\t60\t10M\t*\t0\t0\t*\t*\nb\t0\tchr1\t100\t60\t10M\t*\t0\t0\t*\t*\n"));
    let e = error_of(&p, ScanOptions::default());
    assert!(e.contains("unsorted.bam") && e.contains("record 2") && e.contains("not sorted"), "{e}");
    let p = bam(dir.path(), "contigs.bam", &format!("{HEADER}a\t0\tchr2\t5\t60\t10M\t*\t0\t0\t*\t*\nb\t0\tchr1\t100\t60\t10M\t*\t0\t0\t*\t*\n"));
    assert!(error_of(&p, ScanOptions::default()).contains("chr1:100 comes after chr2:5"));
    let qn = HEADER.replace("SO:coordinate", "SO:queryname");
    let p = bam(dir.path(), "qname.bam", &format!("{qn}a\t0\tchr1\t5\t60\t10M\t*\t0\t0\t*\t*\n"));
    assert!(error_of(&p, ScanOptions::default()).contains("SO:queryname"));
}

#[test]
fn a_missing_sample_name_needs_sample() {
    let dir = tempfile::tempdir().unwrap();
    let text = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\na\t0\tchr1\t5\t60\t10M\t*\t0\t0\t*\t*\n";
    let p = bam(dir.path(), "nosm.bam", text);
    assert!(error_of(&p, ScanOptions::default()).contains("--sample"));
    let s = scan(&p, ScanOptions { sample: Some("NA1".into()), ..Default::default() }).unwrap();
    assert_eq!(s.outcome.sample, "NA1");
    let two = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\n@RG\tID:a\tSM:X\n@RG\tID:b\tSM:Y\n";
    let p = bam(dir.path(), "two.bam", two);
    assert!(error_of(&p, ScanOptions::default()).contains("several samples (X, Y)"));
}

#[test]
fn truncated_and_corrupt_bgzf_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = bam(dir.path(), "good.bam", &format!("{HEADER}{}", sorted_reads(3000)));
    assert!(scan(&good, ScanOptions::default()).is_ok());
    let bytes = std::fs::read(&good).unwrap();
    // Cut inside the data: the end-of-file block is gone.
    let cut = dir.path().join("cut.bam");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = error_of(&cut, ScanOptions::default());
    assert!(e.contains("cut.bam") && e.contains("truncated"), "{e}");
    // Cut inside the data but keep the end-of-file block: the decoder notices.
    let mut spliced = bytes[..bytes.len() / 2].to_vec();
    spliced.extend_from_slice(&bytes[bytes.len() - 28..]);
    let p = dir.path().join("spliced.bam");
    std::fs::write(&p, &spliced).unwrap();
    let e = error_of(&p, ScanOptions::default());
    assert!(e.contains("spliced.bam") && e.contains("record"), "{e}");
    // Flipped bytes inside a compressed block: the CRC or inflate fails.
    let mut corrupt = bytes.clone();
    let mid = bytes.len() / 2;
    for b in &mut corrupt[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let p = dir.path().join("corrupt.bam");
    std::fs::write(&p, &corrupt).unwrap();
    assert!(error_of(&p, ScanOptions::default()).contains("corrupt.bam"));
}

#[test]
fn contigs_must_be_in_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let fa = dir.path().join("ref.fa");
    std::fs::write(&fa, format!(">chr1\n{}\n", "A".repeat(1000))).unwrap();
    let p = bam(dir.path(), "two-contigs.bam", &format!("{HEADER}a\t0\tchr1\t5\t60\t10M\t*\t0\t0\t*\t*\n"));
    let e = error_of(&p, ScanOptions { reference: Some(fa.clone()), ..Default::default() });
    assert!(e.contains("@SQ chr2 is not in the reference"), "{e}");
    std::fs::write(&fa, format!(">chr1\n{}\n>chr2\n{}\n", "A".repeat(1000), "C".repeat(999))).unwrap();
    let e = error_of(&p, ScanOptions { reference: Some(fa), ..Default::default() });
    assert!(e.contains("chr2 has length 1000 but the reference"), "{e}");
}

#[test]
fn cram_needs_its_reference_with_matching_md5() {
    let cram = shared_data().join("hts-specs/cram/3.0/passed/0400_mapped.cram");
    let fasta = shared_data().join("hts-specs/cram/ce.fa");
    if !cram.exists() || !fasta.exists() {
        eprintln!("skipping: hts-specs CRAM files are absent");
        return;
    }
    let e = error_of(&cram, ScanOptions { sample: Some("x".into()), ..Default::default() });
    assert!(e.contains("--reference"), "{e}");
    // The same sequences with one base changed: the MD5 no longer matches @SQ M5.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&fasta).unwrap();
    let at = text.find('\n').unwrap() + 10;
    let mut changed = text.into_bytes();
    changed[at] = if changed[at] == b'A' { b'C' } else { b'A' };
    let bad = dir.path().join("ce-changed.fa");
    std::fs::write(&bad, changed).unwrap();
    let e = error_of(&cram, ScanOptions { sample: Some("x".into()), reference: Some(bad), ..Default::default() });
    assert!(e.contains("M5:") && e.contains("not the reference"), "{e}");
}

#[test]
fn cram_depth_equals_the_depth_of_its_sam() {
    // Tool-free oracle: the conformance CRAMs come with the SAM they decode to; our BAM written
    // from that SAM must give the same depth.
    let dir_in = shared_data().join("hts-specs/cram/3.0/passed");
    let fasta = shared_data().join("hts-specs/cram/ce.fa");
    if !dir_in.exists() {
        eprintln!("skipping: hts-specs CRAM files are absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for name in ["0400_mapped", "0500_mapped", "1400_index_simple", "1402_index_3ref"] {
        let sam = dir_in.join(format!("{name}.sam"));
        let cram = dir_in.join(format!("{name}.cram"));
        if !sam.exists() || !cram.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&sam).unwrap();
        let bam_path = dir.path().join(format!("{name}.bam"));
        write_bam(&text, &bam_path).unwrap();
        let opts = ScanOptions { sample: Some("x".into()), reference: Some(fasta.clone()), ..Default::default() };
        let from_cram = scan(&cram, opts.clone()).unwrap();
        let from_bam = scan(&bam_path, ScanOptions { reference: None, ..opts }).unwrap();
        assert_eq!(from_cram.per_base(), from_bam.per_base(), "{name}");
        assert_eq!(from_cram.outcome.qc, from_bam.outcome.qc, "{name}");
        compared += 1;
    }
    assert!(compared >= 2);
}
