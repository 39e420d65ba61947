//! Population-genetic structure of a 500-sample × 1 Mb cohort: it must look like real data,
//! not like a uniform random genotype matrix.

mod common;

use std::sync::OnceLock;

use common::{Cohort, Record, MISSING};
use genohub_sim::{reference_sequence, CohortParams};

fn params() -> CohortParams {
    CohortParams { samples: 500, length: 1_000_000, seed: 2024, ..CohortParams::default() }
}

fn cohort() -> &'static Cohort {
    static COHORT: OnceLock<Cohort> = OnceLock::new();
    COHORT.get_or_init(|| common::simulate(&params()))
}

#[test]
fn site_density_is_human_like() {
    let records = cohort().records.len() as f64;
    let bp_per_site = 1_000_000.0 / records;
    println!("{records} records, one per {bp_per_site:.0} bp");
    assert!((100.0..=300.0).contains(&bp_per_site), "one site per {bp_per_site:.0} bp");
    assert_eq!(cohort().summary.records, cohort().records.len() as u64);
}

#[test]
fn frequency_spectrum_is_rare_dominated() {
    let records = &cohort().records;
    let mac: Vec<u32> = records.iter().map(Record::minor_allele_count).collect();
    let rare = mac.iter().filter(|&&c| (1..=5).contains(&c)).count() as f64 / mac.len() as f64;
    let singletons = mac.iter().filter(|&&c| c == 1).count();
    let doubletons = mac.iter().filter(|&&c| c == 2).count();
    let common = mac.iter().filter(|&&c| c >= 50).count();
    println!("MAC<=5: {rare:.3}, singletons {singletons}, doubletons {doubletons}, MAC>=50 {common}");
    assert!(rare > 0.4, "only {rare:.3} of sites have MAC <= 5");
    assert!(singletons > doubletons, "singletons must be the largest class");
    // Not *only* rare variants either: common variation from the founders must exist.
    assert!(common as f64 > 0.1 * mac.len() as f64, "{common} common sites");
}

/// Squared correlation of two biallelic sites over haplotypes called at both.
fn r_squared(a: &[u8], b: &[u8]) -> Option<f64> {
    let (mut n, mut sa, mut sb, mut sab) = (0.0, 0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        if x == MISSING || y == MISSING {
            continue;
        }
        let (x, y) = (f64::from(x), f64::from(y));
        n += 1.0;
        sa += x;
        sb += y;
        sab += x * y;
    }
    let (pa, pb) = (sa / n, sb / n);
    let denominator = pa * (1.0 - pa) * pb * (1.0 - pb);
    (denominator > 0.0).then(|| (sab / n - pa * pb).powi(2) / denominator)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn common_biallelic_sites() -> Vec<&'static Record> {
    cohort()
        .records
        .iter()
        .filter(|r| {
            let total = r.haplotypes.len() as f64;
            r.alts.len() == 1 && f64::from(r.minor_allele_count()) >= 0.05 * total
        })
        .collect()
}

#[test]
fn neighbouring_common_sites_are_in_linkage_disequilibrium() {
    let sites = common_biallelic_sites();
    assert!(sites.len() > 500, "{} common sites", sites.len());
    let adjacent: Vec<f64> = sites.windows(2).filter_map(|w| r_squared(&w[0].haplotypes, &w[1].haplotypes)).collect();

    // Baseline: the same pairs after shuffling the second site's haplotypes, i.e. what
    // independent sites with the same allele frequencies would give.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut shuffled_r2 = Vec::new();
    for w in sites.windows(2) {
        let mut b = w[1].haplotypes.clone();
        for i in (1..b.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            b.swap(i, (state >> 33) as usize % (i + 1));
        }
        shuffled_r2.extend(r_squared(&w[0].haplotypes, &b));
    }

    // LD decays: sites 200-400 kb apart share little.
    let mut distant = Vec::new();
    for (i, a) in sites.iter().enumerate() {
        if let Some(b) = sites[i..].iter().find(|b| b.position >= a.position + 200_000) {
            if b.position < a.position + 400_000 {
                distant.extend(r_squared(&a.haplotypes, &b.haplotypes));
            }
        }
    }
    let (near, baseline, far) = (mean(&adjacent), mean(&shuffled_r2), mean(&distant));
    println!("mean r2: adjacent {near:.4}, shuffled {baseline:.5}, 200-400 kb apart {far:.4}");
    assert!(near > 0.15, "adjacent r2 {near:.4} too weak");
    assert!(near > 20.0 * baseline, "adjacent r2 {near:.4} vs shuffled {baseline:.5}");
    assert!(far < near / 2.0, "no decay: far {far:.4} vs adjacent {near:.4}");
}

#[test]
fn has_indels_and_multiallelic_records() {
    let records = &cohort().records;
    let indels = records.iter().filter(|r| r.is_indel()).count() as f64 / records.len() as f64;
    let multi: Vec<&Record> = records.iter().filter(|r| r.alts.len() > 1).collect();
    let het_alt_alt = multi.iter().flat_map(|r| r.haplotypes.chunks(2)).filter(|g| g[0] != g[1] && g[0] != 0 && g[1] != 0 && !g.contains(&MISSING)).count();
    println!("indel share {indels:.3}, multi-allelic {}, ALT/ALT hets {het_alt_alt}", multi.len());
    assert!((0.05..0.2).contains(&indels), "indel share {indels:.3}");
    assert!(multi.len() as f64 > 0.005 * records.len() as f64, "{} multi-allelic", multi.len());
    assert!(multi.iter().any(|r| r.alts.len() == 3), "no tri-ALT site");
    assert!(het_alt_alt > 0, "no genotype like 1|2");
}

#[test]
fn missing_calls_match_missing_rate() {
    let records = &cohort().records;
    let genotypes: usize = records.iter().map(|r| r.haplotypes.len() / 2).sum();
    let missing: usize = records.iter().flat_map(|r| r.haplotypes.chunks(2)).filter(|g| g[0] == MISSING).count();
    // Missing is all-or-nothing per genotype: `.|.`, never `.|0`.
    let half_missing = records.iter().flat_map(|r| r.haplotypes.chunks(2)).filter(|g| (g[0] == MISSING) != (g[1] == MISSING)).count();
    let rate = missing as f64 / genotypes as f64;
    println!("missing rate {rate:.5}");
    assert_eq!(half_missing, 0);
    let expected = params().missing_rate;
    assert!((0.8 * expected..1.2 * expected).contains(&rate), "missing rate {rate}");
}

#[test]
fn ref_matches_reference_and_positions_are_sorted() {
    let reference = reference_sequence(&params());
    let mut previous_end = 0;
    for r in &cohort().records {
        let start = (r.position - 1) as usize;
        let bases = &reference[start..start + r.reference.len()];
        assert_eq!(bases, r.reference.as_bytes(), "REF mismatch at {}", r.position);
        assert!(r.position > previous_end, "unsorted or overlapping at {}", r.position);
        previous_end = r.position + r.reference.len() as u64 - 1;
        for alt in &r.alts {
            assert_ne!(alt, &r.reference);
            assert!(alt.bytes().all(|b| b"ACGT".contains(&b)), "bad ALT {alt}");
            if alt.len() != r.reference.len() {
                assert_eq!(alt.as_bytes()[0], r.reference.as_bytes()[0], "indel without anchor");
            }
        }
    }
}

#[test]
fn some_indels_are_not_left_aligned() {
    // A biallelic indel can move left when its anchor equals the last inserted/deleted base;
    // a normaliser (bcftools norm, vt normalize) then has to realign it.
    let shiftable = cohort()
        .records
        .iter()
        .filter(|r| r.alts.len() == 1 && r.is_indel())
        .filter(|r| {
            let (long, short) = if r.reference.len() > r.alts[0].len() {
                (r.reference.as_bytes(), r.alts[0].as_bytes())
            } else {
                (r.alts[0].as_bytes(), r.reference.as_bytes())
            };
            short.len() == 1 && long[0] == long[long.len() - 1]
        })
        .count();
    println!("{shiftable} un-left-aligned indels");
    assert!(shiftable > 20, "only {shiftable} indels need left-alignment");
}
