use thiserror::Error;

/// A record whose REF (or ALT) does not fit the reference FASTA: what `bcftools norm
/// --check-ref` reports. Positions are 1-based; alleles are shown as written in the VCF.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RefMismatch {
    /// The REF bases differ from the FASTA (compared case-insensitively, FASTA IUPAC codes read
    /// as `N`). `fasta_ref` is shorter than `vcf_ref` when REF runs past the contig end.
    #[error("reference allele mismatch at {contig}:{pos}: VCF REF {vcf_ref:?}, FASTA {fasta_ref:?}")]
    Differs { contig: String, pos: u64, vcf_ref: String, fasta_ref: String },
    /// REF contains something other than A, C, G, T or N (bcftools rejects IUPAC codes in REF).
    #[error("non-ACGTN reference allele at {contig}:{pos}: VCF REF {vcf_ref:?}, FASTA {fasta_ref:?}")]
    NonAcgtnRef { contig: String, pos: u64, vcf_ref: String, fasta_ref: String },
    /// ALT contains something other than A, C, G, T or N and is not symbolic, `*` or a
    /// breakend; bcftools treats this like a REF mismatch (excluded by `-c x`).
    #[error("non-ACGTN alternate allele at {contig}:{pos}: ALT {alt:?} (VCF REF {vcf_ref:?}, FASTA {fasta_ref:?})")]
    NonAcgtnAlt { contig: String, pos: u64, vcf_ref: String, fasta_ref: String, alt: String },
    /// The record's contig is not in the FASTA at all.
    #[error("contig {contig:?} of the record at {contig}:{pos} (REF {vcf_ref:?}) is not in the FASTA")]
    UnknownContig { contig: String, pos: u64, vcf_ref: String },
    /// The FASTA could not be read to do the check (I/O error, corrupt index).
    #[error("could not read the FASTA to check REF {vcf_ref:?} at {contig}:{pos}: {reason}")]
    Unreadable { contig: String, pos: u64, vcf_ref: String, reason: String },
}

impl RefMismatch {
    pub fn contig(&self) -> &str {
        match self {
            RefMismatch::Differs { contig, .. }
            | RefMismatch::NonAcgtnRef { contig, .. }
            | RefMismatch::NonAcgtnAlt { contig, .. }
            | RefMismatch::UnknownContig { contig, .. }
            | RefMismatch::Unreadable { contig, .. } => contig,
        }
    }

    /// 1-based position of the record.
    pub fn pos(&self) -> u64 {
        match self {
            RefMismatch::Differs { pos, .. }
            | RefMismatch::NonAcgtnRef { pos, .. }
            | RefMismatch::NonAcgtnAlt { pos, .. }
            | RefMismatch::UnknownContig { pos, .. }
            | RefMismatch::Unreadable { pos, .. } => *pos,
        }
    }

    /// The REF allele as written in the VCF.
    pub fn vcf_ref(&self) -> &str {
        match self {
            RefMismatch::Differs { vcf_ref, .. }
            | RefMismatch::NonAcgtnRef { vcf_ref, .. }
            | RefMismatch::NonAcgtnAlt { vcf_ref, .. }
            | RefMismatch::UnknownContig { vcf_ref, .. }
            | RefMismatch::Unreadable { vcf_ref, .. } => vcf_ref,
        }
    }

    /// True for the cases `bcftools norm --check-ref w|x` tolerates (warn or exclude); false
    /// for an unknown contig or an unreadable FASTA, which stop bcftools whatever the mode.
    pub fn is_data_mismatch(&self) -> bool {
        matches!(self, RefMismatch::Differs { .. } | RefMismatch::NonAcgtnRef { .. } | RefMismatch::NonAcgtnAlt { .. })
    }
}
