//! The simulation loop: walks the contig site by site and streams VCF records.

use std::io;

use crate::carriers::RecentMutations;
use crate::genealogy::FounderGenealogy;
use crate::mosaic::HaplotypeMosaic;
use crate::rng::{exponential, stream_rng, Stream};
use crate::site::VariantSite;
use crate::site_generator::{SiteGenerator, SiteRates};
use crate::{CohortParams, CohortSummary, SimError};

/// Sites segregating among the founders: about one per 400 bp (human-like diversity).
const FOUNDER_SITES_PER_BP: f64 = 1.0 / 400.0;
/// Recent mutations per bp per unit of ln(haplotypes): the number of segregating sites grows
/// roughly logarithmically with cohort size (Watterson), mostly through rare variants.
const RECENT_SITES_PER_BP_PER_LN_HAPLOTYPE: f64 = 1.0 / 2_000.0;
/// Mean length of the founder segments a sample haplotype copies (Li & Stephens switches).
const MEAN_MOSAIC_SEGMENT_BP: f64 = 80_000.0;
/// Mean distance between recombinations in the founders' genealogy; sets how fast LD decays.
const MEAN_GENEALOGY_CHANGE_BP: f64 = 10_000.0;

/// Where simulated records go: one multi-sample VCF, or one gVCF per sample.
pub(crate) trait RecordSink {
    /// `alleles[2i]` and `alleles[2i + 1]` are sample `i`'s haplotypes at `site`.
    fn write_record(&mut self, site: &VariantSite, reference: &[u8], alleles: &[u8]) -> io::Result<()>;
}

pub(crate) fn simulate<S: RecordSink>(params: &CohortParams, reference: &[u8], mut sink: S) -> Result<(CohortSummary, S), SimError> {
    params.validate()?;
    let haplotypes = 2 * params.samples;
    let seed = params.seed;

    let mut genealogy_rng = stream_rng(seed, Stream::Genealogy);
    let mut genealogy = FounderGenealogy::kingman(params.founders, &mut genealogy_rng);
    let mut next_genealogy_change = exponential(&mut genealogy_rng, MEAN_GENEALOGY_CHANGE_BP);

    let mut mosaic_rng = stream_rng(seed, Stream::Mosaic);
    let mut mosaic = HaplotypeMosaic::new(haplotypes, params.founders, MEAN_MOSAIC_SEGMENT_BP, &mut mosaic_rng);
    let mut recent = RecentMutations::new(haplotypes, stream_rng(seed, Stream::Carriers));
    let sites = SiteGenerator::new(reference, site_rates(params, haplotypes), stream_rng(seed, Stream::Sites));

    let mut founder_alleles = vec![0u8; params.founders];
    let mut alleles = vec![0u8; haplotypes];
    let mut summary = CohortSummary { sites: 0, records: 0, samples: params.samples, reference_length: reference.len() as u64 };
    for mut site in sites {
        summary.sites += 1;
        while next_genealogy_change <= site.position as f64 {
            genealogy.recombine(&mut genealogy_rng);
            next_genealogy_change += exponential(&mut genealogy_rng, MEAN_GENEALOGY_CHANGE_BP);
        }
        mosaic.advance_to(site.position, &mut mosaic_rng);
        let founder_of = mosaic.founder_of();
        if site.from_founders {
            founder_alleles.fill(0);
            for allele in 1..=site.edits.len() as u8 {
                let branch = genealogy.sample_branch(&mut genealogy_rng);
                genealogy.paint_descendants(branch, allele, &mut founder_alleles);
            }
            for (a, &founder) in alleles.iter_mut().zip(founder_of) {
                *a = founder_alleles[founder as usize];
            }
        } else {
            alleles.fill(0);
            for allele in 1..=site.edits.len() as u8 {
                recent.paint(founder_of, allele, &mut alleles);
            }
        }
        // Later alleles may overwrite earlier ones, and few samples may miss a founder
        // allele entirely; only alleles someone carries are written.
        if site.drop_absent_alleles(&mut alleles) {
            sink.write_record(&site, reference, &alleles)?;
            summary.records += 1;
        }
    }
    Ok((summary, sink))
}

fn site_rates(params: &CohortParams, haplotypes: usize) -> SiteRates {
    let recent = RECENT_SITES_PER_BP_PER_LN_HAPLOTYPE * crate::rng::portable_ln(1.0 + haplotypes as f64);
    let total = FOUNDER_SITES_PER_BP + recent;
    SiteRates {
        mean_gap_bp: 1.0 / total,
        founder_share: FOUNDER_SITES_PER_BP / total,
        indel_fraction: params.indel_fraction,
        multiallelic_fraction: params.multiallelic_fraction,
    }
}
