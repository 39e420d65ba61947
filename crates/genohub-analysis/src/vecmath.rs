//! exp and ln written without branches or library calls, so that the compiler can run four
//! rows at a time through them (libm's are scalar calls, and were most of a logistic fit's
//! time). Both are accurate to a couple of ulps on the ranges the fits use.

const LOG2E: f64 = std::f64::consts::LOG2_E;
// ln 2 split so that n·LN2_HI is exact for |n| < 2¹¹ (Cody–Waite reduction).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// 1.5·2⁵²: adding it rounds to an integer held in the low mantissa bits.
const SHIFT: f64 = 6_755_399_441_055_744.0;

/// a·b + c, fused (one rounding) in code compiled for FMA; plain otherwise, where `mul_add`
/// would be a library call.
#[inline(always)]
pub fn madd<const F: bool>(a: f64, b: f64, c: f64) -> f64 {
    if F {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// eˣ. Above 709 the result is +∞ and below −708 it is 0 (libm gives a few subnormals there;
/// in 1/(1+eˣ) and ln both give the same values).
#[inline(always)]
pub fn exp<const F: bool>(x: f64) -> f64 {
    let xc = x.clamp(-708.0, 709.0);
    let t = madd::<F>(xc, LOG2E, SHIFT);
    let n = t - SHIFT;
    let ni = (t.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    let r = (xc - n * LN2_HI) - n * LN2_LO;
    // Taylor series to r¹³ on |r| ≤ ln2/2: truncation below 5e-18 relative.
    let mut poly = 1.0 / 6_227_020_800.0;
    for d in [479_001_600.0, 39_916_800.0, 3_628_800.0, 362_880.0, 40_320.0, 5_040.0, 720.0, 120.0, 24.0, 6.0, 2.0, 1.0, 1.0] {
        poly = madd::<F>(poly, r, 1.0 / d);
    }
    let scale = f64::from_bits(((ni + 1023) as u64) << 52);
    let v = poly * scale;
    let v = if x > 709.0 { f64::INFINITY } else { v };
    if x < -708.0 {
        0.0
    } else {
        v
    }
}

/// ln u for u in [½, 1] (the larger of p and 1−p).
#[inline(always)]
pub fn ln_half_to_one<const F: bool>(u: f64) -> f64 {
    // u = 2ᵏ·m with m in [√½, 1], k ∈ {−1, 0}; ln m = 2·atanh(s), s = (m−1)/(m+1), |s| < 0.172.
    let low = u < std::f64::consts::FRAC_1_SQRT_2;
    let m = if low { u * 2.0 } else { u };
    let k = if low { -1.0 } else { 0.0 };
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut poly = 1.0 / 23.0;
    for d in [21.0, 19.0, 17.0, 15.0, 13.0, 11.0, 9.0, 7.0, 5.0, 3.0, 1.0] {
        poly = madd::<F>(poly, s2, 1.0 / d);
    }
    k * std::f64::consts::LN_2 + 2.0 * s * poly
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs() / f64::EPSILON
    }

    #[test]
    fn exp_agrees_with_libm() {
        let mut worst = 0f64;
        let mut x = -707.9;
        while x < 708.9 {
            worst = worst.max(ulps(exp::<false>(x), x.exp()));
            x += 0.013_7;
        }
        for x in [-1e-300, 0.0, 1e-12, -0.346, 0.3466, 1.0, -1.0, 30.5, -30.5] {
            worst = worst.max(ulps(exp::<false>(x), x.exp()));
        }
        assert!(worst < 4.0, "worst {worst} ulps");
        let mut x = -700.3;
        while x < 700.0 {
            assert!(ulps(exp::<true>(x), x.exp()) < 4.0, "fused at {x}");
            x += 0.731;
        }
        assert_eq!(exp::<false>(710.0), f64::INFINITY);
        assert_eq!(exp::<false>(1e6), f64::INFINITY);
        assert_eq!(exp::<false>(-709.0), 0.0);
        assert_eq!(exp::<false>(-1e6), 0.0);
    }

    #[test]
    fn ln_agrees_with_libm() {
        let mut worst = 0f64;
        let mut u = 0.5;
        while u < 1.0 {
            // Relative to |ln u| away from 1; absolute near 1, where ln u → 0.
            let (a, b) = (ln_half_to_one::<false>(u), u.ln());
            worst = worst.max((a - b).abs() / b.abs().max(1.0 - u).max(f64::EPSILON) / f64::EPSILON);
            u += 1.37e-4;
        }
        assert!(worst < 8.0, "worst {worst} ulps");
        assert_eq!(ln_half_to_one::<false>(1.0), 0.0);
        assert!((ln_half_to_one::<false>(0.5) + std::f64::consts::LN_2).abs() < 1e-16);
    }
}
