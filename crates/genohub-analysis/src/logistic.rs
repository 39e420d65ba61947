//! Logistic regression by Newton–Raphson (IRLS), and Firth's penalised-likelihood regression
//! for separated data (Firth 1993; Heinze & Schemper 2002), each giving Wald standard errors
//! from the inverse information matrix. The row passes are in [`crate::fit_pass`]; a fit may
//! start from given coefficients (assoc starts every variant from the covariates-only fit).

use ndarray::{Array1, Array2, ArrayView2};

use crate::fit_pass::{firth_pass, info_pass, Columns, FirthSums, InfoSums};
use crate::linalg::{cholesky, inverse_from_cholesky, log_det_from_cholesky, lower_inverse};

#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub beta: Vec<f64>,
    /// Wald standard errors, √diag(I(β)⁻¹).
    pub se: Vec<f64>,
    pub iterations: u32,
}

const MAX_ITER: u32 = 50;
const FIRTH_MAX_ITER: u32 = 200;
const TOL: f64 = 1e-10;

fn matrix(k: usize, v: Vec<f64>) -> Array2<f64> {
    Array2::from_shape_vec((k, k), v).expect("k×k values")
}

fn max_abs<'a>(v: impl IntoIterator<Item = &'a f64>) -> f64 {
    v.into_iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn standard_errors(inv: &Array2<f64>) -> Option<Vec<f64>> {
    let se: Vec<f64> = inv.diag().iter().map(|v| v.sqrt()).collect();
    se.iter().all(|s| s.is_finite()).then_some(se)
}

/// A fit's first pass, where the caller has it already (see [`crate::null_model`]): the
/// pass's sums with the log-likelihood, and p and p(1−p) per row.
#[derive(Debug, Clone)]
pub struct FirstPass<'a> {
    pub sums: InfoSums,
    pub p: &'a [f64],
    pub w: &'a [f64],
}

/// Where a fit starts: coefficients (one per column, the intercept's first), and the pass
/// there if it is known.
#[derive(Debug, Clone, Copy)]
pub struct Start<'a> {
    pub beta: &'a [f64],
    pub first: Option<&'a FirstPass<'a>>,
}

fn start_or_zero(c: &Columns, start: Option<Start>) -> Vec<f64> {
    let k = c.width();
    match start {
        Some(s) => {
            assert_eq!(s.beta.len(), k, "start has one coefficient per column");
            s.beta.to_vec()
        }
        None => vec![0.0; k],
    }
}

/// Maximum-likelihood fit. None when the information matrix becomes singular or the iteration
/// does not converge (e.g. under separation).
pub fn logistic_columns(c: &Columns, start: Option<Start>) -> Option<Fit> {
    let k = c.width();
    let mut beta = start_or_zero(c, start);
    let mut first = start.and_then(|s| s.first);
    for iter in 1..=MAX_ITER {
        let InfoSums { info, score, .. } = match first.take() {
            Some(f) => f.sums.clone(),
            None => info_pass(c, &beta, None),
        };
        let inv = inverse_from_cholesky(&cholesky(&matrix(k, info))?);
        let delta = inv.dot(&Array1::from(score));
        beta.iter_mut().zip(&delta).for_each(|(b, d)| *b += d);
        if beta.iter().any(|b| !b.is_finite() || b.abs() > 1e3) {
            return None;
        }
        if max_abs(&delta) < TOL * (1.0 + max_abs(&beta)) {
            // Standard errors from the information one step of < 1e-10 back: the same to
            // that order, and no extra pass.
            return Some(Fit { se: standard_errors(&inv)?, beta, iterations: iter });
        }
    }
    None
}

/// The model at one β for Firth's fit: the pass's sums, p and w per row (for the Firth pass),
/// the information's Cholesky factor and the penalised log-likelihood ℓ(β) + ½·log|I(β)|.
struct Evaluated {
    sums: InfoSums,
    chol: Option<Array2<f64>>,
    penalised: f64,
    p: Vec<f64>,
    w: Vec<f64>,
}

/// Evaluates at β into the given row buffers (reused between evaluations).
fn evaluate(c: &Columns, beta: &[f64], (mut p, mut w): (Vec<f64>, Vec<f64>)) -> Evaluated {
    let sums = info_pass(c, beta, Some((&mut p, &mut w)));
    evaluated(c.width(), sums, p, w)
}

fn evaluated(k: usize, sums: InfoSums, p: Vec<f64>, w: Vec<f64>) -> Evaluated {
    let chol = cholesky(&matrix(k, sums.info.clone()));
    let penalised = chol.as_ref().map_or(f64::NAN, |l| sums.loglik + 0.5 * log_det_from_cholesky(l));
    Evaluated { sums, chol, penalised, p, w }
}

/// Newton's step on the penalised likelihood, −H⁻¹U*, with its exact Hessian
/// H = −I + ½·∂²log|I| (∂²log|I|/∂β_a∂β_b = Σ w(1−6w)q·x_a·x_b − tr(I⁻¹·∂_aI·I⁻¹·∂_bI)), and
/// whether it was that step: where −H is not positive definite (far from the optimum), the
/// usual approximate step I⁻¹U* instead, which converges only linearly.
fn firth_step(k: usize, info: &[f64], inv: &Array2<f64>, f: &FirthSums) -> (Array1<f64>, bool) {
    let score = Array1::from(f.score.clone());
    match cholesky(&penalised_neg_hessian(k, info, inv, f)) {
        Some(l) => (inverse_from_cholesky(&l).dot(&score), true),
        None => (inv.dot(&score), false),
    }
}

/// −H of [`firth_step`].
fn penalised_neg_hessian(k: usize, info: &[f64], inv: &Array2<f64>, f: &FirthSums) -> Array2<f64> {
    let m: Vec<Array2<f64>> = (0..k).map(|j| inv.dot(&ArrayView2::from_shape((k, k), &f.d_info[j * k * k..(j + 1) * k * k]).expect("k×k"))).collect();
    let trace = |a: &Array2<f64>, b: &Array2<f64>| -> f64 { (0..k).map(|i| (0..k).map(|j| a[[i, j]] * b[[j, i]]).sum::<f64>()).sum() };
    Array2::from_shape_fn((k, k), |(a, b)| info[a * k + b] - 0.5 * f.curvature[a * k + b] + 0.5 * trace(&m[a], &m[b]))
}

/// Firth's bias-reduced fit: maximises ℓ(β) + ½·log|I(β)| by Newton steps (see
/// [`firth_step`]) capped at 5 and halved while the penalised likelihood does not increase
/// (as R's logistf).
pub fn firth_columns(c: &Columns, start: Option<Start>) -> Option<Fit> {
    let (k, n) = (c.width(), c.y.len());
    let mut beta = start_or_zero(c, start);
    let mut current = match start.and_then(|s| s.first) {
        Some(f) => evaluated(k, f.sums.clone(), f.p.to_vec(), f.w.to_vec()),
        None => evaluate(c, &beta, (vec![0.0; n], vec![0.0; n])),
    };
    let mut spare = (vec![0.0; n], vec![0.0; n]);
    for iter in 1..=FIRTH_MAX_ITER {
        let linv = lower_inverse(current.chol.as_ref()?);
        let inv = linv.t().dot(&linv);
        let f = firth_pass(c, &current.p, &current.w, linv.as_slice().expect("standard layout"));
        let (mut delta, newton) = firth_step(k, &current.sums.info, &inv, &f);
        let scale = 1.0 + max_abs(&beta);
        if max_abs(&delta) < TOL * scale {
            beta.iter_mut().zip(&delta).for_each(|(b, d)| *b += d);
            return Some(Fit { se: standard_errors(&inv)?, beta, iterations: iter });
        }
        let biggest = max_abs(&delta);
        let capped = biggest > 5.0;
        if capped {
            delta *= 5.0 / biggest;
        }
        // A full Newton step whose predicted gain is below the rounding of the penalised
        // likelihood (a sum over n rows) is taken as it is: the comparison could only reject
        // it at random, and halving it to nothing is what made each fit end in 25 halvings.
        let gain = delta.dot(&Array1::from(f.score.clone()));
        let blind = newton && !capped && gain.abs() <= 1e-12 * (1.0 + current.penalised.abs());
        let mut halvings = 0;
        let mut next: Vec<f64>;
        let value = loop {
            next = beta.iter().zip(&delta).map(|(b, d)| b + d).collect();
            let v = evaluate(c, &next, spare);
            // No slack otherwise: accepting a step that loses even a rounding error of penalised
            // likelihood lets the approximate iteration cycle between two points.
            let better = v.chol.is_some() && (v.penalised >= current.penalised || (blind && halvings == 0));
            if better || halvings == 25 {
                break v;
            }
            spare = (v.p, v.w);
            delta *= 0.5;
            halvings += 1;
        };
        value.chol.as_ref()?;
        beta = next;
        spare = (std::mem::take(&mut current.p), std::mem::take(&mut current.w));
        current = value;
        // A step halved to nothing also ends the iteration (as logistf), provided the modified
        // score is near zero.
        if max_abs(&delta) < TOL * scale && max_abs(&f.score) < 1e-6 * n as f64 {
            let inv = inverse_from_cholesky(current.chol.as_ref()?);
            return Some(Fit { se: standard_errors(&inv)?, beta, iterations: iter });
        }
    }
    None
}

/// plink2's `--glm firth-fallback` rule: the ordinary fit unless `zero_cell` (a case/control
/// × predictor cell among the samples used is empty), Firth when that or the ordinary fit
/// fails. Returns whether Firth was used, and the fit. Both fits start from `start`.
pub fn fit_columns_with_firth_fallback(c: &Columns, zero_cell: bool, start: Option<Start>) -> (bool, Option<Fit>) {
    if !zero_cell {
        if let Some(f) = logistic_columns(c, start) {
            return (false, Some(f));
        }
    }
    (true, firth_columns(c, start))
}

/// The predictors of X after its intercept column, one vector each.
fn predictor_columns(x: ArrayView2<f64>) -> Vec<Vec<f64>> {
    assert!(x.ncols() >= 1 && x.column(0).iter().all(|&v| v == 1.0), "the design's first column is the intercept");
    (1..x.ncols()).map(|j| x.column(j).to_vec()).collect()
}

/// Runs `fit` on X (its first column the intercept) and y laid out as [`Columns`].
fn on_rows<T>(x: ArrayView2<f64>, y: &Array1<f64>, fit: impl FnOnce(&Columns) -> T) -> T {
    let cols = predictor_columns(x);
    let y = y.to_vec();
    fit(&Columns::new(&y, cols.iter().map(Vec::as_slice).collect()))
}

/// [`logistic_columns`] of y ~ X from zero; X's first column is the intercept.
pub fn logistic(x: ArrayView2<f64>, y: &Array1<f64>) -> Option<Fit> {
    on_rows(x, y, |c| logistic_columns(c, None))
}

/// [`firth_columns`] of y ~ X from zero; X's first column is the intercept.
pub fn firth(x: ArrayView2<f64>, y: &Array1<f64>) -> Option<Fit> {
    on_rows(x, y, |c| firth_columns(c, None))
}

/// [`fit_columns_with_firth_fallback`] of y ~ X from zero; X's first column is the intercept.
pub fn fit_with_firth_fallback(x: ArrayView2<f64>, y: &Array1<f64>, zero_cell: bool) -> (bool, Option<Fit>) {
    on_rows(x, y, |c| fit_columns_with_firth_fallback(c, zero_cell, None))
}

/// Two-sided p-value of a Wald z statistic: 2·Φ(−|z|) = erfc(|z|/√2).
pub fn wald_p(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn one_binary_predictor_matches_the_closed_form() {
        // With one binary predictor the MLE is the log odds ratio of the 2×2 table and its
        // SE is Woolf's √(1/a + 1/b + 1/c + 1/d).
        // x = 1: 6 cases, 4 controls; x = 0: 3 cases, 7 controls.
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for (xv, cases, controls) in [(1.0, 6, 4), (0.0, 3, 7)] {
            for i in 0..cases + controls {
                rows.push([1.0, xv]);
                y.push(if i < cases { 1.0 } else { 0.0 });
            }
        }
        let x = Array2::from(rows);
        let fit = logistic(x.view(), &Array1::from(y)).unwrap();
        let or = (6.0 * 7.0) / (4.0 * 3.0);
        assert!((fit.beta[1] - f64::ln(or)).abs() < 1e-10);
        assert!((fit.se[1] - (1.0 / 6.0 + 1.0 / 4.0 + 1.0 / 3.0 + 1.0 / 7.0f64).sqrt()).abs() < 1e-10);
        assert!((fit.beta[0] - f64::ln(3.0 / 7.0)).abs() < 1e-10);
    }

    #[test]
    fn firth_with_one_binary_predictor_adds_half_to_each_cell() {
        // For a single binary predictor Firth's estimate is the log odds ratio of the table
        // with 0.5 added to every cell, finite even with a zero cell (separation).
        // x = 1: 5 cases, 0 controls; x = 0: 2 cases, 8 controls.
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for (xv, cases, controls) in [(1.0, 5, 0), (0.0, 2, 8)] {
            for i in 0..cases + controls {
                rows.push([1.0, xv]);
                y.push(if i < cases { 1.0 } else { 0.0 });
            }
        }
        let x = Array2::from(rows);
        let y = Array1::from(y);
        assert!(logistic(x.view(), &y).is_none(), "separated: no MLE");
        let fit = firth(x.view(), &y).unwrap();
        let expected = ((5.5 * 8.5) / (0.5 * 2.5f64)).ln();
        assert!((fit.beta[1] - expected).abs() < 1e-8, "{} vs {expected}", fit.beta[1]);
    }

    /// 120 rows: intercept, a 0/1/2 dosage with few carriers, and one covariate; cases by
    /// a fixed LCG leaning on the covariate.
    fn rows(carrier_cases: usize) -> (Array2<f64>, Array1<f64>) {
        let mut s: u64 = 99;
        let mut rnd = move || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for i in 0..120 {
            let cov = rnd() * 4.0 - 2.0;
            let g = if i < carrier_cases {
                1.0 + f64::from(i == 0)
            } else if i < 6 {
                1.0
            } else {
                0.0
            };
            let case = if i < 6 { i < carrier_cases } else { rnd() < 0.3 + 0.1 * cov };
            x.extend([1.0, g, cov]);
            y.push(f64::from(case));
        }
        (Array2::from_shape_vec((120, 3), x).unwrap(), Array1::from(y))
    }

    #[test]
    fn firth_score_and_hessian_are_the_penalised_likelihoods_derivatives() {
        let (x, y) = rows(4);
        let cols = predictor_columns(x.view());
        let yv = y.to_vec();
        let c = Columns::new(&yv, cols.iter().map(Vec::as_slice).collect());
        let n = yv.len();
        let at = |b: &[f64]| {
            let e = evaluate(&c, b, (vec![0.0; n], vec![0.0; n]));
            let linv = lower_inverse(e.chol.as_ref().unwrap());
            let inv = linv.t().dot(&linv);
            let f = firth_pass(&c, &e.p, &e.w, linv.as_slice().unwrap());
            (e, inv, f)
        };
        let beta = [-0.4, 1.3, 0.25];
        let (e, inv, f) = at(&beta);
        let neg_h = penalised_neg_hessian(3, &e.sums.info, &inv, &f);
        let h = 1e-5;
        for j in 0..3 {
            let (mut up, mut down) = (beta, beta);
            up[j] += h;
            down[j] -= h;
            let (eu, _, fu) = at(&up);
            let (ed, _, fd) = at(&down);
            let grad = (eu.penalised - ed.penalised) / (2.0 * h);
            assert!((grad - f.score[j]).abs() < 1e-6 * (1.0 + grad.abs()), "U*[{j}] {} vs {grad}", f.score[j]);
            for i in 0..3 {
                let second = (fu.score[i] - fd.score[i]) / (2.0 * h);
                assert!((second + neg_h[[i, j]]).abs() < 1e-6 * (1.0 + second.abs()), "H[{i},{j}] {} vs {second}", -neg_h[[i, j]]);
            }
        }
    }

    #[test]
    fn fits_from_a_start_reach_the_same_estimates() {
        for carrier_cases in [3, 6] {
            let (x, y) = rows(carrier_cases);
            let cols = predictor_columns(x.view());
            let yv = y.to_vec();
            let c = Columns::new(&yv, cols.iter().map(Vec::as_slice).collect());
            let start = [-0.8, 0.0, 0.3];
            let start = Some(Start { beta: &start, first: None });
            let fits = [(firth(x.view(), &y), firth_columns(&c, start))];
            let fits = if carrier_cases == 3 { [fits[0].clone(), (logistic(x.view(), &y), logistic_columns(&c, start))].to_vec() } else { fits.to_vec() };
            for (cold, warm) in fits {
                let (cold, warm) = (cold.unwrap(), warm.unwrap());
                for (a, b) in cold.beta.iter().chain(&cold.se).zip(warm.beta.iter().chain(&warm.se)) {
                    assert!((a - b).abs() < 1e-9 * (1.0 + b.abs()), "{cold:?} vs {warm:?}");
                }
            }
        }
        // All 6 carriers are cases: separated, no maximum-likelihood estimate.
        let (x, y) = rows(6);
        assert!(logistic(x.view(), &y).is_none());
    }

    #[test]
    fn wald_p_values() {
        assert!((wald_p(1.959963984540054) - 0.05).abs() < 1e-12);
        assert_eq!(wald_p(0.0), 1.0);
        let _ = array![1.0];
    }
}
