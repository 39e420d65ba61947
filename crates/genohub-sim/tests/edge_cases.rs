//! Degenerate but legal parameters still give well-formed VCF; illegal ones are rejected.

mod common;

use genohub_sim::{write_cohort_vcf, CohortParams, SimError};

#[test]
fn tiny_cohorts_are_well_formed() {
    for (samples, length, founders) in [(1, 1, 2), (1, 5_000, 2), (3, 20_000, 3), (2, 100, 64)] {
        let params = CohortParams { samples, length, founders, ..CohortParams::default() };
        // `simulate` asserts every record has one phased genotype per sample.
        let cohort = common::simulate(&params);
        assert_eq!(cohort.samples.len(), samples);
        assert!(cohort.records.iter().all(|r| r.position >= 1 && r.position <= length));
        assert!(cohort.records.iter().all(|r| r.allele_counts()[1..].iter().all(|&c| c > 0)));
    }
}

#[test]
fn wide_cohorts_get_wider_sample_names() {
    let params = CohortParams { samples: 123_456, length: 1, ..CohortParams::default() };
    let cohort = common::simulate(&params);
    assert_eq!(cohort.samples.first().unwrap(), "SIM000001");
    assert_eq!(cohort.samples.last().unwrap(), "SIM123456");
}

#[test]
fn everything_missing_when_missing_rate_is_one() {
    let params = CohortParams { samples: 5, length: 20_000, missing_rate: 1.0, ..CohortParams::default() };
    let cohort = common::simulate(&params);
    assert!(!cohort.records.is_empty());
    assert!(cohort.records.iter().all(|r| r.haplotypes.iter().all(|&h| h == common::MISSING)));
}

#[test]
fn invalid_params_are_rejected() {
    let bad = [
        CohortParams { samples: 0, ..CohortParams::default() },
        CohortParams { length: 0, ..CohortParams::default() },
        CohortParams { founders: 1, ..CohortParams::default() },
        CohortParams { missing_rate: 1.5, ..CohortParams::default() },
        CohortParams { contig: "chr 1".into(), ..CohortParams::default() },
        CohortParams { sample_prefix: "a\tb".into(), ..CohortParams::default() },
    ];
    for params in bad {
        let result = write_cohort_vcf(&params, std::io::sink());
        assert!(matches!(result, Err(SimError::InvalidParams(_))), "{params:?} accepted");
    }
}
