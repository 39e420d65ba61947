//! The binary end to end: ingest, view in every output type, sample files, errors.

use std::path::Path;
use std::process::{Command, Output};

fn genohub(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genohub")).arg("--store").arg(store).arg("-q").args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !found {
        eprintln!("SKIP: {tool} not installed");
    }
    found
}

#[test]
fn simulate_ingest_view_in_all_output_types() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let vcf = dir.path().join("c.vcf.gz");
    let fa = dir.path().join("c.fa");
    ok(&genohub(
        &store,
        &[
            "simulate",
            "cohort",
            "--samples",
            "20",
            "--length",
            "200000",
            "--seed",
            "3",
            "--depth",
            "--reference-out",
            fa.to_str().unwrap(),
            "-o",
            vcf.to_str().unwrap(),
        ],
    ));
    ok(&genohub(&store, &["ingest", "--center", "c", "--reference", fa.to_str().unwrap(), vcf.to_str().unwrap()]));
    let samples = ok(&genohub(&store, &["samples"]));
    assert_eq!(samples.lines().count(), 21);
    let batches = ok(&genohub(&store, &["batches"]));
    assert!(batches.contains("c.vcf.gz") && batches.lines().count() == 2);
    let stats = ok(&genohub(&store, &["stats", "--json"]));
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["samples"], 20);

    let text = ok(&genohub(&store, &["view", "chr20:50000-100000", "-s", "SIM00002,SIM00001"]));
    assert!(text.contains("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSIM00002\tSIM00001\n"));
    let records: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(!records.is_empty());
    for r in &records {
        let pos: u64 = r.split('\t').nth(1).unwrap().parse().unwrap();
        assert!(pos <= 100_000, "{r}");
    }
    let list = dir.path().join("samples.txt");
    std::fs::write(&list, "SIM00002\nSIM00001\n").unwrap();
    let from_file = ok(&genohub(&store, &["view", "chr20:50000-100000", "-S", list.to_str().unwrap()]));
    assert_eq!(text, from_file);

    if have("bcftools") {
        for (t, name) in [("z", "o.vcf.gz"), ("b", "o.bcf")] {
            let out = dir.path().join(name);
            ok(&genohub(&store, &["view", "chr20:50000-100000", "-s", "SIM00002,SIM00001", "-O", t, "-o", out.to_str().unwrap()]));
            let back = Command::new("bcftools").arg("view").arg(&out).output().unwrap();
            assert!(back.status.success(), "bcftools cannot read {name}: {}", String::from_utf8_lossy(&back.stderr));
            let back = String::from_utf8_lossy(&back.stdout);
            let theirs: Vec<&str> = back.lines().filter(|l| !l.starts_with('#')).collect();
            assert_eq!(theirs.len(), records.len(), "{name}");
            for (a, b) in theirs.iter().zip(&records) {
                let gts = |l: &str| l.split('\t').skip(9).map(|s| s.split(':').next().unwrap().to_string()).collect::<Vec<_>>();
                assert_eq!(gts(a), gts(b), "{name}");
                assert_eq!(a.split('\t').take(5).collect::<Vec<_>>(), b.split('\t').take(5).collect::<Vec<_>>());
            }
        }
    }
}

#[test]
fn errors_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let missing = genohub(&store, &["view"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no genohub store"));

    let vcf = dir.path().join("c.vcf.gz");
    ok(&genohub(&store, &["simulate", "cohort", "--samples", "3", "--length", "10000", "-o", vcf.to_str().unwrap()]));
    ok(&genohub(&store, &["ingest", vcf.to_str().unwrap()]));
    let e = genohub(&store, &["view", "-s", "NOPE"]);
    assert!(String::from_utf8_lossy(&e.stderr).contains("unknown sample NOPE"));
    let e = genohub(&store, &["view", "chrX:1-10"]);
    assert!(String::from_utf8_lossy(&e.stderr).contains("contig chrX is not in the store"));
    let not_vcf = dir.path().join("x.txt");
    std::fs::write(&not_vcf, "hello\n").unwrap();
    let e = genohub(&store, &["ingest", not_vcf.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&e.stderr).contains("not a VCF"));
}

#[test]
fn serve_answers_health_on_the_port_it_announces() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_genohub"))
        .arg("--store")
        .arg(dir.path().join("store"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap_or_else(|e| panic!("{line:?}: {e}"));
    write!(s, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(reply.starts_with("HTTP/1.1 200") && reply.contains("\"status\":\"ok\""), "{reply}");
}

#[test]
fn simulated_gvcfs_ingest_per_sample_and_the_callable_rule_shortens_an() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (vcf, gvcfs) = (dir.path().join("c.vcf"), dir.path().join("gvcf"));
    let gvcf_dir = gvcfs.to_str().unwrap();
    ok(&genohub(&store, &["simulate", "cohort", "--samples", "6", "--length", "120000", "--seed", "5", "-o", vcf.to_str().unwrap(), "--gvcf-dir", gvcf_dir]));
    let mut files: Vec<String> =
        std::fs::read_dir(&gvcfs).unwrap().map(|e| e.unwrap().path().to_str().unwrap().to_string()).filter(|p| p.contains(".g.vcf")).collect();
    files.sort();
    assert_eq!(files.len(), 6, "{files:?}");
    for f in &files {
        ok(&genohub(&store, &["ingest", "--center", "seqB", f]));
    }
    let tsv = ok(&genohub(&store, &["freq"]));
    let header: Vec<&str> = tsv.lines().next().unwrap().split('\t').collect();
    let an_col = header.iter().position(|h| *h == "AN").unwrap();
    let an: Vec<u32> = tsv.lines().skip(1).map(|l| l.split('\t').nth(an_col).unwrap().parse().unwrap()).collect();
    assert!(an.len() > 50, "{} sites", an.len());
    assert!(an.iter().all(|&a| a <= 12 && a % 2 == 0), "diploid AN of at most 6 samples");
    assert!(an.iter().any(|&a| a < 12), "some site falls in a sample's low-coverage gap");
    assert!(an.iter().filter(|&&a| a == 12).count() > an.len() / 2, "most sites are callable in every sample");
}
