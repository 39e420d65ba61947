//! Per-project memory of answered cohorts and query counts: what differencing protection and
//! the daily budget are checked against. Cohorts are kept as sorted 64-bit digests of the
//! members' pseudonyms (individuals, not samples: a tumour/normal pair is one person).

use sha2::{Digest, Sha256};
use time::Date;

use genohub_store::cf;
use genohub_store::engine::{Batch, Engine};

use crate::error::{GovernanceError, Result};

const COHORT: u8 = b'c';
const COUNT: u8 = b'n';

/// A cohort as a sorted, deduplicated set of member digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortPrint(Vec<u64>);

impl CohortPrint {
    pub fn of<'a>(pseudonyms: impl IntoIterator<Item = &'a str>) -> CohortPrint {
        let mut v: Vec<u64> = pseudonyms.into_iter().map(|p| u64::from_be_bytes(Sha256::digest(p.as_bytes())[..8].try_into().expect("8 bytes"))).collect();
        v.sort_unstable();
        v.dedup();
        CohortPrint(v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Size of the symmetric difference (sorted merge).
    pub fn difference(&self, other: &CohortPrint) -> usize {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut d) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => (d, i) = (d + 1, i + 1),
                std::cmp::Ordering::Greater => (d, j) = (d + 1, j + 1),
                std::cmp::Ordering::Equal => (i, j) = (i + 1, j + 1),
            }
        }
        d + (a.len() - i) + (b.len() - j)
    }

    fn id(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for x in &self.0 {
            h.update(x.to_be_bytes());
        }
        h.finalize().into()
    }

    fn bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|x| x.to_be_bytes()).collect()
    }

    fn from_bytes(b: &[u8]) -> Result<CohortPrint> {
        if !b.len().is_multiple_of(8) {
            return Err(GovernanceError::Corrupt("query history: cohort record length".into()));
        }
        Ok(CohortPrint(b.chunks_exact(8).map(|c| u64::from_be_bytes(c.try_into().expect("8 bytes"))).collect()))
    }
}

fn prefix(kind: u8, project: &str) -> Vec<u8> {
    let mut k = vec![kind];
    k.extend_from_slice(project.as_bytes());
    k.push(0);
    k
}

/// Whether a cohort differs from one already answered in the project by 1…k−1 individuals.
pub fn differs_slightly(engine: &Engine, project: &str, cohort: &CohortPrint, k: u32) -> Result<bool> {
    for item in engine.scan_prefix(cf::QUERY_HISTORY, &prefix(COHORT, project)) {
        let (_, v) = item?;
        let d = CohortPrint::from_bytes(&v)?.difference(cohort);
        if d > 0 && d < k as usize {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Records an answered cohort (idempotent) into `batch`.
pub fn remember(batch: &mut Batch, project: &str, cohort: &CohortPrint) {
    let mut key = prefix(COHORT, project);
    key.extend_from_slice(&cohort.id());
    batch.put(cf::QUERY_HISTORY, &key, &cohort.bytes());
}

fn count_key(project: &str, day: Date) -> Vec<u8> {
    let mut key = prefix(COUNT, project);
    key.extend_from_slice(day.to_string().as_bytes());
    key
}

pub fn queries_on(engine: &Engine, project: &str, day: Date) -> Result<u32> {
    Ok(engine.get(cf::QUERY_HISTORY, &count_key(project, day))?.and_then(|v| v.try_into().ok()).map(u32::from_be_bytes).unwrap_or(0))
}

pub fn count_query(batch: &mut Batch, project: &str, day: Date, before: u32) {
    batch.put(cf::QUERY_HISTORY, &count_key(project, day), &(before + 1).to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_difference_counts_people_on_either_side() {
        let a = CohortPrint::of(["p1", "p2", "p3"]);
        let b = CohortPrint::of(["p2", "p3", "p4", "p5", "p2"]);
        assert_eq!(b.len(), 4);
        assert_eq!(a.difference(&b), 3);
        assert_eq!(b.difference(&a), 3);
        assert_eq!(a.difference(&a), 0);
        assert_eq!(a.difference(&CohortPrint::of([])), 3);
        assert_eq!(CohortPrint::from_bytes(&b.bytes()).unwrap(), b);
    }
}
