//! Gene burden of rare variants: per gene, the variants with AF ≤ max AF (AF = AC/AN over
//! cases and controls together), collapsed per sample into carrier status (any alt allele
//! at any of them) or an alt-allele count, then Fisher's exact test on carrier counts or
//! logistic regression (+ covariates, plink2's Firth fallback) of case status on the score.
//! Rules: docs/analysis.md.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use genohub_store::keys::ContigId;
use genohub_store::{Region, ResolvedSamples, Store, StoreError};
use ndarray::{Array1, Array2};
use serde::Serialize;

use crate::assoc::{covariate_rows, resolve_case_control, AssocTest, Method, WaldEstimate};
use crate::covariates::Covariates;
use crate::error::{AnalysisError, Result};
use crate::fisher::{fisher_exact, Table};
use crate::genes::{Gene, GeneSet};
use crate::logistic::fit_with_firth_fallback;
use crate::number::fmt_f64;
use crate::plan::ScanPlan;
use crate::samples::SampleSource;
use crate::scan::scan;

/// What a sample's qualifying variants add up to in the regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BurdenScore {
    /// 1 when the sample carries an alt allele at any qualifying variant, else 0 (CAST).
    Carrier,
    /// Alt alleles over all qualifying variants.
    AltCount,
}

#[derive(Debug, Clone)]
pub struct BurdenOptions {
    /// Only genes overlapping these regions (none = every gene). A gene is tested whole.
    pub regions: Vec<Region>,
    pub genes: GeneSet,
    /// A variant qualifies when 0 < AC and AC/AN ≤ max_af over cases and controls.
    pub max_af: f64,
    /// Fisher: exact test on carrier counts. Logistic: case status ~ 1 + score + covariates.
    pub test: AssocTest,
    /// Logistic only (Fisher always counts carriers).
    pub score: BurdenScore,
    /// Logistic only.
    pub covariates: Option<Covariates>,
}

#[derive(Debug, Clone)]
pub struct BurdenRequest {
    pub cases: SampleSource,
    pub controls: SampleSource,
    pub options: BurdenOptions,
}

/// One gene's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurdenRow {
    pub gene: String,
    pub chrom: String,
    /// 1-based, inclusive.
    pub start: u64,
    pub end: u64,
    /// Qualifying variants with POS inside the gene.
    pub variants: u64,
    /// Cases with an alt allele at a qualifying variant.
    pub case_carriers: u64,
    pub cases: u64,
    pub control_carriers: u64,
    pub controls: u64,
    /// Alt alleles at qualifying variants.
    pub case_alt: u64,
    pub control_alt: u64,
    pub test: Method,
    /// Samples in the test (missing calls count as carrying no alt allele).
    pub obs: u64,
    pub odds_ratio: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub se_log_or: f64,
    pub p: f64,
    /// `NO_VARIANTS`, `NO_CARRIERS` (logistic), `NO_CONVERGENCE`.
    pub error: Option<&'static str>,
}

impl BurdenRow {
    pub const TSV_HEADER: &'static str =
        "#GENE\tCHROM\tSTART\tEND\tVARIANTS\tCASE_CARRIERS\tCASES\tCTRL_CARRIERS\tCONTROLS\tCASE_ALT\tCTRL_ALT\tTEST\tOBS_CT\tOR\tCI95_LOW\tCI95_HIGH\tLOG_OR_SE\tP\tERRCODE";

    pub fn write_tsv(&self, out: &mut Vec<u8>) {
        let test = self.test.code();
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{test}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.gene,
            self.chrom,
            self.start,
            self.end,
            self.variants,
            self.case_carriers,
            self.cases,
            self.control_carriers,
            self.controls,
            self.case_alt,
            self.control_alt,
            self.obs,
            fmt_f64(self.odds_ratio),
            fmt_f64(self.ci_low),
            fmt_f64(self.ci_high),
            fmt_f64(self.se_log_or),
            fmt_f64(self.p),
            self.error.unwrap_or(".")
        );
    }
}

/// What a burden run covered besides its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BurdenSummary {
    pub genes: u64,
    /// Qualifying variants inside at least one gene.
    pub qualifying_variants: u64,
    /// Genes left out because the store has no such contig, and those contigs.
    pub genes_on_unknown_contigs: u64,
    pub unknown_contigs: Vec<String>,
}

/// Resolves cases and controls, then runs [`burden_resolved`].
pub fn burden(store: &Store, req: &BurdenRequest, sink: impl FnMut(BurdenRow) -> Result<(), StoreError>) -> Result<BurdenSummary> {
    let (cases, controls) = resolve_case_control(store, &req.cases, &req.controls)?;
    burden_resolved(store, &cases, &controls, &req.options, sink)
}

/// A gene placed in scan order.
struct Placed<'a> {
    gene: &'a Gene,
    contig: ContigId,
}

/// Qualifying alt alleles of one gene so far, by sample (cases first, then controls).
#[derive(Default)]
struct Tally {
    variants: u64,
    alts: HashMap<u32, u64>,
}

/// A qualifying variant as the scan hands it over.
struct Qualifying {
    contig: ContigId,
    pos: u64,
    carriers: Vec<(u32, u64)>,
}

/// Burden tests over already resolved, disjoint cases and controls. Rows come in gene order
/// (contig as stored, start, end, name), each as soon as the scan has passed its gene, so
/// memory holds only the genes overlapping the current position.
pub fn burden_resolved(
    store: &Store,
    cases: &ResolvedSamples,
    controls: &ResolvedSamples,
    opts: &BurdenOptions,
    mut sink: impl FnMut(BurdenRow) -> Result<(), StoreError>,
) -> Result<BurdenSummary> {
    if !(0.0..=1.0).contains(&opts.max_af) {
        return Err(AnalysisError::input(format!("max AF {} is outside [0, 1]", opts.max_af)));
    }
    let covariates = covariate_rows(opts.covariates.as_ref(), opts.test, cases, controls)?;
    let contig_ids: HashMap<String, ContigId> = store.contigs()?.into_iter().map(|c| (c.name, c.id)).collect();
    for r in &opts.regions {
        if !contig_ids.contains_key(&r.contig) {
            return Err(AnalysisError::input(format!("region {}: contig {} is not in the store", r.contig, r.contig)));
        }
    }
    let mut summary = BurdenSummary::default();
    let mut genes: Vec<Placed> = Vec::new();
    for g in &opts.genes.genes {
        let Some(&contig) = contig_ids.get(&g.chrom) else {
            summary.genes_on_unknown_contigs += 1;
            if !summary.unknown_contigs.contains(&g.chrom) {
                summary.unknown_contigs.push(g.chrom.clone());
            }
            continue;
        };
        if opts.regions.is_empty() || opts.regions.iter().any(|r| r.contig == g.chrom && r.overlaps(g.start, g.end)) {
            genes.push(Placed { gene: g, contig });
        }
    }
    genes.sort_by(|a, b| (a.contig, a.gene.start, a.gene.end, &a.gene.name).cmp(&(b.contig, b.gene.start, b.gene.end, &b.gene.name)));
    if genes.is_empty() {
        return Ok(summary);
    }
    let regions: Vec<Region> = genes.iter().map(|p| p.gene.region()).collect();
    let plan = ScanPlan::new(store, &[cases, controls], &regions)?;
    let n_cases = cases.samples.len() as u32;
    let test = GeneTest { n_cases: n_cases as u64, n_controls: controls.samples.len() as u64, opts, covariates };
    let mut walk = GeneWalk { genes: &genes, next: 0, active: Vec::new(), done: BTreeMap::new(), emitted: 0 };
    scan(
        store,
        &plan,
        |site| {
            let (c, k) = (site.counts(0), site.counts(1));
            let (ac, an) = (c.ac + k.ac, c.an + k.an);
            if ac == 0 || an == 0 || ac as f64 / an as f64 > opts.max_af {
                return Ok(None);
            }
            let mut carriers = Vec::new();
            site.for_each_carrier(0, |i, a| carriers.push((i as u32, a)));
            site.for_each_carrier(1, |i, a| carriers.push((n_cases + i as u32, a)));
            Ok(Some(Qualifying { contig: contig_ids[site.contig], pos: site.site.pos, carriers }))
        },
        |q| {
            if walk.add(&q, &test) {
                summary.qualifying_variants += 1;
            }
            walk.flush(&mut sink, &mut summary.genes)
        },
    )?;
    walk.finish(&test);
    walk.flush(&mut sink, &mut summary.genes)?;
    Ok(summary)
}

/// Genes opened and closed as sites arrive in genomic order.
struct GeneWalk<'a> {
    genes: &'a [Placed<'a>],
    /// First gene not yet opened.
    next: usize,
    active: Vec<(usize, Tally)>,
    /// Finished rows waiting for earlier genes to finish.
    done: BTreeMap<usize, BurdenRow>,
    emitted: usize,
}

impl GeneWalk<'_> {
    /// Adds a qualifying variant to the genes containing it; false when there is none.
    fn add(&mut self, q: &Qualifying, test: &GeneTest) -> bool {
        let at = (q.contig, q.pos);
        let genes = self.genes;
        let (active, done) = (&mut self.active, &mut self.done);
        active.retain_mut(|(i, tally)| {
            let keep = (genes[*i].contig, genes[*i].gene.end) >= at;
            if !keep {
                done.insert(*i, test.row(genes[*i].gene, std::mem::take(tally)));
            }
            keep
        });
        while self.next < genes.len() && (genes[self.next].contig, genes[self.next].gene.start) <= at {
            let g = &genes[self.next];
            if (g.contig, g.gene.end) < at {
                self.done.insert(self.next, test.row(g.gene, Tally::default()));
            } else {
                self.active.push((self.next, Tally::default()));
            }
            self.next += 1;
        }
        for (_, tally) in &mut self.active {
            tally.variants += 1;
            for &(sample, a) in &q.carriers {
                *tally.alts.entry(sample).or_default() += a;
            }
        }
        !self.active.is_empty()
    }

    fn finish(&mut self, test: &GeneTest) {
        for (i, tally) in std::mem::take(&mut self.active) {
            self.done.insert(i, test.row(self.genes[i].gene, tally));
        }
        for i in self.next..self.genes.len() {
            self.done.insert(i, test.row(self.genes[i].gene, Tally::default()));
        }
        self.next = self.genes.len();
    }

    /// Hands over finished rows in gene order.
    fn flush(&mut self, sink: &mut impl FnMut(BurdenRow) -> Result<(), StoreError>, count: &mut u64) -> Result<(), StoreError> {
        while let Some(row) = self.done.remove(&self.emitted) {
            self.emitted += 1;
            *count += 1;
            sink(row)?;
        }
        Ok(())
    }
}

/// The per-gene test, fixed before the scan.
struct GeneTest<'a> {
    n_cases: u64,
    n_controls: u64,
    opts: &'a BurdenOptions,
    covariates: Vec<Vec<f64>>,
}

impl GeneTest<'_> {
    fn row(&self, gene: &Gene, tally: Tally) -> BurdenRow {
        let is_case = |s: u32| u64::from(s) < self.n_cases;
        let case_carriers = tally.alts.keys().filter(|&&s| is_case(s)).count() as u64;
        let control_carriers = tally.alts.len() as u64 - case_carriers;
        let case_alt: u64 = tally.alts.iter().filter(|(&s, _)| is_case(s)).map(|(_, a)| a).sum();
        let control_alt = tally.alts.values().sum::<u64>() - case_alt;
        let mut row = BurdenRow {
            gene: gene.name.clone(),
            chrom: gene.chrom.clone(),
            start: gene.start,
            end: gene.end,
            variants: tally.variants,
            case_carriers,
            cases: self.n_cases,
            control_carriers,
            controls: self.n_controls,
            case_alt,
            control_alt,
            test: if self.opts.test == AssocTest::Fisher { Method::Fisher } else { Method::Logistic },
            obs: self.n_cases + self.n_controls,
            odds_ratio: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            se_log_or: f64::NAN,
            p: f64::NAN,
            error: None,
        };
        if tally.variants == 0 {
            row.error = Some("NO_VARIANTS");
            return row;
        }
        let estimate = match self.opts.test {
            AssocTest::Fisher => {
                let t = Table { a: case_carriers, b: self.n_cases - case_carriers, c: control_carriers, d: self.n_controls - control_carriers };
                let r = fisher_exact(t);
                row.p = r.p;
                row.odds_ratio = r.odds_ratio;
                row.ci_low = r.ci_low;
                row.ci_high = r.ci_high;
                if !r.ci_low.is_nan() {
                    row.se_log_or = (1.0 / t.a as f64 + 1.0 / t.b as f64 + 1.0 / t.c as f64 + 1.0 / t.d as f64).sqrt();
                }
                return row;
            }
            AssocTest::Logistic => self.regress(&tally, &mut row),
        };
        match estimate {
            Some(e) => {
                row.odds_ratio = e.odds_ratio;
                row.ci_low = e.ci_low;
                row.ci_high = e.ci_high;
                row.se_log_or = e.se_log_or;
                row.p = e.p;
            }
            None if row.error.is_none() => row.error = Some("NO_CONVERGENCE"),
            None => {}
        }
        row
    }

    fn regress(&self, tally: &Tally, row: &mut BurdenRow) -> Option<WaldEstimate> {
        if tally.alts.is_empty() {
            row.error = Some("NO_CARRIERS");
            return None;
        }
        let n = (self.n_cases + self.n_controls) as usize;
        let p = 2 + self.opts.covariates.as_ref().map_or(0, |c| c.names.len());
        let mut rows = Vec::with_capacity(n * p);
        let mut y = Vec::with_capacity(n);
        for (s, cov) in self.covariates.iter().enumerate() {
            let alts = tally.alts.get(&(s as u32)).copied().unwrap_or(0);
            let score = match self.opts.score {
                BurdenScore::Carrier => f64::from(u8::from(alts > 0)),
                BurdenScore::AltCount => alts as f64,
            };
            rows.push(1.0);
            rows.push(score);
            rows.extend_from_slice(cov);
            y.push(if (s as u64) < self.n_cases { 1.0 } else { 0.0 });
        }
        let x = Array2::from_shape_vec((n, p), rows).expect("rows have p values each");
        // plink2's rule on a carrier × status table.
        let zero_cell = [row.case_carriers, self.n_cases - row.case_carriers, row.control_carriers, self.n_controls - row.control_carriers].contains(&0);
        let (used_firth, fit) = fit_with_firth_fallback(x.view(), &Array1::from(y), zero_cell);
        if used_firth {
            row.test = Method::Firth;
        }
        fit.as_ref().map(WaldEstimate::of_second)
    }
}
