//! One pass over a BAM/CRAM file: decode, count depth and QC, finish bins on a second thread
//! and hand them to a sink (the store), while the raw bytes are hashed and copied.
//!
//! Threads: BGZF blocks are inflated by noodles' multithreaded reader (`threads` workers); the
//! calling thread decodes records and updates the difference array; one more thread turns
//! finished bins into runs, encodes them and calls the sink.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::num::NonZero;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use noodles::bam;
use noodles::bgzf;
use noodles::core::Position;
use noodles::cram;
use noodles::csi::binning_index::index::reference_sequence::bin::Chunk;
use noodles::fasta;
use noodles::sam;

use genohub_reference::ReferenceFasta;

use crate::alignment::Alignment;
use crate::bam_raw::{self, RawRecord};
use crate::bins::{BinFinisher, DepthStats};
use crate::depth::{DepthCounter, RawBin};
use crate::header::ReadsHeader;
use crate::qc::{QcCounter, ReadQc};
use crate::tee::TeeReader;
use crate::{cigar, rle, ReadsError};

const BGZF_EOF: [u8; 28] = [0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, b'B', b'C', 2, 0, 0x1b, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReadsKind {
    Bam,
    Cram,
}

impl ReadsKind {
    pub fn extension(self) -> &'static str {
        match self {
            ReadsKind::Bam => "bam",
            ReadsKind::Cram => "cram",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// BGZF inflating workers.
    pub threads: usize,
    /// Reads with a lower MAPQ are not counted in depth (mosdepth `-Q`).
    pub min_mapq: u8,
    /// Depth at which a base is callable.
    pub min_depth: u32,
    /// FASTA the reads were aligned to: required for CRAM; for BAM, checks contig names and
    /// lengths.
    pub reference: Option<PathBuf>,
    /// Sample name, when `@RG SM` is absent (or to rename).
    pub sample: Option<String>,
    /// Copy the file's bytes here while reading.
    pub copy_to: Option<PathBuf>,
    /// Build an index during (BAM) or after (CRAM) the pass and write it here.
    pub index_to: Option<PathBuf>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { threads: 2, min_mapq: 0, min_depth: 10, reference: None, sample: None, copy_to: None, index_to: None }
    }
}

/// A finished bin, encoded for storage.
#[derive(Debug, Clone)]
pub struct FinishedBin {
    /// Index of the contig in the header.
    pub contig: usize,
    pub bin: u32,
    pub runs: usize,
    /// [`crate::rle::encode`]d runs.
    pub encoded: Vec<u8>,
    /// 1-based inclusive intervals with depth ≥ min_depth.
    pub callable: Vec<(u64, u64)>,
}

#[derive(Debug, Clone)]
pub struct ScanOutcome {
    pub kind: ReadsKind,
    pub header: ReadsHeader,
    pub sample: String,
    pub qc: ReadQc,
    pub sha256: String,
    pub file_bytes: u64,
    pub records: u64,
    pub stored_bins: u64,
    pub runs: u64,
    /// Where an index was written (when `index_to` was given).
    pub index: Option<PathBuf>,
}

enum Source {
    Bam(Box<bgzf::io::MultithreadedReader<TeeReader>>),
    Cram { reader: Box<cram::io::Reader<BufReader<TeeReader>>>, header: Box<sam::Header> },
}

/// An opened alignment file: header read and checked, records not yet.
pub struct ReadsScan {
    path: PathBuf,
    kind: ReadsKind,
    header: ReadsHeader,
    sample: String,
    opts: ScanOptions,
    source: Source,
    bytes: Arc<AtomicU64>,
}

/// BAM or CRAM, from the first bytes; None for anything else.
pub fn sniff(path: &Path) -> Result<Option<ReadsKind>, ReadsError> {
    let mut f = File::open(path).map_err(|e| ReadsError::io(path, e))?;
    let mut head = [0u8; 4];
    let n = f.read(&mut head).map_err(|e| ReadsError::io(path, e))?;
    if n == 4 && &head == b"CRAM" {
        return Ok(Some(ReadsKind::Cram));
    }
    if n >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        f.seek(SeekFrom::Start(0)).map_err(|e| ReadsError::io(path, e))?;
        let mut r = bgzf::io::Reader::new(f);
        let mut magic = [0u8; 4];
        if r.read_exact(&mut magic).is_ok() && &magic == b"BAM\x01" {
            return Ok(Some(ReadsKind::Bam));
        }
    }
    Ok(None)
}

fn check_bgzf_eof(path: &Path) -> Result<(), ReadsError> {
    let mut f = File::open(path).map_err(|e| ReadsError::io(path, e))?;
    let len = f.metadata().map_err(|e| ReadsError::io(path, e))?.len();
    let mut tail = [0u8; 28];
    if len >= 28 {
        f.seek(SeekFrom::End(-28)).map_err(|e| ReadsError::io(path, e))?;
        f.read_exact(&mut tail).map_err(|e| ReadsError::io(path, e))?;
    }
    if tail != BGZF_EOF {
        return Err(ReadsError::file(path, "no BGZF end-of-file block: the file is truncated (or still being written)"));
    }
    Ok(())
}

/// Checks the header's contigs against the reference: present, same length, and (for CRAM,
/// whose bases are stored as differences from it) the same MD5 as `@SQ M5`.
fn check_reference(path: &Path, header: &ReadsHeader, fasta_path: &Path, check_md5: bool) -> Result<(), ReadsError> {
    let fasta = ReferenceFasta::open(fasta_path).map_err(|e| ReadsError::file(path, format!("reference {}: {e}", fasta_path.display())))?;
    for c in &header.contigs {
        let Some(len) = fasta.contig_length(&c.name) else {
            return Err(ReadsError::file(path, format!("@SQ {} is not in the reference {}", c.name, fasta_path.display())));
        };
        if len != c.length {
            return Err(ReadsError::file(path, format!("@SQ {} has length {} but the reference {} has {len}", c.name, c.length, fasta_path.display())));
        }
        if let (true, Some(m5)) = (check_md5, &c.md5) {
            let actual = fasta.contig_md5(&c.name).map_err(|e| ReadsError::file(path, format!("reference {}: {e}", fasta_path.display())))?;
            if actual != *m5 {
                return Err(ReadsError::file(
                    path,
                    format!(
                        "@SQ {} has M5:{m5} but {} in the reference {} has MD5 {actual}: not the reference this CRAM was written against",
                        c.name,
                        c.name,
                        fasta_path.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn cram_repository(path: &Path, fasta_path: &Path) -> Result<fasta::Repository, ReadsError> {
    let err = |e: std::io::Error| ReadsError::file(path, format!("reference {}: {e}", fasta_path.display()));
    let mut fai = fasta_path.as_os_str().to_owned();
    fai.push(".fai");
    let builder = fasta::io::indexed_reader::Builder::default();
    let builder = if Path::new(&fai).exists() { builder } else { builder.set_index(fasta::fs::index(fasta_path).map_err(err)?) };
    let reader = builder.build_from_path(fasta_path).map_err(err)?;
    Ok(fasta::Repository::new(fasta::repository::adapters::IndexedReader::new(reader)))
}

impl ReadsScan {
    /// Opens a BAM or CRAM file and reads its header; nothing is counted yet.
    pub fn open(path: &Path, opts: ScanOptions) -> Result<ReadsScan, ReadsError> {
        let kind = sniff(path)?.ok_or_else(|| ReadsError::file(path, "not a BAM or CRAM file (content not recognised)"))?;
        if kind == ReadsKind::Bam {
            check_bgzf_eof(path)?;
        }
        if kind == ReadsKind::Cram && opts.reference.is_none() {
            return Err(ReadsError::file(path, "a CRAM file can only be decoded with the reference it was written against: pass --reference FASTA"));
        }
        let file = File::open(path).map_err(|e| ReadsError::io(path, e))?;
        let copy = match &opts.copy_to {
            Some(p) => Some(File::create(p).map_err(|e| ReadsError::io(p, e))?),
            None => None,
        };
        let tee = TeeReader::new(file, copy);
        let bytes = tee.counter();
        let (source, sam_header) = match kind {
            ReadsKind::Bam => {
                let workers = NonZero::new(opts.threads.max(1)).unwrap();
                let mut reader = bam::io::Reader::from(bgzf::io::MultithreadedReader::with_worker_count(workers, tee));
                let h = reader.read_header().map_err(|e| ReadsError::file(path, format!("BAM header: {e}")))?;
                (Source::Bam(Box::new(reader.into_inner())), h)
            }
            ReadsKind::Cram => {
                let fasta_path = opts.reference.as_deref().expect("checked above");
                let repo = cram_repository(path, fasta_path)?;
                let mut reader =
                    cram::io::reader::Builder::default().set_reference_sequence_repository(repo).build_from_reader(BufReader::with_capacity(1 << 20, tee));
                let h = reader.read_header().map_err(|e| ReadsError::file(path, format!("CRAM header: {e}")))?;
                (Source::Cram { reader: Box::new(reader), header: Box::new(h.clone()) }, h)
            }
        };
        let header = ReadsHeader::from_sam(&sam_header);
        header.check_sort_order(path)?;
        if header.contigs.is_empty() {
            return Err(ReadsError::file(path, "the header lists no reference sequences (@SQ): unaligned reads have no depth"));
        }
        if let Some(r) = &opts.reference {
            check_reference(path, &header, r, kind == ReadsKind::Cram)?;
        }
        let sample = header.sample_name(path, opts.sample.as_deref())?;
        Ok(ReadsScan { path: path.to_path_buf(), kind, header, sample, opts, source, bytes })
    }

    pub fn kind(&self) -> ReadsKind {
        self.kind
    }

    pub fn header(&self) -> &ReadsHeader {
        &self.header
    }

    pub fn sample(&self) -> &str {
        &self.sample
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Streams every record. `sink` gets each bin with coverage, in genomic order, on the
    /// finishing thread; `progress` gets (bytes read, records) now and then.
    pub fn run(
        self,
        sink: &mut (dyn FnMut(FinishedBin) -> Result<(), String> + Send),
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<ScanOutcome, ReadsError> {
        let ReadsScan { path, kind, header, sample, opts, source, bytes } = self;
        let lengths: Vec<u64> = header.contigs.iter().map(|c| c.length).collect();
        let min_depth = opts.min_depth.max(1);
        let stopped = AtomicBool::new(false);
        let (tx, rx) = crossbeam_channel::bounded::<RawBin>(32);
        let finisher_lengths = lengths.clone();
        let (decoded, finished) = std::thread::scope(|scope| {
            let stopped = &stopped;
            let finisher = scope.spawn(move || -> Result<(DepthStats, u64), String> {
                let mut f = BinFinisher::new(finisher_lengths);
                let mut stored = 0u64;
                for raw in rx {
                    if let Some(bin) = f.finish(raw) {
                        let out = FinishedBin {
                            contig: bin.contig,
                            bin: bin.bin,
                            runs: bin.runs.len(),
                            encoded: rle::encode(&bin.runs),
                            callable: bin.callable(min_depth),
                        };
                        if let Err(e) = sink(out) {
                            stopped.store(true, Ordering::Relaxed);
                            return Err(e);
                        }
                        stored += 1;
                    }
                }
                Ok((f.stats, stored))
            });
            let mut emit = |raw: RawBin| {
                if tx.send(raw).is_err() {
                    stopped.store(true, Ordering::Relaxed);
                }
            };
            let mut ctx = Decode {
                path: &path,
                header: &header,
                counter: DepthCounter::new(lengths, opts.min_mapq),
                qc: QcCounter::default(),
                order: Order::default(),
                records: 0,
            };
            let decoded = match source {
                Source::Bam(reader) => ctx.bam(*reader, opts.index_to.as_deref(), &mut emit, stopped, &bytes, progress),
                Source::Cram { reader, header: sam_header } => ctx.cram(*reader, &sam_header, &mut emit, stopped, &bytes, progress),
            };
            let decoded = decoded.map(|(tee, index)| {
                ctx.counter.finish(&mut emit);
                (tee, index, ctx.qc, ctx.records)
            });
            drop(tx);
            let finished = finisher.join().expect("finishing thread panicked");
            (decoded, finished)
        });
        let (stats, stored_bins) = finished.map_err(ReadsError::Sink)?;
        let (tee, mut index, qc, records) = decoded?;
        let (sha256, file_bytes) = tee.finish().map_err(|e| ReadsError::io(&path, e))?;
        if kind == ReadsKind::Cram {
            if let (Some(dst), Some(copy)) = (&opts.index_to, &opts.copy_to) {
                let crai = cram::fs::index(copy).map_err(|e| ReadsError::file(&path, format!("indexing: {e}")))?;
                cram::crai::fs::write(dst, &crai).map_err(|e| ReadsError::io(dst, e))?;
                index = Some(dst.clone());
            }
        }
        let runs = stats.runs;
        let qc = qc.finish(&header.contigs, stats, opts.min_mapq, min_depth);
        progress(file_bytes, records);
        Ok(ScanOutcome { kind, header, sample, qc, sha256, file_bytes, records, stored_bins, runs, index })
    }
}

/// Coordinate order, checked record by record.
#[derive(Default)]
struct Order {
    last: Option<(usize, i64)>,
    unplaced: bool,
}

struct Decode<'a> {
    path: &'a Path,
    header: &'a ReadsHeader,
    counter: DepthCounter,
    qc: QcCounter,
    order: Order,
    records: u64,
}

impl Decode<'_> {
    fn check_order(&mut self, a: &Alignment) -> Result<(), ReadsError> {
        let name = |t: usize| self.header.contigs[t].name.as_str();
        let Some(tid) = a.tid else {
            self.order.unplaced = true;
            return Ok(());
        };
        let unsorted =
            |what: String| ReadsError::record(self.path, self.records, "POS", format!("{what}: the file is not sorted by coordinate (samtools sort)"));
        if self.order.unplaced {
            return Err(unsorted(format!("a read placed on {} follows unplaced reads", name(tid))));
        }
        if let Some((lt, lp)) = self.order.last {
            if tid < lt || (tid == lt && a.pos < lp) {
                return Err(unsorted(format!("{}:{} comes after {}:{}", name(tid), a.pos + 1, name(lt), lp + 1)));
            }
        }
        self.order.last = Some((tid, a.pos));
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn bam(
        &mut self,
        mut reader: bgzf::io::MultithreadedReader<TeeReader>,
        index_to: Option<&Path>,
        emit: &mut impl FnMut(RawBin),
        stopped: &AtomicBool,
        bytes: &AtomicU64,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<(TeeReader, Option<PathBuf>), ReadsError> {
        let n_refs = self.header.contigs.len();
        let max_len = self.header.contigs.iter().map(|c| c.length).max().unwrap_or(1).max(1);
        let mut indexer = match index_to {
            Some(_) => Some(
                bam::index::Indexer::builder()
                    .set_max_position_hint(Position::new(max_len as usize).expect("non-zero"))
                    .build()
                    .map_err(|e| ReadsError::file(self.path, format!("index: {e}")))?,
            ),
            None => None,
        };
        let mut rec = RawRecord::default();
        loop {
            let start = reader.virtual_position();
            let more = bam_raw::read_record(&mut reader, &mut rec)
                .map_err(|e| ReadsError::record(self.path, self.records + 1, "record", format!("{e} (truncated or corrupt BGZF/BAM)")))?;
            if !more {
                break;
            }
            self.records += 1;
            let a = rec.decode(n_refs).map_err(|(field, m)| ReadsError::record(self.path, self.records, field, m))?;
            self.check_order(&a)?;
            self.qc.push(&a);
            self.counter.push(&a, emit);
            if let Some(ix) = &mut indexer {
                let context = match (a.tid, a.pos >= 0) {
                    (Some(t), true) => {
                        let s = Position::new(a.pos as usize + 1).expect("1-based");
                        let e = Position::new(cigar::end_position(a.pos, a.cigar) as usize).expect("1-based");
                        Some((t, s, e, a.flags & crate::alignment::FLAG_UNMAPPED == 0))
                    }
                    _ => None,
                };
                ix.add_record(context, Chunk::new(start, reader.virtual_position()))
                    .map_err(|e| ReadsError::record(self.path, self.records, "index", e.to_string()))?;
            }
            if self.records & 0xffff == 0 {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                progress(bytes.load(Ordering::Relaxed), self.records);
            }
        }
        let tee = reader.finish().map_err(|e| ReadsError::io(self.path, e))?;
        let mut written = None;
        if let (Some(ix), Some(dst)) = (indexer, index_to) {
            match ix.build(n_refs) {
                bam::Index::Bai(i) => bam::bai::fs::write(dst, &i).map_err(|e| ReadsError::io(dst, e))?,
                bam::Index::Csi(i) => noodles::csi::fs::write(dst, &i).map_err(|e| ReadsError::io(dst, e))?,
            }
            written = Some(dst.to_path_buf());
        }
        Ok((tee, written))
    }

    fn cram(
        &mut self,
        mut reader: cram::io::Reader<BufReader<TeeReader>>,
        sam_header: &sam::Header,
        emit: &mut impl FnMut(RawBin),
        stopped: &AtomicBool,
        bytes: &AtomicU64,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<(TeeReader, Option<PathBuf>), ReadsError> {
        use sam::alignment::record::cigar::op::Kind;
        let mut ops: Vec<u32> = Vec::new();
        for result in reader.records(sam_header) {
            let r = result.map_err(|e| {
                ReadsError::record(self.path, self.records + 1, "record", format!("{e} (corrupt CRAM, or not the reference it was written against?)"))
            })?;
            self.records += 1;
            ops.clear();
            ops.extend(r.cigar().as_ref().iter().map(|op| {
                let code = match op.kind() {
                    Kind::Match => cigar::MATCH,
                    Kind::Insertion => cigar::INSERTION,
                    Kind::Deletion => cigar::DELETION,
                    Kind::Skip => cigar::SKIP,
                    Kind::SoftClip => cigar::SOFT_CLIP,
                    Kind::HardClip => cigar::HARD_CLIP,
                    Kind::Pad => cigar::PAD,
                    Kind::SequenceMatch => cigar::SEQ_MATCH,
                    Kind::SequenceMismatch => cigar::SEQ_MISMATCH,
                };
                cigar::pack(code, op.len() as u32)
            }));
            let name: &[u8] = r.name().map(|n| n.as_ref()).unwrap_or(b"");
            let a = Alignment {
                tid: r.reference_sequence_id(),
                pos: r.alignment_start().map(|p| p.get() as i64 - 1).unwrap_or(-1),
                flags: u16::from(r.flags()),
                mapq: r.mapping_quality().map(u8::from).unwrap_or(255),
                mate_tid: r.mate_reference_sequence_id(),
                mate_pos: r.mate_alignment_start().map(|p| p.get() as i64 - 1).unwrap_or(-1),
                tlen: r.template_length(),
                name,
                cigar: &ops,
            };
            self.check_order(&a)?;
            self.qc.push(&a);
            self.counter.push(&a, emit);
            if self.records & 0xffff == 0 {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                progress(bytes.load(Ordering::Relaxed), self.records);
            }
        }
        let tee = reader.into_inner().into_inner();
        Ok((tee, None))
    }
}
