//! [`freq`](crate::freq())'s rows as text, formatted by the thread that counted them: a row
//! borrows its names from the store's site instead of copying four strings into a
//! [`FreqRow`] that is written once and dropped.

use genohub_codec::GenotypeCounts;
use genohub_store::block::StoredSite;
use genohub_store::{Store, StoreError};
use serde::Serialize;

use crate::error::Result;
use crate::freq::{FreqRequest, FreqRow};
use crate::hwe::hwe_exact;
use crate::number::{push_f64, push_u64};
use crate::plan::ScanPlan;
use crate::samples::resolve;
use crate::scan::scan;

/// How [`freq_text`] lays a row out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    /// [`FreqRow::TSV_HEADER`]'s columns, one line.
    Tsv,
    /// One JSON object, as `serde_json` writes a [`FreqRow`] (no separator, no newline).
    Json,
}

/// A [`FreqRow`] whose text fields are borrowed. Its JSON is a [`FreqRow`]'s, field for field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FreqLine<'a> {
    pub chrom: &'a str,
    pub pos: u64,
    pub id: &'a str,
    #[serde(rename = "ref")]
    pub reference: &'a str,
    #[serde(rename = "alt")]
    pub alternate: &'a str,
    pub ac: u64,
    pub an: u64,
    pub af: Option<f64>,
    pub hom_ref: u64,
    pub het: u64,
    pub hom_alt: u64,
    pub hap_ref: u64,
    pub hap_alt: u64,
    pub missing: u64,
    pub hwe_p: f64,
}

impl<'a> FreqLine<'a> {
    pub fn new(chrom: &'a str, site: &'a StoredSite, c: &GenotypeCounts) -> FreqLine<'a> {
        FreqLine {
            chrom,
            pos: site.pos,
            id: &site.id,
            reference: &site.reference,
            alternate: &site.alternate,
            ac: c.ac,
            an: c.an,
            af: c.allele_frequency(),
            hom_ref: c.hom_ref,
            het: c.het,
            hom_alt: c.hom_alt,
            hap_ref: c.hap_ref,
            hap_alt: c.hap_alt,
            missing: c.missing + c.hap_missing,
            hwe_p: hwe_exact(c.hom_ref, c.het, c.hom_alt),
        }
    }

    pub fn of(r: &'a FreqRow) -> FreqLine<'a> {
        FreqLine {
            chrom: &r.chrom,
            pos: r.pos,
            id: &r.id,
            reference: &r.reference,
            alternate: &r.alternate,
            ac: r.ac,
            an: r.an,
            af: r.af,
            hom_ref: r.hom_ref,
            het: r.het,
            hom_alt: r.hom_alt,
            hap_ref: r.hap_ref,
            hap_alt: r.hap_alt,
            missing: r.missing,
            hwe_p: r.hwe_p,
        }
    }

    pub fn to_row(&self) -> FreqRow {
        FreqRow {
            chrom: self.chrom.to_string(),
            pos: self.pos,
            id: self.id.to_string(),
            reference: self.reference.to_string(),
            alternate: self.alternate.to_string(),
            ac: self.ac,
            an: self.an,
            af: self.af,
            hom_ref: self.hom_ref,
            het: self.het,
            hom_alt: self.hom_alt,
            hap_ref: self.hap_ref,
            hap_alt: self.hap_alt,
            missing: self.missing,
            hwe_p: self.hwe_p,
        }
    }

    pub fn write_tsv(&self, out: &mut Vec<u8>) {
        out.reserve(96 + self.chrom.len() + self.id.len() + self.reference.len() + self.alternate.len());
        out.extend_from_slice(self.chrom.as_bytes());
        out.push(b'\t');
        push_u64(out, self.pos);
        for text in [self.id, self.reference, self.alternate] {
            out.push(b'\t');
            out.extend_from_slice(text.as_bytes());
        }
        out.push(b'\t');
        push_u64(out, self.ac);
        out.push(b'\t');
        push_u64(out, self.an);
        out.push(b'\t');
        match self.af {
            Some(af) => push_f64(out, af),
            None => out.push(b'.'),
        }
        for v in [self.hom_ref, self.het, self.hom_alt, self.hap_ref, self.hap_alt, self.missing] {
            out.push(b'\t');
            push_u64(out, v);
        }
        out.push(b'\t');
        push_f64(out, self.hwe_p);
        out.push(b'\n');
    }

    pub fn write(&self, format: RowFormat, out: &mut Vec<u8>) {
        match format {
            RowFormat::Tsv => self.write_tsv(out),
            RowFormat::Json => serde_json::to_writer(out, self).expect("rows serialise"),
        }
    }
}

/// [`freq`](crate::freq()) with every row handed to `sink` as text in `format`, formatted
/// on the thread that counted it. Returns the number of variants.
pub fn freq_text(store: &Store, req: &FreqRequest, format: RowFormat, mut sink: impl FnMut(&[u8]) -> Result<(), StoreError>) -> Result<u64> {
    let resolved = resolve(store, &req.samples)?;
    let plan = ScanPlan::new(store, &[&resolved], &req.regions)?;
    let mut n = 0u64;
    scan(
        store,
        &plan,
        |site| {
            let line = FreqLine::new(site.contig, site.site, &site.counts(0));
            let mut text = Vec::new();
            line.write(format, &mut text);
            Ok(Some(text))
        },
        |text| {
            n += 1;
            sink(&text)
        },
    )?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, af: Option<f64>, hwe_p: f64) -> FreqRow {
        FreqRow {
            chrom: "chr20".into(),
            pos: 1_234_567,
            id: id.into(),
            reference: "ACGT".into(),
            alternate: "A".into(),
            ac: 7,
            an: if af.is_some() { 20_000 } else { 0 },
            af,
            hom_ref: 9993,
            het: 7,
            hom_alt: 0,
            hap_ref: 1,
            hap_alt: 2,
            missing: 3,
            hwe_p,
        }
    }

    #[test]
    fn a_line_is_written_as_its_row_is_serialised() {
        // Names needing JSON escapes, no AF, tiny and round numbers.
        for r in [row("rs1", Some(0.00035), 1.0), row("a\"b\\c\u{1}d", None, 1.5e-20), row(".", Some(1.0 / 3.0), 0.0), row("x", Some(5e-5), 0.25)] {
            let line = FreqLine::of(&r);
            assert_eq!(line.to_row(), r);
            let mut json = Vec::new();
            line.write(RowFormat::Json, &mut json);
            assert_eq!(String::from_utf8(json).unwrap(), serde_json::to_string(&r).unwrap());
            let mut tsv = Vec::new();
            line.write(RowFormat::Tsv, &mut tsv);
            let text = String::from_utf8(tsv).unwrap();
            let f: Vec<&str> = text.strip_suffix('\n').unwrap().split('\t').collect();
            assert_eq!(f.len(), FreqRow::TSV_HEADER.split('\t').count());
            assert_eq!((f[0], f[1], f[2], f[3], f[4], f[5]), ("chr20", "1234567", r.id.as_str(), "ACGT", "A", "7"));
            assert_eq!(f[7], r.af.map_or(".".to_string(), crate::number::fmt_f64));
            assert_eq!(f[14], crate::number::fmt_f64(r.hwe_p));
        }
    }
}
