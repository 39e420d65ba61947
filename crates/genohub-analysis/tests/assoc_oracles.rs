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
try:
    from scipy.stats.contingency import odds_ratio
    def conditional(a, b, c, d):
        r = odds_ratio([[a, b], [c, d]], kind="conditional")
        ci = r.confidence_interval(0.95)
        return [r.statistic, ci.low, ci.high]
except ImportError:
    print("no conditional odds ratio (needs SciPy >= 1.10)", file=sys.stderr)
    def conditional(a, b, c, d):
        return []
for line in sys.stdin:
    a, b, c, d = map(int, line.split())
    print(" ".join(repr(float(v)) for v in [p_value(a, b, c, d)] + conditional(a, b, c, d)))
"#;

/// Per table: the p-value, then (with SciPy ≥ 1.10) the conditional OR and its 95% interval.
fn python_fisher(tables: &[[u64; 4]]) -> Option<Vec<Vec<f64>>> {
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
    Some(String::from_utf8(out.stdout).unwrap().lines().map(|l| l.split(' ').map(|v| v.parse().unwrap()).collect()).collect())
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
    let (mut max_rel, mut max_cond, mut conditional) = (0f64, 0f64, 0);
    for (r, v) in rows.iter().zip(&theirs) {
        let p = &v[0];
        assert!(close(r.p, *p, 1e-6, 1e-300), "{}:{} {:?}: {} vs {p}", r.chrom, r.pos, (r.case_ac, r.case_an, r.control_ac, r.control_an), r.p);
        max_rel = max_rel.max((r.p - p).abs() / p);
        if v.len() == 4 {
            // SciPy solves with brentq (xtol 2e-12 on ψ or 1/ψ in (0, 1)): 1e-6 relative is
            // far above its solver error.
            for (what, ours, theirs) in [("OR", r.cond_odds_ratio, v[1]), ("CI low", r.cond_ci_low, v[2]), ("CI high", r.cond_ci_high, v[3])] {
                let same = ours == theirs || (ours.is_nan() && theirs.is_nan()) || close(ours, theirs, 1e-6, 0.0);
                assert!(same, "{}:{} {:?} conditional {what}: {ours} vs SciPy {theirs}", r.chrom, r.pos, (r.case_ac, r.case_an, r.control_ac, r.control_an));
                if theirs.is_finite() && theirs > 0.0 {
                    max_cond = max_cond.max((ours - theirs).abs() / theirs);
                }
            }
            conditional += 1;
        }
    }
    if conditional == 0 {
        eprintln!("SKIP: SciPy < 1.10 or absent; the conditional odds ratio comparison is skipped");
    } else {
        assert_eq!(conditional, rows.len());
        let finite = rows.iter().filter(|r| r.cond_odds_ratio.is_finite() && r.cond_odds_ratio > 0.0).count();
        assert!(finite > 100, "the comparison must include interior tables: {finite}");
        eprintln!("conditional OR and exact CI vs SciPy: {conditional} tables ({finite} interior), max rel diff {max_cond:.2e}");
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

/// One plink2 `--glm` row, read by column name.
struct GlmRow {
    or: f64,
    p: f64,
    firth: bool,
    obs: u64,
    /// plink2 had no estimate (`P` is `NA`).
    na: bool,
}

/// Rows of a `--glm firth-fallback` output keyed by (POS, REF, ALT), OR oriented to ALT.
fn read_glm(path: &std::path::Path) -> HashMap<(u64, String, String), GlmRow> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} in {header:?}"));
    let mut rows = HashMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let key = (f[col("POS")].parse::<u64>().unwrap(), f[col("REF")].to_string(), f[col("ALT")].to_string());
        let na = f[col("P")] == "NA";
        let or: f64 = if na { f64::NAN } else { f[col("OR")].parse().unwrap() };
        let or = if f[col("A1")] == key.1 { 1.0 / or } else { or };
        let p = if na { f64::NAN } else { f[col("P")].parse().unwrap() };
        rows.insert(key, GlmRow { or, p, firth: f[col("FIRTH?")] == "Y", obs: f[col("OBS_CT")].parse().unwrap(), na });
    }
    rows
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

// Per-row P tolerances against plink2 2.00a3.5 run on one variant at a time. That version fits
// in single precision; over the 1,740 fits of this cohort run one by one its P differed from a
// double-precision fit by at most 9.0e-5 (logistic) and 2.3e-4 (Firth, whose betas differ by
// ~1e-4: plink2's single-precision Firth iteration), medians 1.2e-6 and 4.1e-5. Six printed
// digits alone would allow 5e-6, which the logistic median must meet.
// OR alone: at most 5.2e-6 (logistic: the six printed digits) and 7.3e-4 (Firth).
const P_TOL_LOGISTIC: f64 = 1e-4;
const P_TOL_FIRTH: f64 = 3e-4;
const OR_TOL_LOGISTIC: f64 = 1e-5;
const OR_TOL_FIRTH: f64 = 1e-3;
const PRINTED_DIGITS: f64 = 5e-6;

/// (P, OR) tolerances of a row.
fn tolerances(firth: bool) -> (f64, f64) {
    if firth {
        (P_TOL_FIRTH, OR_TOL_FIRTH)
    } else {
        (P_TOL_LOGISTIC, OR_TOL_LOGISTIC)
    }
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
    let glm = "--pheno pheno.txt --covar cov.txt --glm firth-fallback hide-covar cols=+a1count,+firth";
    sh(&format!(
        "cd {d}; bcftools norm -m- c.vcf -Oz -o split.vcf.gz 2>/dev/null; \
         plink2 --vcf split.vcf.gz --set-all-var-ids '@:#:$r:$a' --new-id-max-allele-len 1000 --make-pgen --out pf >/dev/null; \
         plink2 --pfile pf {glm} --out g >/dev/null",
        d = d.display()
    ));
    numpy_oracle(d, &rows, samples, cases);
    let batch = read_glm(&d.join("g.PHENO1.glm.logistic.hybrid"));
    let (mut compared, mut firth, mut max_or) = (0, 0, 0f64);
    let mut batch_p: [Vec<f64>; 2] = [vec![], vec![]];
    let mut isolate = Vec::new();
    for r in &rows {
        let key = (r.pos, r.reference.clone(), r.alternate.clone());
        let t = batch.get(&key).unwrap_or_else(|| panic!("{key:?} not in plink2's output"));
        if t.na {
            assert!(r.p.is_nan(), "{key:?}: plink2 has no estimate, genohub has p {}", r.p);
            continue;
        }
        assert_eq!(r.test == Method::Firth, t.firth, "{key:?}: Firth fallback decided alike");
        assert_eq!(r.obs, t.obs, "{key:?} OBS_CT");
        let (p_tol, or_tol) = tolerances(t.firth);
        if rel(r.p, t.p) > p_tol || rel(r.odds_ratio, t.or) > or_tol {
            isolate.push(key.clone());
        }
        batch_p[usize::from(t.firth)].push(rel(r.p, t.p));
        max_or = max_or.max(rel(r.odds_ratio, t.or));
        firth += usize::from(t.firth);
        compared += 1;
    }
    assert!(compared > 500 && firth > 10, "{compared} compared, {firth} with Firth");
    // plink2 2.00a3.5's result for a variant depends on the variants before it in the same run
    // (its fit starts from state the previous variants left: e.g. 20:258298 T>TT has SE 0.209269
    // after 20:257698 and 0.212661 alone, as genohub). Rows off by more than plink2's own
    // precision are run again alone, where they must agree.
    let ids: String = isolate.iter().map(|(pos, r, a)| format!("20:{pos}:{r}:{a}\n")).collect();
    write(d, "isolate.txt", &ids);
    sh(&format!(
        "cd {d}; : > iso.tsv; while read -r id; do plink2 --pfile pf --snp \"$id\" {glm} --out one >/dev/null; \
         tail -n +2 one.PHENO1.glm.logistic.hybrid >> iso.tsv; done < isolate.txt; \
         head -1 g.PHENO1.glm.logistic.hybrid | cat - iso.tsv > isolated.tsv",
        d = d.display()
    ));
    let alone = read_glm(&d.join("isolated.tsv"));
    assert_eq!(alone.len(), isolate.len());
    let ours: HashMap<(u64, String, String), &AssocRow> = rows.iter().map(|r| ((r.pos, r.reference.clone(), r.alternate.clone()), r)).collect();
    let mut alone_max = [0f64; 2];
    for (key, t) in &alone {
        let r = ours[key];
        assert_eq!(r.test == Method::Firth, t.firth, "{key:?} alone: Firth fallback decided alike");
        let (p_tol, or_tol) = tolerances(t.firth);
        let class = if t.firth { "Firth" } else { "logistic" };
        assert!(rel(r.p, t.p) <= p_tol, "{key:?} P {} vs plink2 alone {} ({class})", r.p, t.p);
        assert!(rel(r.odds_ratio, t.or) <= or_tol, "{key:?} OR {} vs plink2 alone {} ({class})", r.odds_ratio, t.or);
        alone_max[usize::from(t.firth)] = alone_max[usize::from(t.firth)].max(rel(r.p, t.p));
    }
    let batch_max = |i: usize| batch_p[i].iter().cloned().fold(0.0, f64::max);
    let (med_l, med_f) = (median(batch_p[0].clone()), median(batch_p[1].clone()));
    assert!(med_l <= PRINTED_DIGITS, "logistic rows agree with plink2 to its printed digits: median rel diff {med_l:.2e}");
    assert!(med_f <= P_TOL_FIRTH, "Firth rows: median rel diff {med_f:.2e}");
    eprintln!(
        "plink2 --glm: {compared} variants ({firth} Firth); P rel diff logistic median {med_l:.2e} max {:.2e}, Firth median {med_f:.2e} max {:.2e} \
         in one run; {} rows run again alone: max logistic {:.2e}, Firth {:.2e}; OR max {max_or:.2e}",
        batch_max(0),
        batch_max(1),
        alone.len(),
        alone_max[0],
        alone_max[1]
    );
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
