//! A scan plan: which batches to read, and for each sample group the columns it takes from
//! each batch, as codec subsets so counting never expands rows to one byte per sample.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use genohub_codec::SampleSubset;
use genohub_store::keys::{BatchId, ContigId};
use genohub_store::merge::Span;
use genohub_store::{Region, ResolvedSamples, Store};

use crate::error::{AnalysisError, Result};

/// One group's columns in one batch.
pub(crate) struct Member {
    /// Columns in ascending order, each with the sample's index in the group's output order.
    pub columns: Vec<(u32, usize)>,
    /// `None` when the group takes every column of the batch (plain counting is cheapest).
    pub subset: Option<SampleSubset>,
}

pub(crate) struct Group {
    pub members: BTreeMap<BatchId, Member>,
    pub size: usize,
}

pub struct ScanPlan {
    pub(crate) groups: Vec<Group>,
    pub(crate) batches: BTreeSet<BatchId>,
    /// Batches whose gVCF reference blocks are read: only needed when samples come from
    /// more than one batch (a batch holding every sample has a record at every site).
    pub(crate) callable_batches: BTreeSet<BatchId>,
    pub(crate) contigs: HashMap<ContigId, String>,
    pub(crate) spans: Vec<Span>,
}

impl ScanPlan {
    /// Plans a scan of `regions` (none = whole store) over sample groups (e.g. one cohort, or
    /// cases and controls). Sites are those of batches holding a selected sample.
    pub fn new(store: &Store, groups: &[&ResolvedSamples], regions: &[Region]) -> Result<ScanPlan> {
        let widths: HashMap<BatchId, u32> = store.committed_batches_shared()?.iter().map(|m| (m.id, m.samples.len() as u32)).collect();
        let mut out_groups = Vec::with_capacity(groups.len());
        let mut batches = BTreeSet::new();
        for g in groups {
            let mut members = BTreeMap::new();
            for (&batch, cols) in &g.by_batch {
                let width =
                    *widths.get(&batch).ok_or_else(|| AnalysisError::Store(genohub_store::StoreError::Corrupt(format!("sample in unknown batch {batch}"))))?;
                let mut columns = cols.clone();
                columns.sort_unstable();
                let indices: Vec<u32> = columns.iter().map(|c| c.0).collect();
                let subset = if indices.len() as u32 == width {
                    None
                } else {
                    Some(
                        SampleSubset::from_sorted_indices(width, &indices)
                            .map_err(|e| genohub_store::StoreError::Corrupt(format!("sample columns of batch {batch}: {e}")))?,
                    )
                };
                members.insert(batch, Member { columns, subset });
                batches.insert(batch);
            }
            out_groups.push(Group { members, size: g.samples.len() });
        }
        let callable_batches = if batches.len() > 1 { batches.clone() } else { BTreeSet::new() };
        let contig_records = store.contigs()?;
        let spans = store.spans(&contig_records, regions).map_err(|e| match e {
            genohub_store::StoreError::NotFound(m) => AnalysisError::input(m),
            other => other.into(),
        })?;
        let contigs = contig_records.into_iter().map(|c| (c.id, c.name)).collect();
        Ok(ScanPlan { groups: out_groups, batches, callable_batches, contigs, spans })
    }

    pub fn group_sizes(&self) -> Vec<usize> {
        self.groups.iter().map(|g| g.size).collect()
    }
}
