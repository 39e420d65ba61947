//! Gene burden against an independent Python implementation that reads the genotypes with
//! `bcftools query` from the split VCF: qualifying variants and carriers per gene, Fisher's
//! test by SciPy, logistic and Firth fits (carrier status and alt-count scores, with
//! covariates) by numpy in double precision. Skips with a reason when bcftools, numpy or
//! SciPy is missing.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use genohub_analysis::assoc::Method;
use genohub_analysis::{burden, create_cohort, AssocTest, BurdenOptions, BurdenRequest, BurdenRow, BurdenScore, Covariates, GeneFormat, GeneSet, SampleSource};
use genohub_store::Store;

const SAMPLES: usize = 200;
const CASES: usize = 80;
const MAX_AF: f64 = 0.05;

const ORACLE: &str = r#"
import sys, subprocess
try:
    import numpy as np
    from scipy.stats import fisher_exact
    from scipy.special import erfc
except ImportError:
    print("SKIP"); sys.exit(0)
vcf, bed, cov_path, cases, max_af = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
genes = []
for l in open(bed):
    f = l.rstrip("\n").split("\t")
    genes.append((f[3], f[0], int(f[1]) + 1, int(f[2])))
cov = [[float(v) for v in l.split()[1:]] for l in open(cov_path).read().splitlines()[1:]]
q = subprocess.run(["bcftools", "query", "-f", "%CHROM\t%POS[\t%GT]\n", vcf], capture_output=True, text=True, check=True).stdout
sites = []
for line in q.splitlines():
    f = line.split("\t")
    alts = []
    ac = an = 0
    for g in f[2:]:
        a = g.replace("|", "/").split("/")
        alts.append(a.count("1"))
        ac += a.count("1"); an += sum(1 for x in a if x != ".")
    if an > 0 and ac > 0 and ac / an <= max_af:
        sites.append((f[0], int(f[1]), alts))
#FIT#
methods = {}
for l in sys.stdin:
    name, m_carrier, m_count = l.split()
    methods[name] = (m_carrier, m_count)
n = len(cov)
y = np.array([1.0 if i < cases else 0.0 for i in range(n)])
for name, chrom, start, end in genes:
    inside = [s for s in sites if s[0] == chrom and start <= s[1] <= end]
    total = [sum(s[2][i] for s in inside) for i in range(n)]
    cc = sum(1 for i in range(cases) if total[i] > 0)
    kc = sum(1 for i in range(cases, n) if total[i] > 0)
    out = [name, len(inside), cc, kc, sum(total[:cases]), sum(total[cases:])]
    if inside:
        out.append(repr(float(fisher_exact([[cc, cases - cc], [kc, n - cases - kc]])[1])))
    else:
        out.append("NA")
    for k, score in enumerate([[1.0 if t > 0 else 0.0 for t in total], [float(t) for t in total]]):
        m = methods.get(name, ("NA", "NA"))[k]
        if m == "NA":
            out += ["NA"] * 3
            continue
        X = np.array([[1.0, score[i]] + cov[i] for i in range(n)])
        o, se, p = fit(X, y, m == "FIRTH")
        out += [repr(float(o)), repr(float(se)), repr(float(p))]
    print(*out)
"#;

fn names(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("SIM{i:05}")).collect()
}

fn covariate_text() -> String {
    let mut s = String::from("IID\tage\tsex\n");
    let mut k: u64 = 11;
    for i in 1..=SAMPLES {
        k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s.push_str(&format!("SIM{i:05}\t{}\t{}\n", 30 + (k >> 40) % 40, (k >> 20) % 2));
    }
    s
}

/// "Genes" every 7 kb along the simulated contig: every third one 9 kb long (overlapping the
/// next), the others 100-500 bp with a few rare variants each, so some need Firth.
fn bed_text(contig: &str) -> String {
    let len = |i: usize| if i % 3 == 0 { 9000 } else { 100 * (1 + i % 5) };
    (0..42).map(|i| format!("{contig}\t{}\t{}\tGENE{i}\n", i * 7000, i * 7000 + len(i))).collect()
}

fn run(store: &Store, genes: &GeneSet, test: AssocTest, score: BurdenScore, covariates: Option<Covariates>) -> Vec<BurdenRow> {
    let req = BurdenRequest {
        cases: SampleSource::Cohort("cases".into()),
        controls: SampleSource::Cohort("controls".into()),
        options: BurdenOptions { regions: vec![], genes: genes.clone(), max_af: MAX_AF, test, score, covariates },
    };
    let mut rows = Vec::new();
    burden(store, &req, |r| {
        rows.push(r);
        Ok(())
    })
    .unwrap();
    rows
}

fn method(r: &BurdenRow) -> &'static str {
    match (r.p.is_finite(), r.test) {
        (false, _) => "NA",
        (true, Method::Firth) => "FIRTH",
        (true, _) => "LOGISTIC",
    }
}

#[test]
fn burden_matches_scipy_fisher_and_numpy_logistic() {
    if !tool("bcftools") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let vcf = write(d, "c.vcf", &cohort_text(SAMPLES, 300_000, 43, 0.01));
    let store = Store::open(&d.join("s")).unwrap();
    ingest(&store, &vcf, "c");
    create_cohort(&store, "cases", &names(1..CASES + 1), 0, false).unwrap();
    create_cohort(&store, "controls", &names(CASES + 1..SAMPLES + 1), 0, false).unwrap();
    let contig = store.contigs().unwrap()[0].name.clone();
    let bed = write(d, "genes.bed", &bed_text(&contig));
    let cov_text = covariate_text();
    let cov = write(d, "cov.txt", &cov_text);
    let genes = GeneSet::read(&bed).unwrap();
    assert_eq!(GeneFormat::of_path(&bed), GeneFormat::Bed);

    let fisher = run(&store, &genes, AssocTest::Fisher, BurdenScore::Carrier, None);
    let covariates = || Some(Covariates::parse(&cov_text, "cov").unwrap());
    let carrier = run(&store, &genes, AssocTest::Logistic, BurdenScore::Carrier, covariates());
    let count = run(&store, &genes, AssocTest::Logistic, BurdenScore::AltCount, covariates());
    assert_eq!(fisher.len(), 42);
    for (a, b) in carrier.iter().zip(&fisher) {
        assert_eq!((a.variants, a.case_carriers, a.control_carriers), (b.variants, b.case_carriers, b.control_carriers));
        // Firth exactly when the carrier table has an empty cell (or the fit failed).
        let zero_cell = a.case_carriers == 0 || a.control_carriers == 0 || a.case_carriers == a.cases || a.control_carriers == a.controls;
        if zero_cell && a.variants > 0 {
            assert_eq!(a.test, Method::Firth, "{a:?}");
        }
    }
    assert!(fisher.iter().filter(|r| r.variants > 0).count() >= 25);
    assert!(carrier.iter().any(|r| r.test == Method::Firth) && carrier.iter().any(|r| r.test == Method::Logistic));

    sh(&format!("cd {}; bcftools norm -m- c.vcf -Oz -o split.vcf.gz 2>/dev/null", d.display()));
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(ORACLE.replace("#FIT#", common::PY_LOGISTIC_FIT))
        .arg(d.join("split.vcf.gz"))
        .arg(&bed)
        .arg(&cov)
        .arg(CASES.to_string())
        .arg(MAX_AF.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    let input: String = carrier.iter().zip(&count).map(|(a, b)| format!("{} {} {}\n", a.gene, method(a), method(b))).collect();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    if text.trim() == "SKIP" {
        eprintln!("SKIP: numpy/scipy not installed; the burden oracle comparison is skipped");
        return;
    }
    let mut max_rel = 0f64;
    let mut compared = 0;
    for (((line, f), c), k) in text.lines().zip(&fisher).zip(&carrier).zip(&count) {
        let v: Vec<&str> = line.split(' ').collect();
        assert_eq!(v[0], f.gene);
        let counts: Vec<u64> = v[1..6].iter().map(|x| x.parse().unwrap()).collect();
        assert_eq!(counts, [f.variants, f.case_carriers, f.control_carriers, f.case_alt, f.control_alt], "{}", f.gene);
        let mut check = |what: &str, ours: f64, theirs: &str| {
            if theirs == "NA" {
                assert!(ours.is_nan(), "{} {what}: oracle has none, genohub {ours}", f.gene);
                return;
            }
            let t: f64 = theirs.parse().unwrap();
            assert!(close(ours, t, 1e-6, 1e-300), "{} {what}: genohub {ours} vs oracle {t}", f.gene);
            max_rel = max_rel.max((ours - t).abs() / t.abs());
            compared += 1;
        };
        check("Fisher P", f.p, v[6]);
        check("carrier OR", c.odds_ratio, v[7]);
        check("carrier SE", c.se_log_or, v[8]);
        check("carrier P", c.p, v[9]);
        check("count OR", k.odds_ratio, v[10]);
        check("count SE", k.se_log_or, v[11]);
        check("count P", k.p, v[12]);
    }
    assert!(compared > 150, "{compared}");
    eprintln!("burden oracle: {} genes, {compared} values, max rel diff {max_rel:.2e}", fisher.len());
}
