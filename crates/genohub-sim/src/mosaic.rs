//! Sample haplotypes as Li & Stephens mosaics of the founders.
//!
//! Each sample haplotype copies one founder at a time and switches to another founder at
//! exponentially spaced positions. Only the current founder per haplotype and a queue of
//! pending switch positions are kept, so memory is O(haplotypes), not O(haplotypes × sites).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::rng::{below, exponential, SimRng};

pub(crate) struct HaplotypeMosaic {
    founder_of: Vec<u32>,
    /// Min-heap of (next switch position, haplotype). Ties resolve by haplotype index, so the
    /// order of random draws is fully determined.
    switches: BinaryHeap<Reverse<(u64, u32)>>,
    founders: u32,
    mean_segment_bp: f64,
}

impl HaplotypeMosaic {
    pub(crate) fn new(haplotypes: usize, founders: usize, mean_segment_bp: f64, rng: &mut SimRng) -> Self {
        let founders = founders as u32;
        let mut mosaic = Self { founder_of: Vec::with_capacity(haplotypes), switches: BinaryHeap::with_capacity(haplotypes), founders, mean_segment_bp };
        for haplotype in 0..haplotypes as u32 {
            mosaic.founder_of.push(below(rng, u64::from(founders)) as u32);
            let first_switch = mosaic.segment_length(rng);
            mosaic.switches.push(Reverse((first_switch, haplotype)));
        }
        mosaic
    }

    fn segment_length(&self, rng: &mut SimRng) -> u64 {
        // At least 1 bp so the queue always advances.
        (exponential(rng, self.mean_segment_bp) as u64).max(1)
    }

    /// Applies every switch at or before `position`.
    pub(crate) fn advance_to(&mut self, position: u64, rng: &mut SimRng) {
        while let Some(&Reverse((at, haplotype))) = self.switches.peek() {
            if at > position {
                break;
            }
            self.switches.pop();
            // Switch to a *different* founder so every switch can change the copied alleles.
            let current = self.founder_of[haplotype as usize];
            let offset = 1 + below(rng, u64::from(self.founders - 1)) as u32;
            self.founder_of[haplotype as usize] = (current + offset) % self.founders;
            let next = at.saturating_add(self.segment_length(rng));
            self.switches.push(Reverse((next, haplotype)));
        }
    }

    /// The founder each haplotype currently copies; haplotypes `2i` and `2i+1` form sample `i`.
    pub(crate) fn founder_of(&self) -> &[u32] {
        &self.founder_of
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream_rng, Stream};

    #[test]
    fn segments_have_requested_mean_length() {
        let mut rng = stream_rng(4, Stream::Mosaic);
        let mut mosaic = HaplotypeMosaic::new(200, 10, 50_000.0, &mut rng);
        let mut changes = 0u64;
        let mut previous = mosaic.founder_of().to_vec();
        for position in (0..=10_000_000u64).step_by(1_000) {
            mosaic.advance_to(position, &mut rng);
            changes += previous.iter().zip(mosaic.founder_of()).filter(|(a, b)| a != b).count() as u64;
            previous.copy_from_slice(mosaic.founder_of());
        }
        // 200 haplotypes × 10 Mb / 50 kb ≈ 40,000 switches (two inside one 1 kb step are rare).
        assert!((36_000..44_000).contains(&changes), "{changes} switches");
    }
}
