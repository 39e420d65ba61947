//! Depth equals mosdepth's per-base output (default mode) base for base on real reads: the
//! NA12878 Platinum Genomes BAM and the CRAM conformance files of hts-specs.

mod common;

use std::path::Path;

use common::*;
use genohub_reads::ScanOptions;

fn compare_with_mosdepth(input: &Path, opts: ScanOptions, mosdepth_args: &[&str]) -> common::Scanned {
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join(input.file_name().unwrap());
    std::fs::copy(input, &local).unwrap();
    let ours = scan(&local, opts).unwrap_or_else(|e| panic!("{e}"));
    let theirs = mosdepth_runs(&local, dir.path(), mosdepth_args);
    for (contig, runs) in ours.runs() {
        let m = theirs.get(&contig).unwrap_or_else(|| panic!("mosdepth wrote no {contig}"));
        let first = runs.iter().zip(m).position(|(a, b)| a != b);
        assert!(
            first.is_none() && runs.len() == m.len(),
            "{}: {contig}: first differing run (genohub, mosdepth): {:?}",
            input.display(),
            first.map(|i| (runs[i], m[i]))
        );
    }
    ours
}

fn tools() -> bool {
    for t in ["mosdepth", "samtools"] {
        if !has_tool(t) {
            eprintln!("skipping: {t} is not installed");
            return false;
        }
    }
    true
}

#[test]
fn na12878_bam_depth_equals_mosdepth() {
    let bam = shared_data().join("hts-specs/bam/passed/level-1.bam");
    if !bam.exists() {
        eprintln!("skipping: {} is absent", bam.display());
        return;
    }
    if !tools() {
        return;
    }
    let s = compare_with_mosdepth(&bam, ScanOptions::default(), &[]);
    assert!(s.outcome.runs > 100, "a real file has many runs: {} runs, {} bins, {} records", s.outcome.runs, s.outcome.stored_bins, s.outcome.records);
    // With a MAPQ filter too.
    compare_with_mosdepth(&bam, ScanOptions { min_mapq: 20, ..Default::default() }, &["-Q", "20"]);
}

#[test]
fn cram_conformance_files_depth_equals_mosdepth() {
    let dir = shared_data().join("hts-specs/cram/3.0/passed");
    let fasta = shared_data().join("hts-specs/cram/ce.fa");
    if !dir.exists() || !fasta.exists() {
        eprintln!("skipping: {} is absent", dir.display());
        return;
    }
    if !tools() {
        return;
    }
    let mut compared = 0;
    for name in ["0400_mapped.cram", "0500_mapped.cram", "0600_mapped.cram", "1400_index_simple.cram", "1402_index_3ref.cram", "1404_index_multislice.cram"] {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        let opts = ScanOptions { reference: Some(fasta.clone()), sample: Some("x".into()), ..Default::default() };
        compare_with_mosdepth(&path, opts, &["-f", fasta.to_str().unwrap()]);
        compared += 1;
    }
    assert!(compared >= 3, "expected the hts-specs CRAM files");
}

#[test]
fn simulated_30x_bam_depth_equals_mosdepth() {
    // Made by benches/reads_sim30x.sh (minutes of simulation and alignment, so not by tests).
    let bam = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/out/reads/sim30x.bam");
    if !bam.exists() {
        eprintln!("skipping: {} is absent (run benches/reads_sim30x.sh)", bam.display());
        return;
    }
    if !tools() {
        return;
    }
    let s = compare_with_mosdepth(&bam, ScanOptions::default(), &[]);
    assert!(s.outcome.qc.mean_depth > 20.0, "a 30x simulation: {}", s.outcome.qc.mean_depth);
    // Both mates of most pairs overlap (inserts of 250 ± 50 from 2 × 150 bases): the case where
    // samtools depth differs.
    let theirs = samtools_depth(&bam, &[]);
    let ours = s.per_base();
    assert_eq!(ours.len(), 1, "one 5 Mb contig");
    let (name, d) = ours.iter().next().unwrap();
    let higher = theirs[name].iter().zip(d).filter(|(t, o)| t > o).count();
    let lower = theirs[name].iter().zip(d).filter(|(t, o)| t < o).count();
    assert!(higher > d.len() / 10 && lower == 0, "samtools higher at {higher}, lower at {lower} of {} bases", d.len());
}
