//! The `genohub` command: parses arguments, calls the library crates, prints. Nothing more.

mod analysis_args;
mod analysis_cmd;
mod args;
mod clinical_args;
mod clinical_cmd;
mod clinical_key;
mod demo;
mod governance_args;
mod governance_cmd;
mod governance_query;
mod progress;
mod reads_args;
mod reads_cmd;
mod serve_args;
mod serve_cmd;

use std::io::{BufWriter, Write};

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use genohub_formats::{OutputFormat, VariantWriter};
use genohub_store::{IngestOptions, SampleSelection, Store, ViewRequest};

use args::{Cli, Command, SimulateCommand};

// Queries allocate multi-megabyte buffers per bin; glibc returns them to the kernel each time
// and pays the page faults again (a third of a region query's time, measured).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(t) = cli.threads {
        rayon::ThreadPoolBuilder::new().num_threads(t).build_global().ok();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("genohub: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn selection(samples: &Option<String>, samples_file: &Option<std::path::PathBuf>) -> Result<SampleSelection> {
    let mut names: Vec<String> = Vec::new();
    if let Some(s) = samples {
        names.extend(s.split(',').filter(|x| !x.is_empty()).map(String::from));
    }
    if let Some(f) = samples_file {
        let text = std::fs::read_to_string(f).with_context(|| format!("reading sample file {}", f.display()))?;
        names.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from));
    }
    Ok(if samples.is_none() && samples_file.is_none() { SampleSelection::All } else { SampleSelection::Names(names) })
}

/// A reading command gives back the read-write store its audit entry went through and reads
/// through a read-only open: holding the write lock for a whole-genome query would make an
/// ingest in another process fail as busy, for a saving of ~1% of a `freq`'s instructions.
fn released(audited: Option<Store>) -> Option<Store> {
    drop(audited);
    None
}

fn run(cli: Cli) -> Result<()> {
    let store_dir = cli.store.clone();
    clinical_key::set(&store_dir, cli.key.clone());
    let threads = cli.threads.unwrap_or_else(rayon::current_num_threads);
    // The store the command's audit entry went through, reused rather than opened again.
    let audited = match governance_cmd::intercept(&cli)? {
        governance_cmd::Next::Done => return Ok(()),
        governance_cmd::Next::Run(store) => store,
    };
    match cli.command {
        Command::Ingest(a) => {
            let store = analysis_cmd::open(&store_dir, audited, false)?;
            let opts = IngestOptions { center: a.center.clone(), reference: a.reference.clone(), check_ref: a.check_ref, replace: a.replace, threads };
            for file in &a.files {
                if reads_cmd::is_reads(file)? {
                    reads_cmd::ingest(&store, file, &a, threads, cli.quiet)?;
                    continue;
                }
                let bar = progress::Bar::new(file, cli.quiet);
                let m = store.ingest(file, &opts, &bar).with_context(|| format!("ingesting {}", file.display()))?;
                bar.finish();
                for w in &m.warnings {
                    eprintln!("genohub: warning: {}: {} ({}x)", file.display(), w.first, w.count);
                }
                if !cli.quiet {
                    eprintln!(
                        "batch {}: {} records read, {} variants, {} reference blocks, {} samples, {} bytes stored",
                        m.id,
                        m.records_read,
                        m.variants,
                        m.ref_blocks,
                        m.samples.len(),
                        m.stored_bytes
                    );
                }
            }
        }
        Command::View(a) => {
            let store = analysis_cmd::open(&store_dir, released(audited), true)?;
            let regions = a.regions.iter().map(|r| r.parse().map_err(|e| anyhow::anyhow!("region {r:?}: {e}"))).collect::<Result<Vec<_>>>()?;
            let req = ViewRequest { regions, samples: selection(&a.samples, &a.samples_file)? };
            let plan = store.plan_view(&req)?;
            let out: Box<dyn Write + Send> = match &a.output {
                Some(p) => Box::new(BufWriter::with_capacity(1 << 20, std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)),
                None => Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout())),
            };
            let format: OutputFormat = a.output_type.parse().map_err(anyhow::Error::msg)?;
            let mut writer = VariantWriter::new(out, format, &plan.header, threads)?;
            store.write_view(&plan, &mut |text| writer.write_lines(text))?;
            writer.finish()?;
        }
        Command::Samples { json } => {
            let store = Store::open_read_only(&store_dir)?;
            let samples = store.samples()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&samples)?);
            } else {
                println!("id\tcenter\tsample\tbatch\tcolumn");
                for s in samples {
                    println!("{}\t{}\t{}\t{}\t{}", s.id, s.center, s.name, s.batch, s.column);
                }
            }
        }
        Command::Batches { json } => {
            let store = Store::open_read_only(&store_dir)?;
            let batches = store.committed_batches()?;
            if json {
                let light: Vec<_> = batches.iter().map(|b| serde_json::json!({"id": b.id, "file": b.file_name, "sha256": b.file_sha256, "center": b.center, "created": b.created, "tool": b.tool_version, "samples": b.samples.len(), "variants": b.variants, "ref_blocks": b.ref_blocks, "stored_bytes": b.stored_bytes, "warnings": b.warnings})).collect();
                println!("{}", serde_json::to_string_pretty(&light)?);
            } else {
                println!("batch\tcenter\tfile\tsha256\tcreated\tsamples\tvariants\tref_blocks\tstored_bytes");
                for b in batches {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        b.id,
                        b.center,
                        b.file_name,
                        b.file_sha256,
                        progress::utc(b.created),
                        b.samples.len(),
                        b.variants,
                        b.ref_blocks,
                        b.stored_bytes
                    );
                }
            }
        }
        Command::Backup { dest } => {
            let summary = analysis_cmd::open(&store_dir, audited, false)?.backup(&dest)?;
            println!("backup written to {} (database checkpoint + {} files, {} bytes of file area)", dest.display(), summary.files, summary.bytes);
        }
        Command::Stats { json, compact } => {
            let stats = if compact {
                let store = Store::open(&store_dir)?;
                store.compact()?;
                store.stats()?
            } else {
                Store::open_read_only(&store_dir)?.stats()?
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                println!(
                    "batches\t{}\nsites\t{}\nsamples\t{}\ngenotype_calls\t{}\nref_blocks\t{}\nblock_bytes\t{}\ndisk_bytes\t{}\nbytes_per_call\t{:.4}",
                    stats.batches,
                    stats.sites,
                    stats.samples,
                    stats.genotype_calls,
                    stats.ref_blocks,
                    stats.block_bytes,
                    stats.disk_bytes,
                    stats.bytes_per_call
                );
            }
        }
        Command::Depth(a) => reads_cmd::depth(&store_dir, a)?,
        Command::Qc(a) => reads_cmd::qc(&store_dir, a)?,
        Command::Cohort(c) => {
            // Opens the store itself (read-only where it only reads), once the audit's is closed.
            drop(audited);
            analysis_cmd::cohort(&store_dir, c)?
        }
        Command::Key(c) => clinical_cmd::key(&store_dir, c)?,
        Command::Patient(c) => clinical_cmd::patient(&store_dir, &cli.token, c)?,
        Command::Consent(c) => clinical_cmd::consent(&store_dir, &cli.token, c)?,
        Command::Purge(a) => clinical_cmd::purge(&store_dir, &cli.token, a)?,
        Command::Freq(a) => analysis_cmd::freq(&store_dir, released(audited), a)?,
        Command::Afdist(a) => analysis_cmd::afdist(&store_dir, released(audited), a, cli.quiet)?,
        Command::Assoc(a) => analysis_cmd::assoc(&store_dir, released(audited), a)?,
        Command::Org(c) => governance_cmd::org(&store_dir, &cli.token, c)?,
        Command::User(c) => governance_cmd::user(&store_dir, &cli.token, c)?,
        Command::Token(c) => governance_cmd::token(&store_dir, &cli.token, c)?,
        Command::Project(c) => governance_cmd::project(&store_dir, &cli.token, c)?,
        Command::Audit(c) => governance_cmd::audit(&store_dir, &cli.token, cli.project.clone(), c)?,
        Command::Simulate(SimulateCommand::Cohort(a)) => {
            let params =
                genohub_sim::CohortParams { samples: a.samples, length: a.length, seed: a.seed, contig: a.contig, with_depth: a.depth, ..Default::default() };
            let summary = genohub_sim::write_cohort(&params, &a.output, a.reference_out.as_deref())?;
            if !cli.quiet {
                eprintln!("{}: {} records, {} samples, {} bp", a.output.display(), summary.records, summary.samples, summary.reference_length);
            }
            if let Some(dir) = &a.gvcf_dir {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
                let files = genohub_sim::write_sample_gvcfs(&params, &genohub_sim::CoverageParams::default(), dir, None)?;
                if !cli.quiet {
                    let (variants, blocks) = files.iter().fold((0, 0), |(v, b), f| (v + f.variants, b + f.blocks));
                    eprintln!("{}: {} gVCFs, {variants} variant records, {blocks} reference blocks", dir.display(), files.len());
                }
            }
        }
        Command::Serve(a) => serve_cmd::run(a, &store_dir)?,
        Command::Demo(a) => demo::run(&a.dir.unwrap_or_else(|| store_dir.join("demo")), threads, a.serve.then_some(a.listen))?,
    }
    Ok(())
}
