//! Driving a scan: bins come from the store in parallel (rayon, a window of bins at a time,
//! memory bounded by the window), each record of a bin is handed to a per-site function with
//! counts per group under the callable rule, and results are sunk in genomic order.

use std::collections::HashMap;

use genohub_codec::{code, BlockView, GenotypeCounts};
use genohub_store::block::StoredSite;
use genohub_store::callable::{self, Interval};
use genohub_store::keys::BatchId;
use genohub_store::{Bin, Store, StoreError};

use crate::error::Result;
use crate::plan::ScanPlan;

/// Callable intervals of one bin by batch.
struct CallableIndex<'a> {
    by_batch: HashMap<BatchId, Vec<&'a [Interval]>>,
}

impl<'a> CallableIndex<'a> {
    fn new(bin: &'a Bin) -> Self {
        let mut by_batch: HashMap<BatchId, Vec<&'a [Interval]>> = HashMap::new();
        for (batch, ivs) in &bin.callable {
            by_batch.entry(*batch).or_default().push(ivs);
        }
        CallableIndex { by_batch }
    }

    /// Same answer as [`Bin::callable_ploidy`], without a linear search over batches: the
    /// ploidy of the reference call (the gVCF block's), None where not callable.
    fn ploidy(&self, batch: BatchId, column: u32, pos: u64) -> Option<u8> {
        self.by_batch.get(&batch)?.iter().find_map(|ivs| callable::covering(ivs, column, pos)).map(Interval::ploidy)
    }
}

/// A bin opened for counting.
struct BinContext<'a> {
    bin: &'a Bin,
    views: Vec<BlockView>,
    callable: CallableIndex<'a>,
}

/// One site of a scan, as seen by a per-site function.
pub struct Site<'a> {
    pub contig: &'a str,
    pub site: &'a StoredSite,
    plan: &'a ScanPlan,
    ctx: &'a BinContext<'a>,
    record: &'a [(usize, usize)],
}

impl Site<'_> {
    fn holds(&self, batch: BatchId) -> bool {
        self.record.iter().any(|&(b, _)| self.ctx.bin.blocks[b].batch == batch)
    }

    /// Genotype counts of `group` at this site. Samples of a batch without a record here are
    /// hom-ref where that batch's reference blocks cover the position (haploid ref, one
    /// allele of AN, where the block was haploid), and missing otherwise.
    pub fn counts(&self, group: usize) -> GenotypeCounts {
        let g = &self.plan.groups[group];
        let mut c = GenotypeCounts::default();
        for &(b, r) in self.record {
            if let Some(m) = g.members.get(&self.ctx.bin.blocks[b].batch) {
                let v = self.ctx.views[b].variant(r as u32);
                c += match &m.subset {
                    None => v.counts(),
                    Some(s) => v.counts_in(s),
                };
            }
        }
        for (&batch, m) in &g.members {
            if self.holds(batch) {
                continue;
            }
            for &(col, _) in &m.columns {
                match self.ctx.callable.ploidy(batch, col, self.site.pos) {
                    Some(1) => {
                        c.hap_ref += 1;
                        c.an += 1;
                    }
                    Some(p) => {
                        c.hom_ref += 1;
                        c.an += u64::from(p);
                    }
                    None => c.missing += 1,
                }
            }
        }
        c
    }

    /// Calls `f(index in the group's output order, alt alleles)` for every sample of `group`
    /// carrying at least one alt allele. Costs O(exceptions) when the variant's default
    /// code carries no alt allele (rare variants), O(samples) otherwise. Samples of batches
    /// without a record here carry none (hom-ref or missing under the callable rule).
    pub fn for_each_carrier(&self, group: usize, mut f: impl FnMut(usize, u64)) {
        let g = &self.plan.groups[group];
        for (&batch, m) in &g.members {
            let Some(&(b, r)) = self.record.iter().find(|&&(b, _)| self.ctx.bin.blocks[b].batch == batch) else {
                continue;
            };
            let v = self.ctx.views[b].variant(r as u32);
            let extended = v.extended();
            let alts = |sample: u32, c: u8| -> u64 {
                if c == code::EXTENDED {
                    extended.iter().find(|e| e.sample == sample).map_or(0, |e| e.alt_count())
                } else {
                    u64::from(code::alt_count(c))
                }
            };
            let default = v.default_code();
            let default_alts = alts(u32::MAX, default);
            if default_alts == 0 {
                let mut i = 0;
                v.for_each_exception(|sample, c| {
                    while i < m.columns.len() && m.columns[i].0 < sample {
                        i += 1;
                    }
                    if i < m.columns.len() && m.columns[i].0 == sample {
                        let a = alts(sample, c);
                        if a > 0 {
                            f(m.columns[i].1, a);
                        }
                    }
                });
            } else {
                let mut row = vec![0u8; v.n_samples() as usize];
                v.fill(&mut row);
                for &(col, o) in &m.columns {
                    let a = alts(col, row[col as usize]);
                    if a > 0 {
                        f(o, a);
                    }
                }
            }
        }
    }

    /// Per-sample codes of `group` in its output order (the callable rule applied: hom-ref
    /// `0/0` or missing `./.` for samples of batches without a record here). Extended calls
    /// (ploidy > 2) come out as `code::EXTENDED`.
    pub fn codes(&self, group: usize, out: &mut Vec<u8>) {
        let g = &self.plan.groups[group];
        out.clear();
        out.resize(g.size, code::make(code::MISSING, code::MISSING, false));
        let mut row = Vec::new();
        for (&batch, m) in &g.members {
            match self.record.iter().find(|&&(b, _)| self.ctx.bin.blocks[b].batch == batch) {
                Some(&(b, r)) => {
                    let v = self.ctx.views[b].variant(r as u32);
                    if v.is_sparse() {
                        let default = v.default_code();
                        for &(_, o) in &m.columns {
                            out[o] = default;
                        }
                        let mut i = 0;
                        v.for_each_exception(|sample, c| {
                            while i < m.columns.len() && m.columns[i].0 < sample {
                                i += 1;
                            }
                            if i < m.columns.len() && m.columns[i].0 == sample {
                                out[m.columns[i].1] = c;
                            }
                        });
                    } else {
                        row.resize(v.n_samples() as usize, 0);
                        v.fill(&mut row);
                        for &(col, o) in &m.columns {
                            out[o] = row[col as usize];
                        }
                    }
                }
                None => {
                    for &(col, o) in &m.columns {
                        match self.ctx.callable.ploidy(batch, col, self.site.pos) {
                            Some(1) => out[o] = code::make(code::REF, code::ABSENT, false),
                            Some(_) => out[o] = code::make(code::REF, code::REF, false),
                            None => {}
                        }
                    }
                }
            }
        }
    }
}

/// Runs `per_site` over every site of the plan (in parallel by bin) and hands the results,
/// in genomic order, to `sink`. Returns the number of sites visited.
pub fn scan<T, F, S>(store: &Store, plan: &ScanPlan, per_site: F, mut sink: S) -> Result<u64>
where
    T: Send,
    F: Fn(&Site) -> Result<Option<T>, StoreError> + Sync,
    S: FnMut(T) -> Result<(), StoreError>,
{
    let mut sites = 0u64;
    store.for_each_bin(
        &plan.spans,
        &plan.batches,
        &plan.callable_batches,
        |bin| {
            let views = bin.blocks.iter().map(|b| b.view()).collect::<Result<Vec<_>, _>>()?;
            let ctx = BinContext { bin, views, callable: CallableIndex::new(bin) };
            let contig = plan.contigs.get(&bin.contig).map(String::as_str).unwrap_or("?");
            let mut out = Vec::new();
            for record in &bin.records {
                let site = Site { contig, site: bin.site(record), plan, ctx: &ctx, record };
                if let Some(t) = per_site(&site)? {
                    out.push(t);
                }
            }
            Ok((bin.records.len() as u64, out))
        },
        |(n, results)| {
            sites += n;
            results.into_iter().try_for_each(&mut sink)
        },
    )?;
    Ok(sites)
}
