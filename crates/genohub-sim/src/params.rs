//! User-facing knobs of the cohort simulation and their validation.

use crate::SimError;

/// Parameters of a synthetic cohort. Identical parameters always produce identical output.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortParams {
    /// Number of diploid samples (VCF columns).
    pub samples: usize,
    /// Contig length in base pairs.
    pub length: u64,
    /// Seed for every random draw (reference, genealogy, mosaics, genotypes).
    pub seed: u64,
    /// Contig name used in the VCF and FASTA.
    pub contig: String,
    /// Number of founder haplotypes the samples are mosaics of (at least 2).
    pub founders: usize,
    /// Probability that a genotype is written as `.|.`.
    pub missing_rate: f64,
    /// Fraction of variant sites that are indels.
    pub indel_fraction: f64,
    /// Fraction of variant sites drawn with 2-3 ALT alleles.
    pub multiallelic_fraction: f64,
    /// Also write FORMAT DP, GQ and AD.
    pub with_depth: bool,
    /// Sample names are `{sample_prefix}{index:05}` starting at 1.
    pub sample_prefix: String,
}

impl Default for CohortParams {
    fn default() -> Self {
        Self {
            samples: 100,
            length: 1_000_000,
            seed: 1,
            contig: "chr20".to_string(),
            founders: 64,
            missing_rate: 0.002,
            indel_fraction: 0.1,
            multiallelic_fraction: 0.02,
            with_depth: false,
            sample_prefix: "SIM".to_string(),
        }
    }
}

impl CohortParams {
    /// Name of sample `index` (0-based): the prefix and the 1-based number, at least five
    /// digits (more when the cohort needs them) so names sort lexically.
    pub fn sample_name(&self, index: usize) -> String {
        let width = self.samples.to_string().len().max(5);
        format!("{}{:0width$}", self.sample_prefix, index + 1)
    }

    /// Rejects parameters that would produce an invalid or meaningless VCF.
    pub fn validate(&self) -> Result<(), SimError> {
        let invalid = |msg: String| Err(SimError::InvalidParams(msg));
        if self.samples == 0 {
            return invalid("samples must be at least 1".into());
        }
        // Haplotype indices are stored as u32 to halve the per-haplotype memory.
        if self.samples > (u32::MAX / 2) as usize {
            return invalid(format!("samples must be at most {}", u32::MAX / 2));
        }
        if self.length == 0 {
            return invalid("length must be at least 1 bp".into());
        }
        if self.founders < 2 || self.founders > u32::MAX as usize {
            return invalid("founders must be at least 2 (a genealogy needs two leaves)".into());
        }
        for (name, value) in
            [("missing_rate", self.missing_rate), ("indel_fraction", self.indel_fraction), ("multiallelic_fraction", self.multiallelic_fraction)]
        {
            if !(0.0..=1.0).contains(&value) {
                return invalid(format!("{name} must be within [0, 1], got {value}"));
            }
        }
        if !is_vcf_token(&self.contig) {
            return invalid(format!("contig name {:?} is not a valid VCF contig ID", self.contig));
        }
        // An empty prefix is fine (names become plain numbers), but separators are not.
        if !self.sample_prefix.is_empty() && !is_vcf_token(&self.sample_prefix) {
            return invalid(format!("sample prefix {:?} contains separators", self.sample_prefix));
        }
        Ok(())
    }
}

/// Non-empty and free of characters that would break VCF/FASTA headers or columns.
fn is_vcf_token(s: &str) -> bool {
    !s.is_empty() && !s.starts_with(['*', '=']) && s.bytes().all(|b| b.is_ascii_graphic() && !b"<>,=\"".contains(&b))
}
