//! One variant site: its position and ALT alleles expressed as edits of the reference.
//!
//! Keeping edits (rather than REF/ALT strings) lets alleles that no sample carries be
//! dropped before writing, with REF re-trimmed to the longest remaining deletion.

/// How one ALT allele differs from the reference right after the anchor base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Edit {
    /// The anchor base itself becomes this base.
    Substitution(u8),
    /// This many bases after the anchor are removed.
    Deletion(usize),
    /// These bases are inserted after the anchor.
    Insertion(Vec<u8>),
}

impl Edit {
    fn deleted(&self) -> usize {
        match self {
            Edit::Deletion(len) => *len,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VariantSite {
    /// 1-based VCF POS; the anchor (first REF base) is `reference[position - 1]`.
    pub position: u64,
    /// ALT alleles in VCF order; allele `i + 1` is `edits[i]`.
    pub edits: Vec<Edit>,
    /// Whether carriers come from the founder genealogy (else: recent, rare mutation).
    pub from_founders: bool,
}

impl VariantSite {
    /// Reference bases after the anchor that REF has to span (the longest deletion).
    fn span(&self) -> usize {
        self.edits.iter().map(Edit::deleted).max().unwrap_or(0)
    }

    /// Last 1-based reference position covered by REF.
    pub(crate) fn end(&self) -> u64 {
        self.position + self.span() as u64
    }

    fn anchor(&self) -> usize {
        (self.position - 1) as usize
    }

    /// Appends REF, i.e. the anchor plus every base any ALT deletes.
    pub(crate) fn push_ref(&self, reference: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(&reference[self.anchor()..=self.anchor() + self.span()]);
    }

    /// Appends the comma-separated ALT alleles, each padded to REF's span.
    pub(crate) fn push_alts(&self, reference: &[u8], out: &mut Vec<u8>) {
        let anchor = self.anchor();
        let tail_end = anchor + 1 + self.span();
        for (i, edit) in self.edits.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match edit {
                Edit::Substitution(base) => {
                    out.push(*base);
                    out.extend_from_slice(&reference[anchor + 1..tail_end]);
                }
                Edit::Deletion(len) => {
                    out.push(reference[anchor]);
                    out.extend_from_slice(&reference[anchor + 1 + len..tail_end]);
                }
                Edit::Insertion(bases) => {
                    out.push(reference[anchor]);
                    out.extend_from_slice(bases);
                    out.extend_from_slice(&reference[anchor + 1..tail_end]);
                }
            }
        }
    }

    /// Removes ALT alleles no haplotype carries and renumbers `alleles` to match.
    /// Returns false when no ALT allele is left (the site is monomorphic in this cohort).
    pub(crate) fn drop_absent_alleles(&mut self, alleles: &mut [u8]) -> bool {
        let mut carried = [false; 4];
        for &a in alleles.iter() {
            carried[a as usize] = true;
        }
        let mut renumber = [0u8; 4];
        let mut next = 1u8;
        for allele in 1..=self.edits.len() {
            if carried[allele] {
                renumber[allele] = next;
                next += 1;
            }
        }
        if next == 1 {
            return false;
        }
        if usize::from(next) <= self.edits.len() {
            let mut allele = 0;
            self.edits.retain(|_| {
                allele += 1;
                carried[allele]
            });
            for a in alleles.iter_mut() {
                *a = renumber[*a as usize];
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFERENCE: &[u8] = b"ACGTACCCCGT";

    fn site(position: u64, edits: Vec<Edit>) -> VariantSite {
        VariantSite { position, edits, from_founders: true }
    }

    fn ref_alt(site: &VariantSite) -> (String, String) {
        let (mut r, mut a) = (Vec::new(), Vec::new());
        site.push_ref(REFERENCE, &mut r);
        site.push_alts(REFERENCE, &mut a);
        (String::from_utf8(r).unwrap(), String::from_utf8(a).unwrap())
    }

    #[test]
    fn mixed_alleles_are_padded_to_the_longest_deletion() {
        let s = site(5, vec![Edit::Deletion(2), Edit::Insertion(b"C".to_vec()), Edit::Substitution(b'G')]);
        assert_eq!(ref_alt(&s), ("ACC".into(), "A,ACCC,GCC".into()));
        assert_eq!(s.end(), 7);
    }

    #[test]
    fn dropping_an_allele_renumbers_and_retrims() {
        let mut s = site(5, vec![Edit::Deletion(3), Edit::Substitution(b'T')]);
        let mut alleles = vec![0, 2, 2, 0];
        assert!(s.drop_absent_alleles(&mut alleles));
        assert_eq!(alleles, vec![0, 1, 1, 0]);
        assert_eq!(ref_alt(&s), ("A".into(), "T".into()));
        assert!(!s.drop_absent_alleles(&mut [0, 0]));
    }
}
