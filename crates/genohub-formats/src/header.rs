//! A lenient reader of VCF header text: what the parser needs (samples, contigs, INFO/FORMAT
//! definitions) plus every meta line kept verbatim for provenance and output.
//!
//! Older real files lack `##contig` or INFO/FORMAT definitions; like bcftools we accept them,
//! warn once, and infer what is missing from the records.

use std::collections::BTreeMap;

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
    Unknown,
}

impl Number {
    fn parse(s: &str) -> Option<Number> {
        Some(match s {
            "A" => Number::A,
            "R" => Number::R,
            "G" => Number::G,
            "." => Number::Unknown,
            n => Number::Count(n.parse().ok()?),
        })
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

impl HeaderInfo {
    /// Parses header text (all `##` lines and the `#CHROM` line). `first_line` numbering is 1-based.
    pub fn parse(text: &str, location: &Location) -> Result<HeaderInfo, FormatError> {
        let mut header = HeaderInfo::default();
        let mut saw_chrom = false;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            let here = Location { line: i as u64 + 1, ..location.clone() };
            if line.is_empty() {
                continue;
            }
            if let Some(meta) = line.strip_prefix("##") {
                header.meta_line(meta, line, &here)?;
            } else if let Some(columns) = line.strip_prefix('#') {
                header.column_line(columns, &here)?;
                saw_chrom = true;
            } else {
                return Err(FormatError::invalid(here, "header", "expected a '##' meta line or the '#CHROM' line"));
            }
        }
        if !saw_chrom {
            return Err(FormatError::invalid(
                location.clone(),
                "#CHROM",
                "header has no '#CHROM' column line",
            ));
        }
        if header.fileformat.is_empty() {
            header.warnings.push("header has no ##fileformat line; read as VCFv4.2".into());
            header.fileformat = "VCFv4.2".into();
        }
        Ok(header)
    }

    fn meta_line(&mut self, meta: &str, line: &str, here: &Location) -> Result<(), FormatError> {
        let Some((key, value)) = meta.split_once('=') else {
            self.warnings.push(format!("line {}: header line without '=' ignored: {line}", here.line));
            return Ok(());
        };
        match key {
            "fileformat" => {
                if !value.starts_with("VCFv") {
                    return Err(FormatError::invalid(here.clone(), "fileformat", format!("not a VCF version: {value}")));
                }
                self.fileformat = value.to_string();
                return Ok(());
            }
            "INFO" | "FORMAT" | "contig" | "FILTER" => {
                let fields = structured_fields(value).ok_or_else(|| {
                    FormatError::invalid(here.clone(), key, "structured header line must be <KEY=VALUE,...>")
                })?;
                let id = fields.get("ID").cloned().ok_or_else(|| {
                    FormatError::invalid(here.clone(), key, "structured header line has no ID")
                })?;
                match key {
                    "contig" => {
                        let length = match fields.get("length") {
                            Some(l) => Some(l.parse::<u64>().map_err(|_| {
                                FormatError::invalid(here.clone(), "contig length", format!("not an integer: {l}"))
                            })?),
                            None => None,
                        };
                        if self.contigs.iter().any(|(c, _)| *c == id) {
                            return Err(FormatError::invalid(here.clone(), "contig", format!("contig {id} declared twice")));
                        }
                        self.contigs.push((id, length));
                    }
                    "FILTER" => {
                        self.filters.insert(id, line.to_string());
                    }
                    _ => {
                        let number = fields.get("Number").map(String::as_str).unwrap_or(".");
                        let number = Number::parse(number).ok_or_else(|| {
                            FormatError::invalid(here.clone(), format!("{key} {id} Number"), format!("invalid Number {number}"))
                        })?;
                        let kind = fields.get("Type").cloned().unwrap_or_else(|| "String".into());
                        if !matches!(kind.as_str(), "Integer" | "Float" | "Flag" | "Character" | "String") {
                            return Err(FormatError::invalid(here.clone(), format!("{key} {id} Type"), format!("invalid Type {kind}")));
                        }
                        let def = Definition { id: id.clone(), number, kind, line: line.to_string() };
                        let map = if key == "INFO" { &mut self.info } else { &mut self.format };
                        if map.insert(id.clone(), def).is_some() {
                            self.warnings.push(format!("line {}: {key} {id} defined twice; the last definition is used", here.line));
                        }
                    }
                }
            }
            _ => {}
        }
        self.meta_lines.push(line.to_string());
        Ok(())
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

/// Splits `<ID=x,Number=1,Description="a, b">` into its key/value pairs, honouring quotes.
pub fn structured_fields(value: &str) -> Option<BTreeMap<String, String>> {
    let inner = value.strip_prefix('<')?.strip_suffix('>')?;
    let mut out = BTreeMap::new();
    let mut key = String::new();
    let mut val = String::new();
    let mut in_key = true;
    let mut quoted = false;
    let mut escaped = false;
    for c in inner.chars() {
        if in_key {
            match c {
                '=' => in_key = false,
                ',' if key.is_empty() => {}
                _ => key.push(c),
            }
            continue;
        }
        if escaped {
            val.push(c);
            escaped = false;
        } else if c == '\\' && quoted {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ',' && !quoted {
            out.insert(std::mem::take(&mut key).trim().to_string(), std::mem::take(&mut val));
            in_key = true;
        } else {
            val.push(c);
        }
    }
    if quoted {
        return None;
    }
    if !key.is_empty() {
        out.insert(key.trim().to_string(), val);
    }
    Some(out)
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
    }

    #[test]
    fn header_keeps_definitions_and_samples() {
        let text = "##fileformat=VCFv4.2\n##INFO=<ID=AF,Number=A,Type=Float,Description=\"f\">\n##contig=<ID=chr1,length=100>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n";
        let h = HeaderInfo::parse(text, &Location::default()).unwrap();
        assert_eq!(h.samples, vec!["A", "B"]);
        assert_eq!(h.info["AF"].number, Number::A);
        assert_eq!(h.contigs, vec![("chr1".to_string(), Some(100))]);
    }

    #[test]
    fn duplicate_sample_is_an_error_naming_it() {
        let text = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tA\n";
        let err = HeaderInfo::parse(text, &Location::default()).unwrap_err().to_string();
        assert!(err.contains("sample A appears twice"), "{err}");
    }
}
