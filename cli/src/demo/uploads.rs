//! What the sequencing centers upload, each through its own uploader's session: tokyo-seq a
//! 500-sample cohort VCF and a few BAMs, osaka-seq one gVCF per sample (reference blocks only
//! where the sample was callable), and a refused upload in another center's name.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use genohub_governance::Hub;
use genohub_store::{IngestOptions, NoProgress, RefCheck};

use super::patients::DemoPatient;
use super::setup::{Cast, COHORT_CENTER, CONTIG, LENGTH, SEED, SMALL_CENTER};

/// Samples osaka-seq sequences, one gVCF each.
pub const GVCF_SAMPLES: usize = 12;

pub fn gvcf_dir(dir: &Path) -> PathBuf {
    dir.join("gvcf")
}

pub fn run(hub: &Hub, cast: &Cast, dir: &Path, threads: usize, patients: &[DemoPatient]) -> Result<()> {
    let cohort = dir.join("cohort.vcf.gz");
    let fasta = dir.join("reference.fa");
    let base = genohub_sim::CohortParams { samples: 500, length: LENGTH, seed: SEED, contig: CONTIG.into(), ..Default::default() };
    let sim = genohub_sim::write_cohort(&base, &cohort, Some(&fasta))?;
    // Same seed and length: the same reference; other founders: other genotypes.
    let osaka = genohub_sim::CohortParams { samples: GVCF_SAMPLES, founders: 16, sample_prefix: "OSK".into(), ..base.clone() };
    let gvcf_dir = gvcf_dir(dir);
    std::fs::create_dir_all(&gvcf_dir).with_context(|| format!("creating {}", gvcf_dir.display()))?;
    let gvcfs = genohub_sim::write_sample_gvcfs(&osaka, &genohub_sim::CoverageParams::default(), &gvcf_dir, None)?;
    println!(
        "simulated {} samples x {LENGTH} bp ({} records) for {COHORT_CENTER}, {GVCF_SAMPLES} per-sample gVCFs for {SMALL_CENTER}",
        sim.samples, sim.records
    );

    println!("\n== sequencing centers upload (as their uploader tokens)");
    let opts = |center: &str| IngestOptions { center: center.into(), reference: Some(fasta.clone()), check_ref: RefCheck::Error, replace: false, threads };
    let tokyo = hub.authenticate(cast.token("tokyo-pipeline"))?;
    let m = tokyo.ingest(&cohort, &opts(COHORT_CENTER), &NoProgress)?;
    println!("tokyo-pipeline: ingested batch {} for {COHORT_CENTER}: {} records, {} variants, {} samples", m.id, m.records_read, m.variants, m.samples.len());

    let osaka_session = hub.authenticate(cast.token("osaka-pipeline"))?;
    let (mut batches, mut variants, mut blocks) = (Vec::new(), 0, 0);
    for g in &gvcfs {
        let m = osaka_session.ingest(&g.path, &opts(SMALL_CENTER), &NoProgress).with_context(|| format!("ingesting {}", g.path.display()))?;
        batches.push(m.id);
        variants += m.variants;
        blocks += m.ref_blocks;
    }
    let callable: u64 = gvcfs.iter().map(|g| g.callable_bp).sum();
    let uncalled: u64 = gvcfs.iter().map(|g| g.uncalled_variants).sum();
    println!(
        "osaka-pipeline: ingested {} gVCFs for {SMALL_CENTER} (batches {}-{}): {variants} variant calls, {} samples, {blocks} reference blocks covering {:.1}% of their genomes",
        gvcfs.len(),
        batches.first().copied().unwrap_or_default(),
        batches.last().copied().unwrap_or_default(),
        gvcfs.len(),
        100.0 * callable as f64 / (gvcfs.len() as u64 * LENGTH) as f64
    );
    println!("  (the rest had too little coverage to call: no block there, and {uncalled} variants the samples carry there went uncalled)");

    println!("\n== {COHORT_CENTER} deposits a few BAMs (as tokyo-pipeline)");
    let with_bam: Vec<&str> = patients.iter().filter(|p| !p.withdrawn && p.center == COHORT_CENTER).take(3).map(|p| p.sample.as_str()).collect();
    super::bams::ingest(&tokyo, dir, &base, COHORT_CENTER, &with_bam)?;
    let foreign = IngestOptions { center: COHORT_CENTER.into(), ..Default::default() };
    match osaka_session.ingest(&gvcfs[0].path, &foreign, &NoProgress) {
        Ok(_) => anyhow::bail!("an upload for another center was accepted"),
        Err(e) => println!("osaka-pipeline uploading as {COHORT_CENTER}: REFUSED ({e})"),
    }
    Ok(())
}
