//! Number formatting shared by the text outputs.

/// Shortest text that reads back as the same `f64`: plain decimal in [1e-4, 1e15), otherwise
/// scientific (`1.5e-20`); `NA` for NaN.
pub fn fmt_f64(x: f64) -> String {
    if x.is_nan() {
        return "NA".into();
    }
    let a = x.abs();
    if a == 0.0 || (1e-4..1e15).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Appends [`fmt_f64`]'s text without allocating. Fractions with at most 15 decimals, as
/// allele frequencies over 2^a·5^b alleles are, take [`push_short_fraction`]'s path (~60
/// instructions); other finite values [`push_shortest`]'s (~400, `write!` ~1,000).
pub fn push_f64(out: &mut Vec<u8>, x: f64) {
    use std::io::Write;
    if x == 1.0 {
        out.push(b'1');
    } else if push_short_fraction(out, x) || push_shortest(out, x) {
    } else if x.is_nan() {
        out.extend_from_slice(b"NA");
    } else if x == 0.0 || (1e-4..1e15).contains(&x.abs()) {
        let _ = write!(out, "{x}");
    } else {
        let _ = write!(out, "{x:e}");
    }
}

/// Writes `x` in (0, 1) as [`fmt_f64`] does when some `d / 10^15` (d an integer) reads back
/// as `x`; false (nothing written) otherwise.
///
/// Why the text is then `d`'s digits: `d / 10^15` is computed exactly rounded (d and 10^15
/// are exact doubles), so it lies in `x`'s rounding interval, which is narrower than 10^-15
/// (an ulp below 1 is at most 2^-53). Two multiples of 10^-15 cannot both lie in it, so `d`
/// with its trailing zeros removed is the only candidate at its precision and none is
/// shorter: exactly the shortest round-trip digits Rust's `{}` and `{:e}` print.
pub fn push_short_fraction(out: &mut Vec<u8>, x: f64) -> bool {
    const SCALE: f64 = 1e15;
    if !(x > 0.0 && x < 1.0) {
        return false;
    }
    let mut d = (x * SCALE + 0.5) as u64;
    if d == 0 || d as f64 / SCALE != x {
        return false;
    }
    // Trailing zeros off (at most 14: d < 10^15), by halving steps.
    let mut decimals = 15usize;
    for (zeros, power) in [(8, 100_000_000), (4, 10_000), (2, 100), (1, 10)] {
        if d.is_multiple_of(power) {
            d /= power;
            decimals -= zeros;
        }
    }
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(d).as_bytes();
    if x >= 1e-4 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', decimals - digits.len()));
        out.extend_from_slice(digits);
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.extend_from_slice(b"e-");
        push_u64(out, (decimals + 1 - digits.len()) as u64);
    }
    true
}

/// Writes finite non-zero `x` as [`fmt_f64`] does, from ryu's digits; false (nothing written)
/// where the two could differ.
///
/// Rust's `{}`/`{:e}` and ryu both print the shortest digits that read back as `x` and, of
/// several, the closest to `x`; they differ only on an exact tie (Rust rounds up, ryu to
/// even). A tie needs `x` exactly halfway between two candidates of at most 17 digits, so
/// `x`'s exact decimal expansion has at most 18 significant digits: with `x = m·2^q`, `m`
/// odd, that is `m·5^-q < 10^18` for `q < 0`. Those values (and integers) are left to
/// `write!`; rounding-interval bounds never have so few digits once `q < 0`.
pub fn push_shortest(out: &mut Vec<u8>, x: f64) -> bool {
    if !x.is_finite() || x == 0.0 {
        return false;
    }
    let bits = x.to_bits();
    let (biased, fraction) = (((bits >> 52) & 0x7ff) as i32, bits & ((1 << 52) - 1));
    let (mantissa, exp) = if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) };
    let q = exp + mantissa.trailing_zeros() as i32;
    if q >= 0 || (q >= -26 && u128::from(mantissa >> mantissa.trailing_zeros()) * 5u128.pow((-q) as u32) < 10u128.pow(18)) {
        return false;
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x).as_bytes();
    if (1e-4..1.0).contains(&x.abs()) {
        // ryu lays these out as `{}` does: `0.`, the zeros after the point, the digits.
        out.extend_from_slice(text);
        return true;
    }
    // Otherwise ryu's text is read back as digits d1..dn and the point: x = 0.d1..dn × 10^point.
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mantissa_text, exp10) = match text.iter().position(|&b| b == b'e') {
        Some(e) => (&text[..e], parse_exponent(&text[e + 1..])),
        None => (text, 0),
    };
    let mut digits = [0u8; 20];
    let (mut n, mut point, mut seen_point, mut leading) = (0usize, 0i32, false, true);
    for &b in mantissa_text {
        match b {
            b'.' => seen_point = true,
            b'0' if leading => {
                if seen_point {
                    point -= 1;
                }
            }
            _ => {
                leading = false;
                digits[n] = b;
                n += 1;
                if !seen_point {
                    point += 1;
                }
            }
        }
    }
    // ryu writes `123.0` for integers: drop trailing zeros (after the point, or the integer's own).
    while n > 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    let point = point + exp10;
    let digits = &digits[..n];
    if negative {
        out.push(b'-');
    }
    if (1e-4..1e15).contains(&x.abs()) {
        if point <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-point) as usize));
            out.extend_from_slice(digits);
        } else if point as usize >= n {
            out.extend_from_slice(digits);
            out.extend(std::iter::repeat_n(b'0', point as usize - n));
        } else {
            out.extend_from_slice(&digits[..point as usize]);
            out.push(b'.');
            out.extend_from_slice(&digits[point as usize..]);
        }
    } else {
        out.push(digits[0]);
        if n > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        if point - 1 < 0 {
            out.push(b'-');
        }
        push_u64(out, u64::from((point - 1).unsigned_abs()));
    }
    true
}

fn parse_exponent(text: &[u8]) -> i32 {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        _ => (1, text),
    };
    sign * digits.iter().fold(0i32, |v, &d| v * 10 + i32::from(d - b'0'))
}

/// Appends the decimal text of `v` (itoa: two digits per step, a third of the former
/// digit-by-digit loop's instructions). Single digits, most genotype class counts of a cohort
/// (no haploid calls, no missing calls, no rare homozygotes), skip the formatter and copy.
pub fn push_u64(out: &mut Vec<u8>, v: u64) {
    if v < 10 {
        out.push(b'0' + v as u8);
    } else {
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::{fmt_f64, push_f64, push_short_fraction, push_shortest, push_u64};

    #[test]
    fn pushed_text_is_the_formatted_text() {
        for x in [0.0, -0.0, 1.0, -1.0, 0.25, 1.0 / 3.0, 1.5e-20, 2.2e-308, 12345.678, 1e15, 9.99e-5, f64::NAN, f64::INFINITY, 0.00035] {
            let mut out = Vec::new();
            push_f64(&mut out, x);
            assert_eq!(String::from_utf8(out).unwrap(), fmt_f64(x), "{x}");
        }
        let around_powers = (0..20).flat_map(|e| {
            let p = 10u64.pow(e);
            [p - 1, p, p + 1, p.wrapping_mul(7).wrapping_add(3)]
        });
        for v in [0u64, 7, 10, 99, 100, 12345, u64::MAX]
            .into_iter()
            .chain(around_powers)
            .chain((0..100_000).map(|i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (i % 64)))
        {
            let mut out = Vec::new();
            push_u64(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

    #[test]
    fn short_fractions_are_printed_as_formatted() {
        let mut short = 0;
        let mut check = |x: f64| {
            let mut out = Vec::new();
            push_f64(&mut out, x);
            assert_eq!(String::from_utf8(out).unwrap(), fmt_f64(x), "{x:e}");
            short += usize::from(push_short_fraction(&mut Vec::new(), x));
        };
        // Every allele frequency over up to 2,000 alleles, and over the usual cohort sizes
        // (2^a·5^b alleles give short decimals; others repeat and take the general path).
        for an in (1..=2000u64).chain([19_998, 20_000, 10_000, 1 << 20, 390_625, 2_000_000, 3_906_250]) {
            for ac in (0..=an).step_by(if an > 2000 { 7 } else { 1 }) {
                check(ac as f64 / an as f64);
            }
        }
        // Decimal-looking values near both layouts' boundary and at the 15-decimal edge.
        for x in [1e-4, 9.999e-5, 1e-5, 1.5e-5, 0.1, 0.3, 0.7, 0.123456789012345, 0.1234567890123456, 1e-15, 3e-15, 1e-16, 0.999999999999999] {
            check(x);
        }
        // Arbitrary doubles in (0, 1).
        let mut k: u64 = 42;
        for _ in 0..200_000 {
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            check(f64::from_bits(k >> 12 | 0x3FF0_0000_0000_0000) - 1.0);
            check((k >> 40) as f64 / (1u64 << (k % 40)) as f64 * 1e-9);
        }
        // The fast path was taken for a good share (both layouts), not just the fallback.
        assert!(short > 100_000, "{short}");
        assert!(push_short_fraction(&mut Vec::new(), 7.0 / 20_000.0) && push_short_fraction(&mut Vec::new(), 1.0 / 20_000.0));
        assert!(!push_short_fraction(&mut Vec::new(), 1.0 / 3.0) && !push_short_fraction(&mut Vec::new(), 1e-300));
    }

    #[test]
    fn shortest_digits_are_printed_as_formatted() {
        let mut taken = 0;
        let mut check = |x: f64| {
            let mut out = Vec::new();
            push_f64(&mut out, x);
            assert_eq!(String::from_utf8(out).unwrap(), fmt_f64(x), "{x:e} ({:#x})", x.to_bits());
            taken += usize::from(push_shortest(&mut Vec::new(), x));
        };
        // Random bit patterns over the whole range (both signs, subnormals included), random
        // mantissas in every binade that p-values and frequencies use, and values whose
        // shortest text has 17 digits.
        let mut k: u64 = 7;
        for i in 0..400_000u64 {
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let x = f64::from_bits(k);
            if x.is_finite() {
                check(x);
            }
            let binade = (i % 330) as i32 - 320;
            check((f64::from_bits(k >> 12 | 0x3FF0_0000_0000_0000) - 1.0 + 1e-3) * 2f64.powi(binade));
        }
        for x in [0.1 + 0.2, 1.0 - f64::EPSILON, 5e-324, 2.2250738585072014e-308, 0.3, 1e15 - 0.5, 123456.789, 1e-5, 9.5367431640625e-7, 1.0 - 2f64.powi(-17)] {
            check(x);
            check(-x);
        }
        // 1 − 2^-j has j decimals, the last a 5: for j ≤ 18 possibly a tie between two
        // shortest candidates, so not ryu's; beyond, no tie and ryu's.
        for j in 10..=40 {
            let x = 1.0 - 2f64.powi(-j);
            assert_eq!(push_shortest(&mut Vec::new(), x), j > 18, "{x:e}");
            check(x);
        }
        assert!(taken > 500_000, "{taken}");
    }

    #[test]
    fn round_trips() {
        for x in [0.0, 1.0, 0.25, 1.0 / 3.0, 1.5e-20, 2.2e-308, 12345.678] {
            assert_eq!(fmt_f64(x).parse::<f64>().unwrap(), x);
        }
        assert_eq!(fmt_f64(1.5e-20), "1.5e-20");
        assert_eq!(fmt_f64(1.0), "1");
    }
}
