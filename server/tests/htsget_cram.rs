//! htsget 1.3 CRAM slices over the real server: a CRAM uploaded by its sequencing center is
//! served as byte ranges of the kept file chosen with its CRAI (never decoded). The parts of a
//! ticket, concatenated, are one valid CRAM that samtools decodes with the caller's own
//! reference into exactly the records it prints for the original file; refusals are as for BAM.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

const CHR20: usize = 100_000;
const CHR21: usize = 50_000;

fn bases(n: usize, state: &mut u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            b"ACGT"[(*state >> 33) as usize % 4]
        })
        .collect()
}

/// A two-contig reference; returns the path and the sequences.
fn reference(dir: &Path) -> (PathBuf, Vec<(&'static str, Vec<u8>)>) {
    let mut state = 5u64;
    let contigs = vec![("chr20", bases(CHR20, &mut state)), ("chr21", bases(CHR21, &mut state))];
    let mut fa = String::new();
    for (name, seq) in &contigs {
        let _ = writeln!(fa, ">{name}");
        for line in seq.chunks(60) {
            let _ = writeln!(fa, "{}", std::str::from_utf8(line).unwrap());
        }
    }
    let path = dir.join("ref.fa");
    std::fs::write(&path, fa).unwrap();
    (path, contigs)
}

/// Coordinate-sorted reads of one sample taken from the reference with a few mismatches:
/// varied CIGARs (so overlap depends on the alignment end), 400 reads on each contig, then
/// 60 unplaced reads (flag 4, no reference) that only `referenceName=*` asks for.
fn sam(sample: &str, contigs: &[(&str, Vec<u8>)]) -> String {
    let mut s = format!("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr20\tLN:{CHR20}\n@SQ\tSN:chr21\tLN:{CHR21}\n@RG\tID:rg1\tSM:{sample}\n");
    let cigars: [&[(usize, char)]; 5] =
        [&[(50, 'M')], &[(20, 'M'), (5, 'D'), (30, 'M')], &[(10, 'S'), (40, 'M')], &[(25, 'M'), (300, 'N'), (25, 'M')], &[(30, 'M'), (2, 'I'), (18, 'M')]];
    let mut state = 17u64;
    for (contig, refseq) in contigs {
        let mut reads: Vec<(usize, usize)> = (0..400).map(|_| (1 + rand(&mut state) % 12_000, rand(&mut state) % 5)).collect();
        reads.sort();
        for (i, (pos, c)) in reads.iter().enumerate() {
            let (mut seq, mut at) = (Vec::new(), pos - 1);
            for &(n, op) in cigars[*c] {
                match op {
                    'M' => {
                        seq.extend_from_slice(&refseq[at..at + n]);
                        at += n;
                    }
                    'D' | 'N' => at += n,
                    _ => seq.extend(bases(n, &mut state)),
                }
            }
            seq[i % 50] = if seq[i % 50] == b'A' { b'C' } else { b'A' };
            let cigar: String = cigars[*c].iter().map(|(n, op)| format!("{n}{op}")).collect();
            let _ = writeln!(s, "{contig}-r{i}\t0\t{contig}\t{pos}\t60\t{cigar}\t*\t0\t0\t{}\t{}\tRG:Z:rg1", String::from_utf8(seq).unwrap(), "I".repeat(50));
        }
    }
    for i in 0..60 {
        let _ = writeln!(s, "un-r{i}\t4\t*\t0\t0\t*\t*\t0\t0\t{}\t{}\tRG:Z:rg1", String::from_utf8(bases(50, &mut state)).unwrap(), "I".repeat(50));
    }
    s
}

fn rand(state: &mut u64) -> usize {
    *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*state >> 33) as usize
}

fn run(args: &[&str]) -> String {
    let out = Command::new("samtools").args(args).output().unwrap();
    assert!(out.status.success(), "samtools {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Equal samtools outputs, or a failure naming the first differing record (not both dumps).
fn assert_same(got: &str, want: &str, what: &str) {
    if got != want {
        let (g, w): (Vec<_>, Vec<_>) = (got.lines().collect(), want.lines().collect());
        let at = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(g.len().min(w.len()));
        panic!("{what}: {} records, samtools {}; first difference at record {at}: got {:?}, want {:?}", g.len(), w.len(), g.get(at), w.get(at));
    }
}

fn fetch(u: &Value) -> (u16, Vec<u8>) {
    let mut r = client().get(u["url"].as_str().unwrap());
    if let Some(h) = u["headers"].as_object() {
        for (k, v) in h {
            r = r.header(k, v.as_str().unwrap());
        }
    }
    let resp = r.send().unwrap();
    let status = resp.status().as_u16();
    if status == 200 {
        assert_eq!(resp.headers()["content-type"], "application/vnd.ga4gh.cram");
    }
    (status, resp.bytes().unwrap().to_vec())
}

/// Every URL of the ticket fetched and concatenated into `dir/name`.
fn assemble(ticket: &Value, dir: &Path, name: &str) -> PathBuf {
    assert_eq!(ticket["htsget"]["format"], "CRAM", "{ticket}");
    let mut out = Vec::new();
    for u in ticket["htsget"]["urls"].as_array().unwrap() {
        let (status, bytes) = fetch(u);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        out.extend_from_slice(&bytes);
    }
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    // A complete CRAM: file definition, header, containers and the EOF marker.
    run(&["quickcheck", "-v", path.to_str().unwrap()]);
    path
}

fn kept_crai(store: &Path) -> PathBuf {
    let reads = store.join("files/reads");
    for d in std::fs::read_dir(&reads).unwrap() {
        for f in std::fs::read_dir(d.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "crai") {
                return p;
            }
        }
    }
    panic!("no kept CRAI under {}", reads.display());
}

#[test]
fn htsget_cram_slices_are_byte_ranges_that_decode_to_samtools_records() {
    if !have("samtools") {
        eprintln!("skipping: samtools is not installed (needed to write the CRAM and as the oracle)");
        return;
    }
    let fx = Fixture::new();
    let dir = fx.dir.path().to_path_buf();
    let sample = sample_name(0); // patient pt000 of hosp-a
    let (fasta, contigs) = reference(&dir);
    let (fa, sam_path, cram) = (fasta.to_str().unwrap(), dir.join("reads.sam"), dir.join("reads.cram"));
    std::fs::write(&sam_path, sam(&sample, &contigs)).unwrap();
    run(&["faidx", fa]);
    // Small slices, one per container: a region must pick some containers, not all.
    run(&[
        "view",
        "-C",
        "-T",
        fa,
        "--output-fmt-option",
        "seqs_per_slice=40",
        "--output-fmt-option",
        "slices_per_container=1",
        "-o",
        cram.to_str().unwrap(),
        sam_path.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&cram).unwrap();

    // Uploaded through the real server as a sequencing center does; the server has the
    // reference to ingest with, and keeps the file as sent with a CRAI it writes.
    let mut config = fx.config();
    config.reference = Some(fasta.clone());
    let srv = TestServer::start(config, fx.facts.clone());
    let (status, job) = upload(&srv.url, Some(fx.token("up")), "reads.cram", bytes.clone(), Some(&sha256_hex(&bytes)));
    assert_eq!(status, 202, "{job}");
    let job = wait_job(&srv.url, fx.token("up"), job["id"].as_str().unwrap());
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["reads"]["records"], 860, "{job}");
    // The oracle's own index, beside the original (after the upload, which never sees it).
    let c = cram.to_str().unwrap();
    run(&["index", c]);

    let id = format!("{CENTER}%2F{sample}");
    let ticket_url = format!("{}/htsget/reads/{id}?format=CRAM&referenceName=chr20&start=1000&end=5000", srv.url);

    // Refusals, in htsget's error format, as for BAM.
    for (user, status, error) in [(None, 401, "InvalidAuthentication"), (Some("docb"), 403, "PermissionDenied")] {
        let (s, body) = get(&ticket_url, user.map(|u| fx.token(u)));
        assert_eq!((s, body["htsget"]["error"].as_str()), (status, Some(error)), "{user:?}: {body}");
    }
    let (s, body) = get(&format!("{}/htsget/reads/{id}?format=BAM", srv.url), Some(fx.token("doc")));
    assert_eq!((s, body["htsget"]["error"].as_str()), (400, Some("UnsupportedFormat")), "a CRAM is not converted: {body}");
    let (s, body) = get(&format!("{}/htsget/reads/{id}?format=CRAM&referenceName=chr9&start=1&end=5", srv.url), Some(fx.token("doc")));
    assert_eq!((s, body["htsget"]["error"].as_str()), (404, Some("NotFound")), "{body}");

    // A region: header, body and EOF parts; the data URLs are governed too.
    let (s, ticket) = get(&ticket_url, Some(fx.token("doc")));
    assert_eq!(s, 200, "{ticket}");
    let urls = ticket["htsget"]["urls"].as_array().unwrap();
    assert_eq!(urls.iter().map(|u| u["class"].as_str().unwrap()).collect::<Vec<_>>(), ["header", "body", "body"]);
    for u in urls {
        let mut stolen = u.clone();
        stolen["headers"] = serde_json::json!({"Authorization": format!("Bearer {}", fx.token("docb"))});
        assert_eq!(fetch(&stolen).0, 403, "{}", u["url"]);
        let mut bare = u.clone();
        bare["headers"] = serde_json::json!({});
        assert_eq!(fetch(&bare).0, 401, "{}", u["url"]);
    }
    let region = assemble(&ticket, &dir, "region.cram");
    let r = region.to_str().unwrap();
    run(&["index", r]);
    let want = run(&["view", "--no-PG", "-T", fa, c, "chr20:1001-5000"]);
    assert!(want.lines().count() > 50, "{want}");
    assert_same(&run(&["view", "--no-PG", "-T", fa, r, "chr20:1001-5000"]), &want, "the slice's records in chr20:1001-5000");
    let all = run(&["view", "-c", "-T", fa, c]).trim().parse::<usize>().unwrap();
    let kept = run(&["view", "-c", "-T", fa, r]).trim().parse::<usize>().unwrap();
    assert!(kept < all / 2, "whole containers around the region, not the file: {kept} of {all} records");
    assert!(std::fs::metadata(&region).unwrap().len() < bytes.len() as u64 / 2);
    assert_eq!(run(&["view", "-H", "--no-PG", r]), run(&["view", "-H", "--no-PG", c]));

    // referenceName=*: the unplaced reads, and every one of them.
    let (s, ticket) = get(&format!("{}/htsget/reads/{id}?referenceName=*", srv.url), Some(fx.token("doc")));
    assert_eq!(s, 200, "{ticket}");
    let unplaced = assemble(&ticket, &dir, "unplaced.cram");
    let u = unplaced.to_str().unwrap();
    run(&["index", u]);
    let want = run(&["view", "--no-PG", "-T", fa, c, "*"]);
    assert_eq!(want.lines().count(), 60);
    assert_same(&run(&["view", "--no-PG", "-T", fa, u, "*"]), &want, "the unplaced reads");
    assert_eq!(run(&["view", "--no-PG", "-T", fa, u, "chr20"]), "", "no chr20 container is needed for unplaced reads");

    // No referenceName: every record, in order.
    let (_, ticket) = get(&format!("{}/htsget/reads/{id}", srv.url), Some(fx.token("doc")));
    let whole = assemble(&ticket, &dir, "whole.cram");
    assert_same(&run(&["view", "--no-PG", "-T", fa, whole.to_str().unwrap()]), &run(&["view", "--no-PG", "-T", fa, c]), "every record");

    // class=header: the header and the EOF container, no records.
    let (_, ticket) = get(&format!("{}/htsget/reads/{id}?class=header", srv.url), Some(fx.token("doc")));
    let urls = ticket["htsget"]["urls"].as_array().unwrap();
    assert_eq!(urls.iter().map(|u| u["class"].as_str().unwrap()).collect::<Vec<_>>(), ["header", "header"], "{ticket}");
    let header = assemble(&ticket, &dir, "header.cram");
    let h = header.to_str().unwrap();
    assert_eq!(run(&["view", "-H", "--no-PG", h]), run(&["view", "-H", "--no-PG", c]));
    assert_eq!(run(&["view", "--no-PG", "-T", fa, h]), "", "class=header carries no records");

    // Without its CRAI a CRAM cannot be cut at all: NotFound, as an unindexed BAM region.
    std::fs::remove_file(kept_crai(&fx.store_dir())).unwrap();
    let (s, body) = get(&format!("{}/htsget/reads/{id}?class=header", srv.url), Some(fx.token("doc")));
    assert_eq!((s, body["htsget"]["error"].as_str()), (404, Some("NotFound")), "{body}");
    srv.stop();
}
