//! Recent mutations on the sample haplotypes themselves.
//!
//! Large cohorts are dominated by variants younger than the founders' common ancestry:
//! singletons and doubletons. Their carrier counts are drawn steeper than neutral
//! (∝ 1/k², mimicking recent population growth), and extra carriers are taken from
//! haplotypes copying the same founder, as relatives sharing a recent ancestor would be.

use crate::rng::{index_below, PowerLaw, SimRng};

/// Largest carrier count of a recent mutation.
const MAX_RECENT_CARRIERS: usize = 50;

pub(crate) struct RecentMutations {
    counts: PowerLaw,
    rng: SimRng,
    same_background: Vec<u32>,
}

impl RecentMutations {
    pub(crate) fn new(haplotypes: usize, rng: SimRng) -> Self {
        Self { counts: PowerLaw::new(MAX_RECENT_CARRIERS.min(haplotypes), 2), rng, same_background: Vec::new() }
    }

    /// Gives `allele` to a handful of haplotypes.
    pub(crate) fn paint(&mut self, founder_of: &[u32], allele: u8, alleles: &mut [u8]) {
        let carriers = self.counts.sample(&mut self.rng);
        let first = index_below(&mut self.rng, alleles.len());
        alleles[first] = allele;
        if carriers == 1 {
            return;
        }
        let background = founder_of[first];
        self.same_background.clear();
        self.same_background.extend((0..founder_of.len() as u32).filter(|&h| h as usize != first && founder_of[h as usize] == background));
        for _ in 1..carriers {
            let haplotype = if self.same_background.is_empty() {
                index_below(&mut self.rng, alleles.len())
            } else {
                let pick = index_below(&mut self.rng, self.same_background.len());
                self.same_background.swap_remove(pick) as usize
            };
            alleles[haplotype] = allele;
        }
    }
}
