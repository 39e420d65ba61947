//! Reads in the store: BAM-derived callable intervals count for the same (center, sample) in
//! `view` whichever file came first; depth and QC read back; bad input and purge leave
//! nothing behind.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use genohub_reads::sam_to_bam::write_bam;
use genohub_store::reads::ReadsIngestOptions;
use genohub_store::{cf, NoProgress, SampleSelection, Store};

const VCF_HEADER: &str = "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=1000>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n";

fn cohort_vcf(dir: &Path) -> PathBuf {
    let body = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA1\tA2\n\
chr1\t100\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/0\n\
chr1\t300\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/0\n\
chr1\t500\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/0\n";
    write(dir, "cohort.vcf", &format!("{VCF_HEADER}{body}"))
}

fn single_vcf(dir: &Path) -> PathBuf {
    write(dir, "s1.vcf", &format!("{VCF_HEADER}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\nchr1\t300\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\n"))
}

/// `depth` reads of 150 bases from position 51 (1-based): bases 51..200 at that depth.
fn bam_text(sample: &str, depth: usize, first_pos: usize) -> String {
    let mut t = format!("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\n@RG\tID:rg\tSM:{sample}\n");
    for i in 0..depth {
        t.push_str(&format!("read{i}\t0\tchr1\t{first_pos}\t60\t150M\t*\t0\t0\t*\t*\n"));
    }
    t
}

fn bam(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    write_bam(text, &p).unwrap();
    p
}

fn ropts(center: &str) -> ReadsIngestOptions {
    ReadsIngestOptions { center: center.into(), ..Default::default() }
}

/// S1's genotype at each position of the view.
fn s1_calls(store: &Store) -> Vec<(String, String)> {
    let text = view(store, &[], SampleSelection::All);
    let header: Vec<&str> = text.lines().find(|l| l.starts_with("#CHROM")).unwrap().split('\t').collect();
    let col = header.iter().position(|c| *c == "S1").expect("S1 column");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[1].to_string(), f[col].to_string())
        })
        .collect()
}

fn calls(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn bam_depth_makes_missing_sites_hom_ref_whichever_comes_first() {
    for bam_first in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let reads = bam(dir.path(), "s1.bam", &bam_text("S1", 12, 51));
        if bam_first {
            store.ingest_reads(&reads, &ropts("c"), &NoProgress).unwrap();
        }
        ingest(&store, &cohort_vcf(dir.path()), "c");
        ingest(&store, &single_vcf(dir.path()), "c");
        if !bam_first {
            // Without read data: no evidence at 100 and 500.
            assert_eq!(s1_calls(&store), calls(&[("100", "./."), ("300", "0/1"), ("500", "./.")]));
            store.ingest_reads(&reads, &ropts("c"), &NoProgress).unwrap();
        }
        // 100 is covered by 12 reads (≥ 10): callable, so hom-ref; 500 has no reads.
        assert_eq!(s1_calls(&store), calls(&[("100", "0/0"), ("300", "0/1"), ("500", "./.")]), "bam first: {bam_first}");
    }
}

#[test]
fn depth_below_min_depth_or_other_center_does_not_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    ingest(&store, &cohort_vcf(dir.path()), "c");
    ingest(&store, &single_vcf(dir.path()), "c");
    // 9 reads: below the default --min-depth 10.
    store.ingest_reads(&bam(dir.path(), "low.bam", &bam_text("S1", 9, 51)), &ropts("c"), &NoProgress).unwrap();
    assert_eq!(s1_calls(&store)[0], ("100".to_string(), "./.".to_string()));
    // Deep reads of an S1 from another center say nothing about c/S1.
    store.ingest_reads(&bam(dir.path(), "other.bam", &bam_text("S1", 30, 60)), &ropts("elsewhere"), &NoProgress).unwrap();
    assert_eq!(s1_calls(&store)[0], ("100".to_string(), "./.".to_string()));
    // The same 9 reads with --min-depth 5, replacing: now callable.
    let o = ReadsIngestOptions { min_depth: 5, replace: true, ..ropts("c") };
    store.ingest_reads(&bam(dir.path(), "low5.bam", &bam_text("S1", 9, 52)), &o, &NoProgress).unwrap();
    assert_eq!(s1_calls(&store)[0], ("100".to_string(), "0/0".to_string()));
}

#[test]
fn depth_and_qc_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let mut text = bam_text("S1", 3, 51);
    text.push_str("x\t0\tchr1\t101\t60\t20M\t*\t0\t0\t*\t*\n");
    let r = store.ingest_reads(&bam(dir.path(), "s.bam", &text), &ropts("c"), &NoProgress).unwrap();
    assert_eq!(store.resolve_read_sample("S1").unwrap().id, r.id);
    assert_eq!(store.resolve_read_sample("c/S1").unwrap().id, r.id);
    assert!(store.resolve_read_sample("S2").is_err());
    let mut rows = Vec::new();
    store
        .for_each_depth_run(&r, &"chr1:40-205".parse().unwrap(), &mut |row| {
            rows.push((row.start, row.end, row.depth));
            Ok(())
        })
        .unwrap();
    assert_eq!(rows, vec![(39, 50, 0), (50, 100, 3), (100, 120, 4), (120, 200, 3), (200, 205, 0)]);
    let mut windows = Vec::new();
    store
        .depth_windows(&r, &"chr1:1-1000".parse().unwrap(), 100, &mut |w| {
            windows.push((w.start, w.end, w.mean));
            Ok(())
        })
        .unwrap();
    assert_eq!(windows.len(), 10);
    assert_eq!(windows[0], (0, 100, 1.5), "bases 50..100 at 3");
    assert_eq!(windows[1], (100, 200, 3.0 + 0.2), "3 everywhere, 20 bases at 4");
    assert_eq!(windows[9], (900, 1000, 0.0));
    let qc = r.qc.as_ref().unwrap();
    assert_eq!((qc.total_reads, qc.mapped), (4, 4));
    assert!((qc.mean_depth - (3.0 * 150.0 + 20.0) / 1000.0).abs() < 1e-12);
    // The file is kept under its content address with an index.
    let kept = dir.path().join("store").join(r.stored_file.as_ref().unwrap());
    assert_eq!(std::fs::read(&kept).unwrap(), std::fs::read(dir.path().join("s.bam")).unwrap());
    assert!(kept.to_string_lossy().contains(&r.file_sha256));
    assert!(dir.path().join("store").join(r.stored_index.as_ref().unwrap()).exists());
}

fn count(store: &Store, family: &str) -> usize {
    store.engine().scan(family, &[], None).count()
}

fn kept_files(store: &Store) -> usize {
    fn walk(p: &Path) -> usize {
        std::fs::read_dir(p).map(|rd| rd.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum()).unwrap_or(0)
    }
    walk(&store.root().join("files"))
}

#[test]
fn bad_input_leaves_nothing_and_duplicates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let mut text = bam_text("S1", 0, 1);
    for i in 0..4000 {
        text.push_str(&format!("r{i}\t0\tchr1\t{}\t60\t100M\t*\t0\t0\t*\t*\n", 1 + i * 800 / 4000));
    }
    let good = bam(dir.path(), "good.bam", &text);
    let bytes = std::fs::read(&good).unwrap();
    let mut spliced = bytes[..bytes.len() * 2 / 3].to_vec();
    spliced.extend_from_slice(&bytes[bytes.len() - 28..]);
    let bad = dir.path().join("bad.bam");
    std::fs::write(&bad, spliced).unwrap();
    let e = store.ingest_reads(&bad, &ropts("c"), &NoProgress).unwrap_err().to_string();
    assert!(e.contains("bad.bam"), "{e}");
    assert_eq!((count(&store, cf::DEPTH), count(&store, cf::READ_CALLABLE), count(&store, cf::READ_QC), count(&store, cf::READ_FILES)), (0, 0, 0, 0));
    assert_eq!(kept_files(&store), 0);
    let r = store.ingest_reads(&good, &ropts("c"), &NoProgress).unwrap();
    assert!(count(&store, cf::DEPTH) > 0);
    let again = std::fs::read(&good).unwrap();
    let copy = dir.path().join("same-content.bam");
    std::fs::write(&copy, again).unwrap();
    let e = store.ingest_reads(&copy, &ReadsIngestOptions { sample: Some("S9".into()), ..ropts("c") }, &NoProgress).unwrap_err().to_string();
    assert!(e.contains("same content"), "{e}");
    let e = store.ingest_reads(&bam(dir.path(), "other.bam", &bam_text("S1", 2, 5)), &ropts("c"), &NoProgress).unwrap_err().to_string();
    assert!(e.contains("--replace"), "{e}");
    assert_eq!(store.read_samples().unwrap().len(), 1);
    assert_eq!(store.read_samples().unwrap()[0].id, r.id);
}

#[test]
fn purge_removes_depth_qc_callable_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    ingest(&store, &cohort_vcf(dir.path()), "c");
    ingest(&store, &single_vcf(dir.path()), "c");
    store.ingest_reads(&bam(dir.path(), "s1.bam", &bam_text("S1", 12, 51)), &ropts("c"), &NoProgress).unwrap();
    store.ingest_reads(&bam(dir.path(), "a1.bam", &bam_text("A1", 12, 51)), &ropts("c"), &NoProgress).unwrap();
    assert_eq!(s1_calls(&store)[0].1, "0/0");
    let before = (count(&store, cf::DEPTH), count(&store, cf::READ_CALLABLE), kept_files(&store));
    store.purge_read_data("c", "S1").unwrap();
    assert!(store.read_sample("c", "S1").unwrap().is_none());
    assert_eq!(s1_calls(&store)[0].1, "./.", "callable-from-reads is gone");
    let after = (count(&store, cf::DEPTH), count(&store, cf::READ_CALLABLE), kept_files(&store));
    assert_eq!(after, (before.0 / 2, before.1 / 2, before.2 / 2), "A1's data stays");
    assert_eq!(store.read_samples().unwrap().len(), 1);
    store.purge_read_data("c", "S1").unwrap();
    // Genotypes are not touched.
    assert_eq!(s1_calls(&store)[1].1, "0/1");
}

#[test]
fn the_index_built_during_the_pass_serves_region_queries() {
    if !tool("samtools") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let mut text = String::from("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:200000\n@SQ\tSN:chr2\tLN:1000\n@RG\tID:rg\tSM:S1\n");
    for i in 0..5000 {
        text.push_str(&format!("r{i}\t0\tchr1\t{}\t60\t100M\t*\t0\t0\t*\t*\n", 1 + i * 39));
    }
    text.push_str("u\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*\n");
    let input = bam(dir.path(), "noindex.bam", &text);
    let r = store.ingest_reads(&input, &ropts("c"), &NoProgress).unwrap();
    let kept = dir.path().join("store").join(r.stored_file.as_ref().unwrap());
    let index = dir.path().join("store").join(r.stored_index.as_ref().unwrap());
    assert!(index.to_string_lossy().ends_with(".bam.bai"));
    for region in ["chr1:100000-100500", "chr1:1-50", "chr1:190000-200000", "chr2"] {
        let o = std::process::Command::new("samtools").args(["view", "-c"]).arg(&kept).arg(region).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got: usize = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap();
        let reg: genohub_store::Region = region.parse().unwrap();
        let want = (0..5000).filter(|i| reg.contig == "chr1" && reg.overlaps(1 + i * 39, 100 + i * 39)).count();
        assert_eq!(got, want, "{region}");
    }
}
