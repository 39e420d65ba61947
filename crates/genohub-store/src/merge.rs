//! Reading bins back across batches: one record per distinct site, with every batch's row for
//! it, and the callable intervals that decide what a batch without the site means.
//! `view` renders merged bins as VCF; the analysis engine counts them. Both go through here so
//! they apply the same rule (docs/store.md, "the callable rule").

use std::collections::BTreeSet;

use rayon::prelude::*;

use genohub_codec::{BlockView, GenotypeBlock};
use genohub_reference::Region;

use crate::block::{self, StoredSite};
use crate::callable::{self, Interval};
use crate::hidden::HiddenColumns;
use crate::keys::{bin_of, BatchId, BlockKey, ContigId};
use crate::manifest::ContigRecord;
use crate::reads::ReadCallableMap;
use crate::{cf, Store, StoreError};

/// A contig interval to scan, 1-based inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub contig: ContigId,
    pub start: u64,
    pub end: u64,
}

/// One stored block of a bin: sites decoded, genotypes still encoded.
pub struct LoadedBlock {
    pub batch: BatchId,
    pub sites: Vec<StoredSite>,
    value: Box<[u8]>,
    genotypes_at: usize,
}

impl LoadedBlock {
    fn genotype_bytes(&self) -> &[u8] {
        &self.value[self.genotypes_at..]
    }

    /// Every genotype of the block, dense.
    pub fn genotypes(&self) -> Result<GenotypeBlock, StoreError> {
        genohub_codec::decode(self.genotype_bytes()).map_err(|e| StoreError::Corrupt(format!("genotype block: {e}")))
    }

    /// Lazy access for counting without expanding rare variants.
    pub fn view(&self) -> Result<BlockView, StoreError> {
        BlockView::open(self.genotype_bytes()).map_err(|e| StoreError::Corrupt(format!("genotype block: {e}")))
    }
}

/// A bin's blocks for the wanted batches and its merged records.
pub struct Bin {
    pub contig: ContigId,
    pub bin: u32,
    pub blocks: Vec<LoadedBlock>,
    pub callable: Vec<(BatchId, Vec<Interval>)>,
    /// Records in genomic order; each lists (block index, row) of every batch holding the
    /// site, earliest batch first.
    pub records: Vec<Vec<(usize, usize)>>,
}

impl Bin {
    /// Site fields of a record (from its earliest batch).
    pub fn site(&self, record: &[(usize, usize)]) -> &StoredSite {
        let (b, r) = record[0];
        &self.blocks[b].sites[r]
    }

    /// Whether `column` of `batch` was callable at `pos` (covered by a gVCF reference block, or
    /// at depth ≥ the ingest's `--min-depth` in the same sample's reads).
    pub fn callable(&self, batch: BatchId, column: u32, pos: u64) -> bool {
        self.callable_ploidy(batch, column, pos).is_some()
    }

    /// The ploidy of the reference call the callable rule gives `column` of `batch` at `pos`
    /// (1 where its gVCF block was haploid), or None where it was not callable.
    pub fn callable_ploidy(&self, batch: BatchId, column: u32, pos: u64) -> Option<u8> {
        self.callable.iter().filter(|(b, _)| *b == batch).find_map(|(_, ivs)| callable::covering(ivs, column, pos)).map(Interval::ploidy)
    }
}

impl Store {
    /// Regions as spans over stored contigs, sorted and merged; no regions = every contig.
    pub fn spans(&self, contigs: &[ContigRecord], regions: &[Region]) -> Result<Vec<Span>, StoreError> {
        if regions.is_empty() {
            return Ok(contigs.iter().map(|c| Span { contig: c.id, start: 1, end: u64::MAX }).collect());
        }
        let mut spans = Vec::with_capacity(regions.len());
        for r in regions {
            let c = contigs
                .iter()
                .find(|c| c.name == r.contig)
                .ok_or_else(|| StoreError::NotFound(format!("region {}: contig {} is not in the store", r.contig, r.contig)))?;
            spans.push(Span { contig: c.id, start: r.start.max(1), end: r.end });
        }
        spans.sort_by_key(|s| (s.contig, s.start));
        let mut out: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match out.last_mut() {
                Some(l) if l.contig == s.contig && s.start <= l.end.saturating_add(1) => l.end = l.end.max(s.end),
                _ => out.push(s),
            }
        }
        Ok(out)
    }

    /// Longest REF among the batches, so a scan starts early enough to catch a deletion that
    /// begins before the span and overlaps it.
    pub fn max_ref_len(&self, batches: &BTreeSet<BatchId>) -> Result<u64, StoreError> {
        Ok(self.committed_batches_shared()?.iter().filter(|m| batches.contains(&m.id)).flat_map(|m| m.max_ref_len.iter().map(|(_, l)| *l)).max().unwrap_or(1))
    }

    /// Bins in [first, last] holding blocks of any wanted batch (keys only, no values read).
    fn bins_with_data(&self, contig: ContigId, first: u32, last: u32, batches: &BTreeSet<BatchId>) -> Result<Vec<u32>, StoreError> {
        let start = BlockKey::bin_floor(contig, first);
        let end = if last == u32::MAX { BlockKey::bin_floor(contig + 1, 0) } else { BlockKey::bin_floor(contig, last + 1) };
        let mut bins = Vec::new();
        for item in self.engine.scan(cf::BLOCKS, &start, Some(&end)) {
            let (k, _) = item?;
            let key = BlockKey::decode(&k).ok_or_else(|| StoreError::Corrupt("block key".into()))?;
            if batches.contains(&key.batch) && bins.last() != Some(&key.bin) {
                bins.push(key.bin);
            }
        }
        Ok(bins)
    }

    /// Loads one bin: blocks of `batches` with a site in the span, callable intervals of
    /// `callable_batches` (from gVCF reference blocks and from read depth), and the merged
    /// records.
    pub fn load_bin(&self, span: &Span, bin: u32, batches: &BTreeSet<BatchId>, callable_batches: &BTreeSet<BatchId>) -> Result<Bin, StoreError> {
        let reads = self.read_callable_map(callable_batches)?;
        let hidden = self.hidden_columns()?;
        self.load_bin_with(span, bin, batches, callable_batches, &reads, &hidden)
    }

    fn load_bin_with(
        &self,
        span: &Span,
        bin: u32,
        batches: &BTreeSet<BatchId>,
        callable_batches: &BTreeSet<BatchId>,
        reads: &ReadCallableMap,
        hidden: &HiddenColumns,
    ) -> Result<Bin, StoreError> {
        let start = BlockKey::bin_floor(span.contig, bin);
        let end = BlockKey::bin_floor(span.contig, bin + 1);
        let mut blocks = Vec::new();
        for item in self.engine.scan(cf::BLOCKS, &start, Some(&end)) {
            let (k, v) = item?;
            let key = BlockKey::decode(&k).ok_or_else(|| StoreError::Corrupt("block key".into()))?;
            if !batches.contains(&key.batch) {
                continue;
            }
            // Sites outside the span are only needed for their row and extent.
            let decoded = block::decode_within(&v, span.start, span.end)?;
            if !decoded.sites.iter().any(|s| s.pos <= span.end && s.end() >= span.start) {
                continue;
            }
            let genotypes_at = decoded.genotypes_at;
            blocks.push(LoadedBlock { batch: key.batch, sites: decoded.sites, value: v, genotypes_at });
        }
        let mut callable = Vec::new();
        if !callable_batches.is_empty() && !blocks.is_empty() {
            for item in self.engine.scan(cf::CALLABLE, &start, Some(&end)) {
                let (k, v) = item?;
                let key = BlockKey::decode(&k).ok_or_else(|| StoreError::Corrupt("callable key".into()))?;
                if callable_batches.contains(&key.batch) {
                    callable.push((key.batch, callable::decode(&v)?));
                }
            }
            callable.extend(self.read_callable_in_bin(reads, span.contig, bin)?);
        }
        let visible = blocks.iter().map(|b| hidden.visible_rows(b)).collect::<Result<Vec<_>, _>>()?;
        let records = merge_records(&blocks, &visible, span, bin);
        if !callable_batches.is_empty() {
            callable.extend(called_by_other_alleles(&blocks, &records, callable_batches)?);
        }
        Ok(Bin { contig: span.contig, bin, blocks, callable, records })
    }

    /// Visits every bin of the spans that holds data of `batches`, in genomic order: bins are
    /// loaded and `map`ped in parallel a window at a time (memory bounded by the window), then
    /// handed to `sink` in order.
    pub fn for_each_bin<T, M, S>(
        &self,
        spans: &[Span],
        batches: &BTreeSet<BatchId>,
        callable_batches: &BTreeSet<BatchId>,
        map: M,
        mut sink: S,
    ) -> Result<(), StoreError>
    where
        T: Send,
        M: Fn(&Bin) -> Result<T, StoreError> + Sync,
        S: FnMut(T) -> Result<(), StoreError>,
    {
        let window = rayon::current_num_threads() * 2;
        let max_ref_len = self.max_ref_len(batches)?;
        let reads = self.read_callable_map(callable_batches)?;
        let hidden = self.hidden_columns()?;
        for span in spans {
            let first = bin_of(span.start.saturating_sub(max_ref_len));
            let last = bin_of(span.end.min(u64::MAX >> 1));
            let bins = self.bins_with_data(span.contig, first, last, batches)?;
            for group in bins.chunks(window) {
                let results: Vec<Result<T, StoreError>> =
                    group.par_iter().map(|&bin| self.load_bin_with(span, bin, batches, callable_batches, &reads, &hidden).and_then(|b| map(&b))).collect();
                for r in results {
                    sink(r?)?;
                }
            }
        }
        Ok(())
    }
}

/// Groups the rows of a bin's blocks into records: sorted by site, equal alleles from
/// different batches merged, only sites starting in this bin and overlapping the span, rows
/// only withdrawn samples carry left out (`visible`, see [`crate::hidden`]).
fn merge_records(blocks: &[LoadedBlock], visible: &[Option<Vec<bool>>], span: &Span, bin: u32) -> Vec<Vec<(usize, usize)>> {
    let mut rows: Vec<(usize, usize)> = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        for (r, s) in block.sites.iter().enumerate() {
            let shown = visible[b].as_ref().is_none_or(|v| v[r]);
            if shown && s.pos <= span.end && s.end() >= span.start && bin_of(s.pos) == bin {
                rows.push((b, r));
            }
        }
    }
    let site = |&(b, r): &(usize, usize)| &blocks[b].sites[r];
    rows.sort_by(|x, y| {
        let (a, c) = (site(x), site(y));
        (a.pos, &a.reference, &a.alternate, blocks[x.0].batch).cmp(&(c.pos, &c.reference, &c.alternate, blocks[y.0].batch))
    });
    let mut records: Vec<Vec<(usize, usize)>> = Vec::new();
    for row in rows {
        match records.last_mut() {
            // Same site from another batch: one record. The same site twice in one batch
            // (a duplicate in the input) stays two records.
            Some(last) if site(&last[0]).same_allele(site(&row)) && last.iter().all(|&(b, _)| blocks[b].batch != blocks[row.0].batch) => last.push(row),
            _ => records.push(vec![row]),
        }
    }
    records
}

/// A batch without a site may still hold another ALT of the same REF at that position (two
/// per-sample gVCFs with different variants there): each sample it called there saw this ALT
/// as absent, so its genotype for it is ref, as `bcftools merge` then `norm -m-` write it and
/// as GATK's joint calling has it. These samples are returned as one-base callable intervals,
/// so every reader applies them through the one callable rule. A position whose records
/// disagree on REF (an indel beginning at a SNP) is left to reference blocks and depth alone.
fn called_by_other_alleles(
    blocks: &[LoadedBlock],
    records: &[Vec<(usize, usize)>],
    callable_batches: &BTreeSet<BatchId>,
) -> Result<Vec<(BatchId, Vec<Interval>)>, StoreError> {
    let site = |&(b, r): &(usize, usize)| &blocks[b].sites[r];
    let mut found: std::collections::BTreeMap<BatchId, Vec<Interval>> = Default::default();
    let mut i = 0;
    while i < records.len() {
        let pos = site(&records[i][0]).pos;
        let j = i + records[i..].iter().take_while(|r| site(&r[0]).pos == pos).count();
        let group = &records[i..j];
        i = j;
        if group.len() < 2 || group.iter().any(|r| site(&r[0]).reference != site(&group[0][0]).reference) {
            continue;
        }
        let in_all = |batch: BatchId| group.iter().all(|r| r.iter().any(|&(b, _)| blocks[b].batch == batch));
        let rows: Vec<(usize, usize)> =
            group.iter().flatten().copied().filter(|&(b, _)| callable_batches.contains(&blocks[b].batch) && !in_all(blocks[b].batch)).collect();
        for (b, r) in rows {
            let view = blocks[b].view()?;
            let mut codes = vec![0u8; view.n_samples() as usize];
            view.variant(r as u32).fill(&mut codes);
            let ivs = found.entry(blocks[b].batch).or_default();
            for (column, &c) in codes.iter().enumerate() {
                let called = c == genohub_codec::code::EXTENDED
                    || (genohub_codec::code::first(c) != genohub_codec::code::MISSING && genohub_codec::code::second(c) != genohub_codec::code::MISSING);
                if called {
                    let haploid = c != genohub_codec::code::EXTENDED && genohub_codec::code::second(c) == genohub_codec::code::ABSENT;
                    ivs.push(Interval { column: column as u32, start: pos, end: pos, haploid });
                }
            }
        }
    }
    Ok(found.into_iter().map(|(batch, ivs)| (batch, callable::normalize(ivs))).collect())
}
