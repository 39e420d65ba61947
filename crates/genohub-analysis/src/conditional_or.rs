//! The conditional maximum-likelihood odds ratio of a 2×2 table and its exact confidence
//! interval, as R's `fisher.test` and SciPy's `odds_ratio(kind="conditional")` report them:
//! given the margins, the count `a` follows Fisher's noncentral hypergeometric law with odds
//! ratio ψ; the estimate solves E_ψ[a] = observed a, and the two-sided interval bounds solve
//! P_ψ(A ≥ a) = α/2 (low) and P_ψ(A ≤ a) = α/2 (high) (Cornfield's exact interval).

use crate::fisher::Table;

/// The conditional MLE and its exact 95% interval (`0` or `inf` at the ends of the support).
/// When the margins leave a single possible table the data say nothing about ψ: the estimate
/// is NaN and the interval (0, inf), as SciPy reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConditionalOdds {
    pub odds_ratio: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The law of `a` given the margins: log central-hypergeometric weights for a = lo..=hi,
/// relative to the mode (exact ratio recurrence in log space).
struct NoncentralHypergeometric {
    lo: u64,
    log_weights: Vec<f64>,
}

/// Moments of the law at log odds ratio `t`, restricted to the terms that matter in double
/// precision.
struct Moments {
    mean: f64,
    variance: f64,
    /// P(A ≤ x) and the derivative of that probability in t.
    cdf_le: f64,
    d_cdf_le: f64,
    /// P(A ≥ x) and its derivative in t.
    cdf_ge: f64,
    d_cdf_ge: f64,
}

impl NoncentralHypergeometric {
    fn new(t: Table) -> Self {
        let row1 = t.a + t.b;
        let col1 = t.a + t.c;
        let n = t.a + t.b + t.c + t.d;
        let lo = (row1 + col1).saturating_sub(n);
        let hi = row1.min(col1);
        let mut log_weights = Vec::with_capacity((hi - lo + 1) as usize);
        let mut w = 0.0f64;
        log_weights.push(0.0);
        for x in lo..hi {
            // P(x+1)/P(x) = (row1 − x)(col1 − x) / ((x + 1)(n − row1 − col1 + x + 1))
            w += ((row1 - x) as f64).ln() + ((col1 - x) as f64).ln() - ((x + 1) as f64).ln() - ((n + x + 1 - row1 - col1) as f64).ln();
            log_weights.push(w);
        }
        NoncentralHypergeometric { lo, log_weights }
    }

    fn hi(&self) -> u64 {
        self.lo + self.log_weights.len() as u64 - 1
    }

    /// Index of the largest tilted weight: ln w_k + t·k is concave in k (the hypergeometric
    /// law is log-concave), so the first k whose next step goes down is found by bisection.
    fn argmax(&self, t: f64) -> usize {
        let lw = &self.log_weights;
        let (mut lo, mut hi) = (0usize, lw.len() - 1);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if lw[mid + 1] - lw[mid] + t > 0.0 {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Only terms within e^−50 of the largest are summed (walking out from it; the rest are
    /// below double rounding of the sums), so a wide support costs a few standard deviations.
    fn moments(&self, t: f64, x: u64) -> Moments {
        const CUTOFF: f64 = -50.0;
        let top = self.argmax(t);
        let tilted = |i: usize| self.log_weights[i] + t * (self.lo + i as u64) as f64;
        let max = tilted(top);
        let (mut s0, mut s1, mut s2, mut le0, mut le1, mut ge0, mut ge1) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let mut add = |i: usize, e: f64| {
            let k = (self.lo + i as u64) as f64;
            let w = e.exp();
            s0 += w;
            s1 += w * k;
            s2 += w * k * k;
            if self.lo + i as u64 <= x {
                le0 += w;
                le1 += w * k;
            }
            if self.lo + i as u64 >= x {
                ge0 += w;
                ge1 += w * k;
            }
        };
        for i in top..self.log_weights.len() {
            let e = tilted(i) - max;
            if e < CUTOFF {
                break;
            }
            add(i, e);
        }
        for i in (0..top).rev() {
            let e = tilted(i) - max;
            if e < CUTOFF {
                break;
            }
            add(i, e);
        }
        let mean = s1 / s0;
        let (cdf_le, cdf_ge) = (le0 / s0, ge0 / s0);
        Moments {
            mean,
            variance: (s2 / s0 - mean * mean).max(0.0),
            cdf_le,
            // d/dt E[1{A ≤ x}] = E[A·1{A ≤ x}] − P(A ≤ x)·E[A]
            d_cdf_le: le1 / s0 - cdf_le * mean,
            cdf_ge,
            d_cdf_ge: ge1 / s0 - cdf_ge * mean,
        }
    }
}

/// Root in t = ln ψ of an increasing function `f` (value, derivative): Newton steps kept
/// inside a bracket that is bisected when Newton leaves it or stalls.
fn solve_increasing(f: impl Fn(f64) -> (f64, f64)) -> f64 {
    // Bracket: widen from [−1, 1] (ψ between e^−700 and e^700 covers every table in double).
    let (mut lo, mut hi) = (-1.0f64, 1.0f64);
    while f(lo).0 > 0.0 && lo > -700.0 {
        lo *= 2.0;
    }
    while f(hi).0 < 0.0 && hi < 700.0 {
        hi *= 2.0;
    }
    let mut t = 0.5 * (lo + hi);
    for _ in 0..200 {
        let (v, d) = f(t);
        if v == 0.0 {
            return t;
        }
        if v < 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        let newton = t - v / d;
        let next = if d > 0.0 && newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
        if (next - t).abs() <= 1e-14 * (1.0 + t.abs()) || hi - lo <= 1e-14 * (1.0 + t.abs()) {
            return next;
        }
        t = next;
    }
    t
}

/// Conditional MLE odds ratio and exact two-sided interval at confidence `level` (0.95 in
/// every output of genohub).
pub fn conditional_odds_ratio(table: Table, level: f64) -> ConditionalOdds {
    let law = NoncentralHypergeometric::new(table);
    let (lo, hi, a) = (law.lo, law.hi(), table.a);
    if lo == hi {
        return ConditionalOdds { odds_ratio: f64::NAN, ci_low: 0.0, ci_high: f64::INFINITY };
    }
    let alpha = (1.0 - level) / 2.0;
    let odds_ratio = if a == lo {
        0.0
    } else if a == hi {
        f64::INFINITY
    } else {
        solve_increasing(|t| {
            let m = law.moments(t, a);
            (m.mean - a as f64, m.variance)
        })
        .exp()
    };
    let ci_low = if a == lo {
        0.0
    } else {
        solve_increasing(|t| {
            let m = law.moments(t, a);
            (m.cdf_ge - alpha, m.d_cdf_ge)
        })
        .exp()
    };
    let ci_high = if a == hi {
        f64::INFINITY
    } else {
        // P(A ≤ a) falls with t: solve its negation.
        solve_increasing(|t| {
            let m = law.moments(t, a);
            (alpha - m.cdf_le, -m.d_cdf_le)
        })
        .exp()
    };
    ConditionalOdds { odds_ratio, ci_low, ci_high }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_table_has_odds_ratio_one_and_reciprocal_bounds() {
        // [[5, 5], [5, 5]]: the law of a is symmetric about 5 at ψ = 1, so the MLE is 1, and
        // swapping rows maps ψ to 1/ψ, so the bounds are reciprocal.
        let r = conditional_odds_ratio(Table { a: 5, b: 5, c: 5, d: 5 }, 0.95);
        assert!((r.odds_ratio - 1.0).abs() < 1e-12, "{r:?}");
        assert!((r.ci_low * r.ci_high - 1.0).abs() < 1e-9, "{r:?}");
        assert!(r.ci_low < 1.0 && r.ci_high > 1.0);
    }

    #[test]
    fn tea_tasting_mle_solves_the_mean_equation_by_hand() {
        // [[3, 1], [1, 3]]: a ∈ 0..=4 with central weights 1, 16, 36, 16, 1; the MLE ψ solves
        // Σ k·w_k·ψ^k / Σ w_k·ψ^k = 3, checked here by evaluating that sum directly.
        let r = conditional_odds_ratio(Table { a: 3, b: 1, c: 1, d: 3 }, 0.95);
        let w = [1.0, 16.0, 36.0, 16.0, 1.0];
        let psi = r.odds_ratio;
        let (num, den) = (0..5).fold((0.0, 0.0), |(n, d), k| (n + k as f64 * w[k] * psi.powi(k as i32), d + w[k] * psi.powi(k as i32)));
        assert!((num / den - 3.0).abs() < 1e-10, "{psi}");
        // Below the sample odds ratio 9: the conditional MLE shrinks towards 1.
        assert!(psi > 1.0 && psi < 9.0);
        // Upper bound: P_ψ(A ≤ 3) = 0.025, i.e. P_ψ(A = 4) = 0.975.
        let p4 = |psi: f64| w[4] * psi.powi(4) / (0..5).map(|k| w[k] * psi.powi(k as i32)).sum::<f64>();
        assert!((p4(r.ci_high) - 0.975).abs() < 1e-10);
        // Lower bound: P_ψ(A ≥ 3) = 0.025.
        let p_ge3 = |psi: f64| (3..5).map(|k| w[k] * psi.powi(k as i32)).sum::<f64>() / (0..5).map(|k| w[k] * psi.powi(k as i32)).sum::<f64>();
        assert!((p_ge3(r.ci_low) - 0.025).abs() < 1e-10);
    }

    #[test]
    fn ends_of_the_support() {
        let r = conditional_odds_ratio(Table { a: 0, b: 10, c: 4, d: 6 }, 0.95);
        assert_eq!((r.odds_ratio, r.ci_low), (0.0, 0.0));
        assert!(r.ci_high.is_finite() && r.ci_high > 0.0);
        let r = conditional_odds_ratio(Table { a: 5, b: 0, c: 0, d: 5 }, 0.95);
        assert_eq!((r.odds_ratio, r.ci_high), (f64::INFINITY, f64::INFINITY));
        assert!(r.ci_low > 1.0);
        let r = conditional_odds_ratio(Table { a: 0, b: 10, c: 0, d: 7 }, 0.95);
        assert!(r.odds_ratio.is_nan() && r.ci_low == 0.0 && r.ci_high == f64::INFINITY);
    }
}
