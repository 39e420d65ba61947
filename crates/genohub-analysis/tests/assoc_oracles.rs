//! `assoc` against independent implementations: Fisher's test against SciPy (or, without
//! SciPy, exact rational arithmetic in Python), logistic regression with firth-fallback
//! against `plink2 --glm firth-fallback` with covariates.

mod common;

use std::collections::HashMap;
use std::process::{Command, Stdio};

use common::*;
use genohub_analysis::assoc::Method;
use genohub_analysis::{assoc, create_cohort, AssocRequest, AssocRow, AssocTest, Covariates, SampleSource};
use genohub_store::Store;

const ORACLE: &str = r#"
import sys
from fractions import Fraction
from math import comb
try:
    from scipy.stats import fisher_exact
    print("scipy", file=sys.stderr)
    def p_value(a, b, c, d):
        return fisher_exact([[a, b], [c, d]])[1]
except ImportError:
    print("exact rational arithmetic (scipy not installed)", file=sys.stderr)
    def p_value(a, b, c, d):
        r1, c1, n = a + b, a + c, a + b + c + d
        lo, hi = max(0, r1 + c1 - n), min(r1, c1)
        probs = {x: Fraction(comb(c1, x) * comb(n - c1, r1 - x), comb(n, r1)) for x in range(lo, hi + 1)}
        obs = probs[a]
        return float(sum(p for p in probs.values() if p <= obs * Fraction(10**7 + 1, 10**7)))
for line in sys.stdin:
    a, b, c, d = map(int, line.split())
    print(repr(float(p_value(a, b, c, d))))
"#;

fn python_fisher(tables: &[[u64; 4]]) -> Option<Vec<f64>> {
    let mut child = match Command::new("python3").arg("-c").arg(ORACLE).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(_) => {
            eprintln!("SKIP: python3 is not installed; the Fisher oracle comparison is skipped");
            return None;
        }
    };
    let input: String = tables.iter().map(|t| format!("{} {} {} {}\n", t[0], t[1], t[2], t[3])).collect();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("Fisher oracle: {}", String::from_utf8_lossy(&out.stderr).trim());
    Some(String::from_utf8(out.stdout).unwrap().lines().map(|l| l.parse().unwrap()).collect())
}

fn names(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("SIM{i:05}")).collect()
}

fn run(store: &Store, test: AssocTest, covariates: Option<Covariates>) -> Vec<AssocRow> {
    let req =
        AssocRequest { regions: vec![], cases: SampleSource::Cohort("cases".into()), controls: SampleSource::Cohort("controls".into()), test, covariates };
    let mut rows = Vec::new();
    assoc(store, &req, |r| {
        rows.push(r);
        Ok(())
    })
    .unwrap();
    rows
}

fn setup(samples: usize, cases: usize, seed: u64) -> (tempfile::TempDir, Store, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let vcf = write(dir.path(), "c.vcf", &cohort_text(samples, 300_000, seed, 0.01));
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &vcf, "c");
    create_cohort(&store, "cases", &names(1..cases + 1), 0, false).unwrap();
    create_cohort(&store, "controls", &names(cases + 1..samples + 1), 0, false).unwrap();
    (dir, store, vcf)
}

#[test]
fn fisher_matches_scipy_and_allele_counts_match_freq() {
    let (_dir, store, _) = setup(120, 50, 41);
    let rows = run(&store, AssocTest::Fisher, None);
    let case_freq = freq_rows(&store, &[], SampleSource::Cohort("cases".into()));
    let ctrl_freq = freq_rows(&store, &[], SampleSource::Cohort("controls".into()));
    assert_eq!(rows.len(), case_freq.len());
    for ((r, a), b) in rows.iter().zip(&case_freq).zip(&ctrl_freq) {
        assert_eq!((r.pos, r.case_ac, r.case_an, r.control_ac, r.control_an), (a.pos, a.ac, a.an, b.ac, b.an));
    }
    let tables: Vec<[u64; 4]> = rows.iter().map(|r| [r.case_ac, r.case_an - r.case_ac, r.control_ac, r.control_an - r.control_ac]).collect();
    let Some(theirs) = python_fisher(&tables) else { return };
    let mut max_rel = 0f64;
    for (r, p) in rows.iter().zip(&theirs) {
        assert!(close(r.p, *p, 1e-6, 1e-300), "{}:{} {:?}: {} vs {p}", r.chrom, r.pos, (r.case_ac, r.case_an, r.control_ac, r.control_an), r.p);
        max_rel = max_rel.max((r.p - p).abs() / p);
    }
    let significant = rows.iter().filter(|r| r.p < 0.05).count();
    assert!(significant > 0 && rows.len() > 500, "{significant} of {}", rows.len());
    eprintln!("Fisher: {} variants, max rel diff {max_rel:.2e}", rows.len());
}

/// Deterministic covariates: an age-like and a sex-like column.
fn covariate_text(samples: usize) -> String {
    let mut s = String::from("IID\tage\tsex\n");
    let mut k: u64 = 7;
    for i in 1..=samples {
        k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s.push_str(&format!("SIM{i:05}\t{}\t{}\n", 30 + (k >> 40) % 40, (k >> 20) % 2));
    }
    s
}

#[test]
fn logistic_with_covariates_matches_plink2_glm_firth_fallback() {
    if !tool("plink2") || !tool("bcftools") {
        return;
    }
    let (samples, cases) = (200, 80);
    let (dir, store, _) = setup(samples, cases, 42);
    let cov_text = covariate_text(samples);
    let covariates = Covariates::parse(&cov_text, "test").unwrap();
    let rows = run(&store, AssocTest::Logistic, Some(covariates));
    let d = dir.path();
    let mut pheno = String::from("#IID\tPHENO1\n");
    for i in 1..=samples {
        pheno.push_str(&format!("SIM{i:05}\t{}\n", if i <= cases { 2 } else { 1 }));
    }
    write(d, "pheno.txt", &pheno);
    write(d, "cov.txt", &cov_text.replacen("IID", "#IID", 1));
    sh(&format!(
        "cd {d}; bcftools norm -m- c.vcf -Oz -o split.vcf.gz 2>/dev/null; \
         plink2 --vcf split.vcf.gz --pheno pheno.txt --covar cov.txt --glm firth-fallback hide-covar cols=+a1count,+firth --out g >/dev/null",
        d = d.display()
    ));
    numpy_oracle(d, &rows, samples, cases);
    let text = std::fs::read_to_string(d.join("g.PHENO1.glm.logistic.hybrid")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} in {header:?}"));
    let ours: HashMap<(u64, String, String), &AssocRow> = rows.iter().map(|r| ((r.pos, r.reference.clone(), r.alternate.clone()), r)).collect();
    let (mut compared, mut firth, mut max_p, mut max_or) = (0, 0, 0f64, 0f64);
    let mut p_diffs = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let key = (f[col("POS")].parse::<u64>().unwrap(), f[col("REF")].to_string(), f[col("ALT")].to_string());
        let r = ours[&key];
        if f[col("P")] == "NA" {
            assert!(r.p.is_nan(), "{key:?}: plink2 has no estimate ({}), genohub has p {}", f[col("ERRCODE")], r.p);
            continue;
        }
        let flip = f[col("A1")] == r.reference;
        let theirs_or: f64 = f[col("OR")].parse().unwrap();
        let theirs_or = if flip { 1.0 / theirs_or } else { theirs_or };
        let theirs_p: f64 = f[col("P")].parse().unwrap();
        let is_firth = f[col("FIRTH?")] == "Y";
        assert_eq!(r.test == Method::Firth, is_firth, "{key:?}: Firth fallback decided alike");
        assert_eq!(r.obs, f[col("OBS_CT")].parse::<u64>().unwrap(), "{key:?} OBS_CT");
        // plink2 2.00a3.5 fits in single precision: its OR is good to its six printed digits
        // for logistic fits and ~3e-3 for Firth, its P to ~0.1 (measured against the
        // double-precision oracle below, which agrees with genohub to 1e-6).
        let (or_tol, p_tol) = if is_firth { (1e-2, 1e-2) } else { (2e-5, 0.15) };
        assert!(close(r.odds_ratio, theirs_or, or_tol, 0.0), "{key:?} OR {} vs {theirs_or} ({})", r.odds_ratio, f[col("FIRTH?")]);
        assert!(close(r.p, theirs_p, p_tol, 1e-300), "{key:?} P {} vs {theirs_p} ({})", r.p, f[col("FIRTH?")]);
        max_p = max_p.max((r.p - theirs_p).abs() / theirs_p);
        p_diffs.push((r.p - theirs_p).abs() / theirs_p);
        max_or = max_or.max((r.odds_ratio - theirs_or).abs() / theirs_or);
        firth += usize::from(is_firth);
        compared += 1;
    }
    assert!(compared > 500 && firth > 10, "{compared} compared, {firth} with Firth");
    p_diffs.sort_by(f64::total_cmp);
    let median = p_diffs[p_diffs.len() / 2];
    assert!(median < 1e-4, "typical P agrees with plink2 to its precision: median rel diff {median:.2e}");
    eprintln!("plink2 --glm: {compared} variants ({firth} Firth), rel diff P median {median:.2e} max {max_p:.2e}, OR max {max_or:.2e}");
}

/// Logistic and Firth fits in double precision with numpy, written independently from the
/// split VCF's genotypes (as bcftools reads them), for every variant genohub estimated.
const NUMPY_ORACLE: &str = r#"
import sys, subprocess
try:
    import numpy as np
    from scipy.special import erfc
except ImportError:
    print("SKIP"); sys.exit(0)
d, cases = sys.argv[1], int(sys.argv[2])
cov = [l.split()[1:] for l in open(d + "/cov.txt").read().splitlines()[1:]]
want = {}
for l in sys.stdin:
    pos, ref, alt, method = l.split()
    want[(pos, ref, alt)] = method
q = subprocess.run(["bcftools", "query", "-f", "%POS\t%REF\t%ALT[\t%GT]\n", d + "/split.vcf.gz"], capture_output=True, text=True, check=True).stdout
#FIT#
for line in q.splitlines():
    f = line.split("\t")
    key = (f[0], f[1], f[2])
    if key not in want: continue
    rows, y = [], []
    for i, g in enumerate(f[3:]):
        a = g.replace("|", "/").split("/")
        if len(a) != 2 or "." in a: continue
        rows.append([1.0, float(a.count("1"))] + [float(v) for v in cov[i]]); y.append(1.0 if i < cases else 0.0)
    o, se, p = fit(np.array(rows), np.array(y), want[key] == "FIRTH")
    print(*key, repr(float(o)), repr(float(se)), repr(float(p)))
"#;

fn numpy_oracle(d: &std::path::Path, rows: &[AssocRow], _samples: usize, cases: usize) {
    let estimated: Vec<&AssocRow> = rows.iter().filter(|r| r.p.is_finite()).collect();
    let input: String = estimated
        .iter()
        .map(|r| format!("{} {} {} {}\n", r.pos, r.reference, r.alternate, if r.test == Method::Firth { "FIRTH" } else { "LOGISTIC" }))
        .collect();
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(NUMPY_ORACLE.replace("#FIT#", common::PY_LOGISTIC_FIT))
        .arg(d)
        .arg(cases.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    if text.trim() == "SKIP" {
        eprintln!("SKIP: numpy/scipy not installed; the double-precision logistic oracle is skipped");
        return;
    }
    let ours: HashMap<(String, String, String), &AssocRow> =
        estimated.iter().map(|r| ((r.pos.to_string(), r.reference.clone(), r.alternate.clone()), *r)).collect();
    let (mut n, mut max_rel) = (0, 0f64);
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let r = ours[&(f[0].to_string(), f[1].to_string(), f[2].to_string())];
        for (what, a, b) in [("OR", r.odds_ratio, f[3]), ("SE", r.se_log_or, f[4]), ("P", r.p, f[5])] {
            let b: f64 = b.parse().unwrap();
            assert!(close(a, b, 1e-6, 1e-300), "{}:{} {what}: {a} vs numpy {b} ({:?})", r.pos, r.alternate, r.test);
            max_rel = max_rel.max((a - b).abs() / b.abs());
        }
        n += 1;
    }
    assert_eq!(n, estimated.len());
    eprintln!("numpy double-precision oracle: {n} variants, max rel diff OR/SE/P {max_rel:.2e}");
}
