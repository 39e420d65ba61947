//! The allele-frequency spectrum as `bcftools +af-dist` computes it, with AF = AC/AN of the
//! cohort (what `bcftools +fill-tags -t AF | bcftools +af-dist` gives), plus a site spectrum.

use std::io::Write;

use genohub_codec::GenotypeCounts;
use genohub_store::{Region, Store};

use crate::bins::Bins;
use crate::error::Result;
use crate::plan::ScanPlan;
use crate::samples::{resolve, SampleSource};
use crate::scan::scan;

#[derive(Debug, Clone)]
pub struct AfDistRequest {
    pub regions: Vec<Region>,
    pub samples: SampleSource,
    /// Bins of the genotype probability 2·AF·(1−AF) (het) and AF² (hom-alt).
    pub prob_bins: Bins,
    /// Bins of |AF − observed alt fraction of complete genotypes|.
    pub dev_bins: Bins,
    /// Bins of AF for the site spectrum.
    pub af_bins: Bins,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AfDist {
    pub prob_bins: Bins,
    pub dev_bins: Bins,
    pub af_bins: Bins,
    /// Genotypes by bin of their HWE probability (bcftools PROB_DIST).
    pub prob: Vec<u64>,
    /// Sites by AF deviation (bcftools DEV_DIST).
    pub dev: Vec<u64>,
    /// Polymorphic sites (AC > 0) by AF.
    pub sites_by_af: Vec<u64>,
    pub sites: u64,
    pub samples: usize,
}

/// What one site adds to the histograms.
struct SiteBins {
    het: (usize, u64),
    hom_alt: (usize, u64),
    dev: Option<usize>,
    af: Option<usize>,
}

fn site_bins(req: &AfDistRequest, c: &GenotypeCounts) -> Option<SiteBins> {
    if c.an == 0 {
        return None;
    }
    // bcftools stores AF as a float computed in single precision, and bins in single precision.
    let af = c.ac as f32 / c.an as f32;
    let p_het = 2.0 * af * (1.0 - af);
    let p_hom = af * af;
    let nals = 2 * (c.hom_ref + c.het + c.hom_alt);
    let nalt = c.het + 2 * c.hom_alt;
    let dev = (nals > 0 && (nalt > 0 || af != 0.0)).then(|| req.dev_bins.index((af - nalt as f32 / nals as f32).abs()));
    Some(SiteBins {
        het: (req.prob_bins.index(p_het), c.het),
        hom_alt: (req.prob_bins.index(p_hom), c.hom_alt),
        dev,
        af: (c.ac > 0).then(|| req.af_bins.index(af)),
    })
}

pub fn afdist(store: &Store, req: &AfDistRequest) -> Result<AfDist> {
    let resolved = resolve(store, &req.samples)?;
    let plan = ScanPlan::new(store, &[&resolved], &req.regions)?;
    let mut d = AfDist {
        prob_bins: req.prob_bins.clone(),
        dev_bins: req.dev_bins.clone(),
        af_bins: req.af_bins.clone(),
        prob: vec![0; req.prob_bins.len()],
        dev: vec![0; req.dev_bins.len()],
        sites_by_af: vec![0; req.af_bins.len()],
        sites: 0,
        samples: resolved.samples.len(),
    };
    let mut sites = 0;
    scan(
        store,
        &plan,
        |site| Ok(site_bins(req, &site.counts(0))),
        |b| {
            d.prob[b.het.0] += b.het.1;
            d.prob[b.hom_alt.0] += b.hom_alt.1;
            if let Some(i) = b.dev {
                d.dev[i] += 1;
            }
            if let Some(i) = b.af {
                d.sites_by_af[i] += 1;
            }
            Ok(())
        },
    )
    .map(|n| sites = n)?;
    d.sites = sites;
    Ok(d)
}

impl AfDist {
    /// Text in bcftools `+af-dist`'s layout (PROB_DIST and DEV_DIST lines are identical to
    /// its output on the same genotypes), then the AF_DIST site spectrum.
    pub fn write_text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "# genohub afdist: {} samples, {} sites", self.samples, self.sites)?;
        writeln!(out, "# PROB_DIST, genotype probability distribution, assumes HWE")?;
        section(out, "PROB_DIST", &self.prob_bins, &self.prob)?;
        writeln!(out, "# DEV_DIST, distribution of AF deviation, based on AF = AC/AN of the samples, AC and AN of complete genotypes")?;
        section(out, "DEV_DIST", &self.dev_bins, &self.dev)?;
        writeln!(out, "# AF_DIST, polymorphic sites (AC > 0) by alternate allele frequency (genohub addition)")?;
        section(out, "AF_DIST", &self.af_bins, &self.sites_by_af)
    }
}

fn section(out: &mut dyn Write, tag: &str, bins: &Bins, counts: &[u64]) -> std::io::Result<()> {
    for (i, count) in counts.iter().enumerate().take(bins.len() - 1) {
        writeln!(out, "{tag}\t{:.6}\t{:.6}\t{count}", bins.edge(i), bins.edge(i + 1))?;
    }
    Ok(())
}
