//! Import sources: a Phenopacket JSON file (one object, or a list), JSON lines (one
//! Phenopacket per line), a CSV template file, or a directory of such files.

use std::path::{Path, PathBuf};

use crate::codes::OncoTree;
use crate::phenopacket::Reader;
use crate::submission::Submission;
use crate::{csv_template, ClinicalError};

/// Everything read from the sources, validated; nothing is stored yet.
#[derive(Debug, Default)]
pub struct Parsed {
    pub submissions: Vec<Submission>,
    /// Things accepted but not kept (e.g. a date of birth), for the user.
    pub warnings: Vec<String>,
}

fn files_of(path: &Path) -> Result<Vec<PathBuf>, ClinicalError> {
    let meta = std::fs::metadata(path).map_err(|e| ClinicalError::Io { context: format!("reading {}", path.display()), source: e })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| ClinicalError::Io { context: format!("listing {}", path.display()), source: e })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "jsonl" | "ndjson" | "csv")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ClinicalError::input(&path.display().to_string(), "(directory)", "(files)", "holds no .json, .jsonl or .csv file"));
    }
    Ok(files)
}

/// Reads and validates every source; the first bad record stops everything.
pub fn read_sources(paths: &[PathBuf], tree: Option<&OncoTree>) -> Result<Parsed, ClinicalError> {
    let mut out = Parsed::default();
    for p in paths {
        for f in files_of(p)? {
            read_file(&f, tree, &mut out)?;
        }
    }
    Ok(out)
}

fn read_file(path: &Path, tree: Option<&OncoTree>, out: &mut Parsed) -> Result<(), ClinicalError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ClinicalError::Io { context: format!("reading {name}"), source: e })?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    if ext == "csv" {
        out.submissions.extend(csv_template::read(&name, &text, tree)?);
        return Ok(());
    }
    let mut read_one = |value: &serde_json::Value, record: String| -> Result<(), ClinicalError> {
        let mut r = Reader { file: &name, record, tree, warnings: Vec::new() };
        out.submissions.push(r.read(value)?);
        out.warnings.append(&mut r.warnings);
        Ok(())
    };
    if ext == "jsonl" || ext == "ndjson" {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| ClinicalError::input(&name, &format!("line {}", i + 1), "(json)", format!("not JSON: {e}")))?;
            read_one(&v, format!("line {}", i + 1))?;
        }
        return Ok(());
    }
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| ClinicalError::input(&name, "(file)", "(json)", format!("not JSON: {e}")))?;
    match &v {
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                read_one(item, format!("item {i}"))?;
            }
        }
        _ => read_one(&v, "record 1".into())?,
    }
    Ok(())
}
