//! A large subset's (het, hom-alt) at every PBWT record of a block, counted while the whole
//! PBWT order is replayed once. Following a large subset's haplotypes one by one
//! ([`crate::subset_pbwt`]) costs more than moving every slot, and the replay for
//! [`crate::BlockView`]'s own use keeps every record's slot bits (2N bits each, written and
//! read back once); here one record's bits at a time are counted against the subset's mask
//! while they are still in cache, and only two counts per record are kept.

use crate::pbwt::{self, OrderReplay, Slot};
use crate::sample_subset::SampleSubset;
use crate::variant_layout::{PaletteEntry, VariantLayout};

pub(crate) struct ReplayedSubset {
    /// By PBWT ordinal: (het, hom-alt) among the subset's samples, override samples read
    /// as 0/0 (as in [`crate::pbwt::materialize`]).
    counts: Vec<(u32, u32)>,
}

impl ReplayedSubset {
    pub(crate) fn build(gt: &[u8], layouts: &[VariantLayout], palette: &[PaletteEntry], n_samples: usize, n_pbwt: usize, subset: &SampleSubset) -> Self {
        let mut counts = Vec::with_capacity(n_pbwt);
        if n_pbwt > 0 && n_samples > 0 {
            if 2 * n_samples <= 1 << 16 {
                replay::<u16>(gt, layouts, palette, n_samples, subset, &mut counts);
            } else {
                replay::<u32>(gt, layouts, palette, n_samples, subset, &mut counts);
            }
        }
        Self { counts }
    }

    /// (het, hom-alt) at the PBWT record with this ordinal.
    pub(crate) fn diploid(&self, ordinal: u32) -> (u64, u64) {
        self.counts.get(ordinal as usize).map_or((0, 0), |&(het, hom_alt)| (het.into(), hom_alt.into()))
    }
}

fn replay<S: Slot>(gt: &[u8], layouts: &[VariantLayout], palette: &[PaletteEntry], n_samples: usize, subset: &SampleSubset, counts: &mut Vec<(u32, u32)>) {
    let n_words = n_samples.div_ceil(64);
    // The subset at the first-allele bit of each sample, in slot words of 32 samples.
    let mask: Vec<u64> = (0..2 * n_words).map(|k| pbwt::spread((subset.words().get(k / 2).copied().unwrap_or(0) >> (32 * (k % 2))) as u32)).collect();
    let mut bits = vec![0u64; (2 * n_words).max(pbwt::U16_SLOT_WORDS)];
    let mut order = OrderReplay::<S>::new(n_samples);
    let n_pbwt = counts.capacity();
    for layout in layouts {
        if counts.len() == n_pbwt {
            break;
        }
        match layout {
            VariantLayout::Pbwt(_) => {
                order.step(gt, layout, palette, Some(&mut bits));
                let (mut het, mut hom_alt) = (0u32, 0u32);
                for (&w, &m) in bits.iter().zip(&mask) {
                    het += ((w ^ w >> 1) & m).count_ones();
                    hom_alt += (w & w >> 1 & m).count_ones();
                }
                counts.push((het, hom_alt));
            }
            _ => order.step(gt, layout, palette, None),
        }
    }
}
