//! BAM/CRAM through the binary: ingest routes reads by content, the reads' depth makes missing
//! calls hom-ref in `view` and counts in `freq` AN, `depth` / `qc` print what was stored.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use genohub_reads::sam_to_bam::write_bam;

fn genohub(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genohub")).arg("--store").arg(store).arg("-q").args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fails(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains(needle), "expected failure with {needle:?}, got: {err}");
}

const VCF_HEADER: &str = "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=1000>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n";

fn files(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let cohort = dir.join("cohort.vcf");
    std::fs::write(
        &cohort,
        format!(
            "{VCF_HEADER}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA1\tA2\n\
chr1\t100\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/0\nchr1\t300\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/0\nchr1\t500\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/0\n"
        ),
    )
    .unwrap();
    let single = dir.join("s1.vcf");
    std::fs::write(&single, format!("{VCF_HEADER}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\nchr1\t300\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\n"))
        .unwrap();
    // 12 reads over 51..200 (1-based) and 3 over 401..550: position 100 is callable, 500 is not.
    let mut sam = String::from("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\n@RG\tID:rg\tSM:S1\n");
    for i in 0..12 {
        sam.push_str(&format!("a{i}\t0\tchr1\t51\t60\t150M\t*\t0\t0\t*\t*\n"));
    }
    for i in 0..3 {
        sam.push_str(&format!("b{i}\t0\tchr1\t401\t60\t150M\t*\t0\t0\t*\t*\n"));
    }
    let bam = dir.join("s1.bam");
    write_bam(&sam, &bam).unwrap();
    (cohort, single, bam)
}

/// (POS, AN) of every row of `genohub freq`.
fn an(store: &Path) -> Vec<(String, String)> {
    let out = ok(&genohub(store, &["freq"]));
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = header.iter().position(|c| *c == "AN").unwrap();
    lines.map(|l| l.split('\t').collect::<Vec<_>>()).map(|f| (f[1].to_string(), f[col].to_string())).collect()
}

fn s1_genotypes(store: &Path) -> Vec<String> {
    let out = ok(&genohub(store, &["view"]));
    let header: Vec<&str> = out.lines().find(|l| l.starts_with("#CHROM")).unwrap().split('\t').collect();
    let col = header.iter().position(|c| *c == "S1").unwrap();
    out.lines().filter(|l| !l.starts_with('#')).map(|l| l.split('\t').nth(col).unwrap().to_string()).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn reads_make_missing_calls_hom_ref_in_view_and_freq_whichever_comes_first() {
    for bam_first in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let (cohort, single, bam) = files(dir.path());
        if bam_first {
            ok(&genohub(&store, &["ingest", "--center", "c", bam.to_str().unwrap()]));
        }
        ok(&genohub(&store, &["ingest", "--center", "c", cohort.to_str().unwrap(), single.to_str().unwrap()]));
        if !bam_first {
            assert_eq!(s1_genotypes(&store), ["./.", "0/1", "./."]);
            assert_eq!(an(&store), pairs(&[("100", "4"), ("300", "6"), ("500", "4")]));
            ok(&genohub(&store, &["ingest", "--center", "c", bam.to_str().unwrap()]));
        }
        assert_eq!(s1_genotypes(&store), ["0/0", "0/1", "./."], "bam first: {bam_first}");
        // 100: A1, A2 and S1 (hom-ref by depth 12) → AN 6; 500: S1 at depth 3 stays missing.
        assert_eq!(an(&store), pairs(&[("100", "6"), ("300", "6"), ("500", "4")]), "bam first: {bam_first}");
    }
}

#[test]
fn depth_qc_and_plots() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (_, _, bam) = files(dir.path());
    ok(&genohub(&store, &["ingest", "--center", "c", bam.to_str().unwrap()]));
    let per_base = ok(&genohub(&store, &["depth", "S1", "chr1:49-52"]));
    assert_eq!(per_base, "#chrom\tpos\tdepth\nchr1\t49\t0\nchr1\t50\t0\nchr1\t51\t12\nchr1\t52\t12\n");
    let svg = dir.path().join("track.svg");
    let png = dir.path().join("track.png");
    let windows = ok(&genohub(&store, &["depth", "c/S1", "chr1", "--window", "250", "--plot", svg.to_str().unwrap()]));
    assert_eq!(windows, "#chrom\tstart\tend\tmean_depth\nchr1\t0\t250\t7.20\nchr1\t250\t500\t1.20\nchr1\t500\t750\t0.60\nchr1\t750\t1000\t0.00\n");
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    ok(&genohub(&store, &["depth", "S1", "chr1:1-600", "--plot", png.to_str().unwrap()]));
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");
    fails(&genohub(&store, &["depth", "S1", "chr1", "--plot", dir.path().join("x.gif").to_str().unwrap()]), ".svg or .png");
    fails(&genohub(&store, &["depth", "S2", "chr1"]), "no read data for sample S2");
    let table = ok(&genohub(&store, &["qc"]));
    let row: Vec<&str> = table.lines().nth(1).unwrap().split('\t').collect();
    assert_eq!((row[0], row[1], row[2]), ("c/S1", "15", "100.00"));
    let json: serde_json::Value = serde_json::from_str(&ok(&genohub(&store, &["qc", "S1", "--format", "json"]))).unwrap();
    assert_eq!(json[0]["qc"]["total_reads"], 15);
    assert_eq!(json[0]["qc"]["callable_bases"], 150);
}

#[test]
fn bad_reads_input_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let bam = dir.path().join("nosm.bam");
    write_bam("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\nr\t0\tchr1\t5\t60\t10M\t*\t0\t0\t*\t*\n", &bam).unwrap();
    fails(&genohub(&store, &["ingest", bam.to_str().unwrap()]), "--sample");
    ok(&genohub(&store, &["ingest", "--sample", "X1", bam.to_str().unwrap()]));
    let cram = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/hts-specs/cram/3.0/passed/0400_mapped.cram");
    if cram.exists() {
        fails(&genohub(&store, &["ingest", "--sample", "X2", cram.to_str().unwrap()]), "--reference");
        let fa = cram.parent().unwrap().parent().unwrap().parent().unwrap().join("ce.fa");
        ok(&genohub(&store, &["ingest", "--sample", "X2", "--reference", fa.to_str().unwrap(), cram.to_str().unwrap()]));
        let qc = ok(&genohub(&store, &["qc", "X2"]));
        assert!(qc.contains("default/X2"));
    } else {
        eprintln!("skipping: shared CRAM files are absent");
    }
}
