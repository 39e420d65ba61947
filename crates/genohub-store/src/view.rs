//! `view`: records of a region for a set of samples, merged across batches, as VCF text.
//!
//! A site present in one batch but not another is written once; samples of a batch that has
//! no record there are `0/0` where that batch's gVCF reference blocks, or the same sample's
//! read depth (docs/reads.md), say they were callable, and `./.` otherwise (the rule in
//! docs/store.md). Site fields come from the earliest batch.

use std::collections::BTreeSet;
use std::io::Write;

use genohub_codec::{code, ExtendedCall, GenotypeBlock};
use genohub_formats::text::{push_extended, push_gt, push_int, push_tab_gt};
use genohub_reference::Region;

use crate::block::{StoredSite, FIELD_AD, FIELD_DP, FIELD_GQ};
use crate::keys::BatchId;
use crate::manifest::{BatchManifest, ContigRecord};
use crate::merge::{Bin, Span};
use crate::select::{ResolvedSamples, SampleSelection};
use crate::{Store, StoreError};

pub struct ViewRequest {
    pub regions: Vec<Region>,
    pub samples: SampleSelection,
}

pub struct ViewPlan {
    pub header: String,
    contigs: Vec<ContigRecord>,
    resolved: ResolvedSamples,
    /// Batches whose sites are shown.
    batches: BTreeSet<BatchId>,
    /// Batches whose callable intervals matter: only when samples come from several batches.
    callable_batches: BTreeSet<BatchId>,
    spans: Vec<Span>,
}

impl Store {
    /// Checks the request and builds the output header.
    pub fn plan_view(&self, req: &ViewRequest) -> Result<ViewPlan, StoreError> {
        let contigs = self.contigs()?;
        let manifests = self.committed_batches_shared()?;
        let resolved = self.resolve_samples(&req.samples)?;
        // Batches holding a selected sample; with no selection also sites-only batches. A batch
        // whose samples were all superseded (`--replace`) shows nothing.
        let mut batches: BTreeSet<BatchId> = resolved.by_batch.keys().copied().collect();
        if matches!(req.samples, SampleSelection::All) {
            batches.extend(manifests.iter().filter(|m| m.samples.is_empty()).map(|m| m.id));
        }
        let callable_batches = if resolved.by_batch.len() > 1 { resolved.by_batch.keys().copied().collect() } else { BTreeSet::new() };
        let spans = self.spans(&contigs, &req.regions)?;
        let header = output_header(&contigs, &manifests, &batches, &resolved);
        Ok(ViewPlan { header, contigs, resolved, batches, callable_batches, spans })
    }

    /// Streams the records of a plan as VCF text lines into `out`, bins decoded in parallel.
    pub fn write_view(&self, plan: &ViewPlan, out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> Result<u64, StoreError> {
        let mut records = 0u64;
        self.for_each_bin(
            &plan.spans,
            &plan.batches,
            &plan.callable_batches,
            |bin| render_bin(plan, bin),
            |(text, n)| {
                records += n;
                out(&text).map_err(|e| StoreError::io("writing output", e))
            },
        )?;
        Ok(records)
    }
}

/// Output columns of one record, gathered from the batches holding it.
struct Columns<'a> {
    codes: Vec<u8>,
    ext: Vec<Option<&'a ExtendedCall>>,
    dp: Vec<i32>,
    gq: Vec<i32>,
    ad: Vec<i32>,
}

fn render_bin(plan: &ViewPlan, bin: &Bin) -> Result<(Vec<u8>, u64), StoreError> {
    let contig = &plan.contigs.iter().find(|c| c.id == bin.contig).expect("bins come from stored contigs").name;
    let genotypes: Vec<GenotypeBlock> = bin.blocks.iter().map(|b| b.genotypes()).collect::<Result<_, _>>()?;
    let n_out = plan.resolved.samples.len();
    let mut cols = Columns { codes: vec![0; n_out], ext: vec![None; n_out], dp: vec![0; n_out], gq: vec![0; n_out], ad: vec![0; 2 * n_out] };
    let mut out = Vec::new();
    for record in &bin.records {
        let first = bin.site(record);
        let (mut has_dp, mut has_gq, mut has_ad) = (false, false, false);
        cols.codes.fill(code::make(code::MISSING, code::MISSING, false));
        cols.ext.fill(None);
        cols.dp.fill(genohub_codec::MISSING_INT);
        cols.gq.fill(genohub_codec::MISSING_INT);
        cols.ad.fill(genohub_codec::MISSING_INT);
        let mut covered: BTreeSet<BatchId> = BTreeSet::new();
        for &(b, r) in record {
            let batch = bin.blocks[b].batch;
            covered.insert(batch);
            let Some(sel) = plan.resolved.by_batch.get(&batch) else { continue };
            let gts = &genotypes[b];
            let fields = bin.blocks[b].sites[r].fields;
            has_dp |= fields & FIELD_DP != 0;
            has_gq |= fields & FIELD_GQ != 0;
            has_ad |= fields & FIELD_AD != 0;
            gather(&mut cols, gts, r, sel);
        }
        for (batch, sel) in &plan.resolved.by_batch {
            if !covered.contains(batch) {
                for &(col, o) in sel {
                    match bin.callable_ploidy(*batch, col, first.pos) {
                        Some(1) => cols.codes[o] = code::make(code::REF, code::ABSENT, false),
                        Some(_) => cols.codes[o] = code::make(code::REF, code::REF, false),
                        None => {}
                    }
                }
            }
        }
        write_record(&mut out, contig, first, n_out, &cols, has_dp, has_gq, has_ad);
    }
    Ok((out, bin.records.len() as u64))
}

/// Copies row `r` of the selected columns of one batch's block into output order.
fn gather<'a>(cols: &mut Columns<'a>, gts: &'a GenotypeBlock, r: usize, sel: &[(u32, usize)]) {
    let ns = gts.n_samples as usize;
    let row = &gts.codes[r * ns..(r + 1) * ns];
    for &(col, o) in sel {
        cols.codes[o] = row[col as usize];
    }
    if !gts.extended.is_empty() {
        for &(col, o) in sel {
            if cols.codes[o] == code::EXTENDED {
                cols.ext[o] = gts.extended.iter().find(|e| e.variant as usize == r && e.sample == col);
            }
        }
    }
    let copy = |src: &Option<Vec<i32>>, dst: &mut [i32], width: usize| {
        if let Some(v) = src {
            for &(col, o) in sel {
                let from = width * (r * ns + col as usize);
                dst[width * o..width * (o + 1)].copy_from_slice(&v[from..from + width]);
            }
        }
    };
    copy(&gts.dp, &mut cols.dp, 1);
    copy(&gts.gq, &mut cols.gq, 1);
    copy(&gts.ad, &mut cols.ad, 2);
}

#[allow(clippy::too_many_arguments)]
fn write_record(out: &mut Vec<u8>, contig: &str, s: &StoredSite, n: usize, cols: &Columns, has_dp: bool, has_gq: bool, has_ad: bool) {
    let (codes, ext) = (&cols.codes, &cols.ext);
    let dp = has_dp.then_some(&cols.dp[..]);
    let gq = has_gq.then_some(&cols.gq[..]);
    let ad = has_ad.then_some(&cols.ad[..]);
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
