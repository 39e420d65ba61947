//! `ingest` of a BAM/CRAM: one streaming pass (genohub-reads) whose finished bins are written
//! under a Pending read sample; the file is copied into the file area while it is read; one
//! write commits record, name, file entry and new contigs together.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use genohub_reads::{FinishedBin, ReadsScan, ScanOptions};

use super::keys::{self as rkeys, ReadSampleId};
use super::record::{ReadContig, ReadFileRecord, ReadSampleRecord};
use crate::callable::{self, Interval};
use crate::engine::Batch;
use crate::ingest::{now_seconds, Progress};
use crate::keys;
use crate::manifest::{BatchStatus, ContigRecord};
use crate::store::to_json;
use crate::{cf, Store, StoreError};

/// Bins written per engine write while streaming.
const BINS_PER_WRITE: usize = 128;

#[derive(Debug, Clone)]
pub struct ReadsIngestOptions {
    pub center: String,
    /// Sample name when the header has no `@RG SM` (or to override it).
    pub sample: Option<String>,
    pub reference: Option<PathBuf>,
    pub min_mapq: u8,
    pub min_depth: u32,
    pub replace: bool,
    pub threads: usize,
}

impl Default for ReadsIngestOptions {
    fn default() -> Self {
        ReadsIngestOptions { center: "default".into(), sample: None, reference: None, min_mapq: 0, min_depth: 10, replace: false, threads: 2 }
    }
}

fn reads_error(e: genohub_reads::ReadsError) -> StoreError {
    match e {
        genohub_reads::ReadsError::Sink(m) => StoreError::Engine(m),
        other => StoreError::Refused(other.to_string()),
    }
}

/// An index already beside the input (`x.bam.bai`, `x.bai`, `x.bam.csi`, `x.cram.crai`).
fn existing_index(path: &Path) -> Option<(PathBuf, &'static str)> {
    let with = |ext: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(".");
        s.push(ext);
        PathBuf::from(s)
    };
    [(with("bai"), "bai"), (path.with_extension("bai"), "bai"), (with("csi"), "csi"), (with("crai"), "crai")].into_iter().find(|(p, _)| p.is_file())
}

impl Store {
    pub(crate) fn file_area(&self) -> PathBuf {
        self.root().join("files")
    }

    /// Ingests one BAM/CRAM: depth, callable intervals and QC of its sample, and the file
    /// itself. On any error the store is left as it was.
    pub fn ingest_reads(&self, path: &Path, opts: &ReadsIngestOptions, progress: &dyn Progress) -> Result<ReadSampleRecord, StoreError> {
        check_name("center", &opts.center)?;
        if opts.min_depth == 0 {
            return Err(StoreError::Refused("--min-depth must be at least 1".into()));
        }
        self.recover_reads()?;
        let tmp_dir = self.file_area().join("tmp");
        std::fs::create_dir_all(&tmp_dir).map_err(|e| StoreError::io(format!("creating {}", tmp_dir.display()), e))?;
        let id = self.counter("next_read_sample")?;
        let tmp_copy = tmp_dir.join(format!("{id}.part"));
        let source_index = existing_index(path);
        let tmp_index = source_index.is_none().then(|| tmp_dir.join(format!("{id}.index.part")));
        let scan_opts = ScanOptions {
            threads: opts.threads.max(1),
            min_mapq: opts.min_mapq,
            min_depth: opts.min_depth,
            reference: opts.reference.clone(),
            sample: opts.sample.clone(),
            copy_to: Some(tmp_copy.clone()),
            index_to: tmp_index.clone(),
        };
        let cleanup_tmp = || {
            let _ = std::fs::remove_file(&tmp_copy);
            if let Some(t) = &tmp_index {
                let _ = std::fs::remove_file(t);
            }
        };
        let result = self.ingest_reads_inner(path, id, opts, scan_opts, source_index, &tmp_copy, tmp_index.as_deref(), progress);
        cleanup_tmp();
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn ingest_reads_inner(
        &self,
        path: &Path,
        id: ReadSampleId,
        opts: &ReadsIngestOptions,
        scan_opts: ScanOptions,
        source_index: Option<(PathBuf, &'static str)>,
        tmp_copy: &Path,
        tmp_index: Option<&Path>,
        progress: &dyn Progress,
    ) -> Result<ReadSampleRecord, StoreError> {
        let scan = ReadsScan::open(path, scan_opts).map_err(reads_error)?;
        let sample = scan.sample().to_string();
        check_name("sample", &sample)?;
        let previous = self.read_sample(&opts.center, &sample)?;
        if let (Some(p), false) = (&previous, opts.replace) {
            return Err(StoreError::Refused(format!(
                "{}: reads of sample {sample} from center {} are already in the store (from {}); use --replace to supersede them",
                path.display(),
                opts.center,
                p.file_name
            )));
        }
        let (contigs, new_contigs) = self.plan_read_contigs(path, scan.header())?;
        let file_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let mut record = ReadSampleRecord {
            id,
            status: BatchStatus::Pending,
            center: opts.center.clone(),
            name: sample.clone(),
            kind: scan.kind(),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            file_sha256: String::new(),
            file_bytes,
            stored_file: None,
            stored_index: None,
            created: now_seconds(),
            tool_version: concat!("genohub ", env!("CARGO_PKG_VERSION")).into(),
            reference: opts.reference.as_ref().map(|p| p.display().to_string()),
            contigs: contigs.clone(),
            min_mapq: opts.min_mapq,
            min_depth: opts.min_depth,
            records: 0,
            depth_bins: 0,
            depth_runs: 0,
            depth_bytes: 0,
            callable_bytes: 0,
            header: scan.header().text.clone(),
            qc: None,
        };
        let mut pending = Batch::default();
        pending.put(cf::READ_QC, &rkeys::record_key(id), &to_json(&record));
        pending.put(cf::META, b"next_read_sample", &(id + 1).to_be_bytes());
        self.engine.write(pending, true)?;

        progress.phase("reading", file_bytes);
        let mut writer = BinWriter { store: self, id, contigs: &contigs, batch: Batch::default(), in_batch: 0, depth_bytes: 0, callable_bytes: 0 };
        let outcome = scan.run(&mut |bin| writer.put(bin), &|bytes, records| progress.update(bytes, records));
        let outcome = match outcome.map_err(reads_error).and_then(|o| writer.flush().map(|_| o)) {
            Ok(o) => o,
            Err(e) => {
                self.delete_read_sample_data(&record)?;
                return Err(e);
            }
        };
        record.depth_bytes = writer.depth_bytes;
        record.callable_bytes = writer.callable_bytes;
        if let Some(f) = self.read_file(&outcome.sha256)? {
            self.delete_read_sample_data(&record)?;
            return Err(StoreError::Refused(format!(
                "{}: the same content (SHA-256 {}) was already ingested as reads of {}/{}; nothing was changed",
                path.display(),
                outcome.sha256,
                f.center,
                f.name
            )));
        }
        // Keep the file under its content address, with its index.
        let rel_file = format!("files/reads/{}/{}.{}", &outcome.sha256[..2], outcome.sha256, outcome.kind.extension());
        let final_file = self.root().join(&rel_file);
        let index_ext = match (&source_index, outcome.kind) {
            (Some((_, ext)), _) => *ext,
            (None, genohub_reads::ReadsKind::Cram) => "crai",
            (None, genohub_reads::ReadsKind::Bam) => {
                if scan_needs_csi(&contigs) {
                    "csi"
                } else {
                    "bai"
                }
            }
        };
        let rel_index = format!("{rel_file}.{index_ext}");
        let final_index = self.root().join(&rel_index);
        let placed = (|| -> std::io::Result<bool> {
            std::fs::create_dir_all(final_file.parent().expect("has a parent"))?;
            std::fs::rename(tmp_copy, &final_file)?;
            match (&source_index, tmp_index) {
                (Some((src, _)), _) => {
                    std::fs::copy(src, &final_index)?;
                    Ok(true)
                }
                (None, Some(t)) if t.exists() => {
                    std::fs::rename(t, &final_index)?;
                    Ok(true)
                }
                _ => Ok(false),
            }
        })();
        let has_index = match placed {
            Ok(i) => i,
            Err(e) => {
                let _ = std::fs::remove_file(&final_file);
                self.delete_read_sample_data(&record)?;
                return Err(StoreError::io(format!("keeping {} in the file area", path.display()), e));
            }
        };
        record.status = BatchStatus::Committed;
        record.file_sha256 = outcome.sha256.clone();
        record.file_bytes = outcome.file_bytes;
        record.stored_file = Some(rel_file.clone());
        record.stored_index = has_index.then_some(rel_index.clone());
        record.records = outcome.records;
        record.depth_bins = outcome.stored_bins;
        record.depth_runs = outcome.runs;
        record.qc = Some(outcome.qc);
        let file = ReadFileRecord {
            sha256: outcome.sha256.clone(),
            kind: outcome.kind,
            path: rel_file,
            index: record.stored_index.clone(),
            bytes: outcome.file_bytes,
            read_sample: id,
            center: record.center.clone(),
            name: record.name.clone(),
        };
        let mut commit = Batch::default();
        commit.put(cf::READ_QC, &rkeys::record_key(id), &to_json(&record));
        commit.put(cf::READ_QC, &rkeys::name_key(&record.center, &record.name), &keys::u32_key(id));
        commit.put(cf::READ_FILES, outcome.sha256.as_bytes(), &to_json(&file));
        for c in &new_contigs {
            commit.put(cf::CONTIGS, &keys::contig_name_key(&c.name), &keys::u32_key(c.id));
            commit.put(cf::CONTIGS, &keys::contig_id_key(c.id), &to_json(c));
        }
        if let Err(e) = self.engine.write(commit, true) {
            let _ = std::fs::remove_file(&final_file);
            let _ = std::fs::remove_file(&final_index);
            self.delete_read_sample_data(&record)?;
            return Err(e);
        }
        if let Some(old) = previous {
            self.delete_read_sample_data(&old)?;
        }
        Ok(record)
    }

    /// Store contig ids for the header's contigs; new ones are allocated (written at commit).
    /// A contig whose length differs from the store's is a different genome build: refused.
    fn plan_read_contigs(&self, path: &Path, header: &genohub_reads::ReadsHeader) -> Result<(Vec<ReadContig>, Vec<ContigRecord>), StoreError> {
        let known: HashMap<String, ContigRecord> = self.contigs()?.into_iter().map(|c| (c.name.clone(), c)).collect();
        let mut next = known.values().map(|c| c.id + 1).max().unwrap_or(0);
        let mut out = Vec::with_capacity(header.contigs.len());
        let mut new = Vec::new();
        for c in &header.contigs {
            let id = match known.get(&c.name) {
                Some(k) => {
                    if let Some(l) = k.length.filter(|&l| l != c.length) {
                        return Err(StoreError::Refused(format!(
                            "{}: @SQ {} has length {} here but {l} in the store (a different genome build?)",
                            path.display(),
                            c.name,
                            c.length
                        )));
                    }
                    if k.length.is_none() || (k.md5.is_none() && c.md5.is_some()) {
                        new.push(ContigRecord { id: k.id, name: c.name.clone(), length: Some(c.length), md5: k.md5.clone().or(c.md5.clone()) });
                    }
                    k.id
                }
                None => {
                    let id = next;
                    next += 1;
                    new.push(ContigRecord { id, name: c.name.clone(), length: Some(c.length), md5: c.md5.clone() });
                    id
                }
            };
            out.push(ReadContig { id, name: c.name.clone(), length: c.length });
        }
        Ok((out, new))
    }
}

/// BAI addresses positions below 2^29; longer contigs need CSI (as noodles decides).
fn scan_needs_csi(contigs: &[ReadContig]) -> bool {
    contigs.iter().any(|c| c.length >= 1 << 29)
}

fn check_name(what: &str, s: &str) -> Result<(), StoreError> {
    if s.is_empty() || s.contains('\0') || (s.contains('/') && what == "center") {
        return Err(StoreError::Refused(format!("invalid {what} name {s:?}")));
    }
    Ok(())
}

/// Collects finished bins into engine writes (on the scan's finishing thread).
struct BinWriter<'a> {
    store: &'a Store,
    id: ReadSampleId,
    contigs: &'a [ReadContig],
    batch: Batch,
    in_batch: usize,
    depth_bytes: u64,
    callable_bytes: u64,
}

impl BinWriter<'_> {
    fn put(&mut self, bin: FinishedBin) -> Result<(), String> {
        let contig = self.contigs[bin.contig].id;
        self.batch.put(cf::DEPTH, &rkeys::depth_key(self.id, contig, bin.bin), &bin.encoded);
        self.depth_bytes += bin.encoded.len() as u64;
        if !bin.callable.is_empty() {
            let ivs: Vec<Interval> = bin.callable.iter().map(|&(start, end)| Interval { column: 0, start, end, haploid: false }).collect();
            let v = callable::encode(&ivs);
            self.callable_bytes += v.len() as u64;
            self.batch.put(cf::READ_CALLABLE, &rkeys::callable_key(contig, bin.bin, self.id), &v);
        }
        self.in_batch += 1;
        if self.in_batch >= BINS_PER_WRITE {
            self.flush().map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        self.in_batch = 0;
        let b = std::mem::take(&mut self.batch);
        if b.is_empty() {
            return Ok(());
        }
        self.store.engine.write(b, false)
    }
}
