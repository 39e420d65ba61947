//! Fisher's exact test on a 2×2 table, two-sided as R's `fisher.test` and SciPy's
//! `fisher_exact`: the summed probability of every table (same margins) no more likely than
//! the observed one, with R's relative tolerance of 1e-7 for ties.

/// Counts `[[a, b], [c, d]]`: for the allelic test a = case alt, b = case ref, c = control alt,
/// d = control ref alleles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub a: u64,
    pub b: u64,
    pub c: u64,
    pub d: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FisherResult {
    pub p: f64,
    /// Sample odds ratio a·d / (b·c) (`inf` or NaN when a cell is zero).
    pub odds_ratio: f64,
    /// Woolf 95% interval exp(ln OR ± 1.96·√(1/a + 1/b + 1/c + 1/d)); NaN when a cell is zero.
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Z for a two-sided 95% interval.
pub const Z95: f64 = 1.959963984540054;

pub fn fisher_exact(t: Table) -> FisherResult {
    let Table { a, b, c, d } = t;
    let odds_ratio = (a as f64 * d as f64) / (b as f64 * c as f64);
    let (ci_low, ci_high) = if a == 0 || b == 0 || c == 0 || d == 0 {
        (f64::NAN, f64::NAN)
    } else {
        let se = (1.0 / a as f64 + 1.0 / b as f64 + 1.0 / c as f64 + 1.0 / d as f64).sqrt();
        ((odds_ratio.ln() - Z95 * se).exp(), (odds_ratio.ln() + Z95 * se).exp())
    };
    FisherResult { p: two_sided_p(t), odds_ratio, ci_low, ci_high }
}

/// Probabilities of a = lo..=hi under the hypergeometric law with the table's margins, scaled
/// so the largest is 1, built by the exact ratio P(x+1)/P(x) outward from the mode.
fn hypergeometric(t: Table) -> (u64, Vec<f64>) {
    let row1 = t.a + t.b; // cases
    let col1 = t.a + t.c; // alt alleles
    let n = t.a + t.b + t.c + t.d;
    let lo = (row1 + col1).saturating_sub(n);
    let hi = row1.min(col1);
    let mode = (((row1 + 1) as f64 * (col1 + 1) as f64) / (n + 2) as f64).floor() as u64;
    let mode = mode.clamp(lo, hi);
    let mut w = vec![0.0f64; (hi - lo + 1) as usize];
    w[(mode - lo) as usize] = 1.0;
    // ratio P(x+1)/P(x) = (row1 - x)(col1 - x) / ((x + 1)(n - row1 - col1 + x + 1))
    let up = |x: u64| ((row1 - x) as f64 * (col1 - x) as f64) / ((x + 1) as f64 * (n + x + 1 - row1 - col1) as f64);
    let mut x = mode;
    while x < hi {
        w[(x + 1 - lo) as usize] = w[(x - lo) as usize] * up(x);
        x += 1;
    }
    let mut x = mode;
    while x > lo {
        w[(x - 1 - lo) as usize] = w[(x - lo) as usize] / up(x - 1);
        x -= 1;
    }
    (lo, w)
}

fn two_sided_p(t: Table) -> f64 {
    let (lo, w) = hypergeometric(t);
    let observed = w[(t.a - lo) as usize];
    let total: f64 = w.iter().sum();
    let tail: f64 = w.iter().filter(|&&x| x <= observed * (1.0 + 1e-7)).sum();
    (tail / total).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_by_hand() {
        // Fisher's tea tasting: [[3, 1], [1, 3]]. Tables with a = 0..4 have probabilities
        // C(4,a)·C(4,4−a)/C(8,4) = 1, 16, 36, 16, 1 over 70; p = (1+16+16+1)/70.
        let r = fisher_exact(Table { a: 3, b: 1, c: 1, d: 3 });
        assert!((r.p - 34.0 / 70.0).abs() < 1e-15, "{}", r.p);
        assert_eq!(r.odds_ratio, 9.0);
        // [[1, 0], [0, 1]]: a ∈ {0, 1}, each 1/2 → p = 1.
        assert_eq!(fisher_exact(Table { a: 1, b: 0, c: 0, d: 1 }).p, 1.0);
        // [[5, 0], [0, 5]]: a ∈ 0..=5 with C(5,a)²/C(10,5); the two extremes 1/252 each.
        let r = fisher_exact(Table { a: 5, b: 0, c: 0, d: 5 });
        assert!((r.p - 2.0 / 252.0).abs() < 1e-15);
        assert!(r.ci_low.is_nan() && r.odds_ratio.is_infinite());
        // Empty margin: only one table is possible.
        assert_eq!(fisher_exact(Table { a: 0, b: 10, c: 0, d: 7 }).p, 1.0);
    }

    #[test]
    fn woolf_interval_by_hand() {
        let r = fisher_exact(Table { a: 10, b: 20, c: 5, d: 40 });
        let se = (0.1f64 + 0.05 + 0.2 + 0.025).sqrt();
        assert!((r.odds_ratio - 4.0).abs() < 1e-15);
        assert!((r.ci_low - (4f64.ln() - Z95 * se).exp()).abs() < 1e-12);
        assert!((r.ci_high - (4f64.ln() + Z95 * se).exp()).abs() < 1e-12);
    }
}
