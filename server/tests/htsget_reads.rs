//! htsget 1.3 reads over the real server: a ticket only where governance lets the caller see
//! the individual (refusals audited), and the slice assembled from the ticket holds exactly
//! the records `samtools view FILE REGION` prints for the kept BAM.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use common::*;
use genohub_governance::AuditFilter;
use genohub_store::reads::ReadsIngestOptions;
use genohub_store::NoProgress;
use serde_json::Value;

/// Coordinate-sorted reads of one sample: varied CIGARs (deletions, skips, clips) so that
/// overlap depends on the alignment end, reads straddling the region's edges, and a second
/// contig whose reads must never appear in a chr20 slice.
fn sam(sample: &str) -> String {
    let mut s = format!("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr20\tLN:100000\n@SQ\tSN:chr21\tLN:50000\n@RG\tID:rg1\tSM:{sample}\n");
    let cigars = ["50M", "20M5D30M", "10S40M", "25M300N25M", "30M2I18M"];
    let mut state = 17u64;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        state >> 33
    };
    for contig in ["chr20", "chr21"] {
        let mut reads: Vec<(u64, &str)> = (0..400).map(|_| (1 + next() % 12_000, cigars[(next() % 5) as usize])).collect();
        reads.sort();
        for (i, (pos, cigar)) in reads.iter().enumerate() {
            let _ =
                writeln!(s, "{contig}-r{i}\t0\t{contig}\t{pos}\t60\t{cigar}\t*\t0\t0\t{}\t{}\tRG:Z:rg1", "ACGT".repeat(13)[..50].to_string(), "I".repeat(50));
        }
    }
    s
}

fn fetch(u: &Value) -> (u16, Vec<u8>) {
    let mut r = client().get(u["url"].as_str().unwrap());
    if let Some(h) = u["headers"].as_object() {
        for (k, v) in h {
            r = r.header(k, v.as_str().unwrap());
        }
    }
    let resp = r.send().unwrap();
    (resp.status().as_u16(), resp.bytes().unwrap().to_vec())
}

fn assemble(ticket: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    for u in ticket["htsget"]["urls"].as_array().unwrap() {
        let (status, bytes) = fetch(u);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        out.extend_from_slice(&bytes);
    }
    out
}

fn samtools(args: &[&str], file: &Path) -> String {
    let out = Command::new("samtools").args(args).arg(file).output().unwrap();
    assert!(out.status.success(), "samtools {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn htsget_read_slices_for_allowed_callers() {
    let fx = Fixture::new();
    let sample = sample_name(0); // patient pt000 of hosp-a
    let bam = fx.dir.path().join("reads.bam");
    genohub_reads::sam_to_bam::write_bam(&sam(&sample), &bam).unwrap();
    let opts = ReadsIngestOptions { center: CENTER.into(), ..Default::default() };
    fx.hub().operator().ingest_reads(&bam, &opts, &NoProgress).unwrap();
    let srv = fx.start();
    let id = format!("{CENTER}%2F{sample}");
    let ticket_url = format!("{}/htsget/reads/{id}?format=BAM&referenceName=chr20&start=1000&end=5000", srv.url);

    // Refusals, in htsget's error format: no token, another hospital, a researcher outside
    // any project, an uploader; a format not offered; a contig the file lacks.
    let refusals = [
        (None, 401, "InvalidAuthentication"),
        (Some("docb"), 403, "PermissionDenied"),
        (Some("res"), 403, "PermissionDenied"),
        (Some("up"), 403, "PermissionDenied"),
    ];
    for (user, status, error) in refusals {
        let (s, body) = get(&ticket_url, user.map(|u| fx.token(u)));
        assert_eq!((s, body["htsget"]["error"].as_str()), (status, Some(error)), "{user:?}: {body}");
    }
    let (s, body) = get(&format!("{}/htsget/reads/{id}?format=CRAM", srv.url), Some(fx.token("doc")));
    assert_eq!((s, body["htsget"]["error"].as_str()), (400, Some("UnsupportedFormat")), "{body}");
    let (s, body) = get(&format!("{}/htsget/reads/{id}?referenceName=chr9&start=1&end=5", srv.url), Some(fx.token("doc")));
    assert_eq!((s, body["htsget"]["error"].as_str()), (404, Some("NotFound")), "{body}");
    let (s, body) = get(&format!("{}/htsget/reads/{CENTER}%2FNOBODY", srv.url), Some(fx.token("doc")));
    assert_eq!((s, body["htsget"]["error"].as_str()), (404, Some("NotFound")), "{body}");

    // The clinician of the patient's hospital: a ticket with a header and a body URL.
    let (s, ticket) = get(&ticket_url, Some(fx.token("doc")));
    assert_eq!(s, 200, "{ticket}");
    assert_eq!(ticket["htsget"]["format"], "BAM");
    let urls = ticket["htsget"]["urls"].as_array().unwrap();
    assert_eq!(urls.iter().map(|u| u["class"].as_str().unwrap()).collect::<Vec<_>>(), ["header", "body"]);
    // The data URLs are governed too: another hospital's token is refused there as well.
    let mut stolen = urls[1].clone();
    stolen["headers"] = serde_json::json!({"Authorization": format!("Bearer {}", fx.token("docb"))});
    assert_eq!(fetch(&stolen).0, 403);
    let slice = assemble(&ticket);
    assert_eq!(&slice[..2], &[0x1f, 0x8b], "BGZF");
    let (_, header_ticket) = get(&format!("{}/htsget/reads/{id}?class=header", srv.url), Some(fx.token("doc")));
    assert_eq!(header_ticket["htsget"]["urls"].as_array().unwrap().len(), 1, "{header_ticket}");
    let header = assemble(&header_ticket);
    srv.stop();

    // Every decision is in the audit log as a genotype read, refusals included.
    let log = fx.hub().operator().audit_log(&AuditFilter::default()).unwrap();
    let reads: Vec<_> = log.iter().filter(|e| e.operation == "genotypes" && e.parameters.get("reads").is_some()).collect();
    assert!(reads.iter().any(|e| e.actor == "docb" && e.decision == genohub_governance::audit::Decision::Forbidden), "{reads:?}");
    assert!(reads.iter().filter(|e| e.actor == "doc" && e.decision == genohub_governance::audit::Decision::Allowed).count() >= 4);

    if !have("samtools") {
        eprintln!("skipping the samtools comparison: samtools is not installed");
        return;
    }
    let dir = fx.dir.path();
    assert!(Command::new("samtools").arg("index").arg(&bam).status().unwrap().success());
    let ours = dir.join("slice.bam");
    std::fs::write(&ours, &slice).unwrap();
    let expected = samtools(&["view", "--no-PG"], &bam).lines().count();
    assert!(expected > 700, "the whole file has both contigs' reads");
    let want = Command::new("samtools").args(["view", "--no-PG"]).arg(&bam).arg("chr20:1001-5000").output().unwrap();
    assert!(want.status.success());
    let want = String::from_utf8(want.stdout).unwrap();
    let got = samtools(&["view", "--no-PG"], &ours);
    assert!(want.lines().count() > 50, "{want}");
    assert_eq!(got, want, "the slice holds exactly samtools' records for chr20:1001-5000");
    let hpath = dir.join("header.bam");
    std::fs::write(&hpath, header).unwrap();
    assert_eq!(samtools(&["view", "--no-PG"], &hpath), "", "class=header carries no records");
    assert_eq!(samtools(&["view", "-H", "--no-PG"], &hpath), samtools(&["view", "-H", "--no-PG"], &bam));
}
