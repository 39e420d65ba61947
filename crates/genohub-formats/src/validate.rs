//! Field rules of the VCF specification that a store must not let through silently.
//!
//! Each check returns the message for an error; softer problems become warnings. The line is
//! an error when the stored data would be wrong or could not be split or written back (a
//! malformed column, a value that breaks its declared type, a per-allele value count that
//! makes a multi-allelic record unsplittable); it is a warning when the data is stored exactly
//! as written and only departs from the specification (undeclared keys, other value counts,
//! values that break a reserved key's meaning, duplicate filters, ...).

use crate::header::{HeaderInfo, Number};
use crate::line::{Inferred, Warning};

/// Smallest Integer a VCF value may hold: BCF reserves the eight values below it.
pub const INT_MIN: i64 = i32::MIN as i64 + 8;
pub const INT_MAX: i64 = i32::MAX as i64;

/// The definition the specification gives a reserved INFO or FORMAT key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserved {
    pub number: Number,
    /// A second accepted Number, where versions of the specification differ.
    pub also: Option<Number>,
    pub kind: &'static str,
}

impl Reserved {
    const fn new(number: Number, kind: &'static str) -> Self {
        Reserved { number, also: None, kind }
    }

    pub fn allows(&self, n: Number) -> bool {
        n == self.number || Some(n) == self.also
    }

    pub fn describe(&self) -> String {
        format!("Number={},Type={}", self.number.text(), self.kind)
    }
}

/// Reserved INFO keys (VCF 4.1/4.2 §1.4.2, 4.3 §1.6.1 table 1). `SB` is left out: its
/// definition changed between versions and files disagree.
pub fn reserved_info(key: &str, version: (u32, u32)) -> Option<Reserved> {
    use Number::*;
    Some(match key {
        "AA" => Reserved::new(Count(1), "String"),
        "AC" => Reserved::new(A, "Integer"),
        "AF" => Reserved::new(A, "Float"),
        "AN" => Reserved::new(Count(1), "Integer"),
        "BQ" => Reserved::new(Count(1), "Float"),
        "CIGAR" => Reserved::new(A, "String"),
        "DB" | "H2" | "H3" | "SOMATIC" | "VALIDATED" | "1000G" => Reserved::new(Count(0), "Flag"),
        "DP" => Reserved::new(Count(1), "Integer"),
        "END" => Reserved::new(Count(1), "Integer"),
        "MQ" => Reserved::new(Count(1), "Float"),
        "MQ0" => Reserved::new(Count(1), "Integer"),
        "NS" => Reserved::new(Count(1), "Integer"),
        "AD" | "ADF" | "ADR" if version >= (4, 3) => Reserved::new(R, "Integer"),
        _ => return None,
    })
}

/// Reserved FORMAT keys (VCF 4.1/4.2 §1.4.2, 4.3 §1.6.2 table 2).
pub fn reserved_format(key: &str, version: (u32, u32)) -> Option<Reserved> {
    use Number::*;
    Some(match key {
        "GT" | "FT" => Reserved::new(Count(1), "String"),
        "DP" | "GQ" | "PS" | "PQ" | "MQ" => Reserved::new(Count(1), "Integer"),
        "GL" | "GP" => Reserved::new(G, "Float"),
        "PL" => Reserved::new(G, "Integer"),
        "HQ" => Reserved::new(Count(2), "Integer"),
        "EC" => Reserved::new(A, "Integer"),
        "GLE" if version < (4, 3) => Reserved { number: G, also: Some(Unknown), kind: "String" },
        "AD" | "ADF" | "ADR" if version >= (4, 3) => Reserved::new(R, "Integer"),
        "PP" if version >= (4, 3) => Reserved::new(G, "Integer"),
        _ => return None,
    })
}

/// Why an INFO or FORMAT key is not a valid key name, if it is not: from VCF 4.3 keys match
/// `^[A-Za-z_][0-9A-Za-z_.]*$` (and INFO's historical `1000G`); earlier versions only rule out
/// characters that break the line's syntax.
pub fn key_problem(key: &str, info: bool, version: (u32, u32)) -> Option<String> {
    if version < (4, 3) {
        return key.chars().find(|c| c.is_whitespace() || matches!(c, ':' | ';' | '=' | ',' | '<' | '>' | '"')).map(|c| format!("key {key:?} contains {c:?}"));
    }
    let b = key.as_bytes();
    let ok = (info && key == "1000G")
        || !b.is_empty() && (b[0].is_ascii_alphabetic() || b[0] == b'_') && b[1..].iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.');
    (!ok).then(|| format!("key {key:?} does not match ^[A-Za-z_][0-9A-Za-z_.]*$"))
}

/// The warning for a ':' in a VCF 4.1/4.2 contig name.
pub const COLON_IN_CONTIG: &str = "contains ':', which VCF 4.1/4.2 forbid (ambiguous in breakends)";

/// A contig name in CHROM (`bracketed_ok`: also `<name>`, naming an assembly contig) or in a
/// `##contig` ID. VCF 4.3+ names must match
/// `[0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*`; 4.1/4.2 only forbid
/// whitespace (and ':', which real files with HLA contigs use anyway: a warning). Ok(Some) is
/// a warning.
pub fn contig_name(c: &str, version: (u32, u32), bracketed_ok: bool) -> Result<Option<String>, String> {
    if c.is_empty() || c == "." {
        return Err("empty contig name".into());
    }
    let name = match c.strip_prefix('<').and_then(|n| n.strip_suffix('>')) {
        Some(inner) if bracketed_ok && !inner.is_empty() => inner,
        _ => c,
    };
    if version >= (4, 3) {
        let first_ok = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&+./:;?@^_|~-".contains(&b);
        let rest_ok = |b: u8| first_ok(b) || b == b'*' || b == b'=';
        let bytes = name.as_bytes();
        let bad = if !first_ok(bytes[0]) { Some(0) } else { bytes.iter().position(|&b| !rest_ok(b)) };
        if let Some(i) = bad {
            let ch = name[i..].chars().next().unwrap_or('?');
            return Err(format!(
                "contig name {c:?} has {ch:?} at position {}; VCF 4.3 names match [0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*",
                i + 1
            ));
        }
        return Ok(None);
    }
    if let Some(bad) = name.chars().find(|ch| ch.is_whitespace() || ch.is_control() || matches!(ch, ',' | '<' | '>' | '[' | ']')) {
        return Err(format!("contig name {c:?} contains {bad:?}"));
    }
    if name.contains(':') {
        return Ok(Some(format!("contig name {c:?} {COLON_IN_CONTIG}")));
    }
    Ok(None)
}

pub fn id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("empty (use '.' for no ID)".into());
    }
    if id == "." {
        return Ok(());
    }
    for (i, part) in id.split(';').enumerate() {
        if part.is_empty() || part == "." || part.chars().any(char::is_whitespace) {
            return Err(format!("malformed ID list {id:?}"));
        }
        if id.split(';').take(i).any(|p| p == part) {
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
            Some(id) if !id.is_empty() && !id.contains(['<', '>', ',']) && !id.contains(char::is_whitespace) => Ok(()),
            _ => Err(format!("malformed symbolic allele {a:?}")),
        };
    }
    if a.contains('[') || a.contains(']') {
        return breakend(a);
    }
    if a.len() > 1 && (a.starts_with('.') || a.ends_with('.')) {
        // Single breakends (VCF 4.1+): ".A" or "A."
        let bases = a.strip_prefix('.').or_else(|| a.strip_suffix('.')).unwrap_or(a);
        if !bases.is_empty() && bases.bytes().all(is_base) {
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

/// Breakends `t[p[`, `t]p]`, `]p]t`, `[p[t`: bases on exactly one side of a bracketed mate
/// position `chrom:pos`.
fn breakend(a: &str) -> Result<(), String> {
    let bad = || format!("malformed breakend {a:?}");
    let bracket = if a.contains('[') { '[' } else { ']' };
    let other = if bracket == '[' { ']' } else { '[' };
    if a.contains(other) || a.matches(bracket).count() != 2 {
        return Err(bad());
    }
    let first = a.find(bracket).unwrap();
    let last = a.rfind(bracket).unwrap();
    let mate = &a[first + 1..last];
    let (before, after) = (&a[..first], &a[last + 1..]);
    let mate_ok = mate.rsplit_once(':').is_some_and(|(c, p)| !c.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let bases = match (before.is_empty(), after.is_empty()) {
        (false, true) => before,
        (true, false) => after,
        (true, true) => return Err(format!("breakend {a:?} has no bases on either side of the mate position")),
        (false, false) => return Err(bad()),
    };
    if !mate_ok || !bases.bytes().all(is_base) {
        return Err(bad());
    }
    Ok(())
}

pub fn qual(q: &str) -> Result<(), String> {
    if q == "." {
        return Ok(());
    }
    match q.parse::<f64>() {
        Ok(v) if v >= 0.0 || v.is_nan() => Ok(()),
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
    for (i, part) in f.split(';').enumerate() {
        if part.is_empty() || part.chars().any(char::is_whitespace) {
            return Err(format!("malformed FILTER list {f:?}"));
        }
        if part == "." {
            return Err(format!("'.' (no filter applied) combined with filters in {f:?}"));
        }
        if f.split(';').take(i).any(|p| p == part) {
            warnings.push(Warning::new("FILTER repeated", format!("FILTER {part} is listed twice in {f:?}")));
            continue;
        }
        if part == "PASS" {
            warnings.push(Warning::new("FILTER PASS with filters", format!("FILTER {f:?} combines PASS with failed filters")));
            continue;
        }
        if part == "0" {
            warnings.push(Warning::new("FILTER 0", format!("FILTER {f:?} uses '0', which the specification reserves")));
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

/// Checks INFO syntax, types and per-allele counts. Errors are (key, message). A value that
/// breaks the header's definition is an error; one that breaks only the definition the
/// specification reserves for an undeclared key is a warning.
pub fn info(info: &str, header: &HeaderInfo, n_alt: usize, warnings: &mut Vec<Warning>) -> Result<(), (String, String)> {
    if info.is_empty() {
        return Err(("INFO".into(), "empty (use '.')".into()));
    }
    if info == "." {
        return Ok(());
    }
    let mut seen: Vec<&str> = Vec::new();
    for field in info.split(';') {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (field, None),
        };
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err((key.into(), format!("malformed INFO entry {field:?}")));
        }
        if seen.contains(&key) {
            return Err((key.into(), "key repeated in one record".into()));
        }
        seen.push(key);
        let (number, kind, declared) = match header.info.get(key) {
            Some(def) => (def.number, def.kind.as_str(), true),
            None => {
                if let Some(m) = key_problem(key, true, header.version) {
                    warnings.push(Warning::new("INFO key syntax", format!("INFO {m}")));
                }
                warnings.push(Warning {
                    kind: format!("INFO {key} undefined"),
                    message: format!("INFO/{key} is not defined in the header; its type is inferred"),
                    inferred: Some(Inferred::Info { key: key.to_string(), flag: value.is_none() }),
                });
                match reserved_info(key, header.version) {
                    Some(r) => (r.number, r.kind, false),
                    None => continue,
                }
            }
        };
        let checked = info_value(key, number, kind, value, n_alt, warnings).and_then(|()| match reserved_info(key, header.version) {
            Some(r) if r.kind == kind => reserved_meaning(key, value.unwrap_or("")).map_err(|m| (m, false)),
            _ => Ok(()),
        });
        match checked {
            Ok(()) => {}
            Err((m, true)) if declared => return Err((key.into(), m)),
            Err((m, _)) => {
                let why = if declared {
                    String::new()
                } else {
                    format!(" (the specification reserves {key} as {})", reserved_info(key, header.version).unwrap().describe())
                };
                warnings.push(Warning::new(format!("INFO {key} invalid"), format!("INFO/{key}: {m}{why}")));
            }
        }
    }
    Ok(())
}

/// One INFO value against a definition. Err((message, is_error)): a value that is not the
/// Integer or Float it is declared as, or a per-allele count that makes the record unsplittable.
fn info_value(key: &str, number: Number, kind: &str, value: Option<&str>, n_alt: usize, warnings: &mut Vec<Warning>) -> Result<(), (String, bool)> {
    let v = match (kind, value) {
        ("Flag", None) => return Ok(()),
        ("Flag", Some("0" | "1")) => {
            warnings.push(Warning::new(format!("INFO {key} Flag with value"), format!("INFO/{key} is a Flag but has a value; Flags take none")));
            return Ok(());
        }
        ("Flag", Some(v)) => return Err((format!("Flag must not have a value (found {v:?})"), true)),
        (_, None) => return Err((format!("{kind} field without a value"), true)),
        (_, Some(v)) => v,
    };
    let mut count = 0;
    for x in v.split(',') {
        count += 1;
        // A Character holding several characters is still text, stored (and written to BCF)
        // as written: a warning. Integer and Float values must be numbers.
        typed_value(kind, x).map_err(|m| (m, kind != "Character"))?;
    }
    let n_alleles = n_alt + 1;
    let ok = match number {
        Number::Count(n) => count == n as usize,
        Number::A => count == n_alt,
        Number::R => count == n_alleles,
        Number::G => count == n_alleles * (n_alleles + 1) / 2 || count == n_alleles,
        Number::Unknown => true,
    };
    if !ok && v != "." {
        let needs = match number {
            Number::G => format!("{} (diploid) or {n_alleles} (haploid)", n_alleles * (n_alleles + 1) / 2),
            Number::Count(n) => n.to_string(),
            Number::A => n_alt.to_string(),
            _ => n_alleles.to_string(),
        };
        // Only a multi-allelic record is split by its per-allele values; otherwise the value
        // is stored as written and a wrong count is a warning.
        let breaks_split = matches!(number, Number::A | Number::R | Number::G) && n_alt >= 2;
        return Err((format!("{count} values where Number={} requires {needs}", number.text()), breaks_split));
    }
    Ok(())
}

/// What reserved keys mean beyond their type: counts and positions are not negative,
/// frequencies are not negative, CIGAR is a CIGAR.
fn reserved_meaning(key: &str, value: &str) -> Result<(), String> {
    let values = || value.split(',').filter(|v| *v != ".");
    match key {
        "AC" | "AN" | "DP" | "MQ0" | "NS" | "END" | "AD" | "ADF" | "ADR" => {
            if let Some(v) = values().find(|v| v.starts_with('-')) {
                return Err(format!("{v} is negative; {key} is a count or position"));
            }
        }
        "AF" => {
            if let Some(v) = values().find(|v| v.parse::<f64>().is_ok_and(|f| f < 0.0)) {
                return Err(format!("{v} is a negative frequency"));
            }
        }
        "CIGAR" => {
            if let Some(v) = values().find(|v| !is_cigar(v)) {
                return Err(format!("{v:?} is not a CIGAR string"));
            }
        }
        _ => {}
    }
    Ok(())
}

fn is_cigar(v: &str) -> bool {
    let mut digits = 0;
    for b in v.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'M' | b'I' | b'D' | b'N' | b'S' | b'H' | b'P' | b'=' | b'X' if digits > 0 => digits = 0,
            _ => return false,
        }
    }
    !v.is_empty() && digits == 0
}

/// A VCF Integer: decimal, within the 32-bit range BCF can hold (its eight smallest values are
/// reserved).
pub fn integer(v: &str) -> Result<i32, String> {
    match v.parse::<i64>() {
        Ok(n) if (INT_MIN..=INT_MAX).contains(&n) => Ok(n as i32),
        Ok(_) => Err(format!("{v} is outside the VCF Integer range {INT_MIN}..={INT_MAX}")),
        Err(_) => Err(format!("{v:?} is not a valid Integer")),
    }
}

fn is_float(v: &str) -> bool {
    v.parse::<f64>().is_ok()
}

pub fn typed_value(kind: &str, v: &str) -> Result<(), String> {
    if v == "." {
        return Ok(());
    }
    let ok = match kind {
        "Integer" => return integer(v).map(|_| ()),
        "Float" => is_float(v),
        "Character" => v.chars().count() == 1,
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{v:?} is not a valid {kind}"))
    }
}

/// A FORMAT sample value (one sub-field) against a definition, without allocating; `ploidy`
/// (0 = unknown) sets the count of a Number=G field. Err says what is wrong.
pub fn format_value(kind: &str, number: Number, v: &str, n_alt: usize, ploidy: usize, empty_ok: bool) -> Result<(), String> {
    if v == "." {
        return Ok(());
    }
    if v.is_empty() {
        return if empty_ok { Ok(()) } else { Err("empty value (use '.')".into()) };
    }
    let fast = match kind {
        "Integer" => plain_numbers(v.as_bytes(), false),
        "Float" => plain_numbers(v.as_bytes(), true),
        _ => None,
    };
    let count = match fast {
        Some(count) => count,
        None => typed_list(kind, v)?,
    };
    check_count(number, count, n_alt, ploidy)
}

/// Count of a comma list whose every value is certainly a valid Integer (`-?[0-9]{1,9}`) or,
/// with `decimals`, Float (`-?[0-9]+(\.[0-9]+)?`); None when a value needs a closer look.
/// One pass over the bytes, for the per-sample hot path.
fn plain_numbers(v: &[u8], decimals: bool) -> Option<usize> {
    let mut count = 1;
    let mut digits = 0;
    let mut start = true;
    let mut dot = false;
    for &b in v {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                start = false;
            }
            b'-' if start => start = false,
            b'.' if decimals && digits > 0 && !dot => {
                dot = true;
                digits = 0;
            }
            b',' if digits > 0 => {
                count += 1;
                digits = 0;
                start = true;
                dot = false;
            }
            _ => return None,
        }
        if !decimals && digits > 9 {
            return None;
        }
    }
    (digits > 0).then_some(count)
}

/// Count of a comma list after checking each value's type; Err names the bad value.
fn typed_list(kind: &str, v: &str) -> Result<usize, String> {
    let mut count = 0;
    for x in v.split(',') {
        count += 1;
        if x == "." {
            continue;
        }
        let ok = match kind {
            "Integer" => integer(x).is_ok(),
            "Float" => is_float(x),
            "Character" => x.chars().count() == 1,
            _ => true,
        };
        if !ok {
            return Err(format!("{x:?} is not a valid {kind}"));
        }
    }
    Ok(count)
}

fn check_count(number: Number, count: usize, n_alt: usize, ploidy: usize) -> Result<(), String> {
    let n_alleles = n_alt + 1;
    let expected = match number {
        Number::Count(n) => n as usize,
        Number::A => n_alt,
        Number::R => n_alleles,
        Number::G if ploidy > 0 => genotype_count(n_alleles, ploidy),
        Number::G => {
            let (diploid, haploid) = (genotype_count(n_alleles, 2), n_alleles);
            if count == diploid || count == haploid {
                return Ok(());
            }
            return Err(format!("{count} values where Number=G requires {diploid} (diploid) or {haploid} (haploid)"));
        }
        Number::Unknown => return Ok(()),
    };
    if count != expected {
        let why = if number == Number::G { format!(" for ploidy {ploidy} and {n_alleles} alleles") } else { String::new() };
        return Err(format!("{count} values where Number={} requires {expected}{why}", number.text()));
    }
    Ok(())
}

/// Genotypes of `ploidy` alleles drawn from `n_alleles`: C(n_alleles + ploidy - 1, ploidy).
pub fn genotype_count(n_alleles: usize, ploidy: usize) -> usize {
    let mut c: usize = 1;
    for i in 0..ploidy {
        c = c.saturating_mul(n_alleles + i) / (i + 1);
    }
    c
}

pub fn format_keys(keys: &[&str], header: &HeaderInfo, warnings: &mut Vec<Warning>) -> Result<(), String> {
    for (i, k) in keys.iter().enumerate() {
        if k.is_empty() {
            return Err("empty FORMAT key".into());
        }
        if keys[..i].contains(k) {
            return Err(format!("FORMAT key {k} repeated"));
        }
        if *k == "GT" && i != 0 {
            warnings.push(Warning::new("GT not first", "FORMAT/GT is not the first key, as the specification requires"));
        }
        if !header.format.contains_key(*k) && *k != "GT" {
            if let Some(m) = key_problem(k, false, header.version) {
                warnings.push(Warning::new("FORMAT key syntax", format!("FORMAT {m}")));
            }
            warnings.push(Warning::new(format!("FORMAT {k} undefined"), format!("FORMAT/{k} is not defined in the header; its type is inferred")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Location;

    fn header(version: &str, lines: &str) -> HeaderInfo {
        let text = format!("##fileformat=VCFv{version}\n{lines}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        HeaderInfo::parse(&text, &Location::default()).unwrap()
    }

    #[test]
    fn contig_names_follow_the_version() {
        let v43 = (4, 3);
        assert!(contig_name("chr1", v43, true).unwrap().is_none());
        assert!(contig_name("<1>", v43, true).unwrap().is_none());
        assert!(contig_name("HLA-A*01:01:01:01", v43, true).unwrap().is_none());
        assert!(contig_name("<1", v43, true).is_err());
        assert!(contig_name("chr 1", v43, true).is_err());
        assert!(contig_name("chr,1", v43, true).is_err());
        assert!(contig_name("*1", v43, true).is_err());
        let v42 = (4, 2);
        assert!(contig_name("<1*>", v42, true).unwrap().is_none());
        assert!(contig_name("1.*", v42, false).unwrap().is_none());
        assert!(contig_name("chr:1", v42, true).unwrap().is_some());
        assert!(contig_name("chr 1", v42, true).is_err());
        assert!(contig_name("<1", v42, true).is_err());
    }

    #[test]
    fn breakends_need_bases_on_one_side() {
        for ok in ["]1:100]AGT", "[1:100[AGT", "AGT]1:100]", "AGT[1:100[", "C[<ctg1>:7["] {
            assert!(alternate(ok, "C").is_ok(), "{ok}");
        }
        for bad in ["[1:100[", "A[1:100]", "A[1[", "A[1:100[T"] {
            assert!(alternate(bad, "C").is_err(), "{bad}");
        }
    }

    #[test]
    fn qual_allows_infinity_and_nan_but_not_negatives() {
        for ok in ["Inf", "+Inf", "NaN", "2e+1", "5.3e-10", "."] {
            assert!(qual(ok).is_ok(), "{ok}");
        }
        for bad in ["-100", "-Inf", "quality"] {
            assert!(qual(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn integers_stay_in_the_bcf_range() {
        assert!(typed_value("Integer", "2147483647").is_ok());
        assert!(typed_value("Integer", "-2147483640").is_ok());
        for bad in ["2147483648", "-2147483648", "-2147483643", "1.5"] {
            assert!(typed_value("Integer", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn declared_info_is_strict_and_reserved_undeclared_info_is_warned() {
        let h = header("4.3", "##INFO=<ID=MY,Number=1,Type=Integer,Description=\"m\">\n##INFO=<ID=DB,Number=0,Type=Flag,Description=\"d\">\n");
        let mut w = Vec::new();
        info("MY=1,2", &h, 1, &mut w).unwrap();
        assert!(w.iter().any(|x| x.message.contains("2 values where Number=1")), "{w:?}");
        assert!(info("MY=1.5", &h, 1, &mut w).is_err());
        assert!(info("DB=2", &h, 1, &mut w).is_err());
        w.clear();
        info("DB=1", &h, 1, &mut w).unwrap();
        assert_eq!(w.len(), 1);
        for (text, what) in [("AC=-1", "negative"), ("AC=1.150", "Integer"), ("AA=1,23", "Number=1"), ("CIGAR=123MYCIGAR", "CIGAR"), ("H3=SOMETHING", "Flag")] {
            w.clear();
            info(text, &h, 1, &mut w).unwrap();
            assert!(w.iter().any(|x| x.message.contains(what)), "{text}: {w:?}");
        }
    }

    #[test]
    fn format_values_count_by_ploidy() {
        assert!(format_value("Integer", Number::G, "1,2,3", 1, 2, false).is_ok());
        assert!(format_value("Integer", Number::G, "1,2", 1, 2, false).is_err());
        assert!(format_value("Integer", Number::G, "1,2", 1, 1, false).is_ok());
        assert!(format_value("Integer", Number::G, "1,2,3,4,5,6,7,8,9,10", 2, 3, false).is_ok());
        assert!(format_value("Float", Number::Count(1), "my_string", 1, 2, false).is_err());
        assert!(format_value("Integer", Number::Unknown, "", 1, 2, true).is_ok());
        assert_eq!(genotype_count(3, 2), 6);
        assert!(format_value("Integer", Number::Count(1), "2147483648", 1, 2, false).is_err());
        assert!(format_value("Integer", Number::Count(2), "-5,.", 1, 2, false).is_ok());
        assert!(format_value("Float", Number::Count(3), "-0.13,1e-5,NaN", 1, 2, false).is_ok());
        assert!(format_value("Float", Number::Count(1), "1.2.3", 1, 2, false).is_err());
        assert!(format_value("Float", Number::Count(1), "-", 1, 2, false).is_err());
        assert_eq!(plain_numbers(b"0,30,-300", false), Some(3));
        assert_eq!(plain_numbers(b"-0.13,-0.58,-3.62", true), Some(3));
        for slow in [&b"1,"[..], b",1", b"1.", b"1..2", b"--1", b"1-", b"-"] {
            assert_eq!(plain_numbers(slow, true), None, "{slow:?}");
        }
        assert_eq!(plain_numbers(b"1234567890", false), None);
    }

    #[test]
    fn filter_lists() {
        let h = header("4.3", "##FILTER=<ID=q10,Description=\"q\">\n");
        let mut w = Vec::new();
        assert!(filter("q10;.", &h, &mut w).is_err());
        assert!(filter("PASS;", &h, &mut w).is_err());
        assert!(filter("my filter", &h, &mut w).is_err());
        w.clear();
        filter("q10;q10", &h, &mut w).unwrap();
        assert!(w.iter().any(|x| x.kind == "FILTER repeated"));
    }
}
