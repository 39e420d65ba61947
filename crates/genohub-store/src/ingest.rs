//! `ingest`: one input file becomes one batch, visible atomically.
//!
//! Pipeline: a reader thread streams chunks of text (BGZF inflated by its own workers) into a
//! bounded channel; chunks are parsed on all cores (rayon); records are grouped into bins in
//! order; finished bins are encoded on all cores and written. Blocks are written under a
//! Pending batch that no reader sees; one synchronous write then commits the manifest, file
//! hash and sample registrations together. A crash before that leaves a Pending batch that
//! the next open removes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use genohub_formats::{Chunk, FormatError, Inferred, Location, OrderCheck, ParseContext, ParseOutput, ParsedLine, VariantReader};
use genohub_reference::{GenomeBuild, RefCheck, ReferenceFasta};

use crate::accumulate::{Accumulator, Ready};
use crate::engine::Batch;
use crate::keys::{self, BatchId, ContigId};
use crate::manifest::{BatchManifest, BatchStatus, ContigRecord, SampleRecord, WarningSummary};
use crate::store::to_json;
use crate::{block, callable, cf, Store, StoreError};

const CHUNK_BYTES: usize = 4 << 20;

#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub center: String,
    pub reference: Option<PathBuf>,
    pub check_ref: RefCheck,
    pub replace: bool,
    pub threads: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions { center: "default".into(), reference: None, check_ref: RefCheck::Error, replace: false, threads: rayon::current_num_threads() }
    }
}

/// Progress of a long job, shown by the caller (a terminal bar, a job record).
pub trait Progress: Sync {
    fn phase(&self, _name: &str, _total_bytes: u64) {}
    fn update(&self, _bytes: u64, _records: u64) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

pub fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn sha256_file(path: &Path, progress: &dyn Progress) -> Result<(String, u64), StoreError> {
    let mut f = std::fs::File::open(path).map_err(|e| StoreError::io(format!("opening {}", path.display()), e))?;
    let total = f.metadata().map(|m| m.len()).unwrap_or(0);
    progress.phase("hashing", total);
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| StoreError::io(format!("reading {}", path.display()), e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        done += n as u64;
        progress.update(done, 0);
    }
    Ok((hex::encode(h.finalize()), done))
}

fn check_name(what: &str, s: &str) -> Result<(), StoreError> {
    if s.is_empty() || s.contains('\0') || s.contains('/') && what == "center" {
        return Err(StoreError::Refused(format!("invalid {what} name {s:?}")));
    }
    Ok(())
}

/// The contig dictionary as this ingest will leave it.
struct Contigs {
    by_name: HashMap<String, ContigRecord>,
    changed: BTreeSet<String>,
    next_id: ContigId,
    declared: HashSet<String>,
}

impl Contigs {
    fn id(&mut self, name: &str, undeclared: &mut Vec<String>) -> ContigId {
        if let Some(c) = self.by_name.get(name) {
            if !self.declared.contains(name) && self.declared.insert(name.to_string()) {
                undeclared.push(name.to_string());
            }
            return c.id;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.by_name.insert(name.to_string(), ContigRecord { id, name: name.to_string(), length: None, md5: None });
        self.changed.insert(name.to_string());
        if self.declared.insert(name.to_string()) {
            undeclared.push(name.to_string());
        }
        id
    }
}

#[derive(Default)]
struct Warnings {
    by_kind: BTreeMap<String, WarningSummary>,
    inferred: BTreeSet<Inferred>,
}

impl Warnings {
    fn add(&mut self, kind: &str, message: String) {
        self.by_kind.entry(kind.to_string()).or_insert_with(|| WarningSummary { kind: kind.to_string(), count: 0, first: message }).count += 1;
    }
}

impl Store {
    /// Ingests one VCF/BCF/gVCF file as a new batch. On any error the store is left as it was.
    pub fn ingest(&self, path: &Path, opts: &IngestOptions, progress: &dyn Progress) -> Result<BatchManifest, StoreError> {
        check_name("center", &opts.center)?;
        let (sha, file_bytes) = sha256_file(path, progress)?;
        if let Some(b) = self.batch_by_sha256(&sha)? {
            return Err(StoreError::Refused(format!(
                "{}: the same content (SHA-256 {sha}) was already ingested as batch {b}; nothing was changed",
                path.display()
            )));
        }
        let reader = VariantReader::open(path, opts.threads.max(1))?;
        let header = reader.header().clone();
        let mut existing = Vec::with_capacity(header.samples.len());
        for name in &header.samples {
            check_name("sample", name)?;
            if let Some(ex) = self.exclusion(&opts.center, name)? {
                return Err(StoreError::Refused(format!(
                    "{}: sample {name} from center {} is excluded ({} since {}); its data is not accepted, nothing was changed",
                    path.display(),
                    opts.center,
                    ex.reason,
                    ex.since
                )));
            }
            let prior = self.sample_by_name(&opts.center, name)?;
            if let (Some(p), false) = (&prior, opts.replace) {
                return Err(StoreError::Refused(format!(
                    "{}: sample {name} from center {} is already in the store (batch {}); use --replace to supersede it",
                    path.display(),
                    opts.center,
                    p.batch
                )));
            }
            existing.push(prior);
        }
        let fasta = match &opts.reference {
            Some(r) => Some(ReferenceFasta::open(r).map_err(|e| StoreError::Reference(format!("{}: {e}", r.display())))?),
            None => None,
        };
        let mut contigs = self.plan_contigs(path, &header.contigs, fasta.as_ref())?;

        let id = self.counter("next_batch")?;
        let mut manifest = BatchManifest {
            id,
            status: BatchStatus::Pending,
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            file_sha256: sha.clone(),
            file_bytes,
            center: opts.center.clone(),
            created: now_seconds(),
            tool_version: concat!("genohub ", env!("CARGO_PKG_VERSION")).into(),
            header: reader.header_text().to_string(),
            reference: opts.reference.as_ref().map(|p| p.display().to_string()),
            build: None,
            samples: Vec::new(),
            records_read: 0,
            variants: 0,
            ref_blocks: 0,
            max_ref_len: Vec::new(),
            inferred_info: Vec::new(),
            inferred_filters: Vec::new(),
            warnings: header.warnings.iter().map(|w| WarningSummary { kind: "header".into(), count: 1, first: w.clone() }).collect(),
            stored_bytes: 0,
        };
        let (build, build_warnings) = check_build(&header.contigs);
        manifest.build = build;
        manifest.warnings.extend(build_warnings);
        let mut pending = Batch::default();
        pending.put(cf::BATCHES, &keys::u32_key(id), &to_json(&manifest));
        pending.put(cf::META, b"next_batch", &(id + 1).to_be_bytes());
        self.engine.write(pending, true)?;

        let result = self.stream(reader, id, &header, fasta.as_ref(), opts, &mut contigs, &mut manifest, progress);
        if let Err(e) = result {
            self.discard_batch(id)?;
            return Err(e);
        }
        self.commit(manifest, contigs, existing, &header.samples, &opts.center)
    }

    fn plan_contigs(&self, path: &Path, declared: &[(String, Option<u64>)], fasta: Option<&ReferenceFasta>) -> Result<Contigs, StoreError> {
        let known = self.contigs()?;
        let next_id = known.iter().map(|c| c.id + 1).max().unwrap_or(0);
        let mut plan =
            Contigs { by_name: known.into_iter().map(|c| (c.name.clone(), c)).collect(), changed: BTreeSet::new(), next_id, declared: HashSet::new() };
        let mut ignore = Vec::new();
        for (name, length) in declared {
            let from_ref = fasta.and_then(|f| f.contig_length(name));
            if let (Some(l), Some(r)) = (length, from_ref) {
                if *l != r {
                    return Err(StoreError::Refused(format!("{}: ##contig {name} has length {l} but the reference has {r}", path.display())));
                }
            }
            plan.id(name, &mut ignore);
            let rec = plan.by_name.get_mut(name).unwrap();
            if let Some(l) = length.or(from_ref) {
                match rec.length {
                    Some(stored) if stored != l => {
                        return Err(StoreError::Refused(format!(
                            "{}: contig {name} has length {l} here but {stored} in the store (a different genome build?)",
                            path.display()
                        )))
                    }
                    Some(_) => {}
                    None => {
                        rec.length = Some(l);
                        plan.changed.insert(name.clone());
                    }
                }
            }
        }
        Ok(plan)
    }

    #[allow(clippy::too_many_arguments)]
    fn stream(
        &self,
        mut reader: VariantReader,
        batch: BatchId,
        header: &genohub_formats::HeaderInfo,
        fasta: Option<&ReferenceFasta>,
        opts: &IngestOptions,
        contigs: &mut Contigs,
        manifest: &mut BatchManifest,
        progress: &dyn Progress,
    ) -> Result<(), StoreError> {
        let path = reader.path().to_path_buf();
        let ctx = ParseContext { header, file: path.clone(), is_bcf: reader.is_bcf(), reference: fasta, check_ref: opts.check_ref };
        let bytes_read = reader.bytes_read();
        progress.phase("ingesting", manifest.file_bytes);
        let group = opts.threads.max(1) * 2;
        let (tx, rx) = crossbeam_channel::bounded::<Result<Chunk, FormatError>>(group * 2);
        let mut acc = Accumulator::new(batch, header.samples.len());
        let mut order = OrderCheck::new();
        let mut warnings = Warnings::default();
        let mut max_ref: HashMap<ContigId, u64> = HashMap::new();
        std::thread::scope(|scope| -> Result<(), StoreError> {
            scope.spawn(move || loop {
                let next = reader.next_chunk(CHUNK_BYTES).transpose();
                let Some(item) = next else { break };
                let failed = item.is_err();
                if tx.send(item).is_err() || failed {
                    break;
                }
            });
            let rx = rx;
            let mut chunks = Vec::with_capacity(group);
            let mut done = false;
            while !done {
                chunks.clear();
                while chunks.len() < group {
                    match rx.recv() {
                        Ok(c) => chunks.push(c?),
                        Err(_) => {
                            done = true;
                            break;
                        }
                    }
                }
                let parsed: Vec<ParseOutput> = chunks.par_iter().map(|c| ctx.parse_chunk(&c.data, c.first_line)).collect::<Result<_, _>>()?;
                for out in parsed {
                    for w in out.warnings {
                        if let Some(inf) = w.inferred {
                            warnings.inferred.insert(inf);
                        }
                        warnings.add(&w.kind, w.message);
                    }
                    for line in out.lines {
                        manifest.records_read += 1;
                        let (contig_name, is_skip) = match &line.parsed {
                            ParsedLine::Variants(v) if !v.is_empty() => (v[0].site.contig.as_str(), false),
                            ParsedLine::RefBlock(r) => (r.contig.as_str(), false),
                            _ => ("", true),
                        };
                        if is_skip {
                            continue;
                        }
                        let location = Location { file: path.clone(), line: line.line, is_bcf_record: ctx.is_bcf };
                        let mut order_warnings = Vec::new();
                        order.check_line(&line, &location, &mut order_warnings);
                        for w in order_warnings {
                            warnings.add(&w.kind, w.message);
                        }
                        let mut undeclared = Vec::new();
                        let contig = contigs.id(contig_name, &mut undeclared);
                        for name in undeclared {
                            if !header.contigs.iter().any(|(c, _)| *c == name) {
                                warnings.add("contig undeclared", format!("{location}: contig {name} has no ##contig header line; it is added"));
                            }
                        }
                        acc.advance(contig, line.contig_pos.saturating_sub(1));
                        match line.parsed {
                            ParsedLine::Variants(vs) => {
                                for v in vs {
                                    let m = max_ref.entry(contig).or_default();
                                    *m = (*m).max(v.site.reference.len() as u64);
                                    manifest.variants += 1;
                                    acc.push_variant(contig, v);
                                }
                            }
                            ParsedLine::RefBlock(r) => {
                                manifest.ref_blocks += 1;
                                acc.push_ref_block(contig, &r);
                            }
                            ParsedLine::Skipped => {}
                        }
                    }
                }
                if done {
                    acc.finish();
                }
                manifest.stored_bytes += self.write_ready(batch, std::mem::take(&mut acc.ready))?;
                progress.update(bytes_read.load(Ordering::Relaxed), manifest.records_read);
            }
            Ok(())
        })?;
        manifest.max_ref_len = max_ref.into_iter().collect();
        manifest.max_ref_len.sort_unstable();
        for inf in warnings.inferred {
            match inf {
                Inferred::Info { key, flag } => manifest.inferred_info.push((key, flag)),
                Inferred::Filter(f) => manifest.inferred_filters.push(f),
            }
        }
        manifest.warnings.extend(warnings.by_kind.into_values());
        Ok(())
    }

    /// Encodes finished blocks on all cores and writes them under the pending batch.
    fn write_ready(&self, batch: BatchId, ready: Vec<Ready>) -> Result<u64, StoreError> {
        if ready.is_empty() {
            return Ok(0);
        }
        let encoded: Vec<(&'static str, [u8; 16], Vec<u8>)> = ready
            .into_par_iter()
            .map(|r| match r {
                Ready::Block(buf) => {
                    let key = buf.key.encode();
                    let (sites, gts) = buf.into_parts();
                    Ok((cf::BLOCKS, key, block::encode(&sites, &gts)?))
                }
                Ready::Callable(key, ivs) => Ok((cf::CALLABLE, key.encode(), callable::encode(&ivs))),
            })
            .collect::<Result<_, StoreError>>()?;
        let mut b = Batch::default();
        let mut bytes = 0;
        for (family, key, value) in &encoded {
            bytes += value.len() as u64;
            b.put(family, key, value);
            b.put(cf::BATCH_KEYS, &keys::batch_key(batch, cf::tag(family), key), &[]);
        }
        self.engine.write(b, false)?;
        Ok(bytes)
    }

    fn commit(
        &self,
        mut manifest: BatchManifest,
        contigs: Contigs,
        existing: Vec<Option<SampleRecord>>,
        names: &[String],
        center: &str,
    ) -> Result<BatchManifest, StoreError> {
        let mut b = Batch::default();
        let mut next_sample = self.counter("next_sample")?;
        for (column, (name, prior)) in names.iter().zip(existing).enumerate() {
            let record = match prior {
                Some(mut p) => {
                    p.replaced.push((p.batch, p.column));
                    p.batch = manifest.id;
                    p.column = column as u32;
                    p
                }
                None => {
                    let id = next_sample;
                    next_sample += 1;
                    b.put(cf::SAMPLE_NAMES, &keys::sample_name_key(center, name), &keys::u32_key(id));
                    SampleRecord { id, center: center.to_string(), name: name.clone(), batch: manifest.id, column: column as u32, replaced: Vec::new() }
                }
            };
            manifest.samples.push(record.id);
            b.put(cf::SAMPLES, &keys::u32_key(record.id), &crate::sample_record_codec::encode(&record));
        }
        b.put(cf::META, b"next_sample", &next_sample.to_be_bytes());
        for name in &contigs.changed {
            let c = &contigs.by_name[name];
            b.put(cf::CONTIGS, &keys::contig_name_key(name), &keys::u32_key(c.id));
            b.put(cf::CONTIGS, &keys::contig_id_key(c.id), &to_json(c));
        }
        manifest.status = BatchStatus::Committed;
        b.put(cf::FILES, manifest.file_sha256.as_bytes(), &keys::u32_key(manifest.id));
        b.put(cf::BATCHES, &keys::u32_key(manifest.id), &to_json(&manifest));
        self.engine.write(b, true)?;
        Ok(manifest)
    }
}

/// Names the genome build the header's contigs belong to, and warns about a contig named like
/// a GRCh37/GRCh38 contig whose length matches neither (a header from another assembly, or
/// an edited one).
fn check_build(declared: &[(String, Option<u64>)]) -> (Option<String>, Vec<WarningSummary>) {
    let with_length: Vec<(String, u64)> = declared.iter().filter_map(|(n, l)| l.map(|l| (n.clone(), l))).collect();
    let build = GenomeBuild::detect(&with_length).map(|b| b.name().to_string());
    let mut warnings = Vec::new();
    for (name, length) in &with_length {
        let known: Vec<&GenomeBuild> = GenomeBuild::all().into_iter().filter(|b| b.contig(name).is_some()).collect();
        if !known.is_empty() && known.iter().all(|b| b.contig(name).map(|c| c.length) != Some(*length)) {
            let names: Vec<&str> = known.iter().map(|b| b.name()).collect();
            warnings.push(WarningSummary {
                kind: "contig length".into(),
                count: 1,
                first: format!("##contig {name} has length {length}, which matches no {} contig of that name", names.join(" or ")),
            });
        }
    }
    (build, warnings)
}
