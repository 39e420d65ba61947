//! Popcount kernels for dense variants: 64 samples per step, no per-sample work.

use crate::dense_planes::DensePlanes;
use crate::genotype_counts::GenotypeCounts;

/// Which samples to count, one 64-bit word at a time.
pub(crate) trait SampleMask {
    fn word(&self, i: usize) -> u64;
    /// Number of set bits over all words.
    fn total(&self) -> u64;
}

pub(crate) struct AllSamples<'p, 'a>(pub &'p DensePlanes<'a>, pub u64);

impl SampleMask for AllSamples<'_, '_> {
    #[inline]
    fn word(&self, i: usize) -> u64 {
        self.0.valid_mask(i)
    }
    fn total(&self) -> u64 {
        self.1
    }
}

pub(crate) struct SubsetWords<'w>(pub &'w [u64], pub u64);

impl SampleMask for SubsetWords<'_> {
    #[inline]
    fn word(&self, i: usize) -> u64 {
        self.0.get(i).copied().unwrap_or(0)
    }
    fn total(&self) -> u64 {
        self.1
    }
}

/// Plane indices of the signature bits.
const LOW1: usize = 0;
const HIGH1: usize = 1;
const LOW2: usize = 2;
const HIGH2: usize = 3;

pub(crate) fn count<M: SampleMask>(planes: &DensePlanes<'_>, mask: &M) -> GenotypeCounts {
    let no_high_bits = [HIGH1, HIGH2].iter().all(|&p| !planes.is_stored(p) && !planes.default_bit(p));
    if no_high_bits {
        count_called_diploid(planes, mask)
    } else {
        count_general(planes, mask)
    }
}

/// Every sample is a fully called diploid (no missing, haploid or extended), which is
/// the usual common variant: two popcounts per 64 samples.
fn count_called_diploid<M: SampleMask>(planes: &DensePlanes<'_>, mask: &M) -> GenotypeCounts {
    let (mut het, mut hom_alt) = (0u64, 0u64);
    for i in 0..planes.n_words() {
        let m = mask.word(i);
        let a1 = planes.actual_word(LOW1, i);
        let a2 = planes.actual_word(LOW2, i);
        het += u64::from(((a1 ^ a2) & m).count_ones());
        hom_alt += u64::from((a1 & a2 & m).count_ones());
    }
    let total = mask.total();
    GenotypeCounts { hom_ref: total - het - hom_alt, het, hom_alt, ac: het + 2 * hom_alt, an: 2 * total, ..GenotypeCounts::default() }
}

fn count_general<M: SampleMask>(planes: &DensePlanes<'_>, mask: &M) -> GenotypeCounts {
    let mut c = GenotypeCounts::default();
    let (mut diploid, mut haploid) = (0u64, 0u64);
    let pc = |w: u64| u64::from(w.count_ones());
    for i in 0..planes.n_words() {
        let m = mask.word(i);
        let l1 = planes.actual_word(LOW1, i);
        let h1 = planes.actual_word(HIGH1, i);
        let l2 = planes.actual_word(LOW2, i);
        let h2 = planes.actual_word(HIGH2, i);
        // Extended calls are counted from the extended list instead.
        let ordinary = m & !(l1 & h1);
        let absent2 = l2 & h2;
        let dip = ordinary & !absent2;
        let hap = ordinary & absent2;
        let (ref1, alt1) = (!l1 & !h1, l1 & !h1);
        let (ref2, alt2) = (!l2 & !h2, l2 & !h2);
        diploid += pc(dip);
        haploid += pc(hap);
        c.hom_ref += pc(dip & ref1 & ref2);
        c.het += pc(dip & ((ref1 & alt2) | (alt1 & ref2)));
        c.hom_alt += pc(dip & alt1 & alt2);
        c.hap_ref += pc(hap & ref1);
        c.hap_alt += pc(hap & alt1);
        c.ac += pc(ordinary & alt1) + pc(ordinary & alt2);
        c.an += pc(ordinary & !h1) + pc(ordinary & !h2);
    }
    c.missing = diploid - c.hom_ref - c.het - c.hom_alt;
    c.hap_missing = haploid - c.hap_ref - c.hap_alt;
    c
}
