//! Per-variant allele and genotype counts with the HWE exact test: what
//! `bcftools +fill-tags -t AC,AN,AF,HWE` and `plink2 --freq --geno-counts --hardy` report.

use genohub_codec::GenotypeCounts;
use genohub_store::{Region, ResolvedSamples, Store, StoreError};
use serde::Serialize;

use crate::error::Result;
use crate::freq_line::FreqLine;
use crate::plan::ScanPlan;
use crate::samples::{resolve, SampleSource};
use crate::scan::scan;

#[derive(Debug, Clone)]
pub struct FreqRequest {
    pub regions: Vec<Region>,
    pub samples: SampleSource,
}

/// One variant's counts over the selected samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreqRow {
    pub chrom: String,
    pub pos: u64,
    pub id: String,
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(rename = "alt")]
    pub alternate: String,
    /// Alt alleles among called alleles (half-calls like `./1` included, as bcftools).
    pub ac: u64,
    /// Called alleles.
    pub an: u64,
    /// `ac / an`; `None` when nothing was called.
    pub af: Option<f64>,
    pub hom_ref: u64,
    pub het: u64,
    pub hom_alt: u64,
    pub hap_ref: u64,
    pub hap_alt: u64,
    /// Samples without a complete call (`./.`, `./1`, `.`, or no data and not callable).
    pub missing: u64,
    /// Hardy–Weinberg exact p-value over the complete diploid calls.
    pub hwe_p: f64,
}

impl FreqRow {
    pub fn new(chrom: &str, site: &genohub_store::block::StoredSite, c: &GenotypeCounts) -> FreqRow {
        FreqLine::new(chrom, site, c).to_row()
    }

    pub const TSV_HEADER: &'static str = "#CHROM\tPOS\tID\tREF\tALT\tAC\tAN\tAF\tHOM_REF\tHET\tHOM_ALT\tHAP_REF\tHAP_ALT\tMISSING\tHWE_P";

    pub fn write_tsv(&self, out: &mut Vec<u8>) {
        FreqLine::of(self).write_tsv(out)
    }
}

/// Computes a [`FreqRow`] per variant of the request, in genomic order, handing each to
/// `sink`. Returns the number of variants. Samples are resolved (and refused) first.
pub fn freq(store: &Store, req: &FreqRequest, sink: impl FnMut(FreqRow) -> Result<(), StoreError>) -> Result<u64> {
    freq_resolved(store, &resolve(store, &req.samples)?, &req.regions, sink)
}

/// [`freq`] over samples already resolved: a caller that keeps a resolution between queries
/// (the governance layer's scope cache) skips resolving thousands of names per call.
pub fn freq_resolved(store: &Store, resolved: &ResolvedSamples, regions: &[Region], mut sink: impl FnMut(FreqRow) -> Result<(), StoreError>) -> Result<u64> {
    let plan = ScanPlan::new(store, &[resolved], regions)?;
    let mut n = 0u64;
    scan(
        store,
        &plan,
        |site| Ok(Some(FreqRow::new(site.contig, site.site, &site.counts(0)))),
        |row| {
            n += 1;
            sink(row)
        },
    )?;
    Ok(n)
}
