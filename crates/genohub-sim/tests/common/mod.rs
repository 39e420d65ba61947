//! Parsing helpers shared by the integration tests (a tiny, strict VCF text reader).
#![allow(dead_code)]

use genohub_sim::{write_cohort_vcf, CohortParams, CohortSummary};

/// Allele index of a missing haplotype call.
pub const MISSING: u8 = u8::MAX;

pub struct Record {
    pub position: u64,
    pub reference: String,
    pub alts: Vec<String>,
    /// Two entries per sample, in sample order; `MISSING` for `.`.
    pub haplotypes: Vec<u8>,
}

pub struct Cohort {
    pub header: Vec<String>,
    pub samples: Vec<String>,
    pub records: Vec<Record>,
    pub summary: CohortSummary,
    pub text: Vec<u8>,
}

pub fn simulate(params: &CohortParams) -> Cohort {
    let mut text = Vec::new();
    let summary = write_cohort_vcf(params, &mut text).expect("simulation succeeds");
    let (header, samples, records) = parse(std::str::from_utf8(&text).expect("VCF is UTF-8"));
    Cohort { header, samples, records, summary, text }
}

fn parse(text: &str) -> (Vec<String>, Vec<String>, Vec<Record>) {
    let mut header = Vec::new();
    let mut samples = Vec::new();
    let mut records = Vec::new();
    for line in text.lines() {
        if line.starts_with("##") {
            header.push(line.to_string());
        } else if let Some(columns) = line.strip_prefix("#CHROM") {
            samples = columns.split('\t').skip(9).map(str::to_string).collect();
        } else {
            records.push(parse_record(line, samples.len()));
        }
    }
    (header, samples, records)
}

fn parse_record(line: &str, sample_count: usize) -> Record {
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(fields.len(), 9 + sample_count, "column count of {}", &line[..60.min(line.len())]);
    let mut haplotypes = Vec::with_capacity(2 * sample_count);
    for sample in &fields[9..] {
        let gt = sample.split(':').next().unwrap();
        let (a, b) = gt.split_once('|').expect("phased genotype");
        for allele in [a, b] {
            haplotypes.push(if allele == "." { MISSING } else { allele.parse().unwrap() });
        }
    }
    Record { position: fields[1].parse().unwrap(), reference: fields[3].to_string(), alts: fields[4].split(',').map(str::to_string).collect(), haplotypes }
}

impl Record {
    /// Number of called haplotypes carrying each allele (index 0 = REF).
    pub fn allele_counts(&self) -> Vec<u32> {
        let mut counts = vec![0; self.alts.len() + 1];
        for &h in &self.haplotypes {
            if h != MISSING {
                counts[h as usize] += 1;
            }
        }
        counts
    }

    /// Count of the least common allele present at the site.
    pub fn minor_allele_count(&self) -> u32 {
        let counts = self.allele_counts();
        let total: u32 = counts.iter().sum();
        counts.iter().map(|&c| c.min(total - c)).filter(|&c| c > 0).min().unwrap_or(0)
    }

    pub fn is_indel(&self) -> bool {
        self.alts.iter().any(|a| a.len() != self.reference.len())
    }
}
