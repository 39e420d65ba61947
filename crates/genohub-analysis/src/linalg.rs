//! The little dense linear algebra logistic regression needs: Cholesky of a symmetric
//! positive-definite p×p matrix (p = 2 + covariates), its inverse and log-determinant.

use ndarray::Array2;

/// Lower-triangular L with A = L·Lᵀ, or None when A is not (numerically) positive definite.
pub fn cholesky(a: &Array2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= l[[j, k]] * l[[j, k]];
        }
        if d.is_nan() || d <= 1e-300 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        l[[j, j]] = d;
        for i in j + 1..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= l[[i, k]] * l[[j, k]];
            }
            l[[i, j]] = s / d;
        }
    }
    Some(l)
}

/// L⁻¹ of a lower-triangular L (forward substitution), itself lower triangular.
pub fn lower_inverse(l: &Array2<f64>) -> Array2<f64> {
    let n = l.nrows();
    let mut li = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        li[[j, j]] = 1.0 / l[[j, j]];
        for i in j + 1..n {
            let mut s = 0.0;
            for k in j..i {
                s -= l[[i, k]] * li[[k, j]];
            }
            li[[i, j]] = s / l[[i, i]];
        }
    }
    li
}

/// A⁻¹ from A's Cholesky factor: A⁻¹ = L⁻ᵀ·L⁻¹.
pub fn inverse_from_cholesky(l: &Array2<f64>) -> Array2<f64> {
    let li = lower_inverse(l);
    li.t().dot(&li)
}

pub fn log_det_from_cholesky(l: &Array2<f64>) -> f64 {
    2.0 * (0..l.nrows()).map(|i| l[[i, i]].ln()).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn inverse_and_determinant() {
        let a = array![[4.0, 2.0, 0.4], [2.0, 5.0, 1.0], [0.4, 1.0, 3.0]];
        let l = cholesky(&a).unwrap();
        let inv = inverse_from_cholesky(&l);
        let id = a.dot(&inv);
        for i in 0..3 {
            for j in 0..3 {
                assert!((id[[i, j]] - f64::from(i == j)).abs() < 1e-12);
            }
        }
        // det by cofactors: 4(15-1) - 2(6-0.4) + 0.4(2-2) = 56 - 11.2 = 44.8
        assert!((log_det_from_cholesky(&l) - 44.8f64.ln()).abs() < 1e-12);
        assert!(cholesky(&array![[1.0, 2.0], [2.0, 1.0]]).is_none());
    }
}
