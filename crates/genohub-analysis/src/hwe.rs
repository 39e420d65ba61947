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
///
/// Most sites of a cohort are rare, so the same tables come back again and again: answers are
/// kept per thread in a small direct-mapped table ([`HweMemo`]).
pub fn hwe_exact(hom_ref: u64, het: u64, hom_alt: u64) -> f64 {
    if 2 * hom_ref + het == 0 || 2 * hom_alt + het == 0 {
        return 1.0;
    }
    crate::hwe_memo::HweMemo::with(|memo| memo.get_or_insert([hom_ref, het, hom_alt], || walk(hom_ref, het, hom_alt)))
}

/// One direction of the walk from the observed heterozygote count. Each step's ratio
/// P(next)/P(current) is `(num_a·num_b) / (den_a·den_b)`, every factor an integer that moves
/// by a fixed step, so the products are exact and the ratio is rounded once.
struct Direction {
    num_a: f64,
    num_b: f64,
    den_a: f64,
    den_b: f64,
    step: [f64; 4],
    steps: u64,
}

impl Direction {
    /// Towards more heterozygotes: P(h+2)/P(h) = 4·r·c / ((h+2)(h+1)), with r, c the rare and
    /// common homozygote counts at h; possible while both are at least 1.
    fn up(h: f64, r: f64, c: f64) -> Direction {
        Direction { num_a: 4.0 * r, num_b: c, den_a: h + 2.0, den_b: h + 1.0, step: [-4.0, -1.0, 2.0, 2.0], steps: r.min(c) as u64 }
    }

    /// Towards fewer: P(h−2)/P(h) = h(h−1) / (4(r+1)(c+1)); possible while h is at least 2.
    fn down(h: f64, r: f64, c: f64) -> Direction {
        Direction { num_a: h, num_b: h - 1.0, den_a: 4.0 * (r + 1.0), den_b: c + 1.0, step: [-2.0, -2.0, 4.0, 1.0], steps: (h / 2.0) as u64 }
    }

    /// The next ratio, advancing one step (the caller checks `steps`).
    #[inline(always)]
    fn next(&mut self) -> f64 {
        let ratio = self.num_a * self.num_b / (self.den_a * self.den_b);
        self.num_a += self.step[0];
        self.num_b += self.step[1];
        self.den_a += self.step[2];
        self.den_b += self.step[3];
        self.steps -= 1;
        ratio
    }
}

/// The running sums of one test: terms no more likely than the observed one (`tail`) and
/// more likely ones (`central`), on a scale where the observed term is `level`.
struct Sums {
    tail: f64,
    central: f64,
    level: f64,
}

impl Sums {
    /// Walks one direction. `rescale`: terms more likely than the observed one may grow past
    /// `BIG` (only towards the mode). None when the p-value is below double range (0).
    fn walk(&mut self, mut d: Direction, rescale: bool) -> Option<()> {
        let mut term = 1.0f64;
        while d.steps > 0 {
            let ratio = d.next();
            term *= ratio;
            if term > self.level * TIE {
                self.central += term;
                if rescale && self.central > BIG {
                    if self.level < 1.0 {
                        // p < tail / central < 1e-400: zero in double precision.
                        return None;
                    }
                    // Far out in the tail: rescale to keep the numbers finite.
                    self.central /= BIG;
                    self.tail /= BIG;
                    term /= BIG;
                    self.level /= BIG;
                }
            } else {
                self.tail += term;
                if term < EPSILON * self.tail {
                    return Some(());
                }
                if ratio <= 1.0 {
                    self.tail_only(d, term);
                    return Some(());
                }
            }
        }
        Some(())
    }

    /// The rest of a walk past the mode, once a tail term was reached with a ratio ≤ 1.
    /// Ratios only fall from there (each is an exact integer quotient rounded once, whose
    /// numerator falls and denominator grows), so no later term is more likely and every
    /// term goes to the tail. The stopping test is made every fourth term: once a term is
    /// below `EPSILON·tail` (< half an ulp of `tail`), adding it and the smaller ones after it
    /// leaves `tail` unchanged, so the sum is bit-identical to stopping at the first one.
    fn tail_only(&mut self, mut d: Direction, mut term: f64) {
        while d.steps >= 4 {
            for _ in 0..4 {
                term *= d.next();
                self.tail += term;
            }
            if term < EPSILON * self.tail {
                return;
            }
        }
        while d.steps > 0 {
            term *= d.next();
            self.tail += term;
            if term < EPSILON * self.tail {
                return;
            }
        }
    }
}

/// The exact test itself, for a table with both alleles present.
fn walk(hom_ref: u64, het: u64, hom_alt: u64) -> f64 {
    let n_ref = 2 * hom_ref + het;
    let n_alt = 2 * hom_alt + het;
    let genotypes = (hom_ref + het + hom_alt) as f64;
    let rare = n_ref.min(n_alt);
    let hom_rare = ((rare - het) / 2) as f64;
    let hom_common = genotypes - het as f64 - hom_rare;
    let h0 = het as f64;
    // Expected het count under HWE; the mode is within one step of it.
    let expected = rare as f64 * (2.0 * genotypes - rare as f64) / (2.0 * genotypes);
    let (up, down) = (Direction::up(h0, hom_rare, hom_common), Direction::down(h0, hom_rare, hom_common));
    // Away from the mode terms fall (at most the one next to a mode within a step of the
    // observed count can exceed it); towards the mode: "more likely" while above the observed
    // level, then tail.
    let (away, towards) = if h0 < expected { (down, up) } else { (up, down) };
    let mut sums = Sums { tail: 1.0, central: 0.0, level: 1.0 };
    let _ = sums.walk(away, false);
    if sums.walk(towards, true).is_none() {
        return 0.0;
    }
    (sums.tail / (sums.tail + sums.central)).min(1.0)
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

    /// The former single-loop walk, stopping at the first negligible term: the walk split into
    /// directions, the unrolled tail and the memo must give the very same bits.
    fn reference(hom_ref: u64, het: u64, hom_alt: u64) -> f64 {
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

    #[test]
    fn bit_identical_to_the_single_loop_walk() {
        let mut k: u64 = 987654321;
        let mut next = |m: u64| {
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (k >> 33) % m
        };
        let mut tables = vec![(1, 1, 0), (1, 0, 1), (0, 2, 0), (0, 1, 1), (9999, 1, 0), (9998, 2, 0), (5000, 0, 5000), (0, 10000, 0), (2500, 5000, 2500)];
        // Sizes from tiny to a million samples; frequencies from singletons to common; near
        // HWE, het deficit (p → 0, the rescaled walk) and het excess.
        for _ in 0..30_000 {
            let size = [20, 300, 10_000, 1_000_000][next(4) as usize];
            let n = 1 + next(size);
            let q = (next(1000) as f64 / 1000.0).powi(1 + next(3) as i32);
            let mut hom_alt = ((q * q) * n as f64) as u64;
            let mut het = ((2.0 * q * (1.0 - q)) * n as f64) as u64;
            match next(4) {
                0 => het = het * next(4) / 2,
                1 => hom_alt = hom_alt * next(5) / 2,
                2 => het += next(1 + n / 10),
                _ => {}
            }
            het = het.min(n);
            hom_alt = hom_alt.min(n - het);
            tables.push((n - het - hom_alt, het, hom_alt));
        }
        let (mut zero, mut one, mut between) = (0, 0, 0);
        for round in 0..2 {
            for &(a, b, c) in &tables {
                let (x, y) = (hwe_exact(a, b, c), reference(a, b, c));
                assert_eq!(x.to_bits(), y.to_bits(), "round {round}: {a} {b} {c}: {x:e} vs {y:e}");
                zero += usize::from(y == 0.0);
                one += usize::from(y == 1.0);
                between += usize::from(y > 0.0 && y < 1e-3);
            }
        }
        assert!(zero > 0 && one > 0 && between > 100, "tables must cover p = 0, 1 and small p: {zero} {one} {between}");
    }

    #[test]
    fn agrees_with_enumeration() {
        for &(a, b, c) in &[(50, 40, 10), (90, 0, 10), (10, 80, 10), (500, 10, 0), (3, 3, 3), (0, 20, 0), (1000, 300, 40)] {
            let (x, y) = (hwe_exact(a, b, c), brute(a, b, c));
            assert!((x - y).abs() <= 1e-9 * y.max(1e-300), "{a} {b} {c}: {x} vs {y}");
        }
    }
}
