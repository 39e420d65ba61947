//! `genohub demo`: the main job on an embedded default. Simulates a cohort with its reference,
//! ingests it normalised, queries a region and prints what the store holds.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use genohub_store::{IngestOptions, NoProgress, RefCheck, SampleSelection, Store, ViewRequest};

pub fn run(_store: &Path, workdir: &Path, threads: usize) -> Result<()> {
    let store_dir = workdir.join("store");
    if store_dir.exists() {
        std::fs::remove_dir_all(&store_dir).with_context(|| format!("clearing {}", store_dir.display()))?;
    }
    std::fs::create_dir_all(workdir)?;
    let vcf = workdir.join("cohort.vcf.gz");
    let fasta = workdir.join("cohort.fa");
    let params = genohub_sim::CohortParams { samples: 500, length: 2_000_000, seed: 42, with_depth: false, ..Default::default() };
    let t = Instant::now();
    let sim = genohub_sim::write_cohort(&params, &vcf, Some(&fasta))?;
    println!("simulated {} samples x {} bp: {} records -> {} ({:.1}s)", sim.samples, params.length, sim.records, vcf.display(), t.elapsed().as_secs_f64());

    let store = Store::open(&store_dir)?;
    let t = Instant::now();
    let opts = IngestOptions { center: "demo-center".into(), reference: Some(fasta.clone()), check_ref: RefCheck::Error, replace: false, threads };
    let m = store.ingest(&vcf, &opts, &NoProgress)?;
    println!(
        "ingested batch {} in {:.2}s: {} records, {} biallelic variants after split/normalise, {} samples",
        m.id,
        t.elapsed().as_secs_f64(),
        m.records_read,
        m.variants,
        m.samples.len()
    );

    let region = format!("{}:500001-600000", params.contig);
    let req = ViewRequest {
        regions: vec![region.parse().map_err(|e| anyhow::anyhow!("{e}"))?],
        samples: SampleSelection::Names(vec!["SIM00001".into(), "SIM00002".into(), "SIM00003".into()]),
    };
    let plan = store.plan_view(&req)?;
    let mut text = Vec::new();
    let t = Instant::now();
    let n = store.write_view(&plan, &mut |b| {
        text.extend_from_slice(b);
        Ok(())
    })?;
    println!("view {region} -s SIM00001,SIM00002,SIM00003: {n} records in {:.3}s; first records:", t.elapsed().as_secs_f64());
    for line in String::from_utf8_lossy(&text).lines().take(5) {
        println!("  {line}");
    }
    store.compact()?;
    let s = store.stats()?;
    let vcf_bytes = std::fs::metadata(&vcf)?.len();
    println!(
        "store: {} sites, {} samples, {} genotype calls, {} bytes on disk ({:.4} bytes/call; input vcf.gz {} bytes)",
        s.sites, s.samples, s.genotype_calls, s.disk_bytes, s.bytes_per_call, vcf_bytes
    );
    println!("store directory: {}  (try: genohub --store {} view {region} | head)", store_dir.display(), store_dir.display());
    Ok(())
}
