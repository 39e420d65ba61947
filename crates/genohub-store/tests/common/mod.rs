//! Helpers shared by the store's integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use genohub_store::{IngestOptions, NoProgress, SampleSelection, Store, ViewRequest};

pub fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !found {
        eprintln!("SKIP: {name} is not installed; the oracle comparison is skipped");
    }
    found
}

pub fn shared_data() -> Option<PathBuf> {
    let p = std::env::var_os("GENOHUB_SHARED_DATA").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIP: shared test data not found at {}", p.display());
        None
    }
}

pub fn opts(center: &str) -> IngestOptions {
    IngestOptions { center: center.into(), threads: 2, ..Default::default() }
}

pub fn ingest(store: &Store, path: &Path, center: &str) -> genohub_store::BatchManifest {
    store.ingest(path, &opts(center), &NoProgress).unwrap_or_else(|e| panic!("ingest {}: {e}", path.display()))
}

/// Whole-store VCF text (header and records).
pub fn view(store: &Store, regions: &[&str], samples: SampleSelection) -> String {
    let req = ViewRequest { regions: regions.iter().map(|r| r.parse().unwrap()).collect(), samples };
    let plan = store.plan_view(&req).unwrap();
    let mut out = plan.header.clone().into_bytes();
    store
        .write_view(&plan, &mut |b| {
            out.extend_from_slice(b);
            Ok(())
        })
        .unwrap();
    String::from_utf8(out).unwrap()
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A record reduced to what must survive a round trip: site columns, QUAL as a number, and
/// per-sample GT/DP/AD/GQ by key (a missing value equals an absent key).
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub struct Canon {
    pub site: Vec<String>,
    /// QUAL to 6 significant digits: BCF stores it as a 32-bit float and bcftools prints it with %g.
    pub qual: Option<String>,
    pub samples: Vec<BTreeMap<String, String>>,
}

/// genohub always splits AD per allele (Number=R); bcftools keeps an AD declared otherwise
/// (old GATK: Number=.) whole, so such an AD cannot be compared value for value.
pub fn ad_comparable(expected: &str) -> bool {
    !expected.contains("##FORMAT=<ID=AD,") || expected.contains("##FORMAT=<ID=AD,Number=R")
}

pub fn canonical(vcf: &str) -> Vec<Canon> {
    canonical_with(vcf, ad_comparable(vcf))
}

pub fn canonical_with(vcf: &str, ad_is_r: bool) -> Vec<Canon> {
    let mut names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in vcf.lines() {
        if line.starts_with("##") || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if line.starts_with("#CHROM") {
            names = f.iter().skip(9).map(|s| s.to_string()).collect();
            continue;
        }
        let keys: Vec<&str> = f.get(8).map(|k| k.split(':').collect()).unwrap_or_default();
        let samples = f
            .iter()
            .skip(9)
            .map(|col| {
                let mut m = BTreeMap::new();
                for (k, v) in keys.iter().zip(col.split(':')) {
                    if ["GT", "DP", "GQ"].contains(k) || *k == "AD" && ad_is_r {
                        // An AD whose count does not fit the alleles is stored as missing (with a warning).
                        if v == "." || v == ".,." || *k == "AD" && v.split(',').count() != 2 {
                            continue;
                        }
                        m.insert(k.to_string(), v.to_string());
                    }
                }
                m
            })
            .collect();
        let mut site: Vec<String> = [0, 1, 2, 3, 4, 6].iter().map(|&i| f[i].to_string()).collect();
        site.push(numeric_info(f[7]));
        site.push(names.len().to_string());
        out.push(Canon { site, qual: f[5].parse::<f64>().ok().map(|q| format!("{:.5e}", q as f32)), samples });
    }
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out
}

/// INFO with numbers as 32-bit floats print them: bcftools re-serialises the values of a
/// record it splits (`2.510` becomes `2.51`), genohub keeps the text.
fn numeric_info(info: &str) -> String {
    let value = |v: &str| match v.parse::<f32>() {
        Ok(x) if !v.is_empty() => x.to_string(),
        _ => v.to_string(),
    };
    info.split(';')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => format!("{k}={}", v.split(',').map(value).collect::<Vec<_>>().join(",")),
            None => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// `bcftools norm -m- [-f ref]` of a file, as text.
pub fn bcftools_norm(input: &Path, reference: Option<&Path>) -> String {
    let mut cmd = Command::new("bcftools");
    cmd.args(["norm", "-m-", "-Ov"]);
    if let Some(r) = reference {
        cmd.arg("-f").arg(r);
    }
    let out = cmd.arg(input).output().unwrap();
    assert!(out.status.success(), "bcftools norm failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

pub fn assert_same_records(expected: &str, actual: &str) {
    let ad = ad_comparable(expected);
    let e = canonical_with(expected, ad);
    let a = canonical_with(actual, ad);
    assert_eq!(e.len(), a.len(), "record counts differ");
    for (x, y) in e.iter().zip(&a) {
        assert_eq!(x, y);
    }
}
