//! The passes over the samples that are all of a logistic or Firth fit's cost. Each runs the
//! rows four at a time through branch-free code (see [`crate::vecmath`]), compiled twice:
//! for AVX2 (chosen at run time) and for the baseline target. Designs of up to 7 columns
//! (intercept, the tested predictor and 5 covariates) get code unrolled for their width;
//! wider ones a plain loop.

use ndarray::Array2;

use crate::linalg::{cholesky, inverse_from_cholesky, lower_inverse};
use crate::vecmath::{exp, ln_half_to_one, madd};

/// A design laid out for the passes: case status and the predictors after the intercept
/// (which is implicit), one contiguous column each, all of the same length.
#[derive(Debug, Clone)]
pub struct Columns<'a> {
    pub y: &'a [f64],
    pub x: Vec<&'a [f64]>,
    /// The rows where the first predictor is not 0, when known (a rare variant's carriers).
    pub carriers: Option<&'a [usize]>,
}

impl<'a> Columns<'a> {
    pub fn new(y: &'a [f64], x: Vec<&'a [f64]>) -> Columns<'a> {
        Columns { y, x, carriers: None }
    }

    pub fn with_carriers(self, carriers: &'a [usize]) -> Columns<'a> {
        Columns { carriers: Some(carriers), ..self }
    }

    /// Coefficients, the intercept's included.
    pub fn width(&self) -> usize {
        self.x.len() + 1
    }
}

/// Sums of one pass at β (k = width, matrices k×k row-major and complete).
#[derive(Debug, Clone)]
pub struct InfoSums {
    /// Xᵀ·diag(p(1−p))·X.
    pub info: Vec<f64>,
    /// Xᵀ(y − p).
    pub score: Vec<f64>,
    /// The log-likelihood (only when asked for; NaN otherwise).
    pub loglik: f64,
}

/// Sums of a Firth pass at β given p, w = p(1−p) and L⁻¹ (I = L·Lᵀ), with q = xᵀI⁻¹x and
/// h = w·q the hat-matrix diagonal.
#[derive(Debug, Clone)]
pub struct FirthSums {
    /// Firth's modified score Xᵀ(y − p + h(½ − p)).
    pub score: Vec<f64>,
    /// Σ w(1−6w)·q·x·xᵀ = the trace part of ∂²log|I|, k×k.
    pub curvature: Vec<f64>,
    /// ∂I/∂β_j = Σ w(1−2p)·x_j·x·xᵀ, as k matrices k×k (j-major).
    pub d_info: Vec<f64>,
}

const L: usize = 4;
/// Widest design (predictors after the intercept) with unrolled code.
const MAXP: usize = 6;
const TRI: usize = (MAXP + 1) * (MAXP + 2) / 2;
const TET: usize = (MAXP + 1) * (MAXP + 2) * (MAXP + 3) / 6;

const fn tri(a: usize, c: usize) -> usize {
    a * (a + 1) / 2 + c
}

const fn tet(a: usize, b: usize, c: usize) -> usize {
    a * (a + 1) * (a + 2) / 6 + b * (b + 1) / 2 + c
}

/// (a, c) with c ≤ a, in [`tri`] order: the first tri(k, 0) are those of a width-k design.
const PAIRS: [(usize, usize); TRI] = {
    let mut out = [(0, 0); TRI];
    let mut a = 0;
    while a <= MAXP {
        let mut c = 0;
        while c <= a {
            out[tri(a, c)] = (a, c);
            c += 1;
        }
        a += 1;
    }
    out
};

/// (pair of (a, b) in [`PAIRS`], c) with c ≤ b ≤ a, in [`tet`] order.
const TRIPLES: [(usize, usize); TET] = {
    let mut out = [(0, 0); TET];
    let mut a = 0;
    while a <= MAXP {
        let mut b = 0;
        while b <= a {
            let mut c = 0;
            while c <= b {
                out[tet(a, b, c)] = (tri(a, b), c);
                c += 1;
            }
            b += 1;
        }
        a += 1;
    }
    out
};

/// One pass at β: information, score and (with `store`) the log-likelihood, writing p and w
/// into `store`'s two slices.
pub fn info_pass(c: &Columns, beta: &[f64], store: Option<(&mut [f64], &mut [f64])>) -> InfoSums {
    assert_eq!(beta.len(), c.width());
    macro_rules! unrolled {
        ($p:literal) => {
            match store {
                Some((p, w)) => info_dispatch::<$p, true>(c, beta, p, w),
                None => info_dispatch::<$p, false>(c, beta, &mut [], &mut []),
            }
        };
    }
    match c.x.len() {
        0 => unrolled!(0),
        1 => unrolled!(1),
        2 => unrolled!(2),
        3 => unrolled!(3),
        4 => unrolled!(4),
        5 => unrolled!(5),
        6 => unrolled!(6),
        _ => info_any(c, beta, store),
    }
}

/// The Firth pass; `p` and `w` from [`info_pass`] at the same β, `linv` = L⁻¹ (k×k).
pub fn firth_pass(c: &Columns, p: &[f64], w: &[f64], linv: &[f64]) -> FirthSums {
    assert_eq!(linv.len(), c.width() * c.width());
    match c.carriers {
        // Few carriers: the pass without the first predictor, corrected on the carriers.
        Some(carriers) if carriers.len() * 8 < c.y.len() => firth_sparse(c, carriers, p, w, linv).unwrap_or_else(|| firth_dense(c, p, w, linv)),
        _ => firth_dense(c, p, w, linv),
    }
}

fn firth_dense(c: &Columns, p: &[f64], w: &[f64], linv: &[f64]) -> FirthSums {
    macro_rules! unrolled {
        ($p:literal) => {
            firth_dispatch::<$p>(c, p, w, linv)
        };
    }
    match c.x.len() {
        0 => unrolled!(0),
        1 => unrolled!(1),
        2 => unrolled!(2),
        3 => unrolled!(3),
        4 => unrolled!(4),
        5 => unrolled!(5),
        6 => unrolled!(6),
        _ => firth_any(c, p, w, linv),
    }
}

fn info_dispatch<const P: usize, const STORE: bool>(c: &Columns, beta: &[f64], p: &mut [f64], w: &mut [f64]) -> InfoSums {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has AVX2 and FMA, checked just above.
        return unsafe { info_avx2::<P, STORE>(c, beta, p, w) };
    }
    info_rows::<P, STORE, false>(c, beta, p, w)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn info_avx2<const P: usize, const STORE: bool>(c: &Columns, beta: &[f64], p: &mut [f64], w: &mut [f64]) -> InfoSums {
    info_rows::<P, STORE, true>(c, beta, p, w)
}

fn firth_dispatch<const P: usize>(c: &Columns, p: &[f64], w: &[f64], linv: &[f64]) -> FirthSums {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has AVX2 and FMA, checked just above.
        return unsafe { firth_avx2::<P>(c, p, w, linv) };
    }
    firth_rows::<P, false>(c, p, w, linv)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn firth_avx2<const P: usize>(c: &Columns, p: &[f64], w: &[f64], linv: &[f64]) -> FirthSums {
    firth_rows::<P, true>(c, p, w, linv)
}

/// Lane accumulators of an info pass.
struct InfoAcc {
    info: [[f64; L]; TRI],
    score: [[f64; L]; MAXP + 1],
    loglik: [f64; L],
}

/// Rows [i, i+L) (padded with `mask` 0 past the end).
#[inline(always)]
fn info_chunk<const P: usize, const STORE: bool, const F: bool>(
    xs: &[[f64; L]; P],
    y: &[f64; L],
    mask: &[f64; L],
    b0: f64,
    b: &[f64; P],
    acc: &mut InfoAcc,
) -> ([f64; L], [f64; L]) {
    let mut eta = [b0; L];
    for j in 0..P {
        for l in 0..L {
            eta[l] = madd::<F>(b[j], xs[j][l], eta[l]);
        }
    }
    let (mut p, mut w, mut r) = ([0.0; L], [0.0; L], [0.0; L]);
    for l in 0..L {
        let q = 1.0 / (1.0 + exp::<F>(-eta[l]));
        p[l] = q;
        w[l] = q * (1.0 - q) * mask[l];
        r[l] = (y[l] - q) * mask[l];
    }
    for l in 0..L {
        acc.info[0][l] += w[l];
        acc.score[0][l] += r[l];
    }
    for a in 1..=P {
        let xa = &xs[a - 1];
        let mut wa = [0.0; L];
        for l in 0..L {
            wa[l] = w[l] * xa[l];
            acc.score[a][l] = madd::<F>(r[l], xa[l], acc.score[a][l]);
            acc.info[tri(a, 0)][l] += wa[l];
        }
        for cc in 1..=a {
            for l in 0..L {
                acc.info[tri(a, cc)][l] = madd::<F>(wa[l], xs[cc - 1][l], acc.info[tri(a, cc)][l]);
            }
        }
    }
    if STORE {
        // ln p for a case, ln(1−p) = −η + ln p for a control; ln p = −η⁺ + ln max(p, 1−p)
        // (η⁺ = max(−η, 0)), stable at any η.
        for l in 0..L {
            let s = eta[l] * (1.0 - 2.0 * y[l]);
            let u = p[l].max(1.0 - p[l]);
            acc.loglik[l] += (ln_half_to_one::<F>(u) - s.max(0.0)) * mask[l];
        }
    }
    (p, w)
}

#[inline(always)]
fn info_rows<const P: usize, const STORE: bool, const F: bool>(c: &Columns, beta: &[f64], p_out: &mut [f64], w_out: &mut [f64]) -> InfoSums {
    let n = c.y.len();
    let y = c.y;
    let cols: [&[f64]; P] = std::array::from_fn(|j| &c.x[j][..n]);
    if STORE {
        assert!(p_out.len() == n && w_out.len() == n);
    }
    let b0 = beta[0];
    let b: [f64; P] = std::array::from_fn(|j| beta[j + 1]);
    let mut acc = InfoAcc { info: [[0.0; L]; TRI], score: [[0.0; L]; MAXP + 1], loglik: [0.0; L] };
    let full = n / L * L;
    let ones = [1.0; L];
    for i in (0..full).step_by(L) {
        let xs: [[f64; L]; P] = std::array::from_fn(|j| cols[j][i..i + L].try_into().expect("L rows"));
        let yy: [f64; L] = y[i..i + L].try_into().expect("L rows");
        let (p, w) = info_chunk::<P, STORE, F>(&xs, &yy, &ones, b0, &b, &mut acc);
        if STORE {
            p_out[i..i + L].copy_from_slice(&p);
            w_out[i..i + L].copy_from_slice(&w);
        }
    }
    if full < n {
        let m = n - full;
        let mut xs = [[0.0; L]; P];
        let (mut yy, mut mask) = ([0.0; L], [0.0; L]);
        for l in 0..m {
            for j in 0..P {
                xs[j][l] = cols[j][full + l];
            }
            yy[l] = y[full + l];
            mask[l] = 1.0;
        }
        let (p, w) = info_chunk::<P, STORE, F>(&xs, &yy, &mask, b0, &b, &mut acc);
        if STORE {
            p_out[full..].copy_from_slice(&p[..m]);
            w_out[full..].copy_from_slice(&w[..m]);
        }
    }
    let k = P + 1;
    let sum = |v: &[f64; L]| (v[0] + v[1]) + (v[2] + v[3]);
    let mut info = vec![0.0; k * k];
    for a in 0..k {
        for cc in 0..=a {
            let v = sum(&acc.info[tri(a, cc)]);
            info[a * k + cc] = v;
            info[cc * k + a] = v;
        }
    }
    let score = (0..k).map(|a| sum(&acc.score[a])).collect();
    InfoSums { info, score, loglik: if STORE { sum(&acc.loglik) } else { f64::NAN } }
}

struct FirthAcc {
    score: [[f64; L]; MAXP + 1],
    curvature: [[f64; L]; TRI],
    d_info: [[f64; L]; TET],
}

// Flat loops over PAIRS and TRIPLES with constant trip counts: the compiler unrolls them
// completely, so every accumulator is a register of four lanes (nested loops were not).
#[inline(always)]
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
fn firth_chunk<const P: usize, const F: bool>(
    xs: &[[f64; L]; P],
    y: &[f64; L],
    p: &[f64; L],
    w: &[f64; L],
    mask: &[f64; L],
    linv: &[f64; TRI],
    acc: &mut FirthAcc,
) {
    let (pairs, triples) = (tri(P + 1, 0), tet(P + 1, 0, 0));
    // x with its leading 1, then v = L⁻¹x and q = |v|² = xᵀI⁻¹x.
    let mut x = [[1.0; L]; MAXP + 1];
    x[1..=P].copy_from_slice(xs);
    let mut v = [[0.0; L]; MAXP + 1];
    for t in 0..pairs {
        let (a, c) = PAIRS[t];
        for l in 0..L {
            v[a][l] = madd::<F>(linv[t], x[c][l], v[a][l]);
        }
    }
    let mut q = [0.0; L];
    for va in v.iter().take(P + 1) {
        for l in 0..L {
            q[l] = madd::<F>(va[l], va[l], q[l]);
        }
    }
    let (mut r, mut w1, mut w2) = ([0.0; L], [0.0; L], [0.0; L]);
    for l in 0..L {
        let h = w[l] * q[l];
        r[l] = (y[l] - p[l] + h * (0.5 - p[l])) * mask[l];
        w1[l] = w[l] * (1.0 - 2.0 * p[l]) * mask[l];
        w2[l] = w[l] * (1.0 - 6.0 * w[l]) * q[l] * mask[l];
    }
    for a in 0..=P {
        for l in 0..L {
            acc.score[a][l] = madd::<F>(r[l], x[a][l], acc.score[a][l]);
        }
    }
    let mut xx = [[0.0; L]; TRI];
    for t in 0..pairs {
        let (a, b) = PAIRS[t];
        for l in 0..L {
            xx[t][l] = x[a][l] * x[b][l];
            acc.curvature[t][l] = madd::<F>(w2[l], xx[t][l], acc.curvature[t][l]);
            xx[t][l] *= w1[l];
        }
    }
    for t in 0..triples {
        let (ab, c) = TRIPLES[t];
        for l in 0..L {
            acc.d_info[t][l] = madd::<F>(xx[ab][l], x[c][l], acc.d_info[t][l]);
        }
    }
}

#[inline(always)]
fn firth_rows<const P: usize, const F: bool>(c: &Columns, p: &[f64], w: &[f64], linv: &[f64]) -> FirthSums {
    let n = c.y.len();
    let (y, p, w) = (c.y, &p[..n], &w[..n]);
    let cols: [&[f64]; P] = std::array::from_fn(|j| &c.x[j][..n]);
    let k = P + 1;
    let mut lt = [0.0; TRI];
    for a in 0..k {
        for cc in 0..=a {
            lt[tri(a, cc)] = linv[a * k + cc];
        }
    }
    let mut acc = FirthAcc { score: [[0.0; L]; MAXP + 1], curvature: [[0.0; L]; TRI], d_info: [[0.0; L]; TET] };
    let full = n / L * L;
    let ones = [1.0; L];
    let rows = |v: &[f64], i: usize| -> [f64; L] { v[i..i + L].try_into().expect("L rows") };
    for i in (0..full).step_by(L) {
        let xs: [[f64; L]; P] = std::array::from_fn(|j| rows(cols[j], i));
        firth_chunk::<P, F>(&xs, &rows(y, i), &rows(p, i), &rows(w, i), &ones, &lt, &mut acc);
    }
    if full < n {
        let mut xs = [[0.0; L]; P];
        let (mut yy, mut pp, mut ww, mut mask) = ([0.0; L], [0.0; L], [0.0; L], [0.0; L]);
        for l in 0..n - full {
            for j in 0..P {
                xs[j][l] = cols[j][full + l];
            }
            (yy[l], pp[l], ww[l], mask[l]) = (y[full + l], p[full + l], w[full + l], 1.0);
        }
        firth_chunk::<P, F>(&xs, &yy, &pp, &ww, &mask, &lt, &mut acc);
    }
    let sum = |v: &[f64; L]| (v[0] + v[1]) + (v[2] + v[3]);
    let score = (0..k).map(|a| sum(&acc.score[a])).collect();
    let mut curvature = vec![0.0; k * k];
    let mut d_info = vec![0.0; k * k * k];
    for a in 0..k {
        for b in 0..=a {
            let v = sum(&acc.curvature[tri(a, b)]);
            curvature[a * k + b] = v;
            curvature[b * k + a] = v;
            for cc in 0..=b {
                let v = sum(&acc.d_info[tet(a, b, cc)]);
                for (i, j, m) in [(a, b, cc), (a, cc, b), (b, a, cc), (b, cc, a), (cc, a, b), (cc, b, a)] {
                    d_info[(i * k + j) * k + m] = v;
                }
            }
        }
    }
    FirthSums { score, curvature, d_info }
}

/// Row of a wide design, its leading 1 included.
fn row_of(c: &Columns, i: usize, x: &mut Vec<f64>) {
    x.clear();
    x.push(1.0);
    x.extend(c.x.iter().map(|col| col[i]));
}

/// [`info_pass`] for designs wider than the unrolled ones.
fn info_any(c: &Columns, beta: &[f64], mut store: Option<(&mut [f64], &mut [f64])>) -> InfoSums {
    let k = c.width();
    let (mut info, mut score, mut loglik) = (vec![0.0; k * k], vec![0.0; k], 0.0);
    let mut x = Vec::with_capacity(k);
    for i in 0..c.y.len() {
        row_of(c, i, &mut x);
        let eta: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
        let q = 1.0 / (1.0 + exp::<false>(-eta));
        let (w, r) = (q * (1.0 - q), c.y[i] - q);
        for a in 0..k {
            score[a] += r * x[a];
            for cc in 0..=a {
                info[a * k + cc] += w * x[a] * x[cc];
            }
        }
        if let Some((p_out, w_out)) = store.as_mut() {
            (p_out[i], w_out[i]) = (q, w);
            loglik += ln_half_to_one::<false>(q.max(1.0 - q)) - (eta * (1.0 - 2.0 * c.y[i])).max(0.0);
        }
    }
    for a in 0..k {
        for cc in 0..a {
            info[cc * k + a] = info[a * k + cc];
        }
    }
    InfoSums { info, score, loglik: if store.is_some() { loglik } else { f64::NAN } }
}

/// Adds `sign` times row x's terms (its leading 1 included) to a Firth pass's sums.
#[allow(clippy::too_many_arguments)]
fn add_firth_row(out: &mut FirthSums, x: &[f64], linv: &[f64], y: f64, p: f64, w: f64, sign: f64) {
    let k = x.len();
    let q: f64 = (0..k).map(|a| (0..=a).map(|cc| linv[a * k + cc] * x[cc]).sum::<f64>().powi(2)).sum();
    let r = (y - p + w * q * (0.5 - p)) * sign;
    let (w1, w2) = (w * (1.0 - 2.0 * p) * sign, w * (1.0 - 6.0 * w) * q * sign);
    for a in 0..k {
        out.score[a] += r * x[a];
        for b in 0..k {
            out.curvature[a * k + b] += w2 * x[a] * x[b];
            for cc in 0..k {
                out.d_info[(a * k + b) * k + cc] += w1 * x[a] * x[b] * x[cc];
            }
        }
    }
}

/// [`firth_pass`] for designs wider than the unrolled ones.
fn firth_any(c: &Columns, p: &[f64], w: &[f64], linv: &[f64]) -> FirthSums {
    let k = c.width();
    let mut out = FirthSums { score: vec![0.0; k], curvature: vec![0.0; k * k], d_info: vec![0.0; k * k * k] };
    let mut x = Vec::with_capacity(k);
    for i in 0..c.y.len() {
        row_of(c, i, &mut x);
        add_firth_row(&mut out, &x, linv, c.y[i], p[i], w[i], 1.0);
    }
    out
}

/// [`firth_pass`] when the first predictor is 0 outside `carriers`: the dense pass runs on the
/// design without it, where q = xᵀI⁻¹x needs only S = I⁻¹ without that row and column
/// (factored as GᵀG, G lower triangular, for the pass); each carrier's terms are then swapped
/// for its own. None if S cannot be factored (the caller does the full pass).
fn firth_sparse(c: &Columns, carriers: &[usize], p: &[f64], w: &[f64], linv: &[f64]) -> Option<FirthSums> {
    let k = c.width();
    let li = Array2::from_shape_vec((k, k), linv.to_vec()).expect("k×k");
    let inv = li.t().dot(&li);
    // Column of the full design for each column of the reduced one.
    let full: Vec<usize> = (0..k).filter(|&a| a != 1).collect();
    let s = Array2::from_shape_fn((k - 1, k - 1), |(a, b)| inv[[full[a], full[b]]]);
    let g = lower_inverse(&cholesky(&inverse_from_cholesky(&cholesky(&s)?))?);
    let reduced = Columns::new(c.y, c.x[1..].to_vec());
    let part = firth_dense(&reduced, p, w, g.as_slice().expect("standard layout"));
    let r = k - 1;
    let mut out = FirthSums { score: vec![0.0; k], curvature: vec![0.0; k * k], d_info: vec![0.0; k * k * k] };
    for a in 0..r {
        out.score[full[a]] = part.score[a];
        for b in 0..r {
            out.curvature[full[a] * k + full[b]] = part.curvature[a * r + b];
            for cc in 0..r {
                out.d_info[(full[a] * k + full[b]) * k + full[cc]] = part.d_info[(a * r + b) * r + cc];
            }
        }
    }
    let mut x = Vec::with_capacity(k);
    for &i in carriers {
        row_of(c, i, &mut x);
        add_firth_row(&mut out, &x, linv, c.y[i], p[i], w[i], 1.0);
        x[1] = 0.0;
        add_firth_row(&mut out, &x, linv, c.y[i], p[i], w[i], -1.0);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A design with `p` predictors after the intercept over `n` rows, from a fixed LCG.
    fn design(n: usize, p: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut k: u64 = 12345;
        let mut next = move || {
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (k >> 11) as f64 / (1u64 << 53) as f64
        };
        let y = (0..n).map(|_| f64::from(next() < 0.4)).collect();
        let x = (0..p).map(|j| (0..n).map(|_| if j == 0 { (next() * 3.0).floor() } else { next() * 4.0 - 2.0 }).collect()).collect();
        (y, x)
    }

    fn close(a: &[f64], b: &[f64]) {
        for (u, v) in a.iter().zip(b) {
            assert!((u - v).abs() <= 1e-12 * (1.0 + v.abs()), "{u} vs {v}");
        }
    }

    /// Straightforward row-at-a-time sums with libm, from the definitions.
    #[allow(clippy::needless_range_loop)]
    fn reference(y: &[f64], x: &[Vec<f64>], beta: &[f64]) -> (InfoSums, FirthSums) {
        let k = x.len() + 1;
        let row = |i: usize| -> Vec<f64> { std::iter::once(1.0).chain(x.iter().map(|c| c[i])).collect() };
        let (mut info, mut score, mut ll) = (vec![0.0; k * k], vec![0.0; k], 0.0);
        for i in 0..y.len() {
            let r = row(i);
            let p = 1.0 / (1.0 + (-r.iter().zip(beta).map(|(a, b)| a * b).sum::<f64>()).exp());
            ll += if y[i] > 0.5 { p.ln() } else { (1.0 - p).ln() };
            for a in 0..k {
                score[a] += r[a] * (y[i] - p);
                for c in 0..k {
                    info[a * k + c] += p * (1.0 - p) * r[a] * r[c];
                }
            }
        }
        let l = crate::linalg::cholesky(&ndarray::Array2::from_shape_vec((k, k), info.clone()).unwrap()).unwrap();
        let inv = crate::linalg::inverse_from_cholesky(&l);
        let (mut fs, mut curv, mut dinfo) = (vec![0.0; k], vec![0.0; k * k], vec![0.0; k * k * k]);
        for i in 0..y.len() {
            let r = row(i);
            let p = 1.0 / (1.0 + (-r.iter().zip(beta).map(|(a, b)| a * b).sum::<f64>()).exp());
            let w = p * (1.0 - p);
            let q: f64 = (0..k).flat_map(|a| (0..k).map(move |c| (a, c))).map(|(a, c)| r[a] * inv[[a, c]] * r[c]).sum();
            for a in 0..k {
                fs[a] += r[a] * (y[i] - p + w * q * (0.5 - p));
                for b in 0..k {
                    curv[a * k + b] += w * (1.0 - 6.0 * w) * q * r[a] * r[b];
                    for c in 0..k {
                        dinfo[(a * k + b) * k + c] += w * (1.0 - 2.0 * p) * r[a] * r[b] * r[c];
                    }
                }
            }
        }
        (InfoSums { info, score, loglik: ll }, FirthSums { score: fs, curvature: curv, d_info: dinfo })
    }

    #[test]
    fn unrolled_and_plain_passes_match_the_definitions() {
        // Widths on both sides of the unrolled limit; lengths with and without a tail.
        for (n, p) in [(203, 0), (200, 1), (201, 3), (202, 6), (199, 7), (57, 9)] {
            let (y, x) = design(n, p);
            let beta: Vec<f64> = (0..=p).map(|j| 0.3 - 0.17 * j as f64).collect();
            let c = Columns::new(&y, x.iter().map(Vec::as_slice).collect());
            let (want_info, want_firth) = reference(&y, &x, &beta);
            let (mut pv, mut wv) = (vec![0.0; n], vec![0.0; n]);
            let got = info_pass(&c, &beta, Some((&mut pv, &mut wv)));
            close(&got.info, &want_info.info);
            close(&got.score, &want_info.score);
            close(&[got.loglik], &[want_info.loglik]);
            let plain = info_pass(&c, &beta, None);
            close(&plain.info, &want_info.info);
            assert!(plain.loglik.is_nan());
            let k = p + 1;
            let l = crate::linalg::cholesky(&ndarray::Array2::from_shape_vec((k, k), got.info.clone()).unwrap()).unwrap();
            let linv = crate::linalg::lower_inverse(&l);
            let f = firth_pass(&c, &pv, &wv, linv.as_slice().unwrap());
            close(&f.score, &want_firth.score);
            close(&f.curvature, &want_firth.curvature);
            close(&f.d_info, &want_firth.d_info);
        }
    }

    #[test]
    fn baseline_code_matches_the_fused_code() {
        // The build for CPUs without AVX2/FMA, run here directly.
        let (y, x) = design(103, 3);
        let c = Columns::new(&y, x.iter().map(Vec::as_slice).collect());
        let beta = [0.2, -0.4, 0.1, 0.3];
        let (mut p1, mut w1, mut p2, mut w2) = (vec![0.0; 103], vec![0.0; 103], vec![0.0; 103], vec![0.0; 103]);
        let a = info_pass(&c, &beta, Some((&mut p1, &mut w1)));
        let b = info_rows::<3, true, false>(&c, &beta, &mut p2, &mut w2);
        close(&a.info, &b.info);
        close(&a.score, &b.score);
        close(&[a.loglik], &[b.loglik]);
        close(&p1, &p2);
        let l = crate::linalg::cholesky(&ndarray::Array2::from_shape_vec((4, 4), a.info).unwrap()).unwrap();
        let linv = crate::linalg::lower_inverse(&l);
        let (fa, fb) = (firth_pass(&c, &p1, &w1, linv.as_slice().unwrap()), firth_rows::<3, false>(&c, &p2, &w2, linv.as_slice().unwrap()));
        close(&fa.score, &fb.score);
        close(&fa.d_info, &fb.d_info);
    }

    #[test]
    fn firth_pass_over_the_carriers_only_matches_the_full_pass() {
        for (n, p) in [(403, 1), (401, 3), (400, 7)] {
            let (y, mut x) = design(n, p);
            x[0] = (0..n)
                .map(|i| {
                    if i % 50 == 3 {
                        1.0
                    } else if i == 77 {
                        2.0
                    } else {
                        0.0
                    }
                })
                .collect();
            let carriers: Vec<usize> = (0..n).filter(|&i| x[0][i] != 0.0).collect();
            let beta: Vec<f64> = (0..=p).map(|j| 0.3 - 0.17 * j as f64).collect();
            let dense = Columns::new(&y, x.iter().map(Vec::as_slice).collect());
            let sparse = dense.clone().with_carriers(&carriers);
            let (mut pv, mut wv) = (vec![0.0; n], vec![0.0; n]);
            let s = info_pass(&dense, &beta, Some((&mut pv, &mut wv)));
            let k = p + 1;
            let l = crate::linalg::cholesky(&ndarray::Array2::from_shape_vec((k, k), s.info).unwrap()).unwrap();
            let linv = crate::linalg::lower_inverse(&l);
            let (a, b) = (firth_pass(&dense, &pv, &wv, linv.as_slice().unwrap()), firth_pass(&sparse, &pv, &wv, linv.as_slice().unwrap()));
            for (u, v) in a.score.iter().chain(&a.curvature).chain(&a.d_info).zip(b.score.iter().chain(&b.curvature).chain(&b.d_info)) {
                assert!((u - v).abs() <= 1e-10 * (1.0 + u.abs()), "{u} vs {v} (n {n}, p {p})");
            }
        }
    }

    #[test]
    fn extreme_linear_predictors_stay_finite() {
        // η far beyond exp's range: p is 0 or 1, weights 0, the log-likelihood finite for the
        // rows fitted correctly and very negative for the others.
        let y = [1.0, 0.0, 1.0, 0.0, 1.0];
        let x = [1000.0, -1000.0, 1.0, 0.0, -800.0];
        let c = Columns::new(&y, vec![&x]);
        let (mut pv, mut wv) = (vec![0.0; 5], vec![0.0; 5]);
        let s = info_pass(&c, &[0.0, 1.0], Some((&mut pv, &mut wv)));
        assert_eq!(&pv[..2], &[1.0, 0.0]);
        assert_eq!(wv[0], 0.0);
        assert_eq!(wv[4], 0.0);
        assert!((s.loglik - (-(1.0f64 + (-1.0f64).exp()).ln() - 2f64.ln() - 800.0)).abs() < 1e-9, "{}", s.loglik);
    }
}
