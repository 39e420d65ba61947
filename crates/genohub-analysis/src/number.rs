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

#[cfg(test)]
mod tests {
    use super::fmt_f64;

    #[test]
    fn round_trips() {
        for x in [0.0, 1.0, 0.25, 1.0 / 3.0, 1.5e-20, 2.2e-308, 12345.678] {
            assert_eq!(fmt_f64(x).parse::<f64>().unwrap(), x);
        }
        assert_eq!(fmt_f64(1.5e-20), "1.5e-20");
        assert_eq!(fmt_f64(1.0), "1");
    }
}
