//! Places variant sites along the contig and decides their alleles.

use crate::rng::{below, chance, exponential, index_below, PowerLaw, SimRng};
use crate::site::{Edit, VariantSite};

const MAX_INDEL_BP: usize = 10;
/// Longest repeat unit treated as a microsatellite.
const MAX_REPEAT_PERIOD: usize = 6;
/// Indels are strongly enriched in repeats; this share is moved into a nearby one.
const INDEL_IN_REPEAT_SHARE: f64 = 0.7;
const REPEAT_SEARCH_BP: usize = 40;

pub(crate) struct SiteRates {
    /// Mean distance between consecutive candidate sites.
    pub mean_gap_bp: f64,
    /// Probability that a site segregates among founders (else it is a recent mutation).
    pub founder_share: f64,
    pub indel_fraction: f64,
    pub multiallelic_fraction: f64,
}

pub(crate) struct SiteGenerator<'r> {
    reference: &'r [u8],
    rng: SimRng,
    rates: SiteRates,
    /// First 1-based position the next site may use (sites never overlap).
    next_free: u64,
    indel_lengths: PowerLaw,
}

impl<'r> SiteGenerator<'r> {
    pub(crate) fn new(reference: &'r [u8], rates: SiteRates, rng: SimRng) -> Self {
        Self { reference, rng, rates, next_free: 1, indel_lengths: PowerLaw::new(MAX_INDEL_BP, 2) }
    }

    fn alt_count(&mut self) -> usize {
        if !chance(&mut self.rng, self.rates.multiallelic_fraction) {
            1
        } else if chance(&mut self.rng, 1.0 / 3.0) {
            3
        } else {
            2
        }
    }

    fn snv_edits(&mut self, anchor: usize, alts: usize) -> Vec<Edit> {
        let base = self.reference[anchor];
        // Transitions are about twice as common as transversions in real data.
        let transition = match base {
            b'A' => b'G',
            b'G' => b'A',
            b'C' => b'T',
            _ => b'C',
        };
        let mut others: Vec<u8> = b"ACGT".iter().copied().filter(|&b| b != base).collect();
        let first = if chance(&mut self.rng, 2.0 / 3.0) {
            transition
        } else {
            let transversions: Vec<u8> = others.iter().copied().filter(|&b| b != transition).collect();
            transversions[index_below(&mut self.rng, transversions.len())]
        };
        others.retain(|&b| b != first);
        let mut edits = vec![Edit::Substitution(first)];
        while edits.len() < alts {
            let base = others.swap_remove(index_below(&mut self.rng, others.len()));
            edits.push(Edit::Substitution(base));
        }
        edits
    }

    /// Returns (anchor index, edits) for an indel site near `anchor`.
    fn indel(&mut self, anchor: usize, alts: usize) -> (usize, Vec<Edit>) {
        if chance(&mut self.rng, INDEL_IN_REPEAT_SHARE) {
            if let Some(repeat) = find_repeat(self.reference, anchor, REPEAT_SEARCH_BP) {
                return self.repeat_indel(repeat, alts);
            }
        }
        let edits = self.distinct_edits(alts, |g| g.plain_indel(anchor));
        (anchor, edits)
    }

    /// A unit-multiple indel with its anchor at a random point inside the repeat, so most
    /// are not left-aligned and a normaliser has to shift them.
    fn repeat_indel(&mut self, repeat: Repeat, alts: usize) -> (usize, Vec<Edit>) {
        let offset = below(&mut self.rng, (repeat.extent - repeat.period + 1) as u64) as usize;
        let anchor = repeat.start - 1 + offset;
        let room = repeat.extent - offset;
        let unit = self.reference[anchor + 1..anchor + 1 + repeat.period].to_vec();
        let max_units = MAX_INDEL_BP / repeat.period;
        let edits = self.distinct_edits(alts, |g| {
            let units = PowerLaw::new(max_units, 2).sample(&mut g.rng);
            if units * repeat.period <= room && chance(&mut g.rng, 0.5) {
                Edit::Deletion(units * repeat.period)
            } else {
                Edit::Insertion(unit.repeat(units))
            }
        });
        (anchor, edits)
    }

    fn plain_indel(&mut self, anchor: usize) -> Edit {
        let len = self.indel_lengths.sample(&mut self.rng);
        if anchor + len < self.reference.len() && chance(&mut self.rng, 0.5) {
            Edit::Deletion(len)
        } else {
            Edit::Insertion((0..len).map(|_| b"ACGT"[below(&mut self.rng, 4) as usize]).collect())
        }
    }

    /// Up to `count` different edits from `draw` (fewer if `draw` keeps repeating itself).
    fn distinct_edits(&mut self, count: usize, mut draw: impl FnMut(&mut Self) -> Edit) -> Vec<Edit> {
        let mut edits = vec![draw(self)];
        for _ in 0..20 * count {
            if edits.len() == count {
                break;
            }
            let edit = draw(self);
            if !edits.contains(&edit) {
                edits.push(edit);
            }
        }
        edits
    }
}

impl Iterator for SiteGenerator<'_> {
    type Item = VariantSite;

    fn next(&mut self) -> Option<VariantSite> {
        let gap = exponential(&mut self.rng, self.rates.mean_gap_bp) as u64;
        let position = self.next_free.saturating_add(gap);
        if position > self.reference.len() as u64 {
            return None;
        }
        let from_founders = chance(&mut self.rng, self.rates.founder_share);
        let alts = self.alt_count();
        let anchor = (position - 1) as usize;
        let (anchor, edits) = if chance(&mut self.rng, self.rates.indel_fraction) { self.indel(anchor, alts) } else { (anchor, self.snv_edits(anchor, alts)) };
        let site = VariantSite { position: anchor as u64 + 1, edits, from_founders };
        self.next_free = site.end() + 1;
        Some(site)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Repeat {
    /// 0-based index of the first repeat base.
    start: usize,
    period: usize,
    /// Number of bases from `start` that are periodic with `period`.
    extent: usize,
}

/// The first tandem repeat starting within `window` bases after `anchor` (exclusive).
fn find_repeat(reference: &[u8], anchor: usize, window: usize) -> Option<Repeat> {
    let last_start = (anchor + window).min(reference.len());
    (anchor + 1..last_start).find_map(|start| {
        (1..=MAX_REPEAT_PERIOD).find_map(|period| {
            let extent = periodic_extent(reference, start, period);
            (extent >= 2 * period && extent >= 4).then_some(Repeat { start, period, extent })
        })
    })
}

fn periodic_extent(reference: &[u8], start: usize, period: usize) -> usize {
    let mut end = start + period;
    while end < reference.len() && reference[end] == reference[end - period] {
        end += 1;
    }
    end.min(reference.len()) - start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dinucleotide_repeat_after_anchor() {
        let reference = b"GATCCACACACAGT";
        let repeat = find_repeat(reference, 0, 40).unwrap();
        // "CC" is too short; "CACACACA" from index 4 is periodic with period 2 for 8 bases.
        assert_eq!(repeat, Repeat { start: 4, period: 2, extent: 8 });
    }

    #[test]
    fn extent_stops_at_contig_end() {
        assert_eq!(periodic_extent(b"AAAA", 1, 1), 3);
        assert!(find_repeat(b"ACGTAC", 0, 40).is_none());
    }
}
