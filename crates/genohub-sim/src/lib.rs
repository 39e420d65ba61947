//! Deterministic synthetic cohorts with realistic population-genetic structure.
//!
//! The model, in order of construction:
//! - a reference contig of random bases with homopolymers and short tandem repeats
//!   ([`reference_sequence`]);
//! - founder haplotypes whose alleles come from mutations on a local coalescent genealogy
//!   that recombines along the contig (neutral 1/i spectrum, decaying LD);
//! - diploid samples whose haplotypes are Li & Stephens mosaics of the founders;
//! - recent rare mutations on the sample haplotypes (singletons dominate);
//! - SNVs, 1-10 bp indels (often un-left-aligned inside repeats) and some multi-allelic
//!   sites, phased genotypes with a small missing rate, optional DP/GQ/AD.
//!
//! [`write_sample_gvcfs`] writes the same kind of cohort as one gVCF per sample instead, with
//! reference blocks only where the sample was callable ([`CoverageParams`]).
//!
//! Output is streamed record by record; memory is O(samples + founders), not O(samples × sites).
//! Every random draw comes from seeded ChaCha8 streams with platform-independent arithmetic,
//! so identical parameters give byte-identical VCF text on any machine.

mod carriers;
mod cohort;
mod coverage;
mod depth;
mod error;
mod genealogy;
mod gvcf;
mod mosaic;
mod params;
mod reference;
mod rng;
mod site;
mod site_generator;
mod text;
mod vcf_text;

use std::fs::File;
use std::io::Write;
use std::num::NonZero;
use std::path::Path;

use rng::{stream_rng, Stream};

pub use coverage::CoverageParams;
pub use error::SimError;
pub use gvcf::GvcfSummary;
pub use params::CohortParams;
pub use reference::reference_sequence;

/// What a simulation wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CohortSummary {
    /// Candidate variant sites drawn along the contig, including those no sample ended up
    /// carrying (which are not written).
    pub sites: u64,
    /// VCF data lines written.
    pub records: u64,
    pub samples: usize,
    pub reference_length: u64,
}

/// Writes the cohort as bgzip-compressed VCF (BGZF with EOF block) to `out`; also writes the
/// reference FASTA it was drawn from when `reference_out` is Some (plain FASTA, 60 columns,
/// plus a samtools-compatible `.fai` beside it, named `<reference_out>.fai`).
pub fn write_cohort(params: &CohortParams, out: &Path, reference_out: Option<&Path>) -> Result<CohortSummary, SimError> {
    params.validate()?;
    let reference = reference_sequence(params);
    if let Some(fasta) = reference_out {
        reference::write_fasta_with_index(fasta, &params.contig, &reference)?;
    }
    // Compression dominates the run time for large cohorts, so it gets every core.
    let workers = std::thread::available_parallelism().unwrap_or(NonZero::<usize>::MIN);
    let bgzf = noodles_bgzf::io::MultithreadedWriter::with_worker_count(workers, File::create(out)?);
    let (summary, vcf) = cohort::simulate(params, &reference, vcf_writer(params, bgzf)?)?;
    vcf.into_inner().finish()?.sync_all()?;
    Ok(summary)
}

/// Same as [`write_cohort`] but to any writer, as plain-text VCF (for tests and piping).
pub fn write_cohort_vcf<W: Write>(params: &CohortParams, mut w: W) -> Result<CohortSummary, SimError> {
    params.validate()?;
    let reference = reference_sequence(params);
    let (summary, _) = cohort::simulate(params, &reference, vcf_writer(params, &mut w)?)?;
    w.flush()?;
    Ok(summary)
}

fn vcf_writer<W: Write>(params: &CohortParams, out: W) -> Result<vcf_text::VcfTextWriter<W>, SimError> {
    Ok(vcf_text::VcfTextWriter::new(params, out, stream_rng(params.seed, Stream::Missing), stream_rng(params.seed, Stream::Depth))?)
}

/// Writes the cohort `params` describes as one bgzipped gVCF per sample, `DIR/<sample>.g.vcf.gz`
/// (sample names as in [`write_cohort`]'s header). Each holds the sample's variant records
/// (its own alleles plus `<NON_REF>`, unphased GT, DP/GQ/AD) and `<NON_REF>` reference blocks
/// with `END` and `MIN_DP` over the rest of the stretches where it was callable; gaps drawn by
/// `coverage` have neither, and a variant falling in one is not written. The genotypes are
/// those [`write_cohort`] writes for the same parameters (`missing_rate` is not used: here
/// missing calls come from the gaps). Also writes the reference FASTA (+ `.fai`) when asked.
pub fn write_sample_gvcfs(params: &CohortParams, coverage: &CoverageParams, dir: &Path, reference_out: Option<&Path>) -> Result<Vec<GvcfSummary>, SimError> {
    params.validate()?;
    coverage.validate().map_err(SimError::InvalidParams)?;
    let reference = reference_sequence(params);
    if let Some(fasta) = reference_out {
        reference::write_fasta_with_index(fasta, &params.contig, &reference)?;
    }
    let gaps = coverage::sample_gaps(coverage, params.seed, params.length, params.samples);
    let writer = gvcf::GvcfWriter::create(params, gaps, coverage.mean_block_bp, dir)?;
    let (_, writer) = cohort::simulate(params, &reference, writer)?;
    Ok(writer.finish(&reference)?)
}
