//! Case/control association per variant: the allelic Fisher exact test, or logistic regression
//! of case status on alt-allele dosage (+ covariates) with plink2's firth-fallback.

use std::collections::HashSet;
use std::io::Write;

use genohub_codec::{code, GenotypeCounts};
use genohub_store::{Region, ResolvedSamples, SampleRecord, Store, StoreError};
use serde::Serialize;

use crate::conditional_or::conditional_odds_ratio;
use crate::covariates::Covariates;
use crate::error::{AnalysisError, Result};
use crate::fisher::{fisher_exact, Table, Z95};
use crate::fit_pass::Columns;
use crate::logistic::{fit_columns_with_firth_fallback, wald_p, Fit, Start};
use crate::null_model::NullModel;
use crate::number::fmt_f64;
use crate::plan::ScanPlan;
use crate::samples::{resolve, SampleSource};
use crate::scan::{scan, Site};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssocTest {
    Fisher,
    Logistic,
}

#[derive(Debug, Clone)]
pub struct AssocRequest {
    pub regions: Vec<Region>,
    pub cases: SampleSource,
    pub controls: SampleSource,
    pub test: AssocTest,
    /// Logistic only.
    pub covariates: Option<Covariates>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Fisher,
    Logistic,
    Firth,
}

impl Method {
    /// The TEST column of TSV output (the same words as the JSON form).
    pub fn code(self) -> &'static str {
        match self {
            Method::Fisher => "FISHER",
            Method::Logistic => "LOGISTIC",
            Method::Firth => "FIRTH",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssocRow {
    pub chrom: String,
    pub pos: u64,
    pub id: String,
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(rename = "alt")]
    pub alternate: String,
    pub case_ac: u64,
    pub case_an: u64,
    pub control_ac: u64,
    pub control_an: u64,
    pub test: Method,
    /// Alleles in the table (Fisher) or samples in the regression (logistic).
    pub obs: u64,
    pub odds_ratio: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Standard error of ln(OR) (logistic; Woolf's for Fisher).
    pub se_log_or: f64,
    pub p: f64,
    /// Fisher only (NaN otherwise): the conditional maximum-likelihood odds ratio and its
    /// exact 95% interval, as R's `fisher.test` reports them (`odds_ratio` is the sample OR).
    pub cond_odds_ratio: f64,
    pub cond_ci_low: f64,
    pub cond_ci_high: f64,
    /// Why no estimate was possible (e.g. `CONST_DOSAGE`, `NO_CONVERGENCE`).
    pub error: Option<&'static str>,
}

impl AssocRow {
    pub const TSV_HEADER: &'static str =
        "#CHROM\tPOS\tID\tREF\tALT\tCASE_AC\tCASE_AN\tCTRL_AC\tCTRL_AN\tTEST\tOBS_CT\tOR\tCI95_LOW\tCI95_HIGH\tLOG_OR_SE\tP\tCOND_OR\tCOND_CI95_LOW\tCOND_CI95_HIGH\tERRCODE";

    pub fn write_tsv(&self, out: &mut Vec<u8>) {
        let test = self.test.code();
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{test}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.chrom,
            self.pos,
            self.id,
            self.reference,
            self.alternate,
            self.case_ac,
            self.case_an,
            self.control_ac,
            self.control_an,
            self.obs,
            fmt_f64(self.odds_ratio),
            fmt_f64(self.ci_low),
            fmt_f64(self.ci_high),
            fmt_f64(self.se_log_or),
            fmt_f64(self.p),
            fmt_f64(self.cond_odds_ratio),
            fmt_f64(self.cond_ci_low),
            fmt_f64(self.cond_ci_high),
            self.error.unwrap_or(".")
        );
    }
}

/// Everything a per-site test needs, fixed before the scan.
struct Design {
    test: AssocTest,
    /// Case status (1, 0) of cases then controls.
    status: Vec<f64>,
    /// One column per covariate, over cases then controls.
    covariates: Vec<Vec<f64>>,
    /// Where every variant's fit starts (logistic test; None if it did not converge).
    null: Option<NullModel>,
    /// [`dosage`] of every code, NaN for None: one lookup per sample and variant.
    dosage_of: [f64; 256],
}

impl Design {
    fn new(test: AssocTest, rows: Vec<Vec<f64>>, n_cases: usize) -> Design {
        let n_covariates = rows.first().map_or(0, Vec::len);
        let covariates: Vec<Vec<f64>> = (0..n_covariates).map(|j| rows.iter().map(|r| r[j]).collect()).collect();
        let status: Vec<f64> = (0..rows.len()).map(|i| if i < n_cases { 1.0 } else { 0.0 }).collect();
        let null = match test {
            AssocTest::Logistic => NullModel::fit(&status, &covariates),
            AssocTest::Fisher => None,
        };
        let dosage_of = std::array::from_fn(|c| dosage(c as u8).unwrap_or(f64::NAN));
        Design { test, status, covariates, null, dosage_of }
    }
}

/// Refuses overlapping groups, naming the shared samples.
fn check_disjoint(cases: &ResolvedSamples, controls: &ResolvedSamples) -> Result<()> {
    let ids: HashSet<u32> = cases.samples.iter().map(|s| s.id).collect();
    let shared: Vec<String> = controls.samples.iter().filter(|s| ids.contains(&s.id)).map(|s| format!("{}/{}", s.center, s.name)).collect();
    if shared.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = shared.iter().take(5).map(String::as_str).collect();
    Err(AnalysisError::input(format!(
        "cases and controls overlap in {} sample(s): {}{}",
        shared.len(),
        shown.join(", "),
        if shared.len() > 5 { ", ..." } else { "" }
    )))
}

/// Resolves cases and controls (each refused as [`resolve`] does) and refuses overlap.
pub fn resolve_case_control(store: &Store, cases: &SampleSource, controls: &SampleSource) -> Result<(ResolvedSamples, ResolvedSamples)> {
    let cases = resolve(store, cases).map_err(|e| AnalysisError::input(format!("cases: {e}")))?;
    let controls = resolve(store, controls).map_err(|e| AnalysisError::input(format!("controls: {e}")))?;
    check_disjoint(&cases, &controls)?;
    Ok((cases, controls))
}

/// Covariate values of cases then controls (empty rows without covariates); refused with
/// the Fisher test or when a sample has no row.
pub(crate) fn covariate_rows(covariates: Option<&Covariates>, test: AssocTest, cases: &ResolvedSamples, controls: &ResolvedSamples) -> Result<Vec<Vec<f64>>> {
    let everyone: Vec<&SampleRecord> = cases.samples.iter().chain(&controls.samples).collect();
    match (covariates, test) {
        (Some(c), AssocTest::Logistic) => c.for_samples(&everyone),
        (Some(_), AssocTest::Fisher) => Err(AnalysisError::input("covariates need --test logistic (Fisher's test takes none)")),
        (None, _) => Ok(vec![Vec::new(); everyone.len()]),
    }
}

pub fn assoc(store: &Store, req: &AssocRequest, mut sink: impl FnMut(AssocRow) -> Result<(), StoreError>) -> Result<u64> {
    let (cases, controls) = resolve_case_control(store, &req.cases, &req.controls)?;
    let covariates = covariate_rows(req.covariates.as_ref(), req.test, &cases, &controls)?;
    let design = Design::new(req.test, covariates, cases.samples.len());
    let plan = ScanPlan::new(store, &[&cases, &controls], &req.regions)?;
    let mut n = 0;
    scan(
        store,
        &plan,
        |site| Ok(Some(test_site(&design, site))),
        |row| {
            n += 1;
            sink(row)
        },
    )?;
    Ok(n)
}

fn base_row(site: &Site, c: &GenotypeCounts, k: &GenotypeCounts, test: Method) -> AssocRow {
    AssocRow {
        chrom: site.contig.to_string(),
        pos: site.site.pos,
        id: site.site.id.clone(),
        reference: site.site.reference.clone(),
        alternate: site.site.alternate.clone(),
        case_ac: c.ac,
        case_an: c.an,
        control_ac: k.ac,
        control_an: k.an,
        test,
        obs: 0,
        odds_ratio: f64::NAN,
        ci_low: f64::NAN,
        ci_high: f64::NAN,
        se_log_or: f64::NAN,
        p: f64::NAN,
        cond_odds_ratio: f64::NAN,
        cond_ci_low: f64::NAN,
        cond_ci_high: f64::NAN,
        error: None,
    }
}

fn test_site(d: &Design, site: &Site) -> AssocRow {
    let (c, k) = (site.counts(0), site.counts(1));
    match d.test {
        AssocTest::Fisher => {
            let t = Table { a: c.ac, b: c.an - c.ac, c: k.ac, d: k.an - k.ac };
            let r = fisher_exact(t);
            let mut row = base_row(site, &c, &k, Method::Fisher);
            row.obs = c.an + k.an;
            row.odds_ratio = r.odds_ratio;
            row.ci_low = r.ci_low;
            row.ci_high = r.ci_high;
            row.se_log_or = if r.ci_low.is_nan() { f64::NAN } else { (1.0 / t.a as f64 + 1.0 / t.b as f64 + 1.0 / t.c as f64 + 1.0 / t.d as f64).sqrt() };
            row.p = r.p;
            let cond = conditional_odds_ratio(t, 0.95);
            row.cond_odds_ratio = cond.odds_ratio;
            row.cond_ci_low = cond.ci_low;
            row.cond_ci_high = cond.ci_high;
            row
        }
        AssocTest::Logistic => regress(d, site, &c, &k),
    }
}

/// Alt-allele dosage of a complete diploid call; None for anything else (missing, half,
/// haploid or polyploid calls are left out of the regression, as plink2 does with missing).
fn dosage(c: u8) -> Option<f64> {
    (c != code::EXTENDED && !code::is_haploid(c) && code::first(c) <= code::ALT && code::second(c) <= code::ALT).then(|| f64::from(code::alt_count(c)))
}

fn regress(d: &Design, site: &Site, c: &GenotypeCounts, k: &GenotypeCounts) -> AssocRow {
    let mut codes = Vec::new();
    // Dosage of every sample, NaN where it is left out.
    let mut dosages: Vec<f64> = Vec::with_capacity(d.status.len());
    // (alt, ref) allele counts of cases and controls among the samples used.
    let mut cells = [[0u64; 2]; 2];
    let mut carriers = Vec::new();
    let mut any_missing = false;
    for (group, cell) in cells.iter_mut().enumerate() {
        site.codes(group, &mut codes);
        let (mut alt, mut used) = (0.0, 0u64);
        for &code in &codes {
            let g = d.dosage_of[usize::from(code)];
            if g > 0.0 {
                carriers.push(dosages.len());
                alt += g;
            }
            any_missing |= g.is_nan();
            used += u64::from(!g.is_nan());
            dosages.push(g);
        }
        *cell = [alt as u64, 2 * used - alt as u64];
    }
    // With samples left out, their own copy of the columns; otherwise the design's.
    let compact = any_missing.then(|| {
        let used: Vec<usize> = (0..dosages.len()).filter(|&i| !dosages[i].is_nan()).collect();
        let pick = |v: &[f64]| -> Vec<f64> { used.iter().map(|&i| v[i]).collect() };
        (pick(&d.status), std::iter::once(pick(&dosages)).chain(d.covariates.iter().map(|col| pick(col))).collect::<Vec<_>>())
    });
    let cols = match &compact {
        Some((y, x)) => Columns::new(y, x.iter().map(Vec::as_slice).collect()),
        None => Columns::new(&d.status, std::iter::once(dosages.as_slice()).chain(d.covariates.iter().map(Vec::as_slice)).collect()).with_carriers(&carriers),
    };
    let mut row = base_row(site, c, k, Method::Logistic);
    row.obs = cols.y.len() as u64;
    let (g, y) = (cols.x[0], cols.y);
    if g.iter().all(|&v| v == g[0]) {
        row.error = Some("CONST_DOSAGE");
        return row;
    }
    if y.iter().all(|&v| v == y[0]) {
        row.error = Some("CONST_STATUS");
        return row;
    }
    let zero_cell = cells.iter().flatten().any(|&v| v == 0);
    // The first pass comes from the null model where the variant uses every sample.
    let first = d.null.as_ref().filter(|_| compact.is_none()).map(|null| null.first_pass(&dosages, &carriers, &d.covariates, &d.status));
    let start = d.null.as_ref().map(|null| Start { beta: null.start(), first: first.as_ref() });
    let (used_firth, fit) = fit_columns_with_firth_fallback(&cols, zero_cell, start);
    if used_firth {
        row.test = Method::Firth;
    }
    match fit.as_ref().map(WaldEstimate::of_second) {
        Some(e) => {
            row.odds_ratio = e.odds_ratio;
            row.se_log_or = e.se_log_or;
            row.ci_low = e.ci_low;
            row.ci_high = e.ci_high;
            row.p = e.p;
        }
        None => row.error = Some("NO_CONVERGENCE"),
    }
    row
}

/// OR, 95% CI and Wald p of a fit's first predictor after the intercept.
pub(crate) struct WaldEstimate {
    pub odds_ratio: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub se_log_or: f64,
    pub p: f64,
}

impl WaldEstimate {
    pub(crate) fn of_second(f: &Fit) -> WaldEstimate {
        let (b, se) = (f.beta[1], f.se[1]);
        WaldEstimate { odds_ratio: b.exp(), ci_low: (b - Z95 * se).exp(), ci_high: (b + Z95 * se).exp(), se_log_or: se, p: wald_p(b / se) }
    }
}
