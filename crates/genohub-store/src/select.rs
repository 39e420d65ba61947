//! Resolving a sample selection into (batch, column) reads and output columns.

use std::collections::BTreeMap;

use ahash::AHashMap as HashMap;

use crate::cohort::SampleKey;
use crate::keys::BatchId;
use crate::manifest::SampleRecord;
use crate::{Store, StoreError};

/// Which samples a query reads. Names are `NAME` (when unique across centers) or `CENTER/NAME`.
///
/// Samples excluded by a consent withdrawal ([`crate::exclusion`]) are never read: `All`
/// leaves them out, `Names` refuses them by name ("sample X is withdrawn"), and `Members` (a
/// stored cohort's list) leaves them out and reports how many in [`ResolvedSamples::withdrawn`].
#[derive(Debug, Clone, Default)]
pub enum SampleSelection {
    #[default]
    All,
    Names(Vec<String>),
    Members(Vec<String>),
}

/// Samples to read, in output order, grouped by the batch holding them.
#[derive(Debug, Clone)]
pub struct ResolvedSamples {
    pub samples: Vec<SampleRecord>,
    /// batch → (column in that batch, output index)
    pub by_batch: BTreeMap<BatchId, Vec<(u32, usize)>>,
    /// Output column names, unique.
    pub names: Vec<String>,
    /// Selected samples left out because they are excluded (withdrawn consent), as `CENTER/NAME`.
    pub withdrawn: Vec<String>,
}

impl Store {
    pub fn resolve_samples(&self, selection: &SampleSelection) -> Result<ResolvedSamples, StoreError> {
        let excluded = self.exclusions()?;
        // Building a key per sample costs two string copies each: skip it when nobody is excluded.
        let is_excluded = |s: &SampleRecord| !excluded.is_empty() && excluded.contains_key(&SampleKey { center: s.center.clone(), name: s.name.clone() });
        let registry = self.samples_shared()?;
        let (all, hidden): (Vec<&SampleRecord>, Vec<&SampleRecord>) = registry.iter().partition(|s| !is_excluded(s));
        let mut withdrawn = Vec::new();
        let chosen: Vec<SampleRecord> = match selection {
            SampleSelection::All => all.into_iter().cloned().collect(),
            SampleSelection::Names(names) | SampleSelection::Members(names) => {
                let strict = matches!(selection, SampleSelection::Names(_));
                let mut out = Vec::with_capacity(names.len());
                // Indexed once: a governed query names every sample of its scope (10,000s), and
                // a scan per name made resolving quadratic (half a second at 10,000).
                let mut by_name: HashMap<&str, Vec<&SampleRecord>> = HashMap::new();
                for s in all {
                    by_name.entry(s.name.as_str()).or_default().push(s);
                }
                let mut chosen_ids = std::collections::HashSet::new();
                for n in names {
                    let matches: Vec<&SampleRecord> = match n.split_once('/') {
                        Some((center, name)) => by_name.get(name).map_or_else(Vec::new, |v| v.iter().copied().filter(|s| s.center == center).collect()),
                        None => by_name.get(n.as_str()).cloned().unwrap_or_default(),
                    };
                    match matches.as_slice() {
                        [one] => {
                            if !chosen_ids.insert(one.id) {
                                return Err(StoreError::Refused(format!("sample {n} selected twice")));
                            }
                            out.push((*one).clone())
                        }
                        [] => {
                            let gone: Vec<&SampleRecord> = match n.split_once('/') {
                                Some((center, name)) => hidden.iter().copied().filter(|s| s.center == center && s.name == name).collect(),
                                None => hidden.iter().copied().filter(|s| s.name == *n).collect(),
                            };
                            match (gone.first(), strict) {
                                (Some(_), true) => {
                                    return Err(StoreError::Refused(format!("sample {n} is withdrawn (consent withdrawn; it is excluded from every query)")))
                                }
                                (Some(s), false) => withdrawn.push(format!("{}/{}", s.center, s.name)),
                                (None, _) => return Err(StoreError::NotFound(format!("unknown sample {n}"))),
                            }
                        }
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
        Ok(ResolvedSamples { samples: chosen, by_batch, names, withdrawn })
    }
}
