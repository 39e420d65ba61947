//! Covariate tables: a header line, then one line per sample: sample id (NAME or CENTER/NAME)
//! followed by numeric values, tab- or space-separated. Read and checked completely before
//! any analysis runs.

use std::collections::HashMap;
use std::path::Path;

use genohub_store::SampleRecord;

use crate::error::{AnalysisError, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Covariates {
    pub names: Vec<String>,
    rows: HashMap<String, Vec<f64>>,
    source: String,
}

impl Covariates {
    pub fn read(path: &Path) -> Result<Covariates> {
        let text = std::fs::read_to_string(path).map_err(|e| AnalysisError::io(format!("reading covariates {}", path.display()), e))?;
        Covariates::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, source: &str) -> Result<Covariates> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or_else(|| AnalysisError::input(format!("covariates {source}: empty file")))?;
        let names: Vec<String> = header.split_whitespace().skip(1).map(String::from).collect();
        if names.is_empty() {
            return Err(AnalysisError::input(format!("covariates {source}: the header names no covariate (expected: SAMPLE NAME1 NAME2 ...)")));
        }
        let mut rows = HashMap::new();
        for (i, line) in lines {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() != names.len() + 1 {
                return Err(AnalysisError::input(format!("covariates {source} line {}: {} fields, the header has {}", i + 1, f.len(), names.len() + 1)));
            }
            let mut values = Vec::with_capacity(names.len());
            for (v, name) in f[1..].iter().zip(&names) {
                match v.parse::<f64>() {
                    Ok(x) if x.is_finite() => values.push(x),
                    _ => return Err(AnalysisError::input(format!("covariates {source} line {} column {name}: {v:?} is not a number", i + 1))),
                }
            }
            if rows.insert(f[0].to_string(), values).is_some() {
                return Err(AnalysisError::input(format!("covariates {source} line {}: sample {} appears twice", i + 1, f[0])));
            }
        }
        Ok(Covariates { names, rows, source: source.to_string() })
    }

    /// Values for each sample, in order; every sample must be in the table.
    pub fn for_samples(&self, samples: &[&SampleRecord]) -> Result<Vec<Vec<f64>>> {
        let mut out = Vec::with_capacity(samples.len());
        let mut missing = Vec::new();
        for s in samples {
            match self.rows.get(&format!("{}/{}", s.center, s.name)).or_else(|| self.rows.get(&s.name)) {
                Some(v) => out.push(v.clone()),
                None => missing.push(format!("{}/{}", s.center, s.name)),
            }
        }
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
            return Err(AnalysisError::input(format!(
                "covariates {}: {} sample(s) of the analysis have no row: {}{}",
                self.source,
                missing.len(),
                shown.join(", "),
                if missing.len() > 5 { ", ..." } else { "" }
            )));
        }
        Ok(out)
    }
}
