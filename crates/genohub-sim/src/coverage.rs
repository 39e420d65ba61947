//! Where each sample could not be called: the low-coverage gaps of a per-sample gVCF.
//!
//! Real short-read genomes lose calling depth in two ways: regions that are hard for everyone
//! (extreme GC, segmental duplications, long repeats), where many samples drop out together,
//! and sample-private dips (library or lane effects). Both are drawn here, so that at a given
//! site some samples are callable and some are not, which is what makes the callable rule of
//! the store matter.

use crate::rng::{chance, exponential, stream_rng_indexed, SimRng, Stream};

/// How callable a simulated genome is. Defaults give ~3% of a 30× genome uncallable.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageParams {
    /// Mean distance between regions that are hard to sequence for everyone.
    pub hard_region_spacing_bp: f64,
    /// Mean length of such a region.
    pub hard_region_bp: f64,
    /// Chance that one sample's depth falls below calling depth over one hard region.
    pub hard_region_dropout: f64,
    /// Mean distance between one sample's private low-coverage gaps.
    pub private_gap_spacing_bp: f64,
    /// Mean length of a private gap.
    pub private_gap_bp: f64,
    /// Mean length of a reference block (a new block starts where the depth band changes).
    pub mean_block_bp: f64,
}

impl Default for CoverageParams {
    fn default() -> Self {
        Self {
            hard_region_spacing_bp: 25_000.0,
            hard_region_bp: 2_000.0,
            hard_region_dropout: 0.4,
            private_gap_spacing_bp: 60_000.0,
            private_gap_bp: 400.0,
            mean_block_bp: 3_000.0,
        }
    }
}

impl CoverageParams {
    pub(crate) fn validate(&self) -> Result<(), String> {
        let lengths = [
            ("hard_region_spacing_bp", self.hard_region_spacing_bp),
            ("hard_region_bp", self.hard_region_bp),
            ("private_gap_spacing_bp", self.private_gap_spacing_bp),
            ("private_gap_bp", self.private_gap_bp),
            ("mean_block_bp", self.mean_block_bp),
        ];
        for (name, value) in lengths {
            if !(value.is_finite() && value >= 1.0) {
                return Err(format!("{name} must be a finite length of at least 1 bp, got {value}"));
            }
        }
        if !(0.0..=1.0).contains(&self.hard_region_dropout) {
            return Err(format!("hard_region_dropout must be within [0, 1], got {}", self.hard_region_dropout));
        }
        Ok(())
    }
}

/// Sorted, disjoint 1-based inclusive intervals where a sample is not callable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gaps(Vec<(u64, u64)>);

impl Gaps {
    pub(crate) fn contains(&self, pos: u64) -> bool {
        let i = self.0.partition_point(|&(start, _)| start <= pos);
        i > 0 && self.0[i - 1].1 >= pos
    }

    /// The first gap ending at or after `pos`.
    pub(crate) fn next_from(&self, pos: u64) -> Option<(u64, u64)> {
        let i = self.0.partition_point(|&(_, end)| end < pos);
        self.0.get(i).copied()
    }
}

/// Intervals drawn with exponential spacing and lengths over `1..=length`.
fn scatter(rng: &mut SimRng, length: u64, spacing: f64, mean_len: f64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut at = 1u64;
    loop {
        at = at.saturating_add(exponential(rng, spacing) as u64);
        if at > length {
            return out;
        }
        let end = at.saturating_add((exponential(rng, mean_len) as u64).max(1) - 1).min(length);
        out.push((at, end));
        at = end + 1;
    }
}

/// Gaps of every sample: shared hard regions each sample drops out of by chance, plus its own.
pub(crate) fn sample_gaps(params: &CoverageParams, seed: u64, length: u64, samples: usize) -> Vec<Gaps> {
    let hard = scatter(&mut stream_rng_indexed(seed, Stream::Coverage, 0), length, params.hard_region_spacing_bp, params.hard_region_bp);
    (0..samples)
        .map(|sample| {
            let mut rng = stream_rng_indexed(seed, Stream::Coverage, 1 + sample as u64);
            let mut gaps: Vec<(u64, u64)> = hard.iter().copied().filter(|_| chance(&mut rng, params.hard_region_dropout)).collect();
            gaps.extend(scatter(&mut rng, length, params.private_gap_spacing_bp, params.private_gap_bp));
            gaps.sort_unstable();
            let mut merged: Vec<(u64, u64)> = Vec::with_capacity(gaps.len());
            for (start, end) in gaps {
                match merged.last_mut() {
                    Some(last) if start <= last.1 + 1 => last.1 = last.1.max(end),
                    _ => merged.push((start, end)),
                }
            }
            Gaps(merged)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_disjoint_share_hard_regions_and_cover_a_few_percent() {
        let params = CoverageParams::default();
        let length = 2_000_000;
        let all = sample_gaps(&params, 3, length, 20);
        let mut uncallable = 0u64;
        for gaps in &all {
            assert!(gaps.0.windows(2).all(|w| w[0].1 + 1 < w[1].0), "sorted, disjoint, not adjacent");
            assert!(gaps.0.iter().all(|&(s, e)| 1 <= s && s <= e && e <= length));
            uncallable += gaps.0.iter().map(|&(s, e)| e - s + 1).sum::<u64>();
        }
        let share = uncallable as f64 / (20 * length) as f64;
        // Expected: 0.4 × 2000 / 27000 + 400 / 60400 ≈ 3.6%.
        assert!((0.02..0.06).contains(&share), "uncallable share {share}");
        // A hard region is shared: some position is a gap for several samples at once.
        let shared = (1..length).step_by(500).map(|p| all.iter().filter(|g| g.contains(p)).count()).max().unwrap();
        assert!(shared >= 5, "at most {shared} samples share a gap");
    }

    #[test]
    fn lookups_agree_with_a_scan() {
        let gaps = Gaps(vec![(10, 20), (30, 30)]);
        for pos in 1..40 {
            assert_eq!(gaps.contains(pos), (10..=20).contains(&pos) || pos == 30, "{pos}");
        }
        assert_eq!(gaps.next_from(21), Some((30, 30)));
        assert_eq!(gaps.next_from(15), Some((10, 20)));
        assert_eq!(gaps.next_from(31), None);
    }
}
