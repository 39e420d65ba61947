//! Rules that span records, checked in input order after parsing: sortedness (positions never
//! decrease within a contig, a contig's records are contiguous) and duplicate variants.
//!
//! Parsing runs on chunks in parallel, so these checks live here, for the single consumer that
//! sees every line in order (the store's ingest, the conformance tests).

use std::collections::HashSet;

use crate::line::{LineResult, Warning};
use crate::model::{ParsedLine, Variant};
use crate::Location;

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
    /// Out-of-order records are stored correctly (a bin's blocks are merged and sorted when
    /// read), only less compactly, so they are a warning, not an error.
    pub fn check(&mut self, contig: &str, pos: u64, at: &Location, warnings: &mut Vec<Warning>) {
        if contig != self.contig {
            if self.finished.contains(contig) {
                warnings.push(Warning::new(
                    "not sorted",
                    format!("{at}: contig {contig} appears again after other contigs: the file is not sorted (stored anyway; `bcftools sort` gives a more compact store)"),
                ));
            }
            let previous = std::mem::replace(&mut self.contig, contig.to_string());
            self.finished.insert(previous);
            self.pos = 0;
            self.recent.clear();
        }
        if pos < self.pos {
            warnings.push(Warning::new(
                "not sorted",
                format!("{at}: position {pos} after {}: the file is not sorted (stored anyway; `bcftools sort` gives a more compact store)", self.pos),
            ));
            self.recent.clear();
        }
        self.pos = pos;
    }

    pub fn check_line(&mut self, line: &LineResult, at: &Location, warnings: &mut Vec<Warning>) {
        let contig = match &line.parsed {
            ParsedLine::Variants(v) if !v.is_empty() => v[0].site.contig.as_str(),
            ParsedLine::RefBlock(r) => r.contig.as_str(),
            _ => return,
        };
        self.check(contig, line.contig_pos, at, warnings);
        if let ParsedLine::Variants(variants) = &line.parsed {
            let pos = self.pos;
            self.recent.retain(|(p, ..)| *p >= pos);
            for v in variants {
                self.duplicate(v, line.line, at, warnings);
            }
        }
    }

    fn duplicate(&mut self, v: &Variant, line: u64, at: &Location, warnings: &mut Vec<Warning>) {
        // Symbolic alleles (`<INS>`) and `*` at one position may well be different events.
        if matches!(v.site.alternate.as_bytes().first(), Some(b'<' | b'*' | b'.')) {
            return;
        }
        let (pos, reference, alternate) = trimmed(v.site.pos, &v.site.reference, &v.site.alternate);
        if let Some((.., first)) = self.recent.iter().find(|(p, r, a, _)| *p == pos && r == reference && a == alternate) {
            let unit = if at.is_bcf_record { "record" } else { "line" };
            warnings.push(Warning::new(
                "duplicate variant",
                format!("{unit} {line}: variant {}:{pos} {reference}>{alternate} repeats the one at {unit} {first}; both are stored", v.site.contig),
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

    fn line(n: u64, pos: u64, reference: &str, alternate: &str) -> LineResult {
        let site = crate::model::Site {
            contig: "1".into(),
            pos,
            id: ".".into(),
            reference: reference.into(),
            alternate: alternate.into(),
            qual: ".".into(),
            filter: ".".into(),
            info: ".".into(),
        };
        LineResult { line: n, contig_pos: pos, parsed: ParsedLine::Variants(vec![Variant { site, calls: Default::default() }]) }
    }

    #[test]
    fn duplicates_are_warned_once_trimmed_but_not_symbolic_ones() {
        let at = Location::default();
        let mut o = OrderCheck::new();
        let mut w = Vec::new();
        o.check_line(&line(1, 123, "TAT", "TGT"), &at, &mut w);
        o.check_line(&line(2, 124, "A", "G"), &at, &mut w);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("repeats the one at line 1"), "{w:?}");
        o.check_line(&line(3, 125, "C", "<INS>"), &at, &mut w);
        o.check_line(&line(4, 125, "C", "<INS>"), &at, &mut w);
        o.check_line(&line(5, 126, "C", "T"), &at, &mut w);
        o.check_line(&line(6, 127, "C", "T"), &at, &mut w);
        assert_eq!(w.len(), 1, "{w:?}");
    }

    #[test]
    fn unsorted_and_non_contiguous_are_errors() {
        let at = Location::default();
        let mut o = OrderCheck::new();
        let mut w = Vec::new();
        o.check("1", 10, &at, &mut w);
        o.check("1", 9, &at, &mut w);
        assert!(w.last().unwrap().message.contains("not sorted"));
        let mut o = OrderCheck::new();
        let mut w = Vec::new();
        o.check("1", 10, &at, &mut w);
        o.check("2", 1, &at, &mut w);
        assert!(w.is_empty());
        o.check("1", 20, &at, &mut w);
        assert!(w[0].message.contains("contig 1 appears again"));
    }
}
