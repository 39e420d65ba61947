//! The covariates-only model (case status ~ 1 + covariates) that every variant's fit starts
//! from, with the dosage's coefficient 0. At that start every sample's linear predictor is the
//! null model's, so the first pass of a variant's fit only has to visit the samples that
//! carry the alt allele: the rest of it is the null model's own sums, computed once.

use crate::fit_pass::{info_pass, Columns, InfoSums};
use crate::logistic::{logistic_columns, FirstPass};

pub(crate) struct NullModel {
    /// Start of a variant's fit: intercept, 0 for the dosage, covariates.
    start: Vec<f64>,
    /// The null model's p and p(1−p) per sample, and its sums there (null-model order).
    p: Vec<f64>,
    w: Vec<f64>,
    sums: InfoSums,
}

impl NullModel {
    /// None when the covariates-only fit does not converge (fits then start from 0).
    pub(crate) fn fit(status: &[f64], covariates: &[Vec<f64>]) -> Option<NullModel> {
        let c = Columns::new(status, covariates.iter().map(Vec::as_slice).collect());
        let beta = logistic_columns(&c, None)?.beta;
        let n = status.len();
        let (mut p, mut w) = (vec![0.0; n], vec![0.0; n]);
        let sums = info_pass(&c, &beta, Some((&mut p, &mut w)));
        let mut start = beta;
        start.insert(1, 0.0);
        Some(NullModel { start, p, w, sums })
    }

    pub(crate) fn start(&self) -> &[f64] {
        &self.start
    }

    /// The first pass of y ~ 1 + g + covariates at [`NullModel::start`], for a variant where
    /// every sample has a dosage `g` (`carriers`: the samples with g ≠ 0).
    pub(crate) fn first_pass(&self, g: &[f64], carriers: &[usize], covariates: &[Vec<f64>], y: &[f64]) -> FirstPass<'_> {
        let k = self.start.len();
        let (nk, null) = (k - 1, &self.sums);
        // Null-model index of the design's column a ≠ 1.
        let from = |a: usize| if a == 0 { 0 } else { a - 1 };
        let mut info = vec![0.0; k * k];
        let mut score = vec![0.0; k];
        for a in (0..k).filter(|&a| a != 1) {
            score[a] = null.score[from(a)];
            for b in (0..k).filter(|&b| b != 1) {
                info[a * k + b] = null.info[from(a) * nk + from(b)];
            }
        }
        let mut row = vec![0.0; k];
        for &i in carriers {
            let wg = self.w[i] * g[i];
            row[0] += wg;
            row[1] += wg * g[i];
            for (r, col) in row[2..].iter_mut().zip(covariates) {
                *r += wg * col[i];
            }
            score[1] += g[i] * (y[i] - self.p[i]);
        }
        for (a, v) in row.into_iter().enumerate() {
            info[k + a] = v;
            info[a * k + 1] = v;
        }
        FirstPass { sums: InfoSums { info, score, loglik: null.loglik }, p: &self.p, w: &self.w }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_pass_from_the_carriers_equals_a_full_pass() {
        let n = 301;
        let y: Vec<f64> = (0..n).map(|i| f64::from(i % 3 == 0 || i % 7 == 0)).collect();
        let covariates = vec![(0..n).map(|i| (i % 11) as f64).collect::<Vec<f64>>(), (0..n).map(|i| f64::from(i % 2 == 1)).collect()];
        let g: Vec<f64> = (0..n)
            .map(|i| {
                if i % 37 == 5 {
                    1.0
                } else if i == 100 {
                    2.0
                } else {
                    0.0
                }
            })
            .collect();
        let carriers: Vec<usize> = (0..n).filter(|&i| g[i] != 0.0).collect();
        let null = NullModel::fit(&y, &covariates).unwrap();
        let first = null.first_pass(&g, &carriers, &covariates, &y);
        let c = Columns::new(&y, vec![&g, &covariates[0], &covariates[1]]);
        let (mut p, mut w) = (vec![0.0; n], vec![0.0; n]);
        let full = info_pass(&c, null.start(), Some((&mut p, &mut w)));
        for (a, b) in first.sums.info.iter().chain(&first.sums.score).chain([&first.sums.loglik]).zip(full.info.iter().chain(&full.score).chain([&full.loglik]))
        {
            assert!((a - b).abs() < 1e-10 * (1.0 + b.abs()), "{a} vs {b}");
        }
        assert_eq!(first.p, p.as_slice());
        assert_eq!(first.w, w.as_slice());
    }
}
