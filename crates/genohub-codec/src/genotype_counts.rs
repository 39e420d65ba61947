use std::ops::{AddAssign, Sub};

use crate::code::{self, ALT, MISSING, REF};
use crate::extended_call::ExtendedCall;

/// Genotype and allele tallies for one variant (or summed over several).
///
/// Follows bcftools: a diploid call with any missing allele ("./1") is a `missing`
/// genotype, yet its called alleles still count toward `ac` and `an`. Extended calls are
/// tallied only in `extended`, `ac` and `an` (from their allele lists).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GenotypeCounts {
    pub hom_ref: u64,
    pub het: u64,
    pub hom_alt: u64,
    /// Diploid calls with at least one missing allele.
    pub missing: u64,
    pub hap_ref: u64,
    pub hap_alt: u64,
    pub hap_missing: u64,
    /// Calls stored as `code::EXTENDED`.
    pub extended: u64,
    /// Alt alleles among called alleles.
    pub ac: u64,
    /// Called (non-missing) alleles.
    pub an: u64,
}

impl GenotypeCounts {
    /// Adds `times` samples carrying `c`. EXTENDED is ignored here because its meaning
    /// lives in the extended list; see [`GenotypeCounts::add_extended`].
    pub fn add_code(&mut self, c: u8, times: u64) {
        if c == code::EXTENDED || times == 0 {
            return;
        }
        let slot = if code::is_haploid(c) {
            match code::first(c) {
                REF => &mut self.hap_ref,
                ALT => &mut self.hap_alt,
                _ => &mut self.hap_missing,
            }
        } else if code::first(c) == MISSING || code::second(c) == MISSING {
            &mut self.missing
        } else {
            match code::alt_count(c) {
                0 => &mut self.hom_ref,
                1 => &mut self.het,
                _ => &mut self.hom_alt,
            }
        };
        *slot += times;
        self.ac += u64::from(code::alt_count(c)) * times;
        self.an += u64::from(code::called_alleles(c)) * times;
    }

    pub fn add_extended(&mut self, call: &ExtendedCall) {
        self.extended += 1;
        self.ac += call.alt_count();
        self.an += call.called_alleles();
    }

    pub fn diploid(&self) -> u64 {
        self.hom_ref + self.het + self.hom_alt + self.missing
    }

    pub fn haploid(&self) -> u64 {
        self.hap_ref + self.hap_alt + self.hap_missing
    }

    /// Number of samples counted.
    pub fn samples(&self) -> u64 {
        self.diploid() + self.haploid() + self.extended
    }

    /// `ac / an`, or `None` when no allele was called.
    pub fn allele_frequency(&self) -> Option<f64> {
        (self.an > 0).then(|| self.ac as f64 / self.an as f64)
    }
}

impl AddAssign for GenotypeCounts {
    fn add_assign(&mut self, o: Self) {
        self.hom_ref += o.hom_ref;
        self.het += o.het;
        self.hom_alt += o.hom_alt;
        self.missing += o.missing;
        self.hap_ref += o.hap_ref;
        self.hap_alt += o.hap_alt;
        self.hap_missing += o.hap_missing;
        self.extended += o.extended;
        self.ac += o.ac;
        self.an += o.an;
    }
}

/// Counts of a set less those of a subset of it (every field is a sum over samples).
impl Sub for GenotypeCounts {
    type Output = Self;

    fn sub(self, o: Self) -> Self {
        Self {
            hom_ref: self.hom_ref - o.hom_ref,
            het: self.het - o.het,
            hom_alt: self.hom_alt - o.hom_alt,
            missing: self.missing - o.missing,
            hap_ref: self.hap_ref - o.hap_ref,
            hap_alt: self.hap_alt - o.hap_alt,
            hap_missing: self.hap_missing - o.hap_missing,
            extended: self.extended - o.extended,
            ac: self.ac - o.ac,
            an: self.an - o.an,
        }
    }
}
