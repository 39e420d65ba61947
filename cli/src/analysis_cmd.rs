//! The analysis subcommands: parse what the user gave, call genohub-analysis, print.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use genohub_analysis::{
    afdist::AfDistRequest, samples, Bins, BurdenOptions, BurdenRequest, BurdenRow, BurdenScore, FreqRequest, GeneSet, RowFormat, SampleSource,
};
use genohub_store::{Region, Store, StoreError};

use crate::analysis_args::{AfDistArgs, AssocArgs, BurdenScoreArg, CohortCommand, FreqArgs, SampleArgs, TableFormat, TestKind};
use crate::progress;

/// Names from `-s a,b` and/or `-S file` (one per line, `#` comments).
pub fn sample_names(samples: &Option<String>, samples_file: &Option<PathBuf>) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    if let Some(s) = samples {
        names.extend(s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from));
    }
    if let Some(f) = samples_file {
        let text = std::fs::read_to_string(f).with_context(|| format!("reading sample file {}", f.display()))?;
        names.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from));
    }
    Ok(names)
}

pub fn sample_source(a: &SampleArgs) -> Result<SampleSource> {
    if let Some(c) = &a.cohort {
        return Ok(SampleSource::Cohort(c.clone()));
    }
    if a.samples.is_none() && a.samples_file.is_none() {
        return Ok(SampleSource::All);
    }
    Ok(SampleSource::Names(sample_names(&a.samples, &a.samples_file)?))
}

pub fn regions(r: &[String]) -> Result<Vec<Region>> {
    r.iter().map(|r| r.parse().map_err(|e| anyhow::anyhow!("region {r:?}: {e}"))).collect()
}

fn output(path: &Option<PathBuf>) -> Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(BufWriter::with_capacity(1 << 20, std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)),
        None => Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout())),
    })
}

/// The store the command's audit entry was written through, or the store opened now
/// (`read_only` where the command only reads).
pub fn open(store_dir: &Path, audited: Option<Store>, read_only: bool) -> Result<Store> {
    Ok(match audited {
        Some(store) => store,
        None if read_only => Store::open_read_only(store_dir)?,
        None => Store::open(store_dir)?,
    })
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

pub fn cohort(store_dir: &Path, cmd: CohortCommand) -> Result<()> {
    match cmd {
        CohortCommand::Create { name, samples, samples_file, rule: Some(rule), replace } => {
            let _ = (samples, samples_file);
            let store = Store::open(store_dir)?;
            let rec = samples::create_rule_cohort(&store, &name, &rule, now(), replace)?;
            eprintln!("cohort {}: rule {rule:?}, evaluated when used", rec.name);
        }
        CohortCommand::Create { name, samples, samples_file, rule: None, replace } => {
            let store = Store::open(store_dir)?;
            let names = sample_names(&samples, &samples_file)?;
            let rec = samples::create_cohort(&store, &name, &names, now(), replace)?;
            eprintln!("cohort {}: {} samples", rec.name, samples::cohort_members(&rec)?.len());
        }
        CohortCommand::List { json } => {
            let store = Store::open_read_only(store_dir)?;
            let all = store.cohorts()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                println!("cohort\tkind\tsamples\tcreated");
                for c in all {
                    let n = samples::cohort_members(&c).map(|m| m.len().to_string()).unwrap_or_else(|_| "?".into());
                    let kind = if matches!(c.definition, genohub_store::CohortDefinition::Rule(_)) { "rule" } else { "samples" };
                    println!("{}\t{kind}\t{n}\t{}", c.name, progress::utc(c.created));
                }
            }
        }
        CohortCommand::Show { name, json } => {
            let store = Store::open_read_only(store_dir)?;
            let Some(c) = store.cohort(&name)? else { bail!("unknown cohort {name} (see `genohub cohort list`)") };
            if json {
                println!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                println!("# cohort {} created {}", c.name, progress::utc(c.created));
                if let genohub_store::CohortDefinition::Rule(rule) = &c.definition {
                    println!("# rule: {rule} (members as of today, samples with genomic data)");
                    if let SampleSource::Evaluated { samples, .. } = crate::clinical_key::prepare(&store, SampleSource::Cohort(name.clone()))? {
                        samples.iter().for_each(|s| println!("{}", s.qualified()));
                    }
                    return Ok(());
                }
                for m in samples::cohort_members(&c)? {
                    println!("{m}");
                }
            }
        }
        CohortCommand::Delete { name } => {
            let store = Store::open(store_dir)?;
            if !store.delete_cohort(&name)? {
                bail!("unknown cohort {name}");
            }
        }
    }
    Ok(())
}

fn io_err(e: std::io::Error) -> StoreError {
    StoreError::io("writing output", e)
}

pub fn freq(store_dir: &Path, audited: Option<Store>, a: FreqArgs) -> Result<()> {
    let req = FreqRequest { regions: regions(&a.regions)?, samples: sample_source(&a.samples)? };
    let store = open(store_dir, audited, true)?;
    let req = FreqRequest { samples: crate::clinical_key::prepare(&store, req.samples)?, ..req };
    let mut out = output(&a.output)?;
    let format = match a.format {
        TableFormat::Tsv => RowFormat::Tsv,
        TableFormat::Json => RowFormat::Json,
    };
    let mut first = true;
    // The header is written only once the request has been checked (with the first row).
    let mut wrote_header = false;
    let mut write_header = |out: &mut dyn Write| -> std::io::Result<()> {
        if !wrote_header {
            wrote_header = true;
            match format {
                RowFormat::Tsv => writeln!(out, "{}", genohub_analysis::FreqRow::TSV_HEADER)?,
                RowFormat::Json => out.write_all(b"[")?,
            }
        }
        Ok(())
    };
    genohub_analysis::freq_text(&store, &req, format, |row| {
        write_header(&mut out).map_err(io_err)?;
        if format == RowFormat::Json {
            out.write_all(if first { b"\n" } else { b",\n" }).map_err(io_err)?;
        }
        first = false;
        out.write_all(row).map_err(io_err)
    })?;
    write_header(&mut out)?;
    if format == RowFormat::Json {
        out.write_all(b"\n]\n")?;
    }
    out.flush()?;
    Ok(())
}

pub fn afdist(store_dir: &Path, audited: Option<Store>, a: AfDistArgs, quiet: bool) -> Result<()> {
    let req = AfDistRequest {
        regions: regions(&a.regions)?,
        samples: sample_source(&a.samples)?,
        prob_bins: Bins::parse(&a.prob_bins)?,
        dev_bins: Bins::parse(&a.dev_bins)?,
        af_bins: Bins::parse(&a.af_bins)?,
    };
    let store = open(store_dir, audited, true)?;
    let req = AfDistRequest { samples: crate::clinical_key::prepare(&store, req.samples)?, ..req };
    let t = Instant::now();
    let d = genohub_analysis::afdist(&store, &req)?;
    let secs = t.elapsed().as_secs_f64();
    let mut out = output(&a.output)?;
    d.write_text(&mut out)?;
    out.flush()?;
    if let Some(p) = &a.plot {
        write_plot(p, genohub_analysis::plot::afdist_svg(&d))?;
    }
    if !quiet {
        let calls = d.sites as f64 * d.samples as f64;
        eprintln!("afdist: {} sites x {} samples = {calls:.0} genotype calls in {secs:.3} s wall ({:.3e} calls/s)", d.sites, d.samples, calls / secs);
    }
    Ok(())
}

/// Rows streamed as TSV (header first) or a JSON array; the header or `[` is written with
/// the first row, so nothing is printed when the request is refused.
struct TableWriter {
    out: Box<dyn Write>,
    format: TableFormat,
    header: &'static str,
    started: bool,
    buf: Vec<u8>,
}

impl TableWriter {
    fn new(path: &Option<PathBuf>, format: TableFormat, header: &'static str) -> Result<TableWriter> {
        Ok(TableWriter { out: output(path)?, format, header, started: false, buf: Vec::with_capacity(256) })
    }

    /// `tsv` writes the row's line, `json` its object.
    fn row(&mut self, tsv: impl FnOnce(&mut Vec<u8>), json: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>) -> Result<(), StoreError> {
        self.buf.clear();
        match self.format {
            TableFormat::Tsv => {
                if !self.started {
                    writeln!(self.buf, "{}", self.header).map_err(io_err)?;
                }
                tsv(&mut self.buf);
            }
            TableFormat::Json => {
                self.buf.extend_from_slice(if self.started { b",\n" } else { b"[\n" });
                json(&mut self.buf).expect("rows serialise");
            }
        }
        self.started = true;
        self.out.write_all(&self.buf).map_err(io_err)
    }

    fn finish(mut self) -> Result<()> {
        match (self.format, self.started) {
            (TableFormat::Tsv, false) => writeln!(self.out, "{}", self.header)?,
            (TableFormat::Json, false) => self.out.write_all(b"[]\n")?,
            (TableFormat::Json, true) => self.out.write_all(b"\n]\n")?,
            (TableFormat::Tsv, true) => {}
        }
        self.out.flush()?;
        Ok(())
    }
}

fn write_plot(path: &Path, svg: String) -> Result<()> {
    let bytes = genohub_analysis::plot::render_for(path, svg)?;
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

pub fn assoc(store_dir: &Path, audited: Option<Store>, a: AssocArgs) -> Result<()> {
    let covariates = a.covariates.as_deref().map(genohub_analysis::Covariates::read).transpose()?;
    let test = match a.test {
        TestKind::Fisher => genohub_analysis::AssocTest::Fisher,
        TestKind::Logistic => genohub_analysis::AssocTest::Logistic,
    };
    let cases = SampleSource::Cohort(a.cases.clone());
    let controls = SampleSource::Cohort(a.controls.clone());
    let regions = regions(&a.regions)?;
    if a.burden {
        let genes = a.genes.as_deref().context("--burden needs --genes")?;
        let score = match a.burden_score {
            BurdenScoreArg::Carrier => BurdenScore::Carrier,
            BurdenScoreArg::AltCount => BurdenScore::AltCount,
        };
        let options = BurdenOptions { regions, genes: GeneSet::read(genes)?, max_af: a.max_af, test, score, covariates };
        return burden(open(store_dir, audited, true)?, &a, BurdenRequest { cases, controls, options });
    }
    let store = open(store_dir, audited, true)?;
    let (cases, controls) = (crate::clinical_key::prepare(&store, cases)?, crate::clinical_key::prepare(&store, controls)?);
    let req = genohub_analysis::AssocRequest { regions, cases, controls, test, covariates };
    let mut table = TableWriter::new(&a.output, a.format, genohub_analysis::AssocRow::TSV_HEADER)?;
    let mut points = Vec::new();
    genohub_analysis::assoc(&store, &req, |row| {
        if a.plot.is_some() && row.p.is_finite() {
            points.push(genohub_analysis::plot::Point { chrom: row.chrom.clone(), pos: row.pos, p: row.p });
        }
        table.row(|b| row.write_tsv(b), |b| serde_json::to_writer(b, &row))
    })?;
    table.finish()?;
    if let Some(p) = &a.plot {
        let title = format!("{} vs {} ({})", a.cases, a.controls, if let TestKind::Fisher = a.test { "allelic Fisher" } else { "logistic" });
        write_plot(p, genohub_analysis::plot::manhattan_svg(&points, &title))?;
    }
    Ok(())
}

fn burden(store: Store, a: &AssocArgs, req: BurdenRequest) -> Result<()> {
    let req = BurdenRequest { cases: crate::clinical_key::prepare(&store, req.cases)?, controls: crate::clinical_key::prepare(&store, req.controls)?, ..req };
    let mut table = TableWriter::new(&a.output, a.format, BurdenRow::TSV_HEADER)?;
    let mut points = Vec::new();
    let summary = genohub_analysis::burden(&store, &req, |row| {
        if a.plot.is_some() && row.p.is_finite() {
            points.push(genohub_analysis::plot::Point { chrom: row.chrom.clone(), pos: row.start, p: row.p });
        }
        table.row(|b| row.write_tsv(b), |b| serde_json::to_writer(b, &row))
    })?;
    table.finish()?;
    if summary.genes_on_unknown_contigs > 0 {
        let shown: Vec<&str> = summary.unknown_contigs.iter().take(5).map(String::as_str).collect();
        eprintln!("burden: {} gene(s) skipped on contigs the store lacks: {}", summary.genes_on_unknown_contigs, shown.join(", "));
    }
    eprintln!("burden: {} genes, {} qualifying variants (AF <= {})", summary.genes, summary.qualifying_variants, a.max_af);
    if let Some(p) = &a.plot {
        let title = format!(
            "{} vs {}: gene burden, AF <= {} ({})",
            a.cases,
            a.controls,
            a.max_af,
            if let TestKind::Fisher = a.test { "Fisher on carriers" } else { "logistic" }
        );
        write_plot(p, genohub_analysis::plot::manhattan_svg(&points, &title))?;
    }
    Ok(())
}
