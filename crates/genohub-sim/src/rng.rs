//! Deterministic random draws.
//!
//! Everything here uses only integer arithmetic and IEEE-754 basic operations (which are
//! correctly rounded, hence identical on every platform) so that a seed yields the same
//! bytes on any machine. In particular `f64::ln` is avoided because it comes from the
//! platform's libm, whose last-bit rounding differs between systems.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) type SimRng = ChaCha8Rng;

/// Independent random streams, so that e.g. turning on depth fields does not change genotypes.
#[derive(Clone, Copy)]
pub(crate) enum Stream {
    Reference = 1,
    Genealogy = 2,
    Sites = 3,
    Mosaic = 4,
    Carriers = 5,
    Missing = 6,
    Depth = 7,
    /// Per-sample callability of gVCFs (index 0: shared hard regions; 1 + i: sample i).
    Coverage = 8,
    /// Per-sample gVCF depth fields (index i: sample i).
    GvcfDepth = 9,
}

pub(crate) fn stream_rng(seed: u64, stream: Stream) -> SimRng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// One of many independent streams of the same kind, e.g. one per sample.
pub(crate) fn stream_rng_indexed(seed: u64, stream: Stream, index: u64) -> SimRng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((stream as u64) << 40) | index);
    rng
}

/// Uniform integer in `0..n` (Lemire's multiply-shift with rejection, no modulo bias).
pub(crate) fn below(rng: &mut SimRng, n: u64) -> u64 {
    assert!(n > 0, "below(0) has no valid result");
    let mut product = u128::from(rng.next_u64()) * u128::from(n);
    if (product as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (product as u64) < threshold {
            product = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (product >> 64) as u64
}

/// Uniform `usize` in `0..n`; drawn through u64 so 32-bit hosts agree with 64-bit ones.
pub(crate) fn index_below(rng: &mut SimRng, n: usize) -> usize {
    below(rng, n as u64) as usize
}

/// Uniform float in `[0, 1)` with 53 random bits.
pub(crate) fn unit(rng: &mut SimRng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `true` with probability `p`.
pub(crate) fn chance(rng: &mut SimRng, p: f64) -> bool {
    unit(rng) < p
}

/// Exponential waiting time with the given mean.
pub(crate) fn exponential(rng: &mut SimRng, mean: f64) -> f64 {
    // (0, 1] so the logarithm is finite.
    let u = ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64);
    -portable_ln(u) * mean
}

/// Number of failures before the first success of a Bernoulli(p) process.
pub(crate) fn geometric_failures(rng: &mut SimRng, p: f64) -> u64 {
    if p <= 0.0 {
        return u64::MAX;
    }
    if p >= 1.0 {
        return 0;
    }
    let draws = exponential(rng, 1.0) / -portable_ln(1.0 - p);
    if draws >= u64::MAX as f64 {
        u64::MAX
    } else {
        draws as u64
    }
}

/// Natural logarithm built from basic IEEE operations only (bit-identical everywhere).
///
/// Splits `x = m * 2^e` with `m` in `[sqrt(1/2), sqrt(2)]` and evaluates
/// `ln m = 2 atanh((m-1)/(m+1))` by its series, which converges fast for `|s| <= 0.172`.
pub(crate) fn portable_ln(x: f64) -> f64 {
    assert!(x > 0.0 && x.is_finite(), "portable_ln needs a positive finite input");
    let (mut x, mut exponent) = (x, 0i64);
    if x < f64::MIN_POSITIVE {
        // Subnormal: scale into the normal range first.
        x *= (1u64 << 54) as f64;
        exponent -= 54;
    }
    let bits = x.to_bits();
    exponent += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut mantissa = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if mantissa > std::f64::consts::SQRT_2 {
        mantissa *= 0.5;
        exponent += 1;
    }
    let s = (mantissa - 1.0) / (mantissa + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut series = 0.0;
    for k in 0..14 {
        series += term / (2 * k + 1) as f64;
        term *= s2;
    }
    exponent as f64 * std::f64::consts::LN_2 + 2.0 * series
}

/// Draws an integer in `1..=max` with probability proportional to `1 / k^power`.
pub(crate) struct PowerLaw {
    cumulative: Vec<f64>,
}

impl PowerLaw {
    /// `power` is 1 (neutral spectrum) or 2 (steeper, excess of very rare variants).
    pub(crate) fn new(max: usize, power: u32) -> Self {
        let mut total = 0.0;
        let cumulative = (1..=max.max(1))
            .map(|k| {
                // Repeated multiplication rather than `powi`, whose LLVM lowering is not pinned down.
                let denominator = (0..power).fold(1.0, |acc, _| acc * k as f64);
                total += 1.0 / denominator;
                total
            })
            .collect();
        Self { cumulative }
    }

    pub(crate) fn sample(&self, rng: &mut SimRng) -> usize {
        let total = *self.cumulative.last().expect("non-empty table");
        let target = unit(rng) * total;
        let index = self.cumulative.partition_point(|&c| c <= target);
        index.min(self.cumulative.len() - 1) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_ln_matches_std_closely() {
        for &x in &[1e-300, 1e-17, 0.001, 0.3, 0.5, 0.999, 1.0, 1.5, 2.0, 10.0, 1e10] {
            let err = (portable_ln(x) - x.ln()).abs();
            assert!(err <= 1e-13 * x.ln().abs().max(1.0), "ln({x}) off by {err}");
        }
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = stream_rng(7, Stream::Sites);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            seen[below(&mut rng, 7) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn power_law_favours_small_values() {
        let mut rng = stream_rng(3, Stream::Sites);
        let law = PowerLaw::new(50, 2);
        let draws: Vec<usize> = (0..10_000).map(|_| law.sample(&mut rng)).collect();
        let ones = draws.iter().filter(|&&k| k == 1).count() as f64 / 10_000.0;
        // 1 / zeta_50(2) ~= 0.62
        assert!((0.58..0.66).contains(&ones), "P(1) = {ones}");
        assert!(draws.iter().all(|&k| (1..=50).contains(&k)));
    }

    #[test]
    fn geometric_mean_matches_rate() {
        let mut rng = stream_rng(5, Stream::Missing);
        let n = 20_000;
        let total: u64 = (0..n).map(|_| geometric_failures(&mut rng, 0.01)).sum();
        let mean = total as f64 / n as f64;
        assert!((90.0..110.0).contains(&mean), "mean gap {mean}");
    }
}
