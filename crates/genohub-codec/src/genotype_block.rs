use crate::code;
use crate::code_scan;
use crate::error::CodecError;
use crate::extended_call::ExtendedCall;
use crate::limits::{MAX_CELLS, MAX_EXTENDED_CALLS, MAX_PLOIDY, MAX_SAMPLES, MAX_VARIANTS};

/// Integer FORMAT value meaning '.'.
pub const MISSING_INT: i32 = i32::MIN;

/// Genotypes of `n_variants` biallelic variants for `n_samples` samples, variant-major.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenotypeBlock {
    pub n_variants: u32,
    pub n_samples: u32,
    /// `n_variants * n_samples` codes, variant-major (see [`crate::code`]).
    pub codes: Vec<u8>,
    /// Sorted by (variant, sample); `codes[v*n+s] == EXTENDED` exactly at these positions.
    pub extended: Vec<ExtendedCall>,
    /// `n_variants * n_samples`, `MISSING_INT` for '.'.
    pub dp: Option<Vec<i32>>,
    pub gq: Option<Vec<i32>>,
    /// `n_variants * n_samples * 2`: (ref depth, alt depth) per call.
    pub ad: Option<Vec<i32>>,
}

impl GenotypeBlock {
    pub fn n_cells(&self) -> usize {
        self.n_variants as usize * self.n_samples as usize
    }

    /// Codes of variant `v`.
    pub fn variant_codes(&self, v: u32) -> &[u8] {
        let n = self.n_samples as usize;
        &self.codes[v as usize * n..(v as usize + 1) * n]
    }

    /// Checks everything the encoder relies on; errors name the first offending item.
    pub fn validate(&self) -> Result<(), CodecError> {
        self.validate_shape()?;
        let flagged = self.validate_codes()?;
        self.validate_extended(flagged)
    }

    fn validate_shape(&self) -> Result<(), CodecError> {
        if self.n_samples > MAX_SAMPLES || self.n_variants > MAX_VARIANTS {
            return Err(CodecError::LimitExceeded(format!("{} variants x {} samples (max {MAX_VARIANTS} x {MAX_SAMPLES})", self.n_variants, self.n_samples)));
        }
        let cells = self.n_cells();
        if cells as u64 > MAX_CELLS {
            return Err(CodecError::LimitExceeded(format!("{cells} genotype calls per block (max {MAX_CELLS})")));
        }
        check_len("codes", self.codes.len(), cells)?;
        if let Some(dp) = &self.dp {
            check_len("dp", dp.len(), cells)?;
        }
        if let Some(gq) = &self.gq {
            check_len("gq", gq.len(), cells)?;
        }
        if let Some(ad) = &self.ad {
            check_len("ad", ad.len(), cells * 2)?;
        }
        Ok(())
    }

    /// Returns the number of EXTENDED codes.
    fn validate_codes(&self) -> Result<usize, CodecError> {
        match code_scan::first_invalid(&self.codes) {
            (None, extended) => Ok(extended),
            (Some(i), _) => {
                let n = self.n_samples as usize;
                Err(CodecError::InvalidBlock(format!("invalid genotype code {:#04x} at variant {}, sample {}", self.codes[i], i / n, i % n)))
            }
        }
    }

    fn validate_extended(&self, flagged: usize) -> Result<(), CodecError> {
        let n = self.n_samples as usize;
        let mut previous: Option<(u32, u32)> = None;
        for call in &self.extended {
            let key = (call.variant, call.sample);
            if call.variant >= self.n_variants || call.sample >= self.n_samples {
                return Err(invalid_ext(call, "position outside the block"));
            }
            if previous.is_some_and(|p| p >= key) {
                return Err(invalid_ext(call, "not strictly sorted by (variant, sample)"));
            }
            previous = Some(key);
            if self.codes[call.variant as usize * n + call.sample as usize] != code::EXTENDED {
                return Err(invalid_ext(call, "code at its position is not EXTENDED"));
            }
            if call.alleles.is_empty() || call.alleles.len() > MAX_PLOIDY {
                return Err(invalid_ext(call, "ploidy must be 1..=32"));
            }
            if call.phased.len() != call.alleles.len() - 1 {
                return Err(invalid_ext(call, "phased.len() must be alleles.len() - 1"));
            }
            if call.alleles.iter().any(|&a| a > code::MISSING) {
                return Err(invalid_ext(call, "allele must be REF, ALT or MISSING"));
            }
        }
        if self.extended.len() as u64 > MAX_EXTENDED_CALLS {
            return Err(CodecError::LimitExceeded(format!("{} extended calls (max {MAX_EXTENDED_CALLS})", self.extended.len())));
        }
        if flagged != self.extended.len() {
            return Err(CodecError::InvalidBlock(format!("{flagged} EXTENDED codes but {} extended calls", self.extended.len())));
        }
        Ok(())
    }
}

fn check_len(field: &str, actual: usize, expected: usize) -> Result<(), CodecError> {
    if actual == expected {
        Ok(())
    } else {
        Err(CodecError::InvalidBlock(format!("{field} has {actual} values, expected {expected}")))
    }
}

fn invalid_ext(call: &ExtendedCall, why: &str) -> CodecError {
    CodecError::InvalidBlock(format!("extended call at variant {}, sample {}: {why}", call.variant, call.sample))
}
