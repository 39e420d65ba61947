//! Query commands run with `--token`: through the governed facade as that user, answers
//! disclosure-controlled for researchers (`--project P` / GENOHUB_PROJECT).

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use genohub_analysis::{AfDistRequest, AssocRequest, AssocTest, Bins, Covariates, SampleSource};
use genohub_formats::{OutputFormat, VariantWriter};
use genohub_governance::{CohortRequest, CohortSpec, DisclosedAssocRow, DisclosedFreqRow, NewCohort, Session};
use genohub_store::StoreError;

use crate::analysis_args::{AfDistArgs, AssocArgs, CohortCommand, FreqArgs, TableFormat, TestKind};
use crate::analysis_cmd::{regions, sample_names, sample_source};
use crate::args::ViewArgs;

fn output(path: &Option<PathBuf>) -> Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(BufWriter::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)),
        None => Box::new(BufWriter::new(std::io::stdout())),
    })
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::io("writing output", e)
}

/// Rows are collected first: the facade hands over only answers it has audited.
fn table<T: serde::Serialize>(rows: &[T], format: TableFormat, header: &str, tsv: impl Fn(&T, &mut Vec<u8>), out: &mut dyn Write) -> Result<()> {
    match format {
        TableFormat::Json => serde_json::to_writer(&mut *out, rows)?,
        TableFormat::Tsv => {
            writeln!(out, "{header}")?;
            let mut buf = Vec::new();
            for r in rows {
                buf.clear();
                tsv(r, &mut buf);
                out.write_all(&buf)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

pub fn freq(s: &Session, project: Option<&str>, a: &FreqArgs) -> Result<()> {
    let mut rows = Vec::new();
    s.freq(project, regions(&a.regions)?, &CohortSpec::from(sample_source(&a.samples)?), |r| {
        rows.push(r);
        Ok(())
    })?;
    table(&rows, a.format, DisclosedFreqRow::TSV_HEADER, DisclosedFreqRow::write_tsv, &mut *output(&a.output)?)
}

pub fn afdist(s: &Session, project: Option<&str>, a: &AfDistArgs) -> Result<()> {
    if a.plot.is_some() {
        bail!("--plot is not available with --token (plots show exact counts)");
    }
    let req = AfDistRequest {
        regions: regions(&a.regions)?,
        samples: SampleSource::All,
        prob_bins: Bins::parse(&a.prob_bins)?,
        dev_bins: Bins::parse(&a.dev_bins)?,
        af_bins: Bins::parse(&a.af_bins)?,
    };
    let d = s.afdist(project, req, &CohortSpec::from(sample_source(&a.samples)?))?;
    let mut out = output(&a.output)?;
    d.disclosed.write_text(&mut *out).map_err(io)?;
    out.flush()?;
    Ok(())
}

fn assoc_tsv(r: &DisclosedAssocRow, out: &mut Vec<u8>) {
    let f = |x: Option<f64>| x.map_or_else(|| ".".to_string(), genohub_analysis::number::fmt_f64);
    let _ = writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        r.chrom,
        r.pos,
        r.id,
        r.reference,
        r.alternate,
        r.case_ac,
        r.case_an,
        r.control_ac,
        r.control_an,
        r.test,
        r.obs,
        f(r.odds_ratio),
        f(r.ci_low),
        f(r.ci_high),
        f(r.se_log_or),
        f(r.p),
        r.error.as_deref().unwrap_or(".")
    );
}

pub fn assoc(s: &Session, project: Option<&str>, a: &AssocArgs) -> Result<()> {
    if a.burden || a.plot.is_some() {
        bail!("--burden and --plot are not available with --token yet");
    }
    let req = AssocRequest {
        regions: regions(&a.regions)?,
        cases: SampleSource::All,
        controls: SampleSource::All,
        test: match a.test {
            TestKind::Fisher => AssocTest::Fisher,
            TestKind::Logistic => AssocTest::Logistic,
        },
        covariates: a.covariates.as_deref().map(Covariates::read).transpose()?,
    };
    let mut rows = Vec::new();
    s.assoc(project, req, &CohortSpec::Cohort(a.cases.clone()), &CohortSpec::Cohort(a.controls.clone()), |r| {
        rows.push(r);
        Ok(())
    })?;
    table(&rows, a.format, genohub_analysis::AssocRow::TSV_HEADER, assoc_tsv, &mut *output(&a.output)?)
}

pub fn view(s: &Session, project: Option<&str>, a: &ViewArgs, threads: usize) -> Result<()> {
    let mut names: Vec<String> = a.samples.iter().flat_map(|x| x.split(',')).filter(|x| !x.is_empty()).map(String::from).collect();
    if let Some(f) = &a.samples_file {
        let text = std::fs::read_to_string(f).with_context(|| format!("reading sample file {}", f.display()))?;
        names.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from));
    }
    let spec = if a.samples.is_none() && a.samples_file.is_none() { CohortSpec::Everyone } else { CohortSpec::Samples(names) };
    let view = s.genotypes(project, regions(&a.regions)?, &spec)?;
    let out: Box<dyn Write + Send> = match &a.output {
        Some(p) => Box::new(BufWriter::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)),
        None => Box::new(BufWriter::new(std::io::stdout())),
    };
    let format: OutputFormat = a.output_type.parse().map_err(anyhow::Error::msg)?;
    let mut writer = VariantWriter::new(out, format, view.header(), threads)?;
    view.write(&mut |text| writer.write_lines(text))?;
    writer.finish()?;
    Ok(())
}

pub fn batches(s: &Session, json: bool) -> Result<()> {
    let all = s.batches()?;
    if json {
        let light: Vec<_> = all.iter().map(|b| serde_json::json!({"id": b.id, "file": b.file_name, "sha256": b.file_sha256, "center": b.center, "created": b.created, "samples": b.samples.len(), "variants": b.variants, "warnings": b.warnings})).collect();
        println!("{}", serde_json::to_string_pretty(&light)?);
        return Ok(());
    }
    println!("batch\tcenter\tfile\tsha256\tsamples\tvariants");
    for b in all {
        println!("{}\t{}\t{}\t{}\t{}\t{}", b.id, b.center, b.file_name, b.file_sha256, b.samples.len(), b.variants);
    }
    Ok(())
}

/// `genohub cohort` with a token: the cohorts saved for the caller's organisation (a
/// researcher's, for `--project`), through the same governed calls as the API.
pub fn cohort(s: &Session, project: Option<&str>, c: &CohortCommand) -> Result<()> {
    match c {
        CohortCommand::Create { name, samples, samples_file, rule, replace } => {
            let definition = match rule {
                Some(r) => NewCohort::Rule(r.clone()),
                None => NewCohort::Samples(sample_names(samples, samples_file)?),
            };
            let saved = s.create_cohort(&CohortRequest { name: name.clone(), definition, project: project.map(String::from), replace: *replace })?;
            eprintln!("cohort {} saved ({})", saved.name, saved.kind);
        }
        CohortCommand::List { json } => {
            let all = s.cohorts()?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                println!("cohort\tkind\tproject\tcreated");
                for c in all {
                    println!("{}\t{}\t{}\t{}", c.name, c.kind, c.project.as_deref().unwrap_or("-"), c.created);
                }
            }
        }
        CohortCommand::Show { name, json } => {
            let d = s.saved_cohort(name)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                println!("# cohort {} ({}) created {}", d.cohort.name, d.cohort.kind, d.cohort.created);
                if let Some(rule) = &d.cohort.rule {
                    println!("# rule: {rule}");
                }
                match (&d.size, &d.size_withheld) {
                    (Some(size), _) => println!("# size: {} samples", size.samples),
                    (None, Some(why)) => println!("# size withheld: {why}"),
                    (None, None) => {}
                }
                if let Some(why) = &d.members_withheld {
                    println!("# members not shown: {why}");
                }
                d.members.iter().flatten().for_each(|m| println!("{m}"));
            }
        }
        CohortCommand::Delete { name } => s.delete_cohort(name)?,
    }
    Ok(())
}
