//! Field rules of the VCF specification that a store must not let through silently.
//! Each check returns the message for an error; softer problems become warnings.

use crate::header::{HeaderInfo, Number};
use crate::line::{Inferred, Warning};

pub fn chrom(c: &str) -> Result<(), String> {
    if c.is_empty() || c == "." {
        return Err("empty contig name".into());
    }
    if let Some(bad) = c.chars().find(|ch| ch.is_whitespace() || matches!(ch, '<' | '>' | '[' | ']' | '*' | '=' | ',' | '"' | '\'' | '(' | ')' | '{' | '}' | '\\')) {
        return Err(format!("contig name {c:?} contains {bad:?}"));
    }
    Ok(())
}

pub fn id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("empty (use '.' for no ID)".into());
    }
    if id == "." {
        return Ok(());
    }
    let mut seen = std::collections::HashSet::new();
    for part in id.split(';') {
        if part.is_empty() || part == "." || part.chars().any(char::is_whitespace) {
            return Err(format!("malformed ID list {id:?}"));
        }
        if !seen.insert(part) {
            return Err(format!("ID {part} repeated in one record"));
        }
    }
    Ok(())
}

fn is_base(b: u8) -> bool {
    matches!(b.to_ascii_uppercase(), b'A' | b'C' | b'G' | b'T' | b'N')
}

pub fn reference(r: &str) -> Result<(), String> {
    if r.is_empty() || r == "." {
        return Err("REF must contain at least one base".into());
    }
    if let Some(b) = r.bytes().find(|&b| !is_base(b)) {
        return Err(format!("REF {r:?} contains {:?}; only A, C, G, T, N are allowed", b as char));
    }
    Ok(())
}

pub fn alternate(a: &str, reference: &str) -> Result<(), String> {
    if a.is_empty() {
        return Err("empty allele in ALT list".into());
    }
    if a == "*" {
        return Ok(());
    }
    if a.starts_with('<') {
        let inner = a.strip_prefix('<').and_then(|s| s.strip_suffix('>'));
        return match inner {
            Some(id) if !id.is_empty() && !id.contains(['<', '>', ',', ' ']) => Ok(()),
            _ => Err(format!("malformed symbolic allele {a:?}")),
        };
    }
    if a.contains('[') || a.contains(']') {
        return breakend(a);
    }
    if a.starts_with('.') || a.ends_with('.') && a.len() > 1 {
        // Single breakends (VCF 4.1+): ".A" or "A."
        if a.bytes().filter(|&b| b != b'.').all(is_base) && a.len() > 1 {
            return Ok(());
        }
    }
    if let Some(b) = a.bytes().find(|&b| !is_base(b)) {
        return Err(format!("ALT allele {a:?} contains {:?}", b as char));
    }
    if a.eq_ignore_ascii_case(reference) {
        return Err(format!("ALT allele {a} equals REF"));
    }
    Ok(())
}

fn breakend(a: &str) -> Result<(), String> {
    let brackets = a.bytes().filter(|&b| b == b'[' || b == b']').count();
    if brackets != 2 || !a.contains(':') {
        return Err(format!("malformed breakend {a:?}"));
    }
    Ok(())
}

pub fn qual(q: &str) -> Result<(), String> {
    if q == "." {
        return Ok(());
    }
    match q.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(()),
        Ok(v) if v.is_nan() => Ok(()),
        _ => Err(format!("not a non-negative number or '.': {q:?}")),
    }
}

pub fn filter(f: &str, header: &HeaderInfo, warnings: &mut Vec<Warning>) -> Result<(), String> {
    if f.is_empty() {
        return Err("empty (use '.' or PASS)".into());
    }
    if f == "." || f == "PASS" {
        return Ok(());
    }
    for part in f.split(';') {
        if part.is_empty() || part.chars().any(char::is_whitespace) {
            return Err(format!("malformed FILTER list {f:?}"));
        }
        if part == "PASS" {
            return Err("PASS combined with other filters".into());
        }
        if !header.filters.contains_key(part) {
            warnings.push(Warning {
                kind: format!("FILTER {part} undefined"),
                message: format!("FILTER {part} is not defined in the header; a definition is inferred"),
                inferred: Some(Inferred::Filter(part.to_string())),
            });
        }
    }
    Ok(())
}

/// Checks INFO syntax, types and per-allele counts. Errors are (key, message).
pub fn info(info: &str, header: &HeaderInfo, n_alt: usize, warnings: &mut Vec<Warning>) -> Result<(), (String, String)> {
    if info.is_empty() {
        return Err(("INFO".into(), "empty (use '.')".into()));
    }
    if info == "." {
        return Ok(());
    }
    let mut seen = std::collections::HashSet::new();
    for field in info.split(';') {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (field, None),
        };
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err((key.into(), format!("malformed INFO entry {field:?}")));
        }
        if !seen.insert(key) {
            return Err((key.into(), "key repeated in one record".into()));
        }
        let Some(def) = header.info.get(key) else {
            warnings.push(Warning {
                kind: format!("INFO {key} undefined"),
                message: format!("INFO/{key} is not defined in the header; its type is inferred"),
                inferred: Some(Inferred::Info { key: key.to_string(), flag: value.is_none() }),
            });
            continue;
        };
        match (def.kind.as_str(), value) {
            ("Flag", None) => continue,
            ("Flag", Some(_)) => return Err((key.into(), "Flag must not have a value".into())),
            (_, None) => return Err((key.into(), format!("{} field without a value", def.kind))),
            (kind, Some(v)) => {
                let values: Vec<&str> = v.split(',').collect();
                for x in &values {
                    typed_value(kind, x).map_err(|m| (key.to_string(), m))?;
                }
                let expected = match def.number {
                    Number::Count(n) => Some(n as usize),
                    Number::A => Some(n_alt),
                    Number::R => Some(n_alt + 1),
                    _ => None,
                };
                if let Some(n) = expected {
                    if values.len() != n && !(values.len() == 1 && values[0] == ".") {
                        return Err((key.into(), format!("{} values where the header's Number requires {n}", values.len())));
                    }
                }
            }
        }
    }
    Ok(())
}

pub fn typed_value(kind: &str, v: &str) -> Result<(), String> {
    if v == "." {
        return Ok(());
    }
    let ok = match kind {
        "Integer" => v.parse::<i64>().is_ok(),
        "Float" => v.parse::<f64>().is_ok() || matches!(v.to_ascii_lowercase().as_str(), "nan" | "inf" | "-inf" | "infinity" | "-infinity"),
        "Character" => v.chars().count() == 1,
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{v:?} is not a valid {kind}"))
    }
}

pub fn format_keys(keys: &[&str], header: &HeaderInfo, warnings: &mut Vec<Warning>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for (i, k) in keys.iter().enumerate() {
        if k.is_empty() {
            return Err("empty FORMAT key".into());
        }
        if !seen.insert(*k) {
            return Err(format!("FORMAT key {k} repeated"));
        }
        if *k == "GT" && i != 0 {
            warnings.push(Warning::new("GT not first", "FORMAT/GT is not the first key, as the specification requires"));
        }
        if !header.format.contains_key(*k) && *k != "GT" {
            warnings.push(Warning::new(format!("FORMAT {k} undefined"), format!("FORMAT/{k} is not defined in the header; its type is inferred")));
        }
    }
    Ok(())
}
