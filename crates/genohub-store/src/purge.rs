//! `purge`: physically erases excluded samples' genotypes.
//!
//! Every batch holding a column of a purged sample (its current location or one it replaced)
//! is rewritten as a new batch without those columns: genotype blocks re-encoded, site rows
//! that only purged samples carried dropped, callable intervals renumbered, the header's
//! `#CHROM` line and sample mentions cleaned. A batch left with no sample is removed whole.
//!
//! Crash safety reuses ingest's: the rewritten batch is written Pending, then one synchronous
//! write commits it, re-points the remaining samples and marks the old batch Pending, which
//! the next `Store::open` discards if this run does not finish doing so. The purged samples'
//! records are deleted first, together with a persisted plan (batch → columns to drop), so an
//! interrupted purge resumes where it stopped. Finally every column family is flushed and
//! compacted, so no old file keeps the erased values.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use genohub_codec::{code, GenotypeBlock};
use serde::{Deserialize, Serialize};

use crate::block::{self, StoredSite};
use crate::callable::{self, Interval};
use crate::cohort::{CohortDefinition, SampleKey};
use crate::engine::Batch;
use crate::ingest::now_seconds;
use crate::keys::{self, BatchId, BlockKey};
use crate::manifest::{BatchManifest, BatchStatus, SampleRecord, WarningSummary};
use crate::store::to_json;
use crate::{cf, Store, StoreError};

const PLAN: &[u8] = b"purge_plan";
/// Rewritten blocks are written in groups of about this many bytes.
const WRITE_BYTES: usize = 32 << 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Samples whose genotypes were erased, as `CENTER/NAME`.
    pub samples: Vec<String>,
    /// (old batch, new batch) of every batch rewritten without them.
    pub rewritten: Vec<(BatchId, BatchId)>,
    /// Batches removed because no other sample was left in them.
    pub removed: Vec<BatchId>,
    pub blocks_rewritten: u64,
    /// Site rows dropped because only purged samples carried the ALT allele.
    pub sites_removed: u64,
}

/// What is left to do, persisted so an interrupted purge resumes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Plan {
    /// batch → columns to drop.
    batches: BTreeMap<BatchId, BTreeSet<u32>>,
    /// Names the purged samples had in headers and file names, to clean them there too.
    names: BTreeSet<String>,
}

impl Store {
    /// Erases the genotypes of samples that are excluded ([`crate::exclusion`]); refuses any
    /// that is not, so a typo cannot destroy data anyone may still read. Samples not in the
    /// store (data never arrived, or already purged) are skipped. Resumes an interrupted purge.
    pub fn purge_samples(&self, samples: &[SampleKey]) -> Result<PurgeReport, StoreError> {
        let excluded = self.exclusions()?;
        if let Some(s) = samples.iter().find(|s| !excluded.contains_key(s)) {
            return Err(StoreError::Refused(format!("sample {} is not excluded (withdrawn); purge erases only excluded samples", s.qualified())));
        }
        let mut report = PurgeReport::default();
        let mut plan = self.plan()?.unwrap_or_default();
        let mut b = Batch::default();
        for key in samples {
            let Some(rec) = self.sample_by_name(&key.center, &key.name)? else { continue };
            for (batch, column) in std::iter::once((rec.batch, rec.column)).chain(rec.replaced.iter().copied()) {
                plan.batches.entry(batch).or_default().insert(column);
            }
            plan.names.insert(key.name.clone());
            report.samples.push(key.qualified());
            b.delete(cf::SAMPLES, &keys::u32_key(rec.id));
            b.delete(cf::SAMPLE_NAMES, &keys::sample_name_key(&key.center, &key.name));
        }
        if !b.is_empty() {
            b.put(cf::META, PLAN, &to_json(&plan));
            self.engine.write(b, true)?;
        }
        while let Some((&batch, columns)) = plan.batches.iter().next() {
            let columns = columns.clone();
            plan.batches.remove(&batch);
            self.purge_batch(batch, &columns, &plan, &mut report)?;
        }
        self.drop_from_cohorts(samples)?;
        // Read data (depth, QC, kept BAM/CRAM files) whether or not genotypes ever arrived.
        for key in samples {
            self.purge_read_data(&key.center, &key.name)?;
        }
        self.compact()?;
        Ok(report)
    }

    fn plan(&self) -> Result<Option<Plan>, StoreError> {
        self.engine.get(cf::META, PLAN)?.map(|v| serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("purge plan: {e}")))).transpose()
    }

    /// Rewrites (or removes) one batch; `rest` is the plan left after it, committed with it.
    fn purge_batch(&self, old: BatchId, drop: &BTreeSet<u32>, rest: &Plan, report: &mut PurgeReport) -> Result<(), StoreError> {
        let Some(manifest) = self.batch(old)? else {
            return self.save_plan(rest);
        };
        if manifest.status != BatchStatus::Committed {
            self.discard_batch(old)?;
            return self.save_plan(rest);
        }
        let n = manifest.samples.len() as u32;
        let keep: Vec<u32> = (0..n).filter(|c| !drop.contains(c)).collect();
        // old column → new column
        let new_column: BTreeMap<u32, u32> = keep.iter().enumerate().map(|(i, &c)| (c, i as u32)).collect();
        let samples = self.samples()?;
        let mut commit = Batch::default();
        let new_id = if keep.is_empty() {
            report.removed.push(old);
            if self.batch_by_sha256(&manifest.file_sha256)? == Some(old) {
                commit.delete(cf::FILES, manifest.file_sha256.as_bytes());
            }
            None
        } else {
            let id = self.counter("next_batch")?;
            let mut pending = manifest.clone();
            pending.id = id;
            pending.status = BatchStatus::Pending;
            let mut b = Batch::default();
            b.put(cf::BATCHES, &keys::u32_key(id), &to_json(&pending));
            b.put(cf::META, b"next_batch", &(id + 1).to_be_bytes());
            self.engine.write(b, true)?;
            let (blocks, sites_removed, bytes) = self.rewrite_blocks(old, id, drop, &new_column)?;
            let mut m = pending;
            m.status = BatchStatus::Committed;
            m.samples = keep.iter().map(|&c| manifest.samples[c as usize]).collect();
            m.header = clean_header(&manifest.header, drop, &rest.names);
            m.file_name = clean_text(&manifest.file_name, &rest.names);
            m.variants = m.variants.saturating_sub(sites_removed);
            m.stored_bytes = bytes;
            m.warnings.push(WarningSummary {
                kind: "purge".into(),
                count: drop.len() as u64,
                first: format!("rewritten from batch {old} at {} without {} withdrawn sample column(s)", now_seconds(), drop.len()),
            });
            commit.put(cf::BATCHES, &keys::u32_key(id), &to_json(&m));
            if self.batch_by_sha256(&manifest.file_sha256)? == Some(old) {
                commit.put(cf::FILES, manifest.file_sha256.as_bytes(), &keys::u32_key(id));
            }
            report.rewritten.push((old, id));
            report.blocks_rewritten += blocks;
            report.sites_removed += sites_removed;
            Some(id)
        };
        for s in &samples {
            if let Some(updated) = repoint(s, old, new_id, &new_column) {
                commit.put(cf::SAMPLES, &keys::u32_key(s.id), &crate::sample_record_codec::encode(&updated));
            }
        }
        // The old batch becomes invisible now and is deleted below, or by the next open.
        let mut hidden: BatchManifest = manifest;
        hidden.status = BatchStatus::Pending;
        commit.put(cf::BATCHES, &keys::u32_key(old), &to_json(&hidden));
        commit.put(cf::META, PLAN, &to_json(rest));
        self.engine.write(commit, true)?;
        self.discard_batch(old)
    }

    fn save_plan(&self, plan: &Plan) -> Result<(), StoreError> {
        let mut b = Batch::default();
        if plan.batches.is_empty() {
            b.delete(cf::META, PLAN);
        } else {
            b.put(cf::META, PLAN, &to_json(plan));
        }
        self.engine.write(b, true)
    }

    /// Copies every block and callable interval of `old` into `new` without the dropped
    /// columns. Returns (blocks written, site rows dropped, bytes written).
    fn rewrite_blocks(&self, old: BatchId, new: BatchId, drop: &BTreeSet<u32>, new_column: &BTreeMap<u32, u32>) -> Result<(u64, u64, u64), StoreError> {
        let (mut blocks, mut removed, mut bytes) = (0u64, 0u64, 0u64);
        let mut b = Batch::default();
        let mut pending_bytes = 0usize;
        let listed: Vec<Box<[u8]>> = self.engine.scan_prefix(cf::BATCH_KEYS, &keys::u32_key(old)).map(|r| r.map(|(k, _)| k)).collect::<Result<_, _>>()?;
        for k in listed {
            let family = cf::from_tag(k[4]).ok_or_else(|| StoreError::Corrupt("batch key tag".into()))?;
            let mut key = BlockKey::decode(&k[5..]).ok_or_else(|| StoreError::Corrupt("block key in batch_keys".into()))?;
            let Some(value) = self.engine.get(family, &k[5..])? else { continue };
            let rewritten = if family == cf::BLOCKS {
                let decoded = block::decode(&value)?;
                let gts = genohub_codec::decode(decoded.genotypes).map_err(|e| StoreError::Corrupt(format!("genotype block: {e}")))?;
                let (sites, gts, dropped) = without_columns(&decoded.sites, &gts, drop, new_column);
                removed += dropped;
                if sites.is_empty() {
                    None
                } else {
                    Some(block::encode(&sites, &gts)?)
                }
            } else {
                let ivs: Vec<Interval> =
                    callable::decode(&value)?.into_iter().filter_map(|iv| new_column.get(&iv.column).map(|&c| Interval { column: c, ..iv })).collect();
                if ivs.is_empty() {
                    None
                } else {
                    Some(callable::encode(&callable::normalize(ivs)))
                }
            };
            let Some(v) = rewritten else { continue };
            key.batch = new;
            let nk = key.encode();
            bytes += v.len() as u64;
            blocks += u64::from(family == cf::BLOCKS);
            pending_bytes += v.len();
            b.put(family, &nk, &v);
            b.put(cf::BATCH_KEYS, &keys::batch_key(new, cf::tag(family), &nk), &[]);
            if pending_bytes >= WRITE_BYTES {
                self.engine.write(std::mem::take(&mut b), false)?;
                pending_bytes = 0;
            }
        }
        self.engine.write(b, false)?;
        Ok((blocks, removed, bytes))
    }

    /// Explicit cohorts lose the purged samples (their names are traces too).
    fn drop_from_cohorts(&self, purged: &[SampleKey]) -> Result<(), StoreError> {
        let purged: BTreeSet<&SampleKey> = purged.iter().collect();
        let mut b = Batch::default();
        for mut c in self.cohorts()? {
            if let CohortDefinition::Samples(keys) = &mut c.definition {
                let before = keys.len();
                keys.retain(|k| !purged.contains(k));
                if keys.len() != before {
                    b.put(cf::COHORTS, c.name.as_bytes(), &to_json(&c));
                }
            }
        }
        if !b.is_empty() {
            self.engine.write(b, true)?;
        }
        Ok(())
    }
}

/// Files under `root` holding `needle`, either as raw bytes or inside any zstd frame (the
/// store's genotype sites and RocksDB's compressed table blocks are zstd): the check that a
/// purged value is really gone from every file, not only from what queries return.
pub fn files_containing(root: &Path, needle: &[u8]) -> Result<Vec<PathBuf>, StoreError> {
    const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| StoreError::io(format!("listing {}", dir.display()), e))?;
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let hit = contains(&bytes, needle)
                || memchr_all(&bytes, &ZSTD_MAGIC).any(|at| {
                    let mut out = Vec::new();
                    let decoder = zstd::stream::read::Decoder::with_buffer(&bytes[at..]).map(|d| d.single_frame());
                    if let Ok(d) = decoder {
                        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(d, 256 << 20), &mut out);
                    }
                    contains(&out, needle)
                });
            if hit {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn memchr_all<'a>(haystack: &'a [u8], pattern: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack.windows(pattern.len()).enumerate().filter(move |(_, w)| *w == pattern).map(|(i, _)| i)
}

/// A sample record re-pointed after its batch `old` became `new` (None: removed), or None
/// when it does not refer to `old`.
fn repoint(s: &SampleRecord, old: BatchId, new: Option<BatchId>, new_column: &BTreeMap<u32, u32>) -> Option<SampleRecord> {
    if s.batch != old && !s.replaced.iter().any(|(b, _)| *b == old) {
        return None;
    }
    let mut r = s.clone();
    if r.batch == old {
        let (Some(n), Some(&c)) = (new, new_column.get(&r.column)) else {
            // Only purged samples' current columns are dropped, and their records are gone.
            return None;
        };
        r.batch = n;
        r.column = c;
    }
    r.replaced = r.replaced.iter().filter_map(|&(b, c)| if b != old { Some((b, c)) } else { new.zip(new_column.get(&c).copied()) }).collect();
    Some(r)
}

/// The block without the dropped columns, and without the rows whose ALT allele only dropped
/// samples carried (rows nobody carried before stay, as they came).
fn without_columns(sites: &[StoredSite], g: &GenotypeBlock, drop: &BTreeSet<u32>, new_column: &BTreeMap<u32, u32>) -> (Vec<StoredSite>, GenotypeBlock, u64) {
    let n = g.n_samples as usize;
    let keep: Vec<usize> = new_column.keys().map(|&c| c as usize).collect();
    let carries = |v: usize, s: usize| {
        let c = g.codes[v * n + s];
        if c == code::EXTENDED {
            g.extended.iter().any(|e| e.variant as usize == v && e.sample as usize == s && e.alt_count() > 0)
        } else {
            code::alt_count(c) > 0
        }
    };
    let rows: Vec<usize> = (0..g.n_variants as usize)
        .filter(|&v| {
            let kept_carrier = keep.iter().any(|&s| carries(v, s));
            let dropped_carrier = drop.iter().any(|&s| (s as usize) < n && carries(v, s as usize));
            kept_carrier || !dropped_carrier
        })
        .collect();
    let new_row: BTreeMap<usize, u32> = rows.iter().enumerate().map(|(i, &v)| (v, i as u32)).collect();
    let pick = |data: &[i32], width: usize| -> Vec<i32> {
        let mut out = Vec::with_capacity(rows.len() * keep.len() * width);
        for &v in &rows {
            for &s in &keep {
                out.extend_from_slice(&data[(v * n + s) * width..(v * n + s + 1) * width]);
            }
        }
        out
    };
    let mut codes = Vec::with_capacity(rows.len() * keep.len());
    for &v in &rows {
        codes.extend(keep.iter().map(|&s| g.codes[v * n + s]));
    }
    let extended = g
        .extended
        .iter()
        .filter_map(|e| {
            let v = *new_row.get(&(e.variant as usize))?;
            let s = *new_column.get(&e.sample)?;
            Some(genohub_codec::ExtendedCall { variant: v, sample: s, ..e.clone() })
        })
        .collect();
    let out = GenotypeBlock {
        n_variants: rows.len() as u32,
        n_samples: keep.len() as u32,
        codes,
        extended,
        dp: g.dp.as_deref().map(|d| pick(d, 1)),
        gq: g.gq.as_deref().map(|d| pick(d, 1)),
        ad: g.ad.as_deref().map(|d| pick(d, 2)),
    };
    let kept_sites = rows.iter().map(|&v| sites[v].clone()).collect();
    (kept_sites, out, (g.n_variants as usize - rows.len()) as u64)
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// `text` with every whole-token occurrence of a purged name replaced by `purged`.
fn clean_text(text: &str, names: &BTreeSet<String>) -> String {
    let mut out = text.to_string();
    for name in names {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(name.as_str()) {
            let before_ok = rest[..i].chars().next_back().is_none_or(|c| !is_token_char(c));
            let after = &rest[i + name.len()..];
            let after_ok = after.chars().next().is_none_or(|c| !is_token_char(c));
            result.push_str(&rest[..i]);
            result.push_str(if before_ok && after_ok { "purged" } else { name });
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// The header without the dropped `#CHROM` columns, and with `##SAMPLE`/`##PEDIGREE` lines
/// about purged samples removed and other mentions of them replaced.
fn clean_header(header: &str, drop: &BTreeSet<u32>, names: &BTreeSet<String>) -> String {
    let mut out = String::with_capacity(header.len());
    for line in header.lines() {
        if line.starts_with("#CHROM") {
            let fields: Vec<&str> = line.split('\t').collect();
            let kept: Vec<&str> = fields.iter().enumerate().filter(|(i, _)| *i < 9 || !drop.contains(&((*i - 9) as u32))).map(|(_, f)| *f).collect();
            out.push_str(&kept.join("\t"));
        } else {
            let cleaned = clean_text(line, names);
            if cleaned != line && (line.starts_with("##SAMPLE=") || line.starts_with("##PEDIGREE=")) {
                continue;
            }
            out.push_str(&cleaned);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_private_rows_are_dropped() {
        let site = |pos: u64| StoredSite {
            pos,
            id: ".".into(),
            reference: "A".into(),
            alternate: "C".into(),
            qual: ".".into(),
            filter: "PASS".into(),
            info: ".".into(),
            fields: 0,
        };
        let rr = code::make(code::REF, code::REF, false);
        let ra = code::make(code::REF, code::ALT, false);
        // rows: shared carrier, private to column 1, nobody, carried by column 2 only
        let codes = vec![ra, ra, rr, rr, ra, rr, rr, rr, rr, rr, rr, ra];
        let g = GenotypeBlock { n_variants: 4, n_samples: 3, codes, dp: Some((0..12).collect()), ..Default::default() };
        let drop = BTreeSet::from([1u32]);
        let new_column = BTreeMap::from([(0u32, 0u32), (2, 1)]);
        let sites: Vec<StoredSite> = (1..=4).map(site).collect();
        let (s, out, removed) = without_columns(&sites, &g, &drop, &new_column);
        assert_eq!(removed, 1);
        assert_eq!(s.iter().map(|s| s.pos).collect::<Vec<_>>(), vec![1, 3, 4]);
        assert_eq!(out.codes, vec![ra, rr, rr, rr, rr, ra]);
        out.validate().unwrap();
        assert_eq!(out.dp.unwrap(), vec![0, 2, 6, 8, 9, 11]);
    }

    #[test]
    fn header_loses_the_purged_column_and_mentions() {
        let h = "##fileformat=VCFv4.2\n##SAMPLE=<ID=PX-77,Tissue=lung>\n##cmd=view -s PX-77,PX-770\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tPX-77\tB\n";
        let names = BTreeSet::from(["PX-77".to_string()]);
        let out = clean_header(h, &BTreeSet::from([1]), &names);
        assert_eq!(out, "##fileformat=VCFv4.2\n##cmd=view -s purged,PX-770\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n");
        assert_eq!(clean_text("PX-77.vcf.gz", &names), "purged.vcf.gz");
        assert_eq!(clean_text("PX-77", &names), "purged");
    }
}
