//! `view`: records of a region for a set of samples, merged across batches, as VCF text.
//!
//! A site present in one batch but not another is written once; samples of a batch that has
//! no record there are `0/0` where that batch's gVCF reference blocks say they were callable,
//! and `./.` otherwise (the rule in docs/store.md). Site fields come from the earliest batch.

use std::collections::BTreeSet;
use std::io::Write;

use rayon::prelude::*;

use genohub_codec::{code, GenotypeBlock};
use genohub_formats::text::{push_extended, push_gt, push_int, push_tab_gt};
use genohub_reference::Region;

use crate::block::{self, StoredSite, FIELD_AD, FIELD_DP, FIELD_GQ};
use crate::callable::{self, Interval};
use crate::keys::{bin_of, BatchId, BlockKey, ContigId};
use crate::manifest::{BatchManifest, ContigRecord};
use crate::select::{ResolvedSamples, SampleSelection};
use crate::{cf, Store, StoreError};

pub struct ViewRequest {
    pub regions: Vec<Region>,
    pub samples: SampleSelection,
}

/// A contig interval to scan, 1-based inclusive.
#[derive(Debug, Clone, Copy)]
struct Span {
    contig: ContigId,
    start: u64,
    end: u64,
}

/// What one bin contributes: its blocks' sites and genotypes, per batch.
struct BinData {
    batches: Vec<(BatchId, Vec<StoredSite>, GenotypeBlock)>,
    callable: Vec<(BatchId, Vec<Interval>)>,
}

pub struct ViewPlan {
    pub header: String,
    contigs: Vec<ContigRecord>,
    resolved: ResolvedSamples,
    /// Batches whose sites are shown.
    batches: BTreeSet<BatchId>,
    spans: Vec<Span>,
    max_ref_len: u64,
}

impl Store {
    /// Checks the request and builds the output header.
    pub fn plan_view(&self, req: &ViewRequest) -> Result<ViewPlan, StoreError> {
        let contigs = self.contigs()?;
        let manifests = self.committed_batches()?;
        let resolved = self.resolve_samples(&req.samples)?;
        let batches: BTreeSet<BatchId> = match req.samples {
            SampleSelection::All => manifests.iter().map(|m| m.id).collect(),
            SampleSelection::Names(_) => resolved.by_batch.keys().copied().collect(),
        };
        let mut spans = Vec::new();
        if req.regions.is_empty() {
            spans.extend(contigs.iter().map(|c| Span { contig: c.id, start: 1, end: u64::MAX }));
        } else {
            for r in &req.regions {
                let c = contigs
                    .iter()
                    .find(|c| c.name == r.contig)
                    .ok_or_else(|| StoreError::NotFound(format!("region {}: contig {} is not in the store", r.contig, r.contig)))?;
                spans.push(Span { contig: c.id, start: r.start.max(1), end: r.end });
            }
            spans = merge_spans(spans);
        }
        let max_ref_len = manifests.iter().filter(|m| batches.contains(&m.id)).flat_map(|m| m.max_ref_len.iter().map(|(_, l)| *l)).max().unwrap_or(1);
        let header = output_header(&contigs, &manifests, &batches, &resolved);
        Ok(ViewPlan { header, contigs, resolved, batches, spans, max_ref_len })
    }

    /// Streams the records of a plan as VCF text lines into `out`, bins decoded in parallel.
    pub fn write_view(&self, plan: &ViewPlan, out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> Result<u64, StoreError> {
        let window = rayon::current_num_threads() * 2;
        let mut records = 0u64;
        for span in &plan.spans {
            let first = bin_of(span.start.saturating_sub(plan.max_ref_len));
            let last = bin_of(span.end.min(u64::MAX >> 1));
            let bins = self.bins_with_data(span.contig, first, last, &plan.batches)?;
            for group in bins.chunks(window) {
                let texts: Vec<Result<(Vec<u8>, u64), StoreError>> = group.par_iter().map(|&bin| self.render_bin(plan, span, bin)).collect();
                for t in texts {
                    let (text, n) = t?;
                    records += n;
                    out(&text).map_err(|e| StoreError::io("writing output", e))?;
                }
            }
        }
        Ok(records)
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

    fn load_bin(&self, plan: &ViewPlan, span: &Span, bin: u32) -> Result<BinData, StoreError> {
        let contig = span.contig;
        let start = BlockKey::bin_floor(contig, bin);
        let end = BlockKey::bin_floor(contig, bin + 1);
        let mut data = BinData { batches: Vec::new(), callable: Vec::new() };
        for item in self.engine.scan(cf::BLOCKS, &start, Some(&end)) {
            let (k, v) = item?;
            let key = BlockKey::decode(&k).ok_or_else(|| StoreError::Corrupt("block key".into()))?;
            if !plan.batches.contains(&key.batch) {
                continue;
            }
            let decoded = block::decode(&v)?;
            // Genotypes are decoded only when a site of this block is in the span.
            if !decoded.sites.iter().any(|s| s.pos <= span.end && s.end() >= span.start) {
                continue;
            }
            let gts = decoded.full()?;
            data.batches.push((key.batch, decoded.sites, gts));
        }
        if plan.resolved.by_batch.len() > 1 {
            for item in self.engine.scan(cf::CALLABLE, &start, Some(&end)) {
                let (k, v) = item?;
                let key = BlockKey::decode(&k).ok_or_else(|| StoreError::Corrupt("callable key".into()))?;
                if plan.resolved.by_batch.contains_key(&key.batch) {
                    data.callable.push((key.batch, callable::decode(&v)?));
                }
            }
        }
        Ok(data)
    }

    fn render_bin(&self, plan: &ViewPlan, span: &Span, bin: u32) -> Result<(Vec<u8>, u64), StoreError> {
        let data = self.load_bin(plan, span, bin)?;
        let contig = &plan.contigs.iter().find(|c| c.id == span.contig).expect("span contigs come from the store").name;
        // Every (batch block, row) in the bin, ordered by site; equal alleles are one record.
        let mut rows: Vec<(usize, usize)> = Vec::new();
        for (b, (_, sites, _)) in data.batches.iter().enumerate() {
            for (r, s) in sites.iter().enumerate() {
                if s.pos <= span.end && s.end() >= span.start && bin_of(s.pos) == bin {
                    rows.push((b, r));
                }
            }
        }
        let site = |&(b, r): &(usize, usize)| &data.batches[b].1[r];
        rows.sort_by(|x, y| {
            let (a, c) = (site(x), site(y));
            (a.pos, &a.reference, &a.alternate, data.batches[x.0].0).cmp(&(c.pos, &c.reference, &c.alternate, data.batches[y.0].0))
        });
        let mut out = Vec::new();
        let mut n = 0;
        let mut i = 0;
        let n_out = plan.resolved.samples.len();
        let mut codes = vec![0u8; n_out];
        let mut ext: Vec<Option<&genohub_codec::ExtendedCall>> = vec![None; n_out];
        let (mut dp, mut gq, mut ad) = (vec![0i32; n_out], vec![0i32; n_out], vec![0i32; 2 * n_out]);
        while i < rows.len() {
            let mut j = i + 1;
            while j < rows.len() && site(&rows[j]).same_allele(site(&rows[i])) && data.batches[rows[j].0].0 != data.batches[rows[i].0].0 {
                j += 1;
            }
            let first = site(&rows[i]);
            let (mut has_dp, mut has_gq, mut has_ad) = (false, false, false);
            codes.fill(code::make(code::MISSING, code::MISSING, false));
            ext.fill(None);
            dp.fill(genohub_codec::MISSING_INT);
            gq.fill(genohub_codec::MISSING_INT);
            ad.fill(genohub_codec::MISSING_INT);
            let mut covered: BTreeSet<BatchId> = BTreeSet::new();
            for &(b, r) in &rows[i..j] {
                let (batch, _, gts) = &data.batches[b];
                covered.insert(*batch);
                let Some(cols) = plan.resolved.by_batch.get(batch) else { continue };
                let ns = gts.n_samples as usize;
                let fields = data.batches[b].1[r].fields;
                has_dp |= fields & FIELD_DP != 0;
                has_gq |= fields & FIELD_GQ != 0;
                has_ad |= fields & FIELD_AD != 0;
                let row = &gts.codes[r * ns..(r + 1) * ns];
                for &(col, o) in cols {
                    codes[o] = row[col as usize];
                }
                if !gts.extended.is_empty() {
                    for &(col, o) in cols {
                        if codes[o] == code::EXTENDED {
                            ext[o] = gts.extended.iter().find(|e| e.variant as usize == r && e.sample == col);
                        }
                    }
                }
                let gather = |src: &Option<Vec<i32>>, dst: &mut [i32], width: usize| {
                    if let Some(v) = src {
                        for &(col, o) in cols {
                            let from = width * (r * ns + col as usize);
                            dst[width * o..width * (o + 1)].copy_from_slice(&v[from..from + width]);
                        }
                    }
                };
                gather(&gts.dp, &mut dp, 1);
                gather(&gts.gq, &mut gq, 1);
                gather(&gts.ad, &mut ad, 2);
            }
            for (batch, cols) in &plan.resolved.by_batch {
                if covered.contains(batch) {
                    continue;
                }
                let ivs = data.callable.iter().filter(|(b, _)| b == batch).map(|(_, v)| v.as_slice());
                for iv in ivs {
                    for &(col, o) in cols {
                        if callable::covers(iv, col, first.pos) {
                            codes[o] = code::make(code::REF, code::REF, false);
                        }
                    }
                }
            }
            write_record(&mut out, contig, first, n_out, &codes, &ext, has_dp.then_some(&dp[..]), has_gq.then_some(&gq[..]), has_ad.then_some(&ad[..]));
            n += 1;
            i = j;
        }
        Ok((out, n))
    }
}

#[allow(clippy::too_many_arguments)]
fn write_record(
    out: &mut Vec<u8>,
    contig: &str,
    s: &StoredSite,
    n: usize,
    codes: &[u8],
    ext: &[Option<&genohub_codec::ExtendedCall>],
    dp: Option<&[i32]>,
    gq: Option<&[i32]>,
    ad: Option<&[i32]>,
) {
    let _ = write!(out, "{contig}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", s.pos, s.id, s.reference, s.alternate, s.qual, s.filter, s.info);
    if n > 0 {
        out.extend_from_slice(b"\tGT");
        for (present, key) in [(dp.is_some(), &b":DP"[..]), (ad.is_some(), b":AD"), (gq.is_some(), b":GQ")] {
            if present {
                out.extend_from_slice(key);
            }
        }
        let plain = dp.is_none() && ad.is_none() && gq.is_none();
        if plain && !codes.contains(&code::EXTENDED) {
            out.reserve(4 * n + 1);
            for &c in &codes[..n] {
                push_tab_gt(out, c);
            }
            out.push(b'\n');
            return;
        }
        for o in 0..n {
            out.push(b'\t');
            match ext[o] {
                Some(e) if codes[o] == code::EXTENDED => push_extended(out, e),
                _ => push_gt(out, codes[o]),
            }
            if let Some(v) = dp {
                out.push(b':');
                push_int(out, v[o]);
            }
            if let Some(v) = ad {
                out.push(b':');
                push_int(out, v[2 * o]);
                out.push(b',');
                push_int(out, v[2 * o + 1]);
            }
            if let Some(v) = gq {
                out.push(b':');
                push_int(out, v[o]);
            }
        }
    }
    out.push(b'\n');
}

fn merge_spans(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|s| (s.contig, s.start));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(l) if l.contig == s.contig && s.start <= l.end.saturating_add(1) => l.end = l.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

fn output_header(contigs: &[ContigRecord], manifests: &[BatchManifest], batches: &BTreeSet<BatchId>, resolved: &ResolvedSamples) -> String {
    let mut h = String::from("##fileformat=VCFv4.2\n##FILTER=<ID=PASS,Description=\"All filters passed\">\n");
    let mut seen = BTreeSet::from([("##FILTER=", "PASS".to_string())]);
    let used: Vec<&BatchManifest> = manifests.iter().filter(|m| batches.contains(&m.id)).collect();
    for m in &used {
        for line in m.header.lines() {
            let kind = ["##INFO=", "##FILTER=", "##ALT="].into_iter().find(|p| line.starts_with(p));
            if let Some(kind) = kind {
                let id = genohub_formats::header::structured_fields(&line[kind.len()..]).and_then(|f| f.get("ID").cloned()).unwrap_or_default();
                if seen.insert((kind, id)) {
                    h.push_str(line);
                    h.push('\n');
                }
            }
        }
    }
    for m in &used {
        for (key, flag) in &m.inferred_info {
            if seen.insert(("##INFO=", key.clone())) {
                let (num, ty) = if *flag { ("0", "Flag") } else { (".", "String") };
                h.push_str(&format!("##INFO=<ID={key},Number={num},Type={ty},Description=\"Not defined in the input; inferred by genohub\">\n"));
            }
        }
        for f in &m.inferred_filters {
            if seen.insert(("##FILTER=", f.clone())) {
                h.push_str(&format!("##FILTER=<ID={f},Description=\"Not defined in the input; inferred by genohub\">\n"));
            }
        }
    }
    h.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
    h.push_str("##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Read depth\">\n");
    h.push_str("##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Allelic depths for the ref and alt alleles\">\n");
    h.push_str("##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality\">\n");
    for c in contigs {
        match c.length {
            Some(l) => h.push_str(&format!("##contig=<ID={},length={l}>\n", c.name)),
            None => h.push_str(&format!("##contig=<ID={}>\n", c.name)),
        }
    }
    h.push_str(concat!("##source=genohub ", env!("CARGO_PKG_VERSION"), "\n"));
    h.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO");
    if !resolved.names.is_empty() {
        h.push_str("\tFORMAT");
        for n in &resolved.names {
            h.push('\t');
            h.push_str(n);
        }
    }
    h.push('\n');
    h
}
