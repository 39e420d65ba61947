//! Logistic regression by iteratively reweighted least squares (Newton–Raphson), and Firth's
//! penalised-likelihood regression for separated data (Firth 1993; Heinze & Schemper 2002),
//! each giving Wald standard errors from the inverse information matrix.

use ndarray::{Array1, Array2, ArrayView2};

use crate::linalg::{cholesky, inverse_from_cholesky, log_det_from_cholesky};

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

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Fitted probabilities, weights p(1−p), and the information matrix Xᵀ·diag(w)·X, in one
/// pass over the rows without n×p temporaries (this is the whole cost of a fit). Small
/// designs (intercept, dosage and up to 6 covariates) get a loop unrolled for their width.
fn information(x: ArrayView2<f64>, beta: &Array1<f64>) -> (Array1<f64>, Array1<f64>, Array2<f64>) {
    let (n, k) = x.dim();
    let rows = x.as_standard_layout();
    let data = rows.as_slice().expect("standard layout");
    let b = beta.as_slice().expect("contiguous");
    let mut p = Array1::<f64>::zeros(n);
    let mut w = Array1::<f64>::zeros(n);
    let (ps, ws) = (p.as_slice_mut().expect("owned"), w.as_slice_mut().expect("owned"));
    let acc = match k {
        2 => accumulate::<2>(data, b, ps, ws),
        3 => accumulate::<3>(data, b, ps, ws),
        4 => accumulate::<4>(data, b, ps, ws),
        5 => accumulate::<5>(data, b, ps, ws),
        6 => accumulate::<6>(data, b, ps, ws),
        7 => accumulate::<7>(data, b, ps, ws),
        8 => accumulate::<8>(data, b, ps, ws),
        _ => accumulate_any(k, data, b, ps, ws),
    };
    let info = Array2::from_shape_fn((k, k), |(a, c)| if c <= a { acc[a * k + c] } else { acc[c * k + a] });
    (p, w, info)
}

/// Lower triangle of Xᵀ·diag(w)·X (row-major k×k) for a design of width K.
fn accumulate<const K: usize>(data: &[f64], b: &[f64], p: &mut [f64], w: &mut [f64]) -> Vec<f64> {
    let b: [f64; K] = b.try_into().expect("K coefficients");
    let mut acc = [[0.0f64; K]; K];
    for ((row, pi), wi) in data.chunks_exact(K).zip(p.iter_mut()).zip(w.iter_mut()) {
        let row: &[f64; K] = row.try_into().expect("K columns");
        let mut eta = 0.0;
        for a in 0..K {
            eta += row[a] * b[a];
        }
        let q = sigmoid(eta);
        let v = q * (1.0 - q);
        *pi = q;
        *wi = v;
        for a in 0..K {
            let ra = row[a] * v;
            for c in 0..=a {
                acc[a][c] += ra * row[c];
            }
        }
    }
    acc.iter().flatten().copied().collect()
}

fn accumulate_any(k: usize, data: &[f64], b: &[f64], p: &mut [f64], w: &mut [f64]) -> Vec<f64> {
    let mut acc = vec![0.0f64; k * k];
    for ((row, pi), wi) in data.chunks_exact(k).zip(p.iter_mut()).zip(w.iter_mut()) {
        let eta: f64 = row.iter().zip(b).map(|(a, b)| a * b).sum();
        let q = sigmoid(eta);
        let v = q * (1.0 - q);
        *pi = q;
        *wi = v;
        for a in 0..k {
            let ra = row[a] * v;
            for c in 0..=a {
                acc[a * k + c] += ra * row[c];
            }
        }
    }
    acc
}

/// Hat-matrix diagonal h_i = w_i · x_iᵀ I⁻¹ x_i.
fn hat_diagonal(x: ArrayView2<f64>, w: &Array1<f64>, inv: &Array2<f64>) -> Array1<f64> {
    let k = x.ncols();
    let rows = x.as_standard_layout();
    let data = rows.as_slice().expect("standard layout");
    let m: Vec<f64> = inv.iter().copied().collect();
    Array1::from_iter(data.chunks_exact(k).zip(w).map(|(row, &wi)| {
        let mut q = 0.0;
        for a in 0..k {
            let s: f64 = (0..k).map(|c| m[a * k + c] * row[c]).sum();
            q += row[a] * s;
        }
        wi * q
    }))
}

fn finish(x: ArrayView2<f64>, beta: Array1<f64>, iterations: u32) -> Option<Fit> {
    let (_, _, info) = information(x, &beta);
    let inv = inverse_from_cholesky(&cholesky(&info)?);
    let se: Vec<f64> = (0..beta.len()).map(|i| inv[[i, i]].sqrt()).collect();
    se.iter().all(|s| s.is_finite()).then(|| Fit { beta: beta.to_vec(), se, iterations })
}

/// Maximum-likelihood fit of y ~ X (X holds the intercept column). None when the information
/// matrix becomes singular or the iteration does not converge (e.g. under separation).
pub fn logistic(x: ArrayView2<f64>, y: &Array1<f64>) -> Option<Fit> {
    let mut beta = Array1::<f64>::zeros(x.ncols());
    for iter in 1..=MAX_ITER {
        let (p, _, info) = information(x, &beta);
        let l = cholesky(&info)?;
        let score = x.t().dot(&(y - &p));
        let delta = inverse_from_cholesky(&l).dot(&score);
        beta += &delta;
        if beta.iter().any(|b| !b.is_finite() || b.abs() > 1e3) {
            return None;
        }
        if delta.iter().all(|d| d.abs() < TOL * (1.0 + beta.iter().map(|b| b.abs()).fold(0.0, f64::max))) {
            return finish(x, beta, iter);
        }
    }
    None
}

/// The model at one β: fitted probabilities, weights, the information's Cholesky factor and
/// the penalised log-likelihood ℓ(β) + ½·log|I(β)|, kept so an accepted step's evaluation
/// serves the next iteration.
struct Evaluated {
    p: Array1<f64>,
    w: Array1<f64>,
    chol: Array2<f64>,
    penalised: f64,
}

fn evaluate(x: ArrayView2<f64>, y: &Array1<f64>, beta: &Array1<f64>) -> Option<Evaluated> {
    let (p, w, info) = information(x, beta);
    let chol = cholesky(&info)?;
    let ll: f64 = y.iter().zip(p.iter()).map(|(&yi, &pi)| if yi > 0.5 { pi.ln() } else { (1.0 - pi).ln() }).sum();
    let penalised = ll + 0.5 * log_det_from_cholesky(&chol);
    Some(Evaluated { p, w, chol, penalised })
}

/// Firth's bias-reduced fit: Newton steps on the modified score
/// U*(β) = Xᵀ(y − p + h·(½ − p)) with h the hat-matrix diagonal, steps capped at 5 and halved
/// while the penalised likelihood does not increase (as R's logistf).
pub fn firth(x: ArrayView2<f64>, y: &Array1<f64>) -> Option<Fit> {
    let mut beta = Array1::<f64>::zeros(x.ncols());
    let mut current = evaluate(x, y, &beta)?;
    for iter in 1..=FIRTH_MAX_ITER {
        let Evaluated { p, w, chol, .. } = &current;
        let inv = inverse_from_cholesky(chol);
        let h = hat_diagonal(x, w, &inv);
        let resid = y - p + &(&h * &p.mapv(|q| 0.5 - q));
        let score = x.t().dot(&resid);
        let mut delta = inv.dot(&score);
        let scale = 1.0 + beta.iter().map(|b| b.abs()).fold(0.0, f64::max);
        // Converged when the full Newton step is negligible: the penalised likelihood cannot
        // improve further than rounding, so no step-halving decision is needed.
        if delta.iter().all(|d| d.abs() < TOL * scale) {
            beta += &delta;
            return finish(x, beta, iter);
        }
        let biggest = delta.iter().fold(0.0f64, |m, d| m.max(d.abs()));
        if biggest > 5.0 {
            delta *= 5.0 / biggest;
        }
        let mut halvings = 0;
        let mut next = &beta + &delta;
        let mut value = evaluate(x, y, &next);
        // No slack: accepting a step that loses even a rounding error of penalised likelihood
        // lets the approximate Newton iteration cycle between two points.
        while value.as_ref().is_none_or(|v| v.penalised < current.penalised) && halvings < 25 {
            delta *= 0.5;
            next = &beta + &delta;
            value = evaluate(x, y, &next);
            halvings += 1;
        }
        beta = next;
        current = value?;
        // A step halved to nothing also ends the iteration (as logistf), provided the modified
        // score is near zero: near the optimum the approximate Newton step can overshoot
        // back and forth forever.
        if delta.iter().all(|d| d.abs() < TOL * scale) && score.iter().all(|s| s.abs() < 1e-6 * y.len() as f64) {
            return finish(x, beta, iter);
        }
    }
    None
}

/// plink2's `--glm firth-fallback` rule: the ordinary fit unless `zero_cell` (a case/control
/// × predictor cell among the samples used is empty), Firth when that or the ordinary fit
/// fails. Returns whether Firth was used, and the fit.
pub fn fit_with_firth_fallback(x: ArrayView2<f64>, y: &Array1<f64>, zero_cell: bool) -> (bool, Option<Fit>) {
    if !zero_cell {
        if let Some(f) = logistic(x, y) {
            return (false, Some(f));
        }
    }
    (true, firth(x, y))
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

    #[test]
    fn wald_p_values() {
        assert!((wald_p(1.959963984540054) - 0.05).abs() < 1e-12);
        assert_eq!(wald_p(0.0), 1.0);
        let _ = array![1.0];
    }
}
