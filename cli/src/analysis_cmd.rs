//! The analysis subcommands: parse what the user gave, call genohub-analysis, print.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use genohub_analysis::{afdist::AfDistRequest, samples, Bins, FreqRequest, SampleSource};
use genohub_store::{Region, Store, StoreError};

use crate::analysis_args::{AfDistArgs, AssocArgs, CohortCommand, FreqArgs, SampleArgs, TableFormat, TestKind};
use crate::progress;

/// Names from `-s a,b` and/or `-S file` (one per line, `#` comments).
fn sample_names(samples: &Option<String>, samples_file: &Option<PathBuf>) -> Result<Vec<String>> {
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

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

pub fn cohort(store_dir: &Path, cmd: CohortCommand) -> Result<()> {
    match cmd {
        CohortCommand::Create { name, samples, samples_file, replace } => {
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
                    println!("{}\tsamples\t{n}\t{}", c.name, progress::utc(c.created));
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

pub fn freq(store_dir: &Path, a: FreqArgs) -> Result<()> {
    let req = FreqRequest { regions: regions(&a.regions)?, samples: sample_source(&a.samples)? };
    let store = Store::open_read_only(store_dir)?;
    let mut out = output(&a.output)?;
    let mut buf = Vec::with_capacity(256);
    let mut first = true;
    // The header is written only once the request has been checked (inside the first row).
    let mut wrote_header = false;
    let mut write_header = |out: &mut dyn Write| -> std::io::Result<()> {
        if !wrote_header {
            wrote_header = true;
            match a.format {
                TableFormat::Tsv => writeln!(out, "{}", genohub_analysis::FreqRow::TSV_HEADER)?,
                TableFormat::Json => out.write_all(b"[")?,
            }
        }
        Ok(())
    };
    genohub_analysis::freq(&store, &req, |row| {
        write_header(&mut out).map_err(io_err)?;
        buf.clear();
        match a.format {
            TableFormat::Tsv => row.write_tsv(&mut buf),
            TableFormat::Json => {
                buf.extend_from_slice(if first { b"\n" } else { b",\n" });
                serde_json::to_writer(&mut buf, &row).expect("rows serialise");
            }
        }
        first = false;
        out.write_all(&buf).map_err(io_err)
    })?;
    write_header(&mut out)?;
    if let TableFormat::Json = a.format {
        out.write_all(b"\n]\n")?;
    }
    out.flush()?;
    Ok(())
}

pub fn afdist(store_dir: &Path, a: AfDistArgs, quiet: bool) -> Result<()> {
    let req = AfDistRequest {
        regions: regions(&a.regions)?,
        samples: sample_source(&a.samples)?,
        prob_bins: Bins::parse(&a.prob_bins)?,
        dev_bins: Bins::parse(&a.dev_bins)?,
        af_bins: Bins::parse(&a.af_bins)?,
    };
    let store = Store::open_read_only(store_dir)?;
    let t = Instant::now();
    let d = genohub_analysis::afdist(&store, &req)?;
    let secs = t.elapsed().as_secs_f64();
    let mut out = output(&a.output)?;
    d.write_text(&mut out)?;
    out.flush()?;
    if let Some(p) = &a.plot {
        let svg = genohub_analysis::plot::afdist_svg(&d);
        std::fs::write(p, svg).with_context(|| format!("writing {}", p.display()))?;
    }
    if !quiet {
        let calls = d.sites as f64 * d.samples as f64;
        eprintln!("afdist: {} sites x {} samples = {calls:.0} genotype calls in {secs:.3} s wall ({:.3e} calls/s)", d.sites, d.samples, calls / secs);
    }
    Ok(())
}

pub fn assoc(store_dir: &Path, a: AssocArgs) -> Result<()> {
    let covariates = a.covariates.as_deref().map(genohub_analysis::Covariates::read).transpose()?;
    let test = match a.test {
        TestKind::Fisher => genohub_analysis::AssocTest::Fisher,
        TestKind::Logistic => genohub_analysis::AssocTest::Logistic,
    };
    let req = genohub_analysis::AssocRequest {
        regions: regions(&a.regions)?,
        cases: SampleSource::Cohort(a.cases.clone()),
        controls: SampleSource::Cohort(a.controls.clone()),
        test,
        covariates,
    };
    let store = Store::open_read_only(store_dir)?;
    let mut out = output(&a.output)?;
    let mut buf = Vec::with_capacity(256);
    let mut points = Vec::new();
    let mut started = false;
    genohub_analysis::assoc(&store, &req, |row| {
        buf.clear();
        if !started {
            started = true;
            match a.format {
                TableFormat::Tsv => writeln!(buf, "{}", genohub_analysis::AssocRow::TSV_HEADER).map_err(io_err)?,
                TableFormat::Json => buf.push(b'['),
            }
        } else if let TableFormat::Json = a.format {
            buf.push(b',');
        }
        match a.format {
            TableFormat::Tsv => row.write_tsv(&mut buf),
            TableFormat::Json => {
                buf.push(b'\n');
                serde_json::to_writer(&mut buf, &row).expect("rows serialise");
            }
        }
        if a.plot.is_some() && row.p.is_finite() {
            points.push(genohub_analysis::plot::Point { chrom: row.chrom.clone(), pos: row.pos, p: row.p });
        }
        out.write_all(&buf).map_err(io_err)
    })?;
    match (a.format, started) {
        (TableFormat::Tsv, false) => writeln!(out, "{}", genohub_analysis::AssocRow::TSV_HEADER)?,
        (TableFormat::Json, false) => out.write_all(b"[]\n")?,
        (TableFormat::Json, true) => out.write_all(b"\n]\n")?,
        (TableFormat::Tsv, true) => {}
    }
    out.flush()?;
    if let Some(p) = &a.plot {
        let title = format!("{} vs {} ({})", a.cases, a.controls, if let TestKind::Fisher = a.test { "allelic Fisher" } else { "logistic" });
        std::fs::write(p, genohub_analysis::plot::manhattan_svg(&points, &title)).with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}
