//! Resolving a sample selection into (batch, column) reads and output columns.

use std::collections::{BTreeMap, HashMap};

use crate::keys::BatchId;
use crate::manifest::SampleRecord;
use crate::{Store, StoreError};

/// Which samples a query reads. Names are `NAME` (when unique across centers) or `CENTER/NAME`.
#[derive(Debug, Clone, Default)]
pub enum SampleSelection {
    #[default]
    All,
    Names(Vec<String>),
}

/// Samples to read, in output order, grouped by the batch holding them.
#[derive(Debug, Clone)]
pub struct ResolvedSamples {
    pub samples: Vec<SampleRecord>,
    /// batch → (column in that batch, output index)
    pub by_batch: BTreeMap<BatchId, Vec<(u32, usize)>>,
    /// Output column names, unique.
    pub names: Vec<String>,
}

impl Store {
    pub fn resolve_samples(&self, selection: &SampleSelection) -> Result<ResolvedSamples, StoreError> {
        let all = self.samples()?;
        let chosen: Vec<SampleRecord> = match selection {
            SampleSelection::All => all,
            SampleSelection::Names(names) => {
                let mut out = Vec::with_capacity(names.len());
                for n in names {
                    let matches: Vec<&SampleRecord> = match n.split_once('/') {
                        Some((center, name)) => all.iter().filter(|s| s.center == center && s.name == name).collect(),
                        None => all.iter().filter(|s| s.name == *n).collect(),
                    };
                    match matches.as_slice() {
                        [one] => {
                            if out.iter().any(|s: &SampleRecord| s.id == one.id) {
                                return Err(StoreError::Refused(format!("sample {n} selected twice")));
                            }
                            out.push((*one).clone())
                        }
                        [] => return Err(StoreError::NotFound(format!("unknown sample {n}"))),
                        many => {
                            let centers: Vec<&str> = many.iter().map(|s| s.center.as_str()).collect();
                            return Err(StoreError::Refused(format!("sample name {n} exists in several centers ({}); write CENTER/{n}", centers.join(", "))));
                        }
                    }
                }
                out
            }
        };
        let mut count: HashMap<&str, usize> = HashMap::new();
        for s in &chosen {
            *count.entry(s.name.as_str()).or_default() += 1;
        }
        let names = chosen.iter().map(|s| if count[s.name.as_str()] > 1 { format!("{}/{}", s.center, s.name) } else { s.name.clone() }).collect();
        let mut by_batch: BTreeMap<BatchId, Vec<(u32, usize)>> = BTreeMap::new();
        for (i, s) in chosen.iter().enumerate() {
            by_batch.entry(s.batch).or_default().push((s.column, i));
        }
        Ok(ResolvedSamples { samples: chosen, by_batch, names })
    }
}
