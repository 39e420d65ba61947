//! Helpers shared by the analysis crate's integration tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use genohub_analysis::{freq, FreqRequest, FreqRow, SampleSource};
use genohub_store::{IngestOptions, NoProgress, Store};

pub fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !found {
        eprintln!("SKIP: {name} is not installed; the oracle comparison is skipped");
    }
    found
}

pub fn ingest(store: &Store, path: &Path, center: &str) {
    let opts = IngestOptions { center: center.into(), threads: 2, ..Default::default() };
    store.ingest(path, &opts, &NoProgress).unwrap_or_else(|e| panic!("ingest {}: {e}", path.display()));
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs a shell pipeline (with pipefail) and returns its stdout.
pub fn sh(script: &str) -> String {
    let o = Command::new("bash").arg("-c").arg(format!("set -euo pipefail; {script}")).output().unwrap();
    assert!(o.status.success(), "{script}\n{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

pub fn freq_rows(store: &Store, regions: &[&str], samples: SampleSource) -> Vec<FreqRow> {
    let req = FreqRequest { regions: regions.iter().map(|r| r.parse().unwrap()).collect(), samples };
    let mut rows = Vec::new();
    freq(store, &req, |r| {
        rows.push(r);
        Ok(())
    })
    .unwrap();
    rows
}

/// Rows keyed by (pos, ref, alt).
pub fn by_site(rows: Vec<FreqRow>) -> HashMap<(u64, String, String), FreqRow> {
    rows.into_iter().map(|r| ((r.pos, r.reference.clone(), r.alternate.clone()), r)).collect()
}

/// `|a - b| <= rel * |b|`, or both below `floor` (values printed by peers in single precision
/// or with six significant digits).
pub fn close(a: f64, b: f64, rel: f64, floor: f64) -> bool {
    (a - b).abs() <= rel * b.abs() || (a.abs() < floor && b.abs() < floor)
}

/// A simulated cohort as VCF text.
pub fn cohort_text(samples: usize, length: u64, seed: u64, missing_rate: f64) -> String {
    let params = genohub_sim::CohortParams { samples, length, seed, missing_rate, multiallelic_fraction: 0.05, ..Default::default() };
    let mut out = Vec::new();
    genohub_sim::write_cohort_vcf(&params, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Deterministically rewrites some genotypes into half-calls (`./1`), haploid calls and
/// missing calls, which bcftools counts in particular ways.
pub fn roughen(vcf: &str) -> String {
    let mut out = String::with_capacity(vcf.len());
    let mut k: u64 = 0;
    for line in vcf.lines() {
        if line.starts_with('#') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut f: Vec<String> = line.split('\t').map(String::from).collect();
        for gt in f.iter_mut().skip(9) {
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            match (k >> 33) % 97 {
                0 => *gt = gt.replacen(['0', '1', '2', '3'], ".", 1),
                1 => *gt = gt.chars().next().unwrap().to_string(),
                2 => *gt = "./.".into(),
                _ => {}
            }
        }
        out.push_str(&f.join("\t"));
        out.push('\n');
    }
    out
}

/// The numpy oracle's logistic regression (IRLS; with `firth`, Firth's penalised likelihood
/// with step halving), written independently of the Rust code; spliced into the oracle
/// scripts at `#FIT#`. Needs `np` and `erfc` imported by the script.
pub const PY_LOGISTIC_FIT: &str = r#"def fit(X, y, firth):
    b = np.zeros(X.shape[1])
    def info(b):
        p = 1 / (1 + np.exp(-X @ b)); w = p * (1 - p)
        return p, w, X.T @ (X * w[:, None])
    def pl(b):
        p, w, H = info(b)
        return np.sum(np.where(y > 0.5, np.log(p), np.log(1 - p))) + 0.5 * np.linalg.slogdet(H)[1]
    for it in range(300):
        p, w, H = info(b); Hi = np.linalg.inv(H)
        if firth:
            h = np.einsum("ij,jk,ik->i", X, Hi, X) * w
            step = Hi @ (X.T @ (y - p + h * (0.5 - p)))
            m = np.abs(step).max()
            if m > 5: step *= 5 / m
            cur, k = pl(b), 0
            while pl(b + step) < cur and k < 25: step *= 0.5; k += 1
        else:
            step = Hi @ (X.T @ (y - p))
        b = b + step
        if np.abs(step).max() < 1e-11: break
    p, w, H = info(b)
    se = np.sqrt(np.diag(np.linalg.inv(H)))
    return np.exp(b[1]), se[1], erfc(abs(b[1] / se[1]) / np.sqrt(2))
"#;
