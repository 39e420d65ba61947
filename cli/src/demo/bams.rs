//! A few BAMs for the demo: perfectly aligned 100 bp reads tiled over a window of the simulated
//! reference, one file per sample, stored with their depth and callable intervals.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use genohub_governance::Session;
use genohub_store::reads::ReadsIngestOptions;
use genohub_store::NoProgress;

const READ: usize = 100;
const STEP: usize = 5;
pub const WINDOW: (usize, usize) = (100_000, 120_000);

fn sam(reference: &[u8], contig: &str, sample: &str) -> String {
    let mut s = format!("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:{contig}\tLN:{}\n@RG\tID:rg1\tSM:{sample}\n", reference.len());
    for (i, start) in (WINDOW.0..WINDOW.1 - READ).step_by(STEP).enumerate() {
        let seq = std::str::from_utf8(&reference[start..start + READ]).unwrap_or("N");
        let _ = writeln!(s, "r{i}\t0\t{contig}\t{}\t60\t{READ}M\t*\t0\t0\t{seq}\t*\tRG:Z:rg1", start + 1);
    }
    s
}

/// Writes and ingests one BAM per sample for `center` in the uploader's session; prints one
/// line each.
pub fn ingest(session: &Session, dir: &Path, params: &genohub_sim::CohortParams, center: &str, samples: &[&str]) -> Result<()> {
    let reference = genohub_sim::reference_sequence(params);
    for sample in samples {
        let path = dir.join(format!("{sample}.bam"));
        genohub_reads::sam_to_bam::write_bam(&sam(&reference, &params.contig, sample), &path).with_context(|| format!("writing {}", path.display()))?;
        let opts = ReadsIngestOptions { center: center.into(), min_depth: 10, ..Default::default() };
        let r = session.ingest_reads(&path, &opts, &NoProgress).with_context(|| format!("ingesting {}", path.display()))?;
        println!(
            "{center}: BAM of {} stored ({} reads, {} depth runs, {} bytes of depth + callable intervals)",
            r.name,
            r.records,
            r.depth_runs,
            r.depth_bytes + r.callable_bytes
        );
    }
    Ok(())
}
