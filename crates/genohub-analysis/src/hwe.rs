//! Hardy–Weinberg exact test (Wigginton, Cutler & Abecasis 2005, PMID 15789306).

/// Two-sided exact p-value for diploid genotype counts of a biallelic site: the summed
/// probability, under HWE given the allele counts, of every heterozygote count no more likely
/// than the observed one. 1 for a monomorphic site (as bcftools `+fill-tags -t HWE`).
pub fn hwe_exact(hom_ref: u64, het: u64, hom_alt: u64) -> f64 {
    let n_ref = 2 * hom_ref + het;
    let n_alt = 2 * hom_alt + het;
    if n_ref == 0 || n_alt == 0 {
        return 1.0;
    }
    let genotypes = hom_ref + het + hom_alt;
    let rare = n_ref.min(n_alt);
    let probs = het_distribution(rare, genotypes);
    let observed = probs[het as usize];
    let p: f64 = probs.iter().filter(|&&x| x <= observed).sum();
    p.min(1.0)
}

/// P(het = k | rare allele copies, genotypes) for k = 0..=rare (zero where k's parity differs
/// from `rare`), by the recurrence outward from the most likely count.
fn het_distribution(rare: u64, genotypes: u64) -> Vec<f64> {
    let alleles = 2 * genotypes;
    let mut probs = vec![0.0f64; rare as usize + 1];
    let mut mid = (rare as f64 * (alleles - rare) as f64 / alleles as f64) as u64;
    if (mid ^ rare) & 1 == 1 {
        mid += 1;
    }
    probs[mid as usize] = 1.0;
    let mut sum = 1.0;
    // Downwards: two fewer hets = one more homozygote of each kind.
    let (mut hom_r, mut hom_c) = ((rare - mid) / 2, genotypes - mid - (rare - mid) / 2);
    let mut h = mid;
    while h > 1 {
        let (hf, rf, cf) = (h as f64, hom_r as f64, hom_c as f64);
        probs[h as usize - 2] = probs[h as usize] * hf * (hf - 1.0) / (4.0 * (rf + 1.0) * (cf + 1.0));
        sum += probs[h as usize - 2];
        hom_r += 1;
        hom_c += 1;
        h -= 2;
    }
    let (mut hom_r, mut hom_c) = ((rare - mid) / 2, genotypes - mid - (rare - mid) / 2);
    let mut h = mid;
    while h + 2 <= rare {
        let (hf, rf, cf) = (h as f64, hom_r as f64, hom_c as f64);
        probs[h as usize + 2] = probs[h as usize] * 4.0 * rf * cf / ((hf + 2.0) * (hf + 1.0));
        sum += probs[h as usize + 2];
        hom_r -= 1;
        hom_c -= 1;
        h += 2;
    }
    probs.iter_mut().for_each(|p| *p /= sum);
    probs
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
    fn agrees_with_enumeration() {
        for &(a, b, c) in &[(50, 40, 10), (90, 0, 10), (10, 80, 10), (500, 10, 0), (3, 3, 3), (0, 20, 0), (1000, 300, 40)] {
            let (x, y) = (hwe_exact(a, b, c), brute(a, b, c));
            assert!((x - y).abs() <= 1e-9 * y.max(1e-300), "{a} {b} {c}: {x} vs {y}");
        }
    }
}
