//! Rules that span records, checked in input order after parsing: sortedness (positions never
//! decrease within a contig, a contig's records are contiguous) and duplicate variants.
//!
//! Parsing runs on chunks in parallel, so these checks live here, for the single consumer that
//! sees every line in order (the store's ingest, the conformance tests).

use std::collections::HashSet;

use crate::line::{LineResult, Warning};
use crate::model::{ParsedLine, Variant};
use crate::{FormatError, Location};

/// Order and duplicate state of one input file.
#[derive(Debug, Default)]
pub struct OrderCheck {
    contig: String,
    pos: u64,
    finished: HashSet<String>,
    /// Recent variants, trimmed to their minimal representation, that a later record could
    /// duplicate: every entry starts at or after `pos`.
    recent: Vec<(u64, String, String, u64)>,
}

impl OrderCheck {
    pub fn new() -> Self {
        Self::default()
    }

    /// Errors when `contig` reappears after other contigs or `pos` decreases within a contig.
    pub fn check(&mut self, contig: &str, pos: u64, at: &Location) -> Result<(), FormatError> {
        if contig != self.contig {
            if self.finished.contains(contig) {
                return Err(FormatError::invalid(at.clone(), "CHROM", format!("contig {contig} appears again after other contigs: the file is not sorted")));
            }
            let previous = std::mem::replace(&mut self.contig, contig.to_string());
            self.finished.insert(previous);
            self.pos = 0;
            self.recent.clear();
        }
        if pos < self.pos {
            return Err(FormatError::invalid(at.clone(), "POS", format!("position {pos} after {}: the file is not sorted", self.pos)));
        }
        self.pos = pos;
        Ok(())
    }

    /// [`check`](Self::check) for one parsed line, then a warning (pushed to `warnings`) for
    /// each of its variants that repeats an earlier variant of the file once both are trimmed
    /// to their minimal representation (`C>G` at 10 and `TCA>TGA` at 9 are the same variant).
    pub fn check_line(&mut self, line: &LineResult, at: &Location, warnings: &mut Vec<Warning>) -> Result<(), FormatError> {
        let contig = match &line.parsed {
            ParsedLine::Variants(v) if !v.is_empty() => v[0].site.contig.as_str(),
            ParsedLine::RefBlock(r) => r.contig.as_str(),
            _ => return Ok(()),
        };
        self.check(contig, line.contig_pos, at)?;
        if let ParsedLine::Variants(variants) = &line.parsed {
            let pos = self.pos;
            self.recent.retain(|(p, ..)| *p >= pos);
            for v in variants {
                self.duplicate(v, line.line, at, warnings);
            }
        }
        Ok(())
    }

    fn duplicate(&mut self, v: &Variant, line: u64, at: &Location, warnings: &mut Vec<Warning>) {
        let (pos, reference, alternate) = trimmed(v.site.pos, &v.site.reference, &v.site.alternate);
        if alternate == "." {
            return;
        }
        if let Some((.., first)) = self.recent.iter().find(|(p, r, a, _)| *p == pos && r == reference && a == alternate) {
            warnings.push(Warning::new(
                "duplicate variant",
                format!("{at}: variant {}:{pos} {reference}>{alternate} repeats the one at line {first}; both are stored", v.site.contig),
            ));
            return;
        }
        self.recent.push((pos, reference.to_string(), alternate.to_string(), line));
    }
}

/// Minimal representation of a simple variant: common trailing, then leading, bases removed
/// (keeping one base each). Symbolic and breakend alleles are returned unchanged.
fn trimmed<'a>(pos: u64, reference: &'a str, alternate: &'a str) -> (u64, &'a str, &'a str) {
    let simple = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    if !simple(reference) || !simple(alternate) {
        return (pos, reference, alternate);
    }
    let (mut r, mut a) = (reference.as_bytes(), alternate.as_bytes());
    while r.len() > 1 && a.len() > 1 && r[r.len() - 1].eq_ignore_ascii_case(&a[a.len() - 1]) {
        r = &r[..r.len() - 1];
        a = &a[..a.len() - 1];
    }
    let mut start = 0;
    while r.len() - start > 1 && a.len() - start > 1 && r[start].eq_ignore_ascii_case(&a[start]) {
        start += 1;
    }
    let (r_len, a_len) = (r.len(), a.len());
    (pos + start as u64, &reference[start..r_len], &alternate[start..a_len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_to_minimal_representation() {
        assert_eq!(trimmed(123, "TAT", "TGT"), (124, "A", "G"));
        assert_eq!(trimmed(127, "TTTAT", "T"), (127, "TTTAT", "T"));
        assert_eq!(trimmed(128, "TTAT", "TTGT"), (130, "A", "G"));
        assert_eq!(trimmed(123, "AT", "AAT"), (123, "A", "AA"));
        assert_eq!(trimmed(5, "C", "<DEL>"), (5, "C", "<DEL>"));
    }

    #[test]
    fn unsorted_and_non_contiguous_are_errors() {
        let at = Location::default();
        let mut o = OrderCheck::new();
        o.check("1", 10, &at).unwrap();
        assert!(o.check("1", 9, &at).unwrap_err().to_string().contains("not sorted"));
        let mut o = OrderCheck::new();
        o.check("1", 10, &at).unwrap();
        o.check("2", 1, &at).unwrap();
        assert!(o.check("1", 20, &at).unwrap_err().to_string().contains("contig 1 appears again"));
    }
}
