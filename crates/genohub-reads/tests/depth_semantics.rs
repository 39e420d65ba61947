//! mosdepth's default depth semantics on a fixture written from SAM text, with expectations
//! worked out by hand from mosdepth's rules; checked against mosdepth itself when installed.

mod common;

use std::path::Path;

use common::*;
use genohub_reads::sam_to_bam::write_bam;
use genohub_reads::ScanOptions;

const SAM: &str = "@HD\tVN:1.6\tSO:coordinate
@SQ\tSN:chr1\tLN:1000
@SQ\tSN:chr2\tLN:70000
@RG\tID:rg1\tSM:S1
r1\t0\tchr1\t1\t60\t10M\t*\t0\t0\t*\t*
r2\t0\tchr1\t21\t60\t5M3D5M\t*\t0\t0\t*\t*
d1\t1024\tchr1\t41\t60\t10M\t*\t0\t0\t*\t*
lowq\t0\tchr1\t41\t5\t10M\t*\t0\t0\t*\t*
sec\t256\tchr1\t61\t60\t10M\t*\t0\t0\t*\t*
sup\t2048\tchr1\t61\t60\t10M\t*\t0\t0\t*\t*
p1\t99\tchr1\t101\t60\t20M\t=\t111\t30\t*\t*
p1\t147\tchr1\t111\t60\t20M\t=\t101\t-30\t*\t*
q1\t99\tchr1\t201\t60\t10M2D10M\t=\t205\t22\t*\t*
q1\t147\tchr1\t205\t60\t15M\t=\t201\t-22\t*\t*
n1\t97\tchr1\t241\t60\t20M\t=\t251\t30\t*\t*
n1\t145\tchr1\t251\t60\t20M\t=\t241\t-30\t*\t*
c1\t99\tchr1\t301\t60\t50M\t=\t311\t50\t*\t*
c1\t147\tchr1\t311\t60\t10M\t=\t301\t-50\t*\t*
qc\t512\tchr1\t401\t60\t10M\t*\t0\t0\t*\t*
u1\t4\tchr2\t100\t0\t*\t*\t0\t0\t*\t*
b1\t0\tchr2\t65530\t60\t10M\t*\t0\t0\t*\t*
z1\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*
";

fn expected_chr1(min_mapq: u8) -> Vec<u32> {
    let mut d = vec![0u32; 1000];
    let mut add = |from: usize, to: usize, v: u32| d[from..to].iter_mut().for_each(|x| *x += v);
    add(0, 10, 1); // r1
    add(20, 25, 1); // r2: the deletion 25..28 is not coverage
    add(28, 33, 1);
    if min_mapq <= 5 {
        add(40, 50, 1); // lowq; the duplicate d1 never counts
    }
    add(60, 70, 1); // supplementary counts, secondary does not
    add(100, 130, 1); // proper pair overlapping 110..120: counted once
    add(200, 222, 1); // proper pair with a deletion in one mate, overlap counted once
    add(240, 260, 1); // pair without the proper-pair flag: overlap counted twice
    add(250, 270, 1);
    add(300, 320, 1); // mate contained in its mate: mosdepth removes mate start..first end
    d
}

fn fixture(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("fixture.bam");
    write_bam(SAM, &p).unwrap();
    p
}

#[test]
fn depth_follows_mosdepth_rules() {
    let dir = tempfile::tempdir().unwrap();
    let bam = fixture(dir.path());
    for min_mapq in [0u8, 10] {
        let s = scan(&bam, ScanOptions { min_mapq, ..Default::default() }).unwrap();
        let depth = s.per_base();
        assert_eq!(first_difference(&depth["chr1"], &expected_chr1(min_mapq)), None, "chr1 with --mapq {min_mapq}");
        let mut chr2 = vec![0u32; 70000];
        chr2[65529..65539].fill(1);
        assert_eq!(first_difference(&depth["chr2"], &chr2), None, "chr2: a read across the 64 kb bin boundary");
        // Bins 0 and 1 of chr2 and bin 0 of chr1 hold coverage; nothing else is stored.
        assert_eq!(s.bins.len(), 3);
    }
}

#[test]
fn qc_counts_primary_reads_like_flagstat() {
    let dir = tempfile::tempdir().unwrap();
    let s = scan(&fixture(dir.path()), ScanOptions { min_depth: 2, ..Default::default() }).unwrap();
    let qc = &s.outcome.qc;
    assert_eq!(s.outcome.sample, "S1");
    assert_eq!(s.outcome.records, 18);
    assert_eq!((qc.total_reads, qc.secondary, qc.supplementary), (16, 1, 1));
    assert_eq!((qc.mapped, qc.duplicates, qc.qc_failed), (14, 1, 1));
    assert_eq!((qc.paired, qc.properly_paired), (8, 6));
    assert_eq!(qc.insert_size_median, Some(30), "median of 22, 30, 50");
    assert_eq!(qc.insert_size_pairs, 3);
    assert_eq!(qc.genome_length, 71_000);
    let covered = 10 + 10 + 10 + 10 + 30 + 22 + 30 + 20 + 10;
    let depth_sum = 10 + 10 + 10 + 10 + 30 + 22 + 40 + 20 + 10;
    assert!((qc.mean_depth - depth_sum as f64 / 71_000.0).abs() < 1e-12);
    assert_eq!(qc.fraction_at_least[0], (1, covered as f64 / 71_000.0));
    assert_eq!(qc.fraction_at_least[1].1, 0.0);
    assert_eq!(qc.median_depth, 0);
    assert_eq!(qc.callable_bases, 10, "only 250..260 reaches depth 2");
    let q60: u64 = qc.mapq_histogram.iter().filter(|(q, _)| *q == 60).map(|(_, n)| *n).sum();
    assert_eq!(q60, 13, "primary mapped reads at MAPQ 60 (all but lowq)");
    let callable: Vec<(u64, u64)> = s.bins.iter().flat_map(|b| b.callable.clone()).collect();
    assert_eq!(callable, vec![(251, 260)], "1-based inclusive");
}

#[test]
fn fixture_agrees_with_mosdepth_when_installed() {
    if !has_tool("mosdepth") || !has_tool("samtools") {
        eprintln!("skipping: mosdepth or samtools is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bam = fixture(dir.path());
    let theirs = mosdepth_per_base(&bam, dir.path(), &[]);
    assert_eq!(first_difference(&theirs["chr1"], &expected_chr1(0)), None, "the hand-worked expectation is mosdepth's");
    let ours = scan(&bam, ScanOptions::default()).unwrap().per_base();
    assert_eq!(ours, theirs);
}

#[test]
fn samtools_depth_counts_overlapping_mates_twice() {
    if !has_tool("samtools") {
        eprintln!("skipping: samtools is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bam = fixture(dir.path());
    let theirs = samtools_depth(&bam, &[]);
    let ours = scan(&bam, ScanOptions::default()).unwrap().per_base();
    // Where mates of a proper pair overlap, samtools counts both: p1 110..120, q1 204..210 and
    // 212..219; c1's mate lies inside it (310..320), and there mosdepth's rule also removes
    // the first mate's bases 320..350 that the mate never covered.
    let mut extra = vec![0u32; 1000];
    for (from, to) in [(110, 120), (204, 210), (212, 219), (310, 320), (320, 350)] {
        extra[from..to].iter_mut().for_each(|x| *x += 1);
    }
    let expected: Vec<u32> = ours["chr1"].iter().zip(&extra).map(|(a, b)| a + b).collect();
    assert_eq!(first_difference(&theirs["chr1"], &expected), None);
    assert_eq!(first_difference(&theirs["chr2"], &ours["chr2"]), None);
}
