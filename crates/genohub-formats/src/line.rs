//! One VCF data line → biallelic [`Variant`]s (split as `bcftools norm -m-`, optionally
//! normalised against a reference) or a gVCF [`RefBlock`].
//!
//! Pure and `Sync`: the ingest pipeline parses chunks of lines on all cores.

use std::path::PathBuf;

use genohub_codec::{code, ExtendedCall, MISSING_INT};
use genohub_reference::{check_ref, normalize, RefCheck, ReferenceFasta};

use crate::header::HeaderInfo;
use crate::header::Number;
use crate::model::{Calls, ParsedLine, RefBlock, Site, Variant};
use crate::split::split_info;
use crate::validate::{self, reserved_format};
use crate::{FormatError, Location};

const MISSING_ALLELE: u32 = u32::MAX;

pub struct ParseContext<'a> {
    pub header: &'a HeaderInfo,
    pub file: PathBuf,
    pub is_bcf: bool,
    pub reference: Option<&'a ReferenceFasta>,
    pub check_ref: RefCheck,
}

/// A warning with a kind, so the caller can report each kind once with a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub kind: String,
    pub message: String,
    /// A header definition the output must add because the input lacked it.
    pub inferred: Option<Inferred>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Inferred {
    Info { key: String, flag: bool },
    Filter(String),
}

impl Warning {
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Warning { kind: kind.into(), message: message.into(), inferred: None }
    }
}

/// One data line's result, with its line (or BCF record) number and input position.
#[derive(Debug)]
pub struct LineResult {
    pub line: u64,
    pub contig_pos: u64,
    pub parsed: ParsedLine,
}

#[derive(Debug, Default)]
pub struct ParseOutput {
    pub lines: Vec<LineResult>,
    pub warnings: Vec<Warning>,
}

impl ParseContext<'_> {
    pub fn location(&self, line: u64) -> Location {
        Location { file: self.file.clone(), line, is_bcf_record: self.is_bcf }
    }

    fn err(&self, line: u64, field: impl Into<String>, message: impl Into<String>) -> FormatError {
        FormatError::invalid(self.location(line), field, message)
    }

    /// Parses a chunk of newline-separated data lines, the first being line `first_line`.
    pub fn parse_chunk(&self, data: &[u8], first_line: u64) -> Result<ParseOutput, FormatError> {
        let mut out = ParseOutput::default();
        for (line_no, raw) in (first_line..).zip(data.split(|&b| b == b'\n')) {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if !raw.is_empty() {
                let parsed = self.parse_line(raw, line_no, &mut out.warnings)?;
                let contig_pos = input_pos(raw);
                out.lines.push(LineResult { line: line_no, contig_pos, parsed });
            }
        }
        Ok(out)
    }

    pub fn parse_line(&self, raw: &[u8], line: u64, warnings: &mut Vec<Warning>) -> Result<ParsedLine, FormatError> {
        let first_warning = warnings.len();
        let parsed = self.parse_fields(raw, line, warnings);
        // Say where: warnings of this line get its number (no cost for clean lines); the caller
        // names the file.
        if warnings.len() > first_warning {
            let unit = if self.is_bcf { "record" } else { "line" };
            for w in &mut warnings[first_warning..] {
                w.message = format!("{unit} {line}: {}", w.message);
            }
        }
        parsed
    }

    fn parse_fields(&self, raw: &[u8], line: u64, warnings: &mut Vec<Warning>) -> Result<ParsedLine, FormatError> {
        let text = std::str::from_utf8(raw).map_err(|_| self.err(line, "line", "not valid UTF-8"))?;
        // Sample columns stay one string: the GT-only fast path scans its bytes directly.
        let mut fields = text.splitn(10, '\t');
        let mut next = |name: &str| fields.next().ok_or_else(|| self.err(line, name, "missing column (fewer than 8 tab-separated columns)"));
        let chrom = next("CHROM")?;
        let pos_text = next("POS")?;
        let id = next("ID")?;
        let reference = next("REF")?;
        let alt = next("ALT")?;
        let qual = next("QUAL")?;
        let filter = next("FILTER")?;
        let info = next("INFO")?;
        let format = fields.next();
        let sample_text = fields.next();

        let pos: u64 = pos_text.parse().map_err(|_| self.err(line, "POS", format!("not a non-negative integer: {pos_text:?}")))?;
        if let Some(w) = validate::contig_name(chrom, self.header.version, true).map_err(|m| self.err(line, "CHROM", m))? {
            warnings.push(Warning::new("CHROM name", w));
        }
        // `<ID>` names contig ID of the ##assembly: stored under ID, so `1` and `<1>` are one contig.
        let chrom = match chrom.strip_prefix('<').and_then(|c| c.strip_suffix('>')) {
            Some(name) => {
                warnings.push(Warning::new("CHROM in angle brackets", format!("CHROM {chrom} names assembly contig {name}; stored as {name}")));
                name
            }
            None => chrom,
        };
        validate::id(id).map_err(|m| self.err(line, "ID", m))?;
        validate::reference(reference).map_err(|m| self.err(line, "REF", m))?;
        let alts: Vec<&str> = if alt == "." { Vec::new() } else { alt.split(',').collect() };
        for a in &alts {
            validate::alternate(a, reference).map_err(|m| self.err(line, "ALT", m))?;
        }
        validate::qual(qual).map_err(|m| self.err(line, "QUAL", m))?;
        validate::filter(filter, self.header, warnings).map_err(|m| self.err(line, "FILTER", m))?;
        validate::info(info, self.header, alts.len(), warnings).map_err(|(k, m)| self.err(line, format!("INFO/{k}"), m))?;

        let n_samples = self.header.samples.len();
        if format.is_none() && n_samples > 0 {
            return Err(self.err(line, "FORMAT", "missing while the header names samples"));
        }
        let fast = match (format, sample_text) {
            (Some("GT"), Some(t)) if n_samples > 0 => gt_only(t.as_bytes(), n_samples, alts.len() as u32),
            _ => None,
        };
        let genotypes = match fast {
            Some(alleles) => Some(RawGenotypes { alleles, extended: Vec::new(), dp: None, gq: None, ad: None, has_gt: true, n_samples }),
            None => {
                let samples: Vec<&str> = sample_text.map(|t| t.split('\t').collect()).unwrap_or_default();
                if samples.len() != n_samples {
                    let found = samples.len();
                    return Err(self.err(line, "samples", format!("{found} sample columns but the header names {n_samples} samples")));
                }
                match format {
                    Some(f) if n_samples > 0 => Some(self.parse_samples(f, &samples, alts.len(), line, warnings)?),
                    _ => None,
                }
            }
        };

        let is_non_ref = |a: &&str| *a == "<NON_REF>" || *a == "<*>";
        if !alts.is_empty() && alts.iter().all(is_non_ref) {
            let end = gvcf_end(info).map_err(|m| self.err(line, "INFO/END", m))?.unwrap_or(pos + reference.len() as u64 - 1);
            if end < pos {
                return Err(self.err(line, "INFO/END", format!("END {end} is before POS {pos}")));
            }
            let (samples, haploid) = genotypes.as_ref().map(|g| g.called_samples()).unwrap_or_default();
            return Ok(ParsedLine::RefBlock(RefBlock { contig: chrom.to_string(), start: pos, end, samples, haploid }));
        }

        let mut reference_ok = true;
        if let Some(fasta) = self.reference {
            if fasta.contig_length(chrom).is_none() {
                return Err(self.err(line, "CHROM", format!("contig {chrom} is not in the reference FASTA")));
            }
            if let Err(mismatch) = check_ref(fasta, chrom, pos, reference.as_bytes()) {
                match self.check_ref {
                    RefCheck::Error => return Err(self.err(line, "REF", mismatch.to_string())),
                    RefCheck::Warn => {
                        warnings.push(Warning::new("REF mismatch", mismatch.to_string()));
                        reference_ok = false;
                    }
                    RefCheck::Skip => return Ok(ParsedLine::Skipped),
                }
            }
        }

        let n_alleles = alts.len() + 1;
        let mut variants = Vec::with_capacity(alts.len().max(1));
        let split_targets: Vec<usize> = if alts.is_empty() { vec![0] } else { (1..=alts.len()).filter(|&i| !is_non_ref(&alts[i - 1])).collect() };
        for alt_index in split_targets {
            let (mut vpos, mut vref, mut valt) = (pos, reference.to_string(), if alt_index == 0 { ".".to_string() } else { alts[alt_index - 1].to_string() });
            if let (Some(fasta), true, true) = (self.reference, reference_ok, alt_index > 0) {
                let n = normalize(fasta, chrom, pos, reference.as_bytes(), valt.as_bytes()).map_err(|e| self.err(line, "REF", e.to_string()))?;
                // Unchanged records keep their alleles as written (case included), as bcftools does.
                if n.changed {
                    vpos = n.pos;
                    vref = String::from_utf8_lossy(&n.reference).into_owned();
                    valt = String::from_utf8_lossy(&n.alternate).into_owned();
                }
            }
            let info = if alt_index == 0 || n_alleles == 2 {
                info.to_string()
            } else {
                split_info(info, self.header, n_alleles, alt_index).map_err(|e| self.err(line, format!("INFO/{}", e.key), e.message))?
            };
            let calls = genotypes.as_ref().map(|g| g.split(alt_index as u32, n_alleles)).unwrap_or_default();
            variants.push(Variant {
                site: Site {
                    contig: chrom.to_string(),
                    pos: vpos,
                    id: id.to_string(),
                    reference: vref,
                    alternate: valt,
                    qual: qual.to_string(),
                    filter: filter.to_string(),
                    info,
                },
                calls,
            });
        }
        Ok(ParsedLine::Variants(variants))
    }

    fn parse_samples(&self, format: &str, samples: &[&str], n_alt: usize, line: u64, warnings: &mut Vec<Warning>) -> Result<RawGenotypes, FormatError> {
        let keys: Vec<&str> = format.split(':').collect();
        validate::format_keys(&keys, self.header, warnings).map_err(|m| self.err(line, "FORMAT", m))?;
        let gt_at = keys.iter().position(|k| *k == "GT");
        let dp_at = keys.iter().position(|k| *k == "DP");
        let gq_at = keys.iter().position(|k| *k == "GQ");
        let ad_at = keys.iter().position(|k| *k == "AD");
        // FORMAT fields the store does not keep are still checked against their definition
        // (the header's, else the one the specification reserves) as warnings, one per key and
        // line. Only fields this line has are checked: a GT-only line does no extra work.
        let checks: Vec<(usize, &str, Number, &str)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| {
                if matches!(*k, "GT" | "DP" | "GQ" | "AD") {
                    return None;
                }
                let (number, kind) = match self.header.format.get(*k) {
                    Some(d) => (d.number, d.kind.as_str()),
                    None => reserved_format(k, self.header.version).map(|r| (r.number, r.kind))?,
                };
                let nothing_to_check = kind == "Flag" || (kind == "String" && number == Number::Unknown);
                (!nothing_to_check).then_some((i, *k, number, kind))
            })
            .collect();
        let mut warned = vec![false; checks.len()];
        // VCF 4.5 allows zero-length lists, written as empty values.
        let empty_ok = self.header.version >= (4, 5);
        let mut absent_allele_warned = false;
        let n = samples.len();
        let mut raw = RawGenotypes {
            alleles: Vec::with_capacity(n),
            extended: Vec::new(),
            dp: dp_at.map(|_| Vec::with_capacity(n)),
            gq: gq_at.map(|_| Vec::with_capacity(n)),
            ad: ad_at.map(|_| Vec::with_capacity(n * (n_alt + 1))),
            has_gt: gt_at.is_some(),
            n_samples: n,
        };
        let n_alleles = n_alt + 1;
        for (s, column) in samples.iter().enumerate() {
            let sub: SubFields = SubFields::new(column);
            let sample_field = |k: &str| format!("sample {} FORMAT/{k}", self.header.samples[s]);
            if sub.len() > keys.len() {
                return Err(self.err(
                    line,
                    format!("sample {}", self.header.samples[s]),
                    format!("{} sub-fields but FORMAT {format} has {}", sub.len(), keys.len()),
                ));
            }
            // Ploidy of this sample's call when known (some allele called), for Number=G counts.
            let mut ploidy = 0;
            if let Some(i) = gt_at {
                let gt = sub.get(i).unwrap_or(".");
                let parsed = match parse_gt(gt, n_alt as u32) {
                    Err(_) if n_alt == 0 => {
                        // A record without ALT whose calls name alternate alleles (the
                        // specification's own examples do): those alleles do not exist, so
                        // they are stored as missing, with a warning.
                        let g = parse_gt(gt, MISSING_ALLELE - 2).map_err(|m| self.err(line, sample_field("GT"), m))?;
                        if !absent_allele_warned {
                            absent_allele_warned = true;
                            warnings.push(Warning::new(
                                "GT allele without ALT",
                                format!("{} is {gt:?} but the record has no ALT allele; alleles other than 0 are stored as missing", sample_field("GT")),
                            ));
                        }
                        Ok(g.without_alternates())
                    }
                    other => other,
                };
                match parsed {
                    Ok(Gt::Simple(a)) => {
                        if a.a1 != MISSING_ALLELE || (!a.haploid && a.a2 != MISSING_ALLELE) {
                            ploidy = if a.haploid { 1 } else { 2 };
                        }
                        raw.alleles.push(a)
                    }
                    Ok(Gt::Extended(alleles, phased)) => {
                        if alleles.iter().any(|&a| a != MISSING_ALLELE) {
                            ploidy = alleles.len();
                        }
                        raw.alleles.push(SimpleGt::EXTENDED);
                        raw.extended.push((s as u32, alleles, phased));
                    }
                    Err(m) => return Err(self.err(line, sample_field("GT"), m)),
                }
            }
            if let (Some(i), Some(dp)) = (dp_at, raw.dp.as_mut()) {
                dp.push(parse_int(sub.get(i)).map_err(|m| self.err(line, sample_field("DP"), m))?);
            }
            if let (Some(i), Some(gq)) = (gq_at, raw.gq.as_mut()) {
                gq.push(parse_int(sub.get(i)).map_err(|m| self.err(line, sample_field("GQ"), m))?);
            }
            if let (Some(i), Some(ad)) = (ad_at, raw.ad.as_mut()) {
                let text = sub.get(i).unwrap_or(".");
                if text == "." {
                    ad.extend(std::iter::repeat_n(MISSING_INT, n_alleles));
                } else {
                    let values: Vec<&str> = text.split(',').collect();
                    if values.len() == n_alleles {
                        for v in values {
                            ad.push(parse_int(Some(v)).map_err(|m| self.err(line, sample_field("AD"), m))?);
                        }
                    } else {
                        // Which value belongs to which allele is unknowable; storing any of
                        // them would be silently wrong data.
                        warnings.push(Warning::new(
                            "FORMAT AD count",
                            format!("line {line}: {} has {} values for {n_alleles} alleles; stored as missing", sample_field("AD"), values.len()),
                        ));
                        ad.extend(std::iter::repeat_n(MISSING_INT, n_alleles));
                    }
                }
            }
            for (c, &(i, key, number, kind)) in checks.iter().enumerate() {
                if warned[c] {
                    continue;
                }
                let Some(v) = sub.get(i) else { continue };
                if let Err(m) = validate::format_value(kind, number, v, n_alt, ploidy, empty_ok) {
                    warned[c] = true;
                    warnings.push(Warning::new(format!("FORMAT {key} invalid"), format!("{} = {v:?}: {m}", sample_field(key))));
                }
            }
        }
        Ok(raw)
    }
}

/// POS of a line already validated by `parse_line`.
fn input_pos(raw: &[u8]) -> u64 {
    raw.split(|&b| b == b'\t').nth(1).and_then(|p| std::str::from_utf8(p).ok()).and_then(|p| p.parse().ok()).unwrap_or(0)
}

fn gvcf_end(info: &str) -> Result<Option<u64>, String> {
    for field in info.split(';') {
        if let Some(v) = field.strip_prefix("END=") {
            return v.parse().map(Some).map_err(|_| format!("not an integer: {v}"));
        }
    }
    Ok(None)
}

fn parse_int(text: Option<&str>) -> Result<i32, String> {
    match text {
        None | Some(".") | Some("") => Ok(MISSING_INT),
        Some(t) => t.parse::<i32>().ok().filter(|&v| v != MISSING_INT).ok_or_else(|| format!("not an integer: {t:?}")),
    }
}

/// The common shape of large cohorts, FORMAT `GT` with every call `a|b` or `a/b` (single-digit
/// alleles or `.`), parsed in one pass over the bytes. Anything else returns None and the
/// line takes the general path, which also produces the precise error.
fn gt_only(text: &[u8], n_samples: usize, n_alt: u32) -> Option<Vec<SimpleGt>> {
    let allele = |b: u8| -> Option<u32> {
        match b {
            b'.' => Some(MISSING_ALLELE),
            b'0'..=b'9' if ((b - b'0') as u32) <= n_alt => Some((b - b'0') as u32),
            _ => None,
        }
    };
    if text.len() + 1 != 4 * n_samples {
        return None;
    }
    let mut out = Vec::with_capacity(n_samples);
    for call in text.chunks(4) {
        if call.len() == 4 && call[3] != b'\t' {
            return None;
        }
        let phased = match call[1] {
            b'|' => true,
            b'/' => false,
            _ => return None,
        };
        out.push(SimpleGt { a1: allele(call[0])?, a2: allele(call[2])?, haploid: false, phased });
    }
    Some(out)
}

/// Colon-separated sub-fields of one sample column, split lazily.
struct SubFields<'a> {
    parts: smallvec_like::Parts<'a>,
}

impl<'a> SubFields<'a> {
    fn new(column: &'a str) -> Self {
        SubFields { parts: smallvec_like::Parts::new(column) }
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        self.parts.get(i)
    }

    fn len(&self) -> usize {
        self.parts.len()
    }
}

mod smallvec_like {
    /// Up to 16 sub-field boundaries without allocating; more spill to a Vec.
    pub struct Parts<'a> {
        text: &'a str,
        ends: [u16; 16],
        count: usize,
        spill: Vec<&'a str>,
    }

    impl<'a> Parts<'a> {
        pub fn new(text: &'a str) -> Self {
            let mut p = Parts { text, ends: [0; 16], count: 0, spill: Vec::new() };
            if text.len() > u16::MAX as usize {
                p.spill = text.split(':').collect();
                return p;
            }
            for (i, b) in text.bytes().enumerate() {
                if b == b':' {
                    if p.count == 15 {
                        p.spill = text.split(':').collect();
                        return p;
                    }
                    p.ends[p.count] = i as u16;
                    p.count += 1;
                }
            }
            p.ends[p.count] = text.len() as u16;
            p.count += 1;
            p
        }

        pub fn len(&self) -> usize {
            if self.spill.is_empty() {
                self.count
            } else {
                self.spill.len()
            }
        }

        pub fn get(&self, i: usize) -> Option<&'a str> {
            if !self.spill.is_empty() {
                return self.spill.get(i).copied();
            }
            if i >= self.count {
                return None;
            }
            let start = if i == 0 { 0 } else { self.ends[i - 1] as usize + 1 };
            Some(&self.text[start..self.ends[i] as usize])
        }
    }
}

/// A diploid-or-haploid call before splitting: allele indices (MISSING_ALLELE for '.').
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SimpleGt {
    a1: u32,
    a2: u32,
    haploid: bool,
    phased: bool,
}

impl SimpleGt {
    const EXTENDED: SimpleGt = SimpleGt { a1: u32::MAX - 1, a2: 0, haploid: false, phased: false };
}

enum Gt {
    Simple(SimpleGt),
    Extended(Vec<u32>, Vec<bool>),
}

impl Gt {
    /// The call with every allele other than the reference made missing.
    fn without_alternates(self) -> Gt {
        let keep = |a: u32| if a == 0 { 0 } else { MISSING_ALLELE };
        match self {
            Gt::Simple(g) => Gt::Simple(SimpleGt { a1: keep(g.a1), a2: if g.haploid { g.a2 } else { keep(g.a2) }, ..g }),
            Gt::Extended(alleles, phased) => Gt::Extended(alleles.into_iter().map(keep).collect(), phased),
        }
    }
}

fn parse_allele(text: &str, n_alt: u32) -> Result<u32, String> {
    if text == "." {
        return Ok(MISSING_ALLELE);
    }
    let a: u32 = text.parse().map_err(|_| format!("allele {text:?} is not an index or '.'"))?;
    if a > n_alt {
        return Err(format!("allele index {a} but the record has {n_alt} alternate alleles"));
    }
    Ok(a)
}

fn parse_gt(text: &str, n_alt: u32) -> Result<Gt, String> {
    // VCF 4.4 allows an explicit phasing prefix on the first allele; it carries no allele.
    let text = text.strip_prefix(['|', '/']).unwrap_or(text);
    let bytes = text.as_bytes();
    // The overwhelmingly common shapes: "0|1", "0/0".
    if bytes.len() == 3 && (bytes[1] == b'|' || bytes[1] == b'/') {
        let a1 = parse_allele(&text[..1], n_alt)?;
        let a2 = parse_allele(&text[2..], n_alt)?;
        return Ok(Gt::Simple(SimpleGt { a1, a2, haploid: false, phased: bytes[1] == b'|' }));
    }
    let mut alleles = Vec::with_capacity(2);
    let mut phased = Vec::with_capacity(1);
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'|' || *b == b'/' {
            alleles.push(parse_allele(&text[start..i], n_alt)?);
            phased.push(*b == b'|');
            start = i + 1;
        }
    }
    alleles.push(parse_allele(&text[start..], n_alt)?);
    Ok(match alleles.len() {
        1 => Gt::Simple(SimpleGt { a1: alleles[0], a2: 0, haploid: true, phased: false }),
        2 => Gt::Simple(SimpleGt { a1: alleles[0], a2: alleles[1], haploid: false, phased: phased[0] }),
        _ => Gt::Extended(alleles, phased),
    })
}

/// All samples' values of one line, before splitting by alternate allele.
struct RawGenotypes {
    alleles: Vec<SimpleGt>,
    extended: Vec<(u32, Vec<u32>, Vec<bool>)>,
    dp: Option<Vec<i32>>,
    gq: Option<Vec<i32>>,
    /// n_alleles values per sample.
    ad: Option<Vec<i32>>,
    has_gt: bool,
    n_samples: usize,
}

fn map_allele(a: u32, alt: u32) -> u8 {
    if a == MISSING_ALLELE {
        code::MISSING
    } else if a == alt && alt != 0 {
        code::ALT
    } else {
        // bcftools norm -m- recodes every other allele of a split record as reference.
        code::REF
    }
}

impl RawGenotypes {
    /// Samples with a call, and those of them whose call is haploid (a reference block `0`).
    fn called_samples(&self) -> (Vec<u32>, Vec<u32>) {
        if !self.has_gt {
            return (Vec::new(), Vec::new());
        }
        let (mut out, mut haploid) = (Vec::new(), Vec::new());
        let mut ext = self.extended.iter().peekable();
        for (s, g) in self.alleles.iter().enumerate() {
            let (called, one) = if *g == SimpleGt::EXTENDED {
                ext.next().map(|(_, a, _)| (a.iter().any(|&x| x != MISSING_ALLELE), a.len() == 1)).unwrap_or((false, false))
            } else {
                (g.a1 != MISSING_ALLELE || (!g.haploid && g.a2 != MISSING_ALLELE), g.haploid)
            };
            if called {
                out.push(s as u32);
                if one {
                    haploid.push(s as u32);
                }
            }
        }
        (out, haploid)
    }

    fn split(&self, alt: u32, n_alleles: usize) -> Calls {
        // Without a GT field every call is stored as missing, so a later merge never
        // mistakes "not genotyped" for reference.
        let codes = if self.has_gt {
            self.alleles
                .iter()
                .map(|g| {
                    if *g == SimpleGt::EXTENDED {
                        code::EXTENDED
                    } else if g.haploid {
                        code::make(map_allele(g.a1, alt), code::ABSENT, false)
                    } else {
                        code::make(map_allele(g.a1, alt), map_allele(g.a2, alt), g.phased)
                    }
                })
                .collect()
        } else {
            vec![code::make(code::MISSING, code::ABSENT, false); self.n_samples]
        };
        let extended = self
            .extended
            .iter()
            .map(|(s, a, p)| ExtendedCall { variant: 0, sample: *s, alleles: a.iter().map(|&x| map_allele(x, alt)).collect(), phased: p.clone() })
            .collect();
        let ad = self.ad.as_ref().map(|ad| {
            let mut out = Vec::with_capacity(ad.len() / n_alleles * 2);
            for s in ad.chunks_exact(n_alleles) {
                out.push(s[0]);
                out.push(if alt == 0 { MISSING_INT } else { s[alt as usize] });
            }
            out
        });
        Calls { codes, extended, dp: self.dp.clone(), gq: self.gq.clone(), ad }
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    #[test]
    fn gt_only_parses_the_common_shape_and_declines_the_rest() {
        let g = gt_only(b"0|1\t./.\t1/1", 3, 1).unwrap();
        assert_eq!(g[0], SimpleGt { a1: 0, a2: 1, haploid: false, phased: true });
        assert_eq!(g[1], SimpleGt { a1: MISSING_ALLELE, a2: MISSING_ALLELE, haploid: false, phased: false });
        assert_eq!(g[2], SimpleGt { a1: 1, a2: 1, haploid: false, phased: false });
        assert!(gt_only(b"0|1\t1", 2, 1).is_none(), "haploid call: general path");
        assert!(gt_only(b"0|2\t0|0", 2, 1).is_none(), "allele out of range: general path reports it");
        assert!(gt_only(b"0|1\t0|0\t0|0", 2, 1).is_none(), "sample count mismatch: general path reports it");
        assert!(gt_only(b"0|1x0|0", 2, 1).is_none());
    }
}
