//! Groups parsed records into per-bin buffers and hands out finished blocks.
//!
//! Input is sorted by position, but left-alignment can move a record back by a few bases,
//! possibly into the previous bin; so the current and previous bins stay open, and a record
//! landing in a bin already flushed starts another block (next sequence number) for it.

use std::collections::{BTreeMap, HashMap};

use genohub_codec::{ExtendedCall, GenotypeBlock, MISSING_INT};
use genohub_formats::{RefBlock, Variant};

use crate::block::{StoredSite, FIELD_AD, FIELD_DP, FIELD_GQ};
use crate::callable::{self, Interval};
use crate::keys::{bin_of, bin_start, BlockKey, ContigId};

/// Cap on buffered genotype codes per block (variants × samples), bounding memory.
const MAX_CODES_PER_BLOCK: usize = 16 << 20;

pub struct BinBuffer {
    pub key: BlockKey,
    n_samples: usize,
    pub sites: Vec<StoredSite>,
    codes: Vec<u8>,
    extended: Vec<ExtendedCall>,
    dp: Option<Vec<i32>>,
    gq: Option<Vec<i32>>,
    ad: Option<Vec<i32>>,
}

fn append_field(column: &mut Option<Vec<i32>>, values: Option<&Vec<i32>>, rows_before: usize, width: usize) {
    match (column.as_mut(), values) {
        (Some(c), Some(v)) => c.extend_from_slice(v),
        (Some(c), None) => c.extend(std::iter::repeat_n(MISSING_INT, width)),
        (None, Some(v)) => {
            let mut c = vec![MISSING_INT; rows_before * width];
            c.extend_from_slice(v);
            *column = Some(c);
        }
        (None, None) => {}
    }
}

impl BinBuffer {
    fn new(key: BlockKey, n_samples: usize) -> Self {
        BinBuffer { key, n_samples, sites: Vec::new(), codes: Vec::new(), extended: Vec::new(), dp: None, gq: None, ad: None }
    }

    fn push(&mut self, v: Variant) {
        let row = self.sites.len();
        let fields = [(v.calls.dp.is_some(), FIELD_DP), (v.calls.gq.is_some(), FIELD_GQ), (v.calls.ad.is_some(), FIELD_AD)]
            .iter()
            .fold(0, |acc, (present, bit)| if *present { acc | bit } else { acc });
        let n = self.n_samples;
        self.codes.extend_from_slice(&v.calls.codes);
        for mut e in v.calls.extended {
            e.variant = row as u32;
            self.extended.push(e);
        }
        append_field(&mut self.dp, v.calls.dp.as_ref(), row, n);
        append_field(&mut self.gq, v.calls.gq.as_ref(), row, n);
        append_field(&mut self.ad, v.calls.ad.as_ref(), row, 2 * n);
        let s = v.site;
        self.sites.push(StoredSite {
            fields,
            pos: s.pos,
            id: s.id,
            reference: s.reference,
            alternate: s.alternate,
            qual: s.qual,
            filter: s.filter,
            info: s.info,
        });
    }

    /// Sites sorted by position (stable), genotype rows moved with them.
    pub fn into_parts(mut self) -> (Vec<StoredSite>, GenotypeBlock) {
        let n = self.n_samples;
        let sorted = self.sites.windows(2).all(|w| w[0].pos <= w[1].pos);
        if !sorted {
            let mut order: Vec<usize> = (0..self.sites.len()).collect();
            order.sort_by_key(|&i| self.sites[i].pos);
            let mut inverse = vec![0u32; order.len()];
            for (new, &old) in order.iter().enumerate() {
                inverse[old] = new as u32;
            }
            let permute = |col: &[i32], width: usize| -> Vec<i32> { order.iter().flat_map(|&i| col[i * width..(i + 1) * width].iter().copied()).collect() };
            self.codes = order.iter().flat_map(|&i| self.codes[i * n..(i + 1) * n].iter().copied()).collect();
            self.dp = self.dp.as_deref().map(|c| permute(c, n));
            self.gq = self.gq.as_deref().map(|c| permute(c, n));
            self.ad = self.ad.as_deref().map(|c| permute(c, 2 * n));
            for e in &mut self.extended {
                e.variant = inverse[e.variant as usize];
            }
            self.extended.sort_by_key(|e| (e.variant, e.sample));
            let mut sites: Vec<Option<StoredSite>> = self.sites.into_iter().map(Some).collect();
            self.sites = order.iter().map(|&i| sites[i].take().unwrap()).collect();
        }
        let block = GenotypeBlock {
            n_variants: self.sites.len() as u32,
            n_samples: n as u32,
            codes: self.codes,
            extended: self.extended,
            dp: self.dp,
            gq: self.gq,
            ad: self.ad,
        };
        (self.sites, block)
    }
}

/// Finished output of the accumulator.
pub enum Ready {
    Block(BinBuffer),
    Callable(BlockKey, Vec<Interval>),
}

pub struct Accumulator {
    batch: u32,
    n_samples: usize,
    open: BTreeMap<(ContigId, u32), BinBuffer>,
    open_callable: BTreeMap<(ContigId, u32), Vec<Interval>>,
    next_seq: HashMap<(ContigId, u32, bool), u32>,
    pub ready: Vec<Ready>,
}

impl Accumulator {
    pub fn new(batch: u32, n_samples: usize) -> Self {
        Accumulator { batch, n_samples, open: BTreeMap::new(), open_callable: BTreeMap::new(), next_seq: HashMap::new(), ready: Vec::new() }
    }

    fn key(&mut self, contig: ContigId, bin: u32, callable: bool) -> BlockKey {
        let seq = self.next_seq.entry((contig, bin, callable)).or_insert(0);
        let key = BlockKey { contig, bin, batch: self.batch, seq: *seq };
        *seq += 1;
        key
    }

    /// Flushes every open bin that no record at (contig, pos) or later can still reach.
    pub fn advance(&mut self, contig: ContigId, pos: u64) {
        let bin = bin_of(pos);
        let keep = |&(c, b): &(ContigId, u32)| c == contig && b + 1 >= bin;
        let done: Vec<_> = self.open.keys().copied().filter(|k| !keep(k)).collect();
        for k in done {
            let buf = self.open.remove(&k).unwrap();
            self.ready.push(Ready::Block(buf));
        }
        let done: Vec<_> = self.open_callable.keys().copied().filter(|k| !keep(k)).collect();
        for k in done {
            self.flush_callable(k);
        }
    }

    fn flush_callable(&mut self, k: (ContigId, u32)) {
        let ivs = self.open_callable.remove(&k).unwrap();
        let key = self.key(k.0, k.1, true);
        self.ready.push(Ready::Callable(key, callable::normalize(ivs)));
    }

    pub fn push_variant(&mut self, contig: ContigId, v: Variant) {
        let bin = bin_of(v.site.pos);
        if !self.open.contains_key(&(contig, bin)) {
            let key = self.key(contig, bin, false);
            self.open.insert((contig, bin), BinBuffer::new(key, self.n_samples));
        }
        let buf = self.open.get_mut(&(contig, bin)).unwrap();
        buf.push(v);
        if buf.codes.len() >= MAX_CODES_PER_BLOCK {
            let full = self.open.remove(&(contig, bin)).unwrap();
            self.ready.push(Ready::Block(full));
        }
    }

    pub fn push_ref_block(&mut self, contig: ContigId, r: &RefBlock) {
        for bin in bin_of(r.start)..=bin_of(r.end) {
            let lo = r.start.max(bin_start(bin));
            let hi = r.end.min(bin_start(bin + 1) - 1);
            let ivs = self.open_callable.entry((contig, bin)).or_default();
            ivs.extend(r.samples.iter().map(|&column| Interval { column, start: lo, end: hi, haploid: r.haploid.binary_search(&column).is_ok() }));
        }
    }

    /// Flushes everything still open.
    pub fn finish(&mut self) {
        for (_, buf) in std::mem::take(&mut self.open) {
            self.ready.push(Ready::Block(buf));
        }
        let keys: Vec<_> = self.open_callable.keys().copied().collect();
        for k in keys {
            self.flush_callable(k);
        }
    }
}
