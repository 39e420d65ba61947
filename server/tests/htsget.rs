//! htsget 1.3 over the real server: tickets only where governance lets the caller see the
//! individual, and the slice assembled from a ticket equals `bcftools view -r -s` of the
//! ingested file.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

/// Fetches every URL of a ticket (with the headers it gives) and concatenates the parts.
fn assemble(ticket: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    for u in ticket["htsget"]["urls"].as_array().unwrap() {
        let mut r = client().get(u["url"].as_str().unwrap());
        if let Some(h) = u["headers"].as_object() {
            for (k, v) in h {
                r = r.header(k, v.as_str().unwrap());
            }
        }
        let resp = r.send().unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        out.extend_from_slice(&resp.bytes().unwrap());
    }
    out
}

/// Records as `CHROM POS REF ALT GT…` lines, multi-allelics split as the store keeps them
/// (`bcftools norm -m-`), sorted (the order of split records at one position is not part of
/// the contract).
fn query(path: &Path, view: &[&str]) -> String {
    let script =
        format!("bcftools view -Ou {} {} | bcftools norm -m- -Ou | bcftools query -f '%CHROM\\t%POS\\t%REF\\t%ALT[\\t%GT]\\n'", view.join(" "), path.display());
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    let mut lines: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn htsget_variant_slices_for_allowed_callers() {
    let fx = Fixture::new();
    let vcf = fx.cohort_vcf(5);
    fx.ingest(&vcf);
    let srv = fx.start();
    let own = format!("{CENTER}%2F{}", sample_name(2));
    let (chrom, pos, _, _) = carried_variant(&vcf);
    let (start, end) = (pos - 1, pos + 9000);
    let ticket_url = format!("{}/htsget/variants/{own}?referenceName={chrom}&start={start}&end={end}", srv.url);

    // Refusals in htsget's own error format.
    let (status, body) = get(&ticket_url, None);
    assert_eq!((status, body["htsget"]["error"].as_str()), (401, Some("InvalidAuthentication")));
    let (status, body) = get(&ticket_url, Some(fx.token("docb")));
    assert_eq!((status, body["htsget"]["error"].as_str()), (403, Some("PermissionDenied")), "{body}");
    let (status, body) = get(&format!("{ticket_url}&format=BCF"), Some(fx.token("doc")));
    assert_eq!((status, body["htsget"]["error"].as_str()), (400, Some("UnsupportedFormat")));
    let (status, body) = get(&format!("{}/htsget/variants/{own}?referenceName={chrom}&start=10&end=5", srv.url), Some(fx.token("doc")));
    assert_eq!((status, body["htsget"]["error"].as_str()), (400, Some("InvalidRange")));
    let (status, body) = get(&format!("{}/htsget/variants/{own}?referenceName=chr9&start=1&end=5", srv.url), Some(fx.token("doc")));
    assert_eq!((status, body["htsget"]["error"].as_str()), (404, Some("NotFound")));
    let (status, body) = get(&format!("{}/htsget/reads/{own}", srv.url), None);
    assert_eq!((status, body["htsget"]["error"].as_str()), (401, Some("InvalidAuthentication")));

    // The clinician of the patient's hospital gets a ticket whose parts form a bgzip VCF.
    let resp = client().get(&ticket_url).bearer_auth(fx.token("doc")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/vnd.ga4gh.htsget"));
    let ticket: Value = resp.json().unwrap();
    assert_eq!(ticket["htsget"]["format"], "VCF");
    assert_eq!(ticket["htsget"]["urls"].as_array().unwrap().len(), 2);
    let slice = assemble(&ticket);
    assert_eq!(&slice[..2], &[0x1f, 0x8b], "BGZF");
    let header_ticket: Value = get(&format!("{}/htsget/variants/{own}?class=header", srv.url), Some(fx.token("doc"))).1;
    assert_eq!(header_ticket["htsget"]["urls"].as_array().unwrap().len(), 1);

    if !have("bcftools") {
        eprintln!("skipping the bcftools comparison: bcftools is not installed");
        return;
    }
    let dir = fx.dir.path();
    let ours = dir.join("slice.vcf.gz");
    std::fs::write(&ours, &slice).unwrap();
    let original = dir.join("original.vcf.gz");
    assert!(Command::new("bcftools").args(["view", "-Oz", "-o"]).arg(&original).arg(&vcf).status().unwrap().success());
    assert!(Command::new("bcftools").arg("index").arg(&original).status().unwrap().success());
    let region = format!("{chrom}:{}-{end}", start + 1);
    let expected = query(&original, &["-r", &region, "-s", &sample_name(2)]);
    let got = query(&ours, &[]);
    assert!(expected.lines().count() > 3, "{expected}");
    assert_eq!(got, expected);
    let header = assemble(&header_ticket);
    let hpath = dir.join("header.vcf.gz");
    std::fs::write(&hpath, header).unwrap();
    let out = Command::new("bcftools").args(["view", "-h"]).arg(&hpath).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().last().unwrap().ends_with(&sample_name(2)), "{text}");
    assert_eq!(query(&hpath, &[]), "", "class=header carries no records");
}
