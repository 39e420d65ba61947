//! A reader of VCF header text: what the parser needs (version, samples, contigs, INFO/FORMAT
//! definitions) plus every meta line kept verbatim for provenance and output.
//!
//! Header lines that decide how records are read, stored or written back (`fileformat`, INFO,
//! FORMAT, FILTER, ALT and contig definitions, the `#CHROM` line) must be well formed: a broken
//! one is an error naming line and field. Everything else that departs from the specification
//! (field order, unquoted descriptions, definitions of reserved keys that differ from the
//! specification's, malformed SAMPLE/PEDIGREE/META lines, ...) is a warning in
//! [`HeaderInfo::warnings`], since the stored data does not depend on it.
//!
//! Older real files lack `##contig` or INFO/FORMAT definitions; like bcftools we accept them,
//! warn, and infer what is missing from the records.

use std::collections::BTreeMap;

use crate::validate::{self, reserved_format, reserved_info};
use crate::{FormatError, Location};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    Count(u32),
    /// One value per alternate allele.
    A,
    /// One value per allele, reference included.
    R,
    /// One value per possible genotype.
    G,
    /// `.`, and the VCF 4.4+ counts this reader does not split by (`P`, `LA`, `LR`, `LG`, `M`).
    Unknown,
}

impl Number {
    fn parse(s: &str) -> Option<Number> {
        Some(match s {
            "A" => Number::A,
            "R" => Number::R,
            "G" => Number::G,
            "." => Number::Unknown,
            n if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => Number::Count(n.parse().ok()?),
            _ => return None,
        })
    }

    /// The header spelling, for messages.
    pub fn text(&self) -> String {
        match self {
            Number::Count(n) => n.to_string(),
            Number::A => "A".into(),
            Number::R => "R".into(),
            Number::G => "G".into(),
            Number::Unknown => ".".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub id: String,
    pub number: Number,
    pub kind: String,
    /// The full header line, `##INFO=<...>`.
    pub line: String,
}

#[derive(Debug, Clone, Default)]
pub struct HeaderInfo {
    pub fileformat: String,
    /// `(major, minor)` of `fileformat`, e.g. `(4, 3)`; `(4, 2)` when the header has none.
    pub version: (u32, u32),
    pub samples: Vec<String>,
    /// Declared contigs in header order, with length when given.
    pub contigs: Vec<(String, Option<u64>)>,
    pub info: BTreeMap<String, Definition>,
    pub format: BTreeMap<String, Definition>,
    pub filters: BTreeMap<String, String>,
    /// Every `##` line as written, in order.
    pub meta_lines: Vec<String>,
    /// Problems that did not stop reading (each says what is wrong).
    pub warnings: Vec<String>,
    pub has_format_column: bool,
}

/// One `KEY=VALUE` entry of a structured header line `<KEY=VALUE,...>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    /// Unquoted and unescaped; a bracketed value (`[a, b]`) keeps its brackets.
    pub value: String,
    /// The value was written in double quotes.
    pub quoted: bool,
}

const TYPES: [&str; 5] = ["Integer", "Float", "Flag", "Character", "String"];

/// Number values of VCF 4.4 and 4.5 (ploidy, local alleles, base modifications).
const NEWER_NUMBERS: [&str; 5] = ["P", "LA", "LR", "LG", "M"];

fn parse_version(value: &str) -> Option<(u32, u32)> {
    let v = value.strip_prefix("VCFv")?;
    let (major, rest) = v.split_once('.')?;
    let minor_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (minor, tail) = rest.split_at(minor_end);
    // Allow a patch level ("VCFv4.3.1") but nothing else.
    if !(tail.is_empty() || tail.strip_prefix('.').is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))) {
        return None;
    }
    if major.is_empty() || !major.bytes().all(|b| b.is_ascii_digit()) || minor.is_empty() {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?))
}

impl HeaderInfo {
    /// Parses header text (all `##` lines and the `#CHROM` line). `first_line` numbering is 1-based.
    pub fn parse(text: &str, location: &Location) -> Result<HeaderInfo, FormatError> {
        // Rules depend on the version, so read it before anything else.
        let version = text.lines().find_map(|l| l.trim_end_matches('\r').strip_prefix("##fileformat=")).and_then(parse_version).unwrap_or((4, 2));
        let mut header = HeaderInfo { version, ..HeaderInfo::default() };
        let mut saw_chrom = false;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            let here = Location { line: i as u64 + 1, ..location.clone() };
            if line.is_empty() {
                continue;
            }
            if saw_chrom {
                return Err(FormatError::invalid(here, "header", "header line after the #CHROM line"));
            }
            if let Some(meta) = line.strip_prefix("##") {
                if i > 0 && meta.starts_with("fileformat=") {
                    header.warn(&here, "##fileformat is not the first line, as the specification requires");
                }
                header.meta_line(meta, line, &here)?;
            } else if let Some(columns) = line.strip_prefix('#') {
                header.column_line(columns, &here)?;
                saw_chrom = true;
            } else {
                return Err(FormatError::invalid(here, "header", "expected a '##' meta line or the '#CHROM' line"));
            }
        }
        if !saw_chrom {
            let here = Location { line: text.lines().count() as u64 + 1, ..location.clone() };
            return Err(FormatError::invalid(
                here,
                "#CHROM",
                "header has no '#CHROM' column line: it ends here (a line not starting with '#', or the end of the file)",
            ));
        }
        if !text.ends_with('\n') {
            header.warnings.push("the #CHROM line is not terminated by a newline".into());
        }
        coalesce(&mut header.warnings, validate::COLON_IN_CONTIG);
        if header.fileformat.is_empty() {
            header.warnings.push("header has no ##fileformat line; read as VCFv4.2".into());
            header.fileformat = "VCFv4.2".into();
        }
        Ok(header)
    }

    fn warn(&mut self, here: &Location, message: impl std::fmt::Display) {
        self.warnings.push(format!("line {}: {message}", here.line));
    }

    fn meta_line(&mut self, meta: &str, line: &str, here: &Location) -> Result<(), FormatError> {
        let Some((key, value)) = meta.split_once('=') else {
            self.warn(here, format!("header line is not ##KEY=VALUE; ignored: {line}"));
            return Ok(());
        };
        if key.is_empty() || key.contains(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == ',') {
            self.warn(here, format!("invalid header key {key:?}"));
        }
        if value.is_empty() && key != "fileformat" {
            self.warn(here, format!("##{key} has an empty value"));
        }
        match key {
            "fileformat" => {
                let version = parse_version(value)
                    .ok_or_else(|| FormatError::invalid(here.clone(), "fileformat", format!("not a VCF version (VCFv<major>.<minor>): {value:?}")))?;
                if !self.fileformat.is_empty() {
                    self.warn(here, "##fileformat given twice; the first is used");
                    return Ok(());
                }
                if version.0 != 4 {
                    return Err(FormatError::invalid(here.clone(), "fileformat", format!("unsupported VCF version {value}")));
                }
                self.fileformat = value.to_string();
                return Ok(());
            }
            "INFO" | "FORMAT" => self.definition(key, value, line, here)?,
            "FILTER" => self.filter_line(value, line, here)?,
            "contig" => self.contig_line(value, here)?,
            "ALT" => self.alt_line(value, here)?,
            "SAMPLE" => self.sample_line(value, here),
            "PEDIGREE" => self.pedigree_line(value, here),
            "META" => self.meta_meta_line(value, here),
            "assembly" | "pedigreeDB" if !value.is_empty() => {
                if let Err(m) = url(value) {
                    self.warn(here, format!("##{key}: {m}"));
                }
            }
            _ => {}
        }
        self.meta_lines.push(line.to_string());
        Ok(())
    }

    /// Parses a structured line that must be well formed: errors name the line and key.
    fn structured(&self, key: &str, value: &str, here: &Location) -> Result<Vec<Field>, FormatError> {
        parse_structured(value).map_err(|m| FormatError::invalid(here.clone(), key, format!("malformed ##{key} line: {m}")))
    }

    /// Warns unless the listed keys that are present appear in this order, `ID` first.
    fn check_order(&mut self, key: &str, id: &str, fields: &[Field], order: &[&str], here: &Location) {
        let positions: Vec<usize> = order.iter().filter_map(|k| fields.iter().position(|f| f.key == *k)).collect();
        let first_is_id = fields.first().is_some_and(|f| f.key == "ID");
        if !first_is_id || positions.windows(2).any(|w| w[0] > w[1]) {
            let written: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
            self.warn(here, format!("##{key} {id}: fields must come in the order {}; found {}", order.join(","), written.join(",")));
        }
    }

    fn description(&mut self, key: &str, id: &str, fields: &[Field], here: &Location) {
        match fields.iter().find(|f| f.key == "Description") {
            None => self.warn(here, format!("##{key} {id} has no Description")),
            Some(f) if !f.quoted => self.warn(here, format!("##{key} {id}: Description must be in double quotes")),
            Some(_) => {}
        }
    }

    fn definition(&mut self, key: &str, value: &str, line: &str, here: &Location) -> Result<(), FormatError> {
        let fields = self.structured(key, value, here)?;
        let get = |k: &str| fields.iter().find(|f| f.key == k);
        let id = match get("ID") {
            Some(f) if !f.value.is_empty() => f.value.clone(),
            _ => return Err(FormatError::invalid(here.clone(), key, "definition has no ID")),
        };
        self.check_order(key, &id, &fields, &["ID", "Number", "Type", "Description"], here);
        if let Some(m) = validate::key_problem(&id, key == "INFO", self.version) {
            self.warn(here, format!("{key} ID: {m}"));
        }
        let number = match get("Number") {
            None => {
                self.warn(here, format!("{key} {id} has no Number; read as '.'"));
                Number::Unknown
            }
            Some(f) => match Number::parse(&f.value) {
                Some(n) => n,
                None if NEWER_NUMBERS.contains(&f.value.as_str()) => {
                    if self.version < (4, 4) {
                        self.warn(here, format!("{key} {id}: Number={} is only defined from VCF 4.4", f.value));
                    }
                    Number::Unknown
                }
                None => {
                    return Err(FormatError::invalid(here.clone(), format!("{key} {id} Number"), format!("invalid Number {:?}", f.value)));
                }
            },
        };
        let kind = match get("Type") {
            None => {
                self.warn(here, format!("{key} {id} has no Type; read as String"));
                "String".to_string()
            }
            Some(f) if TYPES.contains(&f.value.as_str()) => f.value.clone(),
            Some(f) => return Err(FormatError::invalid(here.clone(), format!("{key} {id} Type"), format!("invalid Type {:?}", f.value))),
        };
        if kind == "Flag" {
            if key == "FORMAT" {
                self.warn(here, format!("FORMAT {id}: Type=Flag is not allowed in FORMAT"));
            } else if number != Number::Count(0) {
                self.warn(here, format!("INFO {id}: a Flag must have Number=0, not {}", number.text()));
            }
        }
        self.description(key, &id, &fields, here);
        let reserved = if key == "INFO" { reserved_info(&id, self.version) } else { reserved_format(&id, self.version) };
        if let Some(r) = reserved {
            if !r.allows(number) || r.kind != kind {
                self.warn(
                    here,
                    format!("{key} {id} is reserved by the specification as {}; the header declares Number={},Type={kind}", r.describe(), number.text()),
                );
            }
        }
        let def = Definition { id: id.clone(), number, kind, line: line.to_string() };
        let map = if key == "INFO" { &mut self.info } else { &mut self.format };
        if map.insert(id.clone(), def).is_some() {
            self.warn(here, format!("{key} {id} defined twice; the last definition is used"));
        }
        Ok(())
    }

    fn filter_line(&mut self, value: &str, line: &str, here: &Location) -> Result<(), FormatError> {
        let fields = self.structured("FILTER", value, here)?;
        let id = match fields.iter().find(|f| f.key == "ID") {
            Some(f) if !f.value.is_empty() => f.value.clone(),
            _ => return Err(FormatError::invalid(here.clone(), "FILTER", "definition has no ID")),
        };
        self.check_order("FILTER", &id, &fields, &["ID", "Description"], here);
        if id == "0" || id.contains(|c: char| c.is_whitespace() || c == ';') {
            self.warn(here, format!("FILTER ID {id:?} is not allowed (no whitespace or ';', and '0' is reserved)"));
        }
        self.description("FILTER", &id, &fields, here);
        if self.filters.insert(id.clone(), line.to_string()).is_some() {
            self.warn(here, format!("FILTER {id} defined twice"));
        }
        Ok(())
    }

    fn contig_line(&mut self, value: &str, here: &Location) -> Result<(), FormatError> {
        let fields = self.structured("contig", value, here)?;
        let id = match fields.iter().find(|f| f.key == "ID") {
            Some(f) if !f.value.is_empty() => f.value.clone(),
            _ => return Err(FormatError::invalid(here.clone(), "contig", "##contig line has no ID")),
        };
        match validate::contig_name(&id, self.version, false) {
            Err(m) => return Err(FormatError::invalid(here.clone(), "contig ID", m)),
            Ok(Some(w)) => self.warn(here, w),
            Ok(None) => {}
        }
        let length = match fields.iter().find(|f| f.key == "length") {
            Some(f) => Some(f.value.parse::<u64>().map_err(|_| FormatError::invalid(here.clone(), "contig length", format!("not an integer: {}", f.value)))?),
            None => None,
        };
        if let Some(known) = self.contigs.iter_mut().find(|(c, _)| *c == id) {
            match (known.1, length) {
                (Some(a), Some(b)) if a != b => {
                    return Err(FormatError::invalid(here.clone(), "contig", format!("contig {id} declared twice, with lengths {a} and {b}")));
                }
                (None, Some(b)) => known.1 = Some(b),
                _ => {}
            }
            self.warn(here, format!("contig {id} declared twice"));
            return Ok(());
        }
        self.contigs.push((id, length));
        Ok(())
    }

    fn alt_line(&mut self, value: &str, here: &Location) -> Result<(), FormatError> {
        let fields = self.structured("ALT", value, here)?;
        let id = match fields.iter().find(|f| f.key == "ID") {
            Some(f) if !f.value.is_empty() => f.value.clone(),
            _ => return Err(FormatError::invalid(here.clone(), "ALT", "##ALT line has no ID")),
        };
        self.check_order("ALT", &id, &fields, &["ID", "Number", "Type", "Description"], here);
        if let Some(bad) = id.chars().find(|c| c.is_whitespace() || matches!(c, ',' | '<' | '>')) {
            self.warn(here, format!("ALT ID {id:?} contains {bad:?}"));
        }
        // Before 4.3 every ID starts with a structural-variant type; from 4.3 only IDs with
        // subtypes (`DEL:ME`) must. gVCF's NON_REF and `*` are accepted everywhere.
        let types: &[&str] = if self.version >= (4, 3) { &["DEL", "INS", "DUP", "INV", "CNV", "BND"] } else { &["DEL", "INS", "DUP", "INV", "CNV"] };
        let first = id.split(':').next().unwrap_or("");
        let needs_type = self.version < (4, 3) || id.contains(':');
        if needs_type && !types.contains(&first) && !matches!(id.as_str(), "NON_REF" | "*") {
            self.warn(here, format!("ALT ID {id}: the first-level type must be one of {}", types.join(", ")));
        }
        if let Some(f) = fields.iter().find(|f| f.key == "Number") {
            if Number::parse(&f.value).is_none() {
                self.warn(here, format!("ALT {id}: invalid Number {:?}", f.value));
            }
        }
        if let Some(f) = fields.iter().find(|f| f.key == "Type") {
            if !TYPES.contains(&f.value.as_str()) {
                self.warn(here, format!("ALT {id}: invalid Type {:?}", f.value));
            }
        }
        self.description("ALT", &id, &fields, here);
        Ok(())
    }

    fn sample_line(&mut self, value: &str, here: &Location) {
        let fields = match parse_structured(value) {
            Ok(f) => f,
            Err(m) => return self.warn(here, format!("malformed ##SAMPLE line: {m}")),
        };
        match fields.iter().find(|f| f.key == "ID") {
            None => self.warn(here, "##SAMPLE line has no ID"),
            Some(f) => {
                if let Err(m) = plain_name(&f.value) {
                    self.warn(here, format!("SAMPLE ID {}", m));
                }
            }
        }
        if self.version < (4, 3) {
            if !fields.iter().any(|f| f.key == "Genomes") {
                self.warn(here, "##SAMPLE line has no Genomes field (required before VCF 4.3)");
            }
            if let Some(f) = fields.iter().find(|f| f.quoted && f.key != "Description") {
                self.warn(here, format!("##SAMPLE {} must not be quoted (only Description is, before VCF 4.3)", f.key));
            }
        }
    }

    fn pedigree_line(&mut self, value: &str, here: &Location) {
        let fields = match parse_structured(value) {
            Ok(f) => f,
            Err(m) => return self.warn(here, format!("malformed ##PEDIGREE line: {m}")),
        };
        if self.version >= (4, 3) && !fields.iter().any(|f| f.key == "ID") {
            self.warn(here, "##PEDIGREE line has no ID (required from VCF 4.3)");
        }
        for f in &fields {
            if let Err(m) = plain_name(&f.value) {
                self.warn(here, format!("PEDIGREE {} {m}", f.key));
            }
        }
    }

    fn meta_meta_line(&mut self, value: &str, here: &Location) {
        let fields = match parse_structured(value) {
            Ok(f) => f,
            Err(m) => return self.warn(here, format!("malformed ##META line: {m}")),
        };
        let id = fields.iter().find(|f| f.key == "ID").map(|f| f.value.clone()).unwrap_or_default();
        if id.is_empty() {
            self.warn(here, "##META line has no ID");
        }
        self.check_order("META", &id, &fields, &["ID", "Number", "Type", "Values"], here);
        match fields.iter().find(|f| f.key == "Number") {
            Some(f) if Number::parse(&f.value).is_some() => {}
            Some(f) => self.warn(here, format!("META {id}: invalid Number {:?}", f.value)),
            None => self.warn(here, format!("META {id} has no Number")),
        }
        match fields.iter().find(|f| f.key == "Type") {
            Some(f) if TYPES.contains(&f.value.as_str()) => {}
            Some(f) => self.warn(here, format!("META {id}: invalid Type {:?}", f.value)),
            None => self.warn(here, format!("META {id} has no Type")),
        }
        match fields.iter().find(|f| f.key == "Values") {
            Some(f) if !f.quoted && f.value.starts_with('[') && f.value.ends_with(']') => {}
            Some(_) => self.warn(here, format!("META {id}: Values must be a list in square brackets")),
            None => self.warn(here, format!("META {id} has no Values")),
        }
    }

    fn column_line(&mut self, columns: &str, here: &Location) -> Result<(), FormatError> {
        const FIXED: [&str; 8] = ["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"];
        let fields: Vec<&str> = columns.split('\t').collect();
        if fields.len() < 8 || fields[..8] != FIXED {
            return Err(FormatError::invalid(
                here.clone(),
                "#CHROM",
                "column line must start with the 8 tab-separated columns CHROM POS ID REF ALT QUAL FILTER INFO",
            ));
        }
        if fields.len() > 8 {
            if fields[8] != "FORMAT" {
                return Err(FormatError::invalid(here.clone(), "#CHROM", "9th column must be FORMAT"));
            }
            self.has_format_column = true;
            if fields.len() == 9 {
                self.warn(here, "FORMAT column without any sample column");
            }
        }
        let mut seen = std::collections::HashSet::new();
        for name in fields.iter().skip(9) {
            if name.is_empty() {
                return Err(FormatError::invalid(here.clone(), "#CHROM", "empty sample name"));
            }
            if !seen.insert(*name) {
                return Err(FormatError::invalid(here.clone(), "#CHROM", format!("sample {name} appears twice")));
            }
            self.samples.push(name.to_string());
        }
        Ok(())
    }
}

/// Keeps the first warning containing `what` and replaces the others by a count, so a header
/// with hundreds of such contigs (HLA alleles) gives one line.
fn coalesce(warnings: &mut Vec<String>, what: &str) {
    let n = warnings.iter().filter(|w| w.contains(what)).count();
    if n > 1 {
        let mut first = true;
        warnings.retain(|w| !w.contains(what) || std::mem::replace(&mut first, false));
        warnings.push(format!("{} more contig names contain ':' (see the warning above)", n - 1));
    }
}

/// A sample-like name in SAMPLE and PEDIGREE lines: letters, digits and `_ . - +`.
fn plain_name(v: &str) -> Result<(), String> {
    match v.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '+'))) {
        None if !v.is_empty() => Ok(()),
        None => Err("is empty".into()),
        Some(c) => Err(format!("{v:?} contains {c:?}")),
    }
}

/// `##assembly` / `##pedigreeDB` values: a URL with a real host when a scheme is given.
fn url(v: &str) -> Result<(), String> {
    if v.starts_with('<') {
        return Err(format!("expected a URL, found {v:?}"));
    }
    let Some((_, rest)) = v.split_once("://") else { return Ok(()) };
    let authority = rest.split('/').next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host_port, None),
    };
    let dotted_quad = host.split('.').count() == 4 && host.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let named = host.bytes().any(|b| b.is_ascii_alphabetic())
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !host.starts_with(['.', '-']);
    if !(dotted_quad || named) {
        return Err(format!("{v:?} is not a valid URL (host {host:?})"));
    }
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!("{v:?} is not a valid URL (port)"));
    }
    Ok(())
}

/// Parses `<ID=x,Number=1,Description="a, b">` into its entries. A value is quoted only when it
/// starts with `"` (inside, `\"` and `\\` are escapes), bracketed when it starts with `[` (kept
/// up to the closing `]`), and otherwise runs to the next comma.
pub fn parse_structured(value: &str) -> Result<Vec<Field>, String> {
    let inner = value.strip_prefix('<').and_then(|v| v.strip_suffix('>')).ok_or("must be enclosed in '<' and '>'")?;
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        let mut key = String::new();
        loop {
            match chars.next() {
                Some('=') => break,
                None if key.trim().is_empty() && !out.is_empty() => return Ok(out),
                Some(',') | None => {
                    return Err(if key.trim().is_empty() { "empty entry".to_string() } else { format!("entry {:?} is not KEY=VALUE", key.trim()) });
                }
                Some(c) => key.push(c),
            }
        }
        let key = key.trim().to_string();
        if key.is_empty() {
            return Err("entry with an empty key".into());
        }
        let mut value = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some(e @ ('"' | '\\')) => value.push(e),
                        Some(e) => {
                            value.push('\\');
                            value.push(e);
                        }
                        None => break,
                    },
                    '"' => {
                        closed = true;
                        break;
                    }
                    _ => value.push(c),
                }
            }
            if !closed {
                return Err(format!("the quoted value of {key} has no closing quote"));
            }
        } else if chars.peek() == Some(&'[') {
            let mut closed = false;
            for c in chars.by_ref() {
                value.push(c);
                if c == ']' {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Err(format!("the bracketed value of {key} has no closing ']'"));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.push(Field { key: key.clone(), value, quoted });
        match chars.next() {
            None => return Ok(out),
            Some(',') => {}
            Some(c) => {
                let what = if quoted { "quoted" } else { "bracketed" };
                return Err(format!("unexpected {c:?} after the {what} value of {key} (unescaped quote?)"));
            }
        }
    }
}

/// Splits `<ID=x,Number=1,Description="a, b">` into its key/value pairs, honouring quotes;
/// None when the line is malformed.
pub fn structured_fields(value: &str) -> Option<BTreeMap<String, String>> {
    parse_structured(value).ok().map(|fields| fields.into_iter().map(|f| (f.key, f.value)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_fields_honour_quotes() {
        let f = structured_fields(r#"<ID=DP,Number=1,Type=Integer,Description="Depth, total">"#).unwrap();
        assert_eq!(f["ID"], "DP");
        assert_eq!(f["Description"], "Depth, total");
        assert!(structured_fields("<ID=x,Description=\"open>").is_none());
        assert!(structured_fields(r#"<ID=x,Description="a "b" c">"#).is_none());
        let f = structured_fields(r#"<ID=x,Description="say \"hi\"">"#).unwrap();
        assert_eq!(f["Description"], r#"say "hi""#);
        // A quote inside an unquoted value is literal; brackets group a list.
        let f = structured_fields(r##"<ID=a!"#$,Values=[A, B],Description="d">"##).unwrap();
        assert_eq!(f["ID"], r##"a!"#$"##);
        assert_eq!(f["Values"], "[A, B]");
        assert!(structured_fields("<ID=1,A,length=3>").is_none());
    }

    #[test]
    fn header_keeps_definitions_and_samples() {
        let text = "##fileformat=VCFv4.2\n##INFO=<ID=AF,Number=A,Type=Float,Description=\"f\">\n##contig=<ID=chr1,length=100>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n";
        let h = HeaderInfo::parse(text, &Location::default()).unwrap();
        assert_eq!(h.samples, vec!["A", "B"]);
        assert_eq!(h.info["AF"].number, Number::A);
        assert_eq!(h.contigs, vec![("chr1".to_string(), Some(100))]);
        assert_eq!(h.version, (4, 2));
        assert!(h.warnings.is_empty(), "{:?}", h.warnings);
    }

    #[test]
    fn duplicate_sample_is_an_error_naming_it() {
        let text = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tA\n";
        let err = HeaderInfo::parse(text, &Location::default()).unwrap_err().to_string();
        assert!(err.contains("sample A appears twice"), "{err}");
    }

    fn parse(lines: &str) -> Result<HeaderInfo, FormatError> {
        HeaderInfo::parse(&format!("{lines}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"), &Location::default())
    }

    #[test]
    fn reserved_definitions_that_differ_are_warned() {
        let h = parse("##fileformat=VCFv4.3\n##INFO=<ID=DP,Number=1,Type=String,Description=\"d\">\n").unwrap();
        assert!(h.warnings.iter().any(|w| w.contains("INFO DP is reserved")), "{:?}", h.warnings);
        let h = parse("##fileformat=VCFv4.3\n##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"d\">\n").unwrap();
        assert!(h.warnings.is_empty(), "{:?}", h.warnings);
    }

    #[test]
    fn malformed_definitions_are_errors_and_style_is_warned() {
        assert!(parse("##fileformat=VCFv4.3\n##INFO=<ID=DP,Number=N,Type=Integer,Description=\"d\">\n").is_err());
        assert!(parse("##fileformat=VCFv4.3\n##INFO=<ID=DP,Number=1,Type=Integer,Description=\"d\"\n").is_err());
        assert!(parse("##fileformat=VCF v4.3\n").is_err());
        assert!(parse("##fileformat=VCFv4.3\n##contig=<ID=1 A>\n").is_err());
        let h = parse("##fileformat=VCFv4.3\n##INFO=<Number=1,Type=Integer,Description=\"d\",ID=XY>\n").unwrap();
        assert!(h.warnings.iter().any(|w| w.contains("order")), "{:?}", h.warnings);
        let h = parse("##fileformat=VCFv4.3\n##INFO=<ID=XY,Number=1,Type=Integer,Description=d>\n").unwrap();
        assert!(h.warnings.iter().any(|w| w.contains("double quotes")), "{:?}", h.warnings);
    }

    #[test]
    fn contigs_declared_twice_merge_or_conflict() {
        let h = parse("##fileformat=VCFv4.1\n##contig=<ID=1>\n##contig=<ID=1,length=5>\n").unwrap();
        assert_eq!(h.contigs, vec![("1".to_string(), Some(5))]);
        assert!(!h.warnings.is_empty());
        assert!(parse("##fileformat=VCFv4.1\n##contig=<ID=1,length=4>\n##contig=<ID=1,length=5>\n").is_err());
    }

    #[test]
    fn urls_need_a_host() {
        assert!(url("ftp://user@host:8080/path/to/file.fastq").is_ok());
        assert!(url("http://123.0.1.2:8080/x").is_ok());
        assert!(url("ftp://8080:8080/x").is_err());
        assert!(url("GRCh38").is_ok());
    }
}
