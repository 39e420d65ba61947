//! `ingest` of BAM/CRAM, `depth` and `qc`: argument handling and printing only.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};

use genohub_reads::plot::{coverage_png, coverage_svg, TrackWindow};
use genohub_reads::ReadQc;
use genohub_store::reads::{ReadSampleRecord, ReadsIngestOptions};
use genohub_store::Store;

use crate::args::IngestArgs;
use crate::progress;
use crate::reads_args::{DepthArgs, QcArgs, QcFormat};

/// Whether `file` holds reads (BAM/CRAM) rather than variant calls.
pub fn is_reads(file: &Path) -> Result<bool> {
    Ok(genohub_formats::detect_path(file)?.is_reads())
}

pub fn ingest(store: &Store, file: &Path, a: &IngestArgs, threads: usize, quiet: bool) -> Result<()> {
    let opts = ReadsIngestOptions {
        center: a.center.clone(),
        sample: a.sample.clone(),
        reference: a.reference.clone(),
        min_mapq: a.mapq,
        min_depth: a.min_depth,
        replace: a.replace,
        threads,
    };
    let bar = progress::Bar::new(file, quiet);
    let r = store.ingest_reads(file, &opts, &bar).with_context(|| format!("ingesting {}", file.display()))?;
    bar.finish();
    if !quiet {
        let qc = r.qc.as_ref();
        eprintln!(
            "reads of {}: {} records, mean depth {:.2}, {} callable bases (≥{}×), depth stored in {} bytes ({} bins), file kept as {}",
            r.qualified(),
            r.records,
            qc.map(|q| q.mean_depth).unwrap_or(0.0),
            qc.map(|q| q.callable_bases).unwrap_or(0),
            r.min_depth,
            r.depth_bytes,
            r.depth_bins,
            r.stored_file.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

pub fn depth(store_dir: &Path, a: DepthArgs) -> Result<()> {
    let store = Store::open_read_only(store_dir)?;
    let r = store.resolve_read_sample(&a.sample)?;
    let region: genohub_store::Region = a.region.parse().map_err(|e| anyhow::anyhow!("region {:?}: {e}", a.region))?;
    let mut out: Box<dyn Write> = match &a.output {
        Some(p) => Box::new(BufWriter::with_capacity(1 << 20, std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)),
        None => Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout().lock())),
    };
    let io = |e: std::io::Error| genohub_store::StoreError::io("writing output", e);
    match a.window {
        Some(width) => {
            writeln!(out, "#chrom\tstart\tend\tmean_depth")?;
            store.depth_windows(&r, &region, width, &mut |w| writeln!(out, "{}\t{}\t{}\t{:.2}", w.contig, w.start, w.end, w.mean).map_err(io))?;
        }
        None => {
            writeln!(out, "#chrom\tpos\tdepth")?;
            store.for_each_depth_run(&r, &region, &mut |row| {
                for p in row.start..row.end {
                    writeln!(out, "{}\t{}\t{}", row.contig, p + 1, row.depth).map_err(io)?;
                }
                Ok(())
            })?;
        }
    }
    out.flush()?;
    if let Some(plot) = &a.plot {
        let length = r.contigs.iter().find(|c| c.name == region.contig).map(|c| c.length).unwrap_or(0);
        let span = region.end.min(length).saturating_sub(region.start.max(1) - 1);
        // About 1000 windows across the plot, whatever --window says for the table.
        let width = span.div_ceil(1000).max(1);
        let mut windows = Vec::new();
        store.depth_windows(&r, &region, width, &mut |w| {
            windows.push(TrackWindow { start: w.start, end: w.end, mean: w.mean });
            Ok(())
        })?;
        let title = format!("{} {}", r.qualified(), a.region);
        let ext = plot.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let bytes = match ext.as_str() {
            "svg" => coverage_svg(&title, &region.contig, &windows, Some(r.min_depth)).into_bytes(),
            "png" => coverage_png(&windows, Some(r.min_depth))?,
            _ => bail!("--plot {}: the file name must end in .svg or .png", plot.display()),
        };
        std::fs::write(plot, bytes).with_context(|| format!("writing {}", plot.display()))?;
    }
    Ok(())
}

fn pct(n: u64, d: u64) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.2}", 100.0 * n as f64 / d as f64)
    }
}

fn qc_row(r: &ReadSampleRecord, q: &ReadQc) -> String {
    let at = |t: u32| q.fraction_at_least.iter().find(|(x, _)| *x == t).map(|(_, f)| format!("{:.4}", f)).unwrap_or_else(|| "-".into());
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{:.2}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        r.qualified(),
        q.total_reads,
        pct(q.mapped, q.total_reads),
        pct(q.duplicates, q.total_reads),
        pct(q.properly_paired, q.total_reads),
        q.mapped,
        q.mean_depth,
        q.median_depth,
        at(1),
        at(10),
        at(20),
        at(30),
        q.insert_size_median.map(|v| v.to_string()).unwrap_or_else(|| "-".into()),
        q.callable_bases
    )
}

pub fn qc(store_dir: &Path, a: QcArgs) -> Result<()> {
    let store = Store::open_read_only(store_dir)?;
    let records: Vec<ReadSampleRecord> =
        if a.samples.is_empty() { store.read_samples()? } else { a.samples.iter().map(|s| store.resolve_read_sample(s)).collect::<Result<_, _>>()? };
    match a.format {
        QcFormat::Json => {
            let rows: Vec<_> = records
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "center": r.center, "sample": r.name, "file": r.file_name, "sha256": r.file_sha256, "kind": r.kind,
                        "stored_file": r.stored_file, "stored_index": r.stored_index, "records": r.records,
                        "min_mapq": r.min_mapq, "min_depth": r.min_depth,
                        "depth_bins": r.depth_bins, "depth_runs": r.depth_runs, "depth_bytes": r.depth_bytes, "callable_bytes": r.callable_bytes,
                        "qc": r.qc
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        QcFormat::Table => {
            println!("sample\treads\tmapped_%\tduplicate_%\tproperly_paired_%\tmapped\tmean_depth\tmedian_depth\tfrac_1x\tfrac_10x\tfrac_20x\tfrac_30x\tinsert_median\tcallable_bases");
            for r in &records {
                if let Some(q) = &r.qc {
                    println!("{}", qc_row(r, q));
                }
            }
        }
    }
    Ok(())
}
