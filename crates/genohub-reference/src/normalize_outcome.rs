use crate::{NormalizedAllele, RefError};

/// Result of [`crate::normalize_checked`]: what `bcftools norm --check-ref e|w|x` does with
/// one record.
#[derive(Debug)]
pub enum NormalizeOutcome {
    /// The record passed the checks and was normalised (it may be unchanged).
    Normalized(NormalizedAllele),
    /// The record failed a check the policy tolerates and is passed on as written (alleles
    /// uppercased): a REF mismatch under [`crate::RefCheck::Warn`], or REF equal to ALT under
    /// `Warn` or `Skip` (bcftools keeps such records even with `-c x`).
    Kept { allele: NormalizedAllele, issue: RefError },
    /// The record is dropped: a REF/ALT mismatch under [`crate::RefCheck::Skip`].
    Excluded(RefError),
}

impl NormalizeOutcome {
    /// The record to write, if any.
    pub fn allele(&self) -> Option<&NormalizedAllele> {
        match self {
            NormalizeOutcome::Normalized(allele) | NormalizeOutcome::Kept { allele, .. } => Some(allele),
            NormalizeOutcome::Excluded(_) => None,
        }
    }
}
