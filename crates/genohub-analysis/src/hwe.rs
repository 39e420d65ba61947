//! Hardy–Weinberg exact test (Wigginton, Cutler & Abecasis 2005, PMID 15789306).

/// Terms smaller than this fraction of the running tail sum end a walk: the rest of the walk
/// decreases faster than geometrically, so what is left out is below double rounding.
const EPSILON: f64 = 1e-17;
/// Heterozygote counts whose probability is within this relative distance of the observed
/// one count as ties (no more likely): different recurrences round the same value differently.
const TIE: f64 = 1.0 + 1e-10;
/// Rescaling threshold for relative probabilities far above the observed one.
const BIG: f64 = 1e200;

/// Two-sided exact p-value for diploid genotype counts of a biallelic site: the summed
/// probability, under HWE given the allele counts, of every heterozygote count no more likely
/// than the observed one. 1 for a monomorphic site (as bcftools `+fill-tags -t HWE`).
///
/// Probabilities are relative to the observed count (= 1) and built by the exact ratio
/// recurrence, without allocation: from the observed count away from the mode every term is
/// in the tail and the walk stops once terms are negligible; towards the mode terms are summed
/// as "more likely" until they fall back to the observed level, then as tail until negligible
/// (as plink2's `HweP`). Cost: the distance to the mode plus a few standard deviations.
pub fn hwe_exact(hom_ref: u64, het: u64, hom_alt: u64) -> f64 {
    let n_ref = 2 * hom_ref + het;
    let n_alt = 2 * hom_alt + het;
    if n_ref == 0 || n_alt == 0 {
        return 1.0;
    }
    let genotypes = (hom_ref + het + hom_alt) as f64;
    let rare = n_ref.min(n_alt);
    let hom_rare = ((rare - het) / 2) as f64;
    let hom_common = genotypes - het as f64 - hom_rare;
    let h0 = het as f64;
    // Expected het count under HWE; the mode is within one step of it.
    let expected = rare as f64 * (2.0 * genotypes - rare as f64) / (2.0 * genotypes);
    let (mut tail, mut central) = (1.0f64, 0.0f64);
    // Ratio P(h+2)/P(h) = 4·r·c / ((h+2)(h+1)) with r, c the homozygote counts at h;
    // P(h−2)/P(h) = h(h−1) / (4(r+1)(c+1)).
    let up = |h: f64, r: f64, c: f64| 4.0 * r * c / ((h + 2.0) * (h + 1.0));
    let down = |h: f64, r: f64, c: f64| h * (h - 1.0) / (4.0 * (r + 1.0) * (c + 1.0));
    // Away from the mode terms fall (at most the one next to a mode within a step of the
    // observed count can exceed it); towards the mode: "more likely" while above the observed
    // level, then tail.
    let towards_up = h0 < expected;
    {
        let (mut h, mut r, mut c, mut term) = (h0, hom_rare, hom_common, 1.0f64);
        loop {
            if towards_up {
                if h < 2.0 {
                    break;
                }
                term *= down(h, r, c);
                h -= 2.0;
                r += 1.0;
                c += 1.0;
            } else {
                if r < 1.0 || c < 1.0 {
                    break;
                }
                term *= up(h, r, c);
                h += 2.0;
                r -= 1.0;
                c -= 1.0;
            }
            if term > TIE {
                central += term;
            } else {
                tail += term;
                if term < EPSILON * tail {
                    break;
                }
            }
        }
    }
    {
        let (mut h, mut r, mut c, mut term) = (h0, hom_rare, hom_common, 1.0f64);
        // The observed probability on the current scale.
        let mut level = 1.0f64;
        loop {
            if towards_up {
                if r < 1.0 || c < 1.0 {
                    break;
                }
                term *= up(h, r, c);
                h += 2.0;
                r -= 1.0;
                c -= 1.0;
            } else {
                if h < 2.0 {
                    break;
                }
                term *= down(h, r, c);
                h -= 2.0;
                r += 1.0;
                c += 1.0;
            }
            if term > level * TIE {
                central += term;
                if central > BIG {
                    if level < 1.0 {
                        // p < tail / central < 1e-400: zero in double precision.
                        return 0.0;
                    }
                    // Far out in the tail: rescale to keep the numbers finite.
                    central /= BIG;
                    tail /= BIG;
                    term /= BIG;
                    level /= BIG;
                }
            } else {
                tail += term;
                if term < EPSILON * tail {
                    break;
                }
            }
        }
    }
    (tail / (tail + central)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact enumeration with big factorial ratios in log space, independent of the recurrence.
    fn brute(hom_ref: u64, het: u64, hom_alt: u64) -> f64 {
        let n = hom_ref + het + hom_alt;
        let n_a = 2 * hom_ref + het;
        let lf = |k: u64| (1..=k).map(|i| (i as f64).ln()).sum::<f64>();
        // P(het=k) = n! / (AA! Aa! aa!) * 2^k * n_a! n_b! / (2n)!
        let p = |k: u64| -> Option<f64> {
            if k > n_a || (n_a - k) % 2 == 1 {
                return None;
            }
            let aa = (n_a - k) / 2;
            let bb = n.checked_sub(aa + k)?;
            Some((lf(n) - lf(aa) - lf(k) - lf(bb) + k as f64 * 2f64.ln() + lf(n_a) + lf(2 * n - n_a) - lf(2 * n)).exp())
        };
        let obs = p(het).unwrap();
        (0..=n_a).filter_map(p).filter(|&x| x <= obs * (1.0 + 1e-12)).sum()
    }

    #[test]
    fn small_tables_by_hand() {
        // 2 samples, one het and one hom-ref: alleles 3 ref 1 alt; the only possible het count
        // is 1, so p = 1.
        assert_eq!(hwe_exact(1, 1, 0), 1.0);
        // 0/0 and 1/1 (no het) with 2 ref 2 alt: P(het=0) = 1/3, P(het=2) = 2/3 → p = 1/3.
        assert!((hwe_exact(1, 0, 1) - 1.0 / 3.0).abs() < 1e-15);
        // Monomorphic.
        assert_eq!(hwe_exact(10, 0, 0), 1.0);
        assert_eq!(hwe_exact(0, 0, 7), 1.0);
    }

    #[test]
    fn agrees_with_enumeration_over_many_tables() {
        // Tables from tiny to 3,000 samples, near HWE and far from it, both rare-allele sides.
        let mut k: u64 = 12345;
        let mut next = |m: u64| {
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (k >> 33) % m
        };
        let mut checked = 0;
        for _ in 0..400 {
            let n = 1 + next(3000);
            let q = next(1000) as f64 / 1000.0;
            // Genotypes drawn near HWE, then some pushed out of equilibrium.
            let mut hom_alt = ((q * q) * n as f64) as u64;
            let mut het = ((2.0 * q * (1.0 - q)) * n as f64) as u64;
            match next(3) {
                0 => het = het * next(4) / 2,
                1 => hom_alt = hom_alt * next(5) / 2,
                _ => {}
            }
            het = het.min(n);
            hom_alt = hom_alt.min(n - het);
            let hom_ref = n - het - hom_alt;
            let (x, y) = (hwe_exact(hom_ref, het, hom_alt), brute(hom_ref, het, hom_alt));
            assert!((x - y).abs() <= 1e-9 * y.max(1e-300), "{hom_ref} {het} {hom_alt}: {x} vs {y}");
            checked += usize::from(y > 1e-300 && y < 0.5);
        }
        assert!(checked > 50, "the tables must include departures from HWE: {checked}");
    }

    #[test]
    fn agrees_with_enumeration() {
        for &(a, b, c) in &[(50, 40, 10), (90, 0, 10), (10, 80, 10), (500, 10, 0), (3, 3, 3), (0, 20, 0), (1000, 300, 40)] {
            let (x, y) = (hwe_exact(a, b, c), brute(a, b, c));
            assert!((x - y).abs() <= 1e-9 * y.max(1e-300), "{a} {b} {c}: {x} vs {y}");
        }
    }
}
