//! Streams any variant file as chunks of VCF text lines, with line (or BCF record) numbers,
//! so chunks can be parsed in parallel. Memory is bounded by the chunk size.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::num::NonZero;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use noodles::bcf;
use noodles::vcf;
use noodles::vcf::variant::io::Write as _;

use crate::detect::{detect_path, FileKind};
use crate::header::HeaderInfo;
use crate::{FormatError, Location};

/// Data lines `first_line..first_line + n`, newline-separated.
#[derive(Debug, Default)]
pub struct Chunk {
    pub first_line: u64,
    pub data: Vec<u8>,
}

pub struct VariantReader {
    path: PathBuf,
    kind: FileKind,
    header_text: String,
    header: HeaderInfo,
    source: Source,
    next_line: u64,
    bytes_read: Arc<AtomicU64>,
}

enum Source {
    Text(Box<dyn BufRead + Send>),
    Bcf { reader: Box<bcf::io::Reader<Box<dyn BufRead + Send>>>, header: Box<vcf::Header>, record: bcf::Record },
}

/// Counts compressed bytes consumed, for progress and throughput.
struct CountingRead<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl VariantReader {
    /// Opens a VCF (plain or bgzip) or BCF file, detected from its content, and reads its header.
    /// `threads` BGZF workers decompress in parallel.
    pub fn open(path: &Path, threads: usize) -> Result<VariantReader, FormatError> {
        let kind = detect_path(path)?;
        let file = File::open(path).map_err(|e| FormatError::io(path, e))?;
        let bytes_read = Arc::new(AtomicU64::new(0));
        let counted = CountingRead { inner: file, count: bytes_read.clone() };
        let workers = NonZero::new(threads.max(1)).unwrap();
        let bgzf = |counted| -> Box<dyn BufRead + Send> { Box::new(noodles::bgzf::io::MultithreadedReader::with_worker_count(workers, counted)) };
        let location = Location { file: path.to_path_buf(), line: 0, is_bcf_record: false };
        match kind {
            FileKind::Vcf | FileKind::VcfBgzf => {
                let mut input: Box<dyn BufRead + Send> =
                    if kind == FileKind::Vcf { Box::new(BufReader::with_capacity(1 << 20, counted)) } else { bgzf(counted) };
                let (header_text, lines) = read_text_header(&mut input, path)?;
                let header = HeaderInfo::parse(&header_text, &location)?;
                Ok(VariantReader { path: path.into(), kind, header_text, header, source: Source::Text(input), next_line: lines + 1, bytes_read })
            }
            FileKind::Bcf | FileKind::BcfUncompressed => {
                let input: Box<dyn BufRead + Send> = if kind == FileKind::Bcf { bgzf(counted) } else { Box::new(BufReader::with_capacity(1 << 20, counted)) };
                let mut reader = bcf::io::Reader::from(input);
                let vcf_header = reader.read_header().map_err(|e| FormatError::file(path, format!("BCF header: {e}")))?;
                let mut writer = vcf::io::Writer::new(Vec::new());
                writer.write_header(&vcf_header).map_err(|e| FormatError::file(path, format!("BCF header: {e}")))?;
                let header_text = String::from_utf8_lossy(&writer.into_inner()).into_owned();
                let header = HeaderInfo::parse(&header_text, &location)?;
                let source = Source::Bcf { reader: Box::new(reader), header: Box::new(vcf_header), record: bcf::Record::default() };
                Ok(VariantReader { path: path.into(), kind, header_text, header, source, next_line: 1, bytes_read })
            }
            FileKind::PlainGzip => Err(FormatError::file(path, "gzip-compressed but not BGZF; recompress with `bgzip` so it can be read in parallel")),
            FileKind::Bam | FileKind::Cram => Err(FormatError::file(path, format!("{kind:?} read alignments are not variant calls"))),
            FileKind::Unknown => Err(FormatError::file(path, "not a VCF, BGZF VCF or BCF file (content not recognised)")),
        }
    }

    pub fn kind(&self) -> FileKind {
        self.kind
    }

    pub fn header(&self) -> &HeaderInfo {
        &self.header
    }

    pub fn header_text(&self) -> &str {
        &self.header_text
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_bcf(&self) -> bool {
        matches!(self.source, Source::Bcf { .. })
    }

    /// Shared counter of file bytes consumed so far (compressed), for progress bars.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        self.bytes_read.clone()
    }

    /// Next chunk of at least `target_bytes` of text (or what is left), or None at the end.
    pub fn next_chunk(&mut self, target_bytes: usize) -> Result<Option<Chunk>, FormatError> {
        let mut chunk = Chunk { first_line: self.next_line, data: Vec::with_capacity(target_bytes + (target_bytes >> 3)) };
        let path = &self.path;
        match &mut self.source {
            Source::Text(input) => {
                while chunk.data.len() < target_bytes {
                    let before = chunk.data.len();
                    let n = input.read_until(b'\n', &mut chunk.data).map_err(|e| read_error(path, self.next_line, e))?;
                    if n == 0 {
                        break;
                    }
                    if chunk.data[before] == b'#' {
                        return Err(FormatError::invalid(
                            Location { file: path.clone(), line: self.next_line, is_bcf_record: false },
                            "line",
                            "header line after the #CHROM line",
                        ));
                    }
                    if chunk.data.last() != Some(&b'\n') {
                        chunk.data.push(b'\n');
                    }
                    self.next_line += 1;
                }
            }
            Source::Bcf { reader, header, record } => {
                let mut writer = vcf::io::Writer::new(std::mem::take(&mut chunk.data));
                while writer.get_ref().len() < target_bytes {
                    let n = reader.read_record(record).map_err(|e| bcf_error(path, self.next_line, e))?;
                    if n == 0 {
                        break;
                    }
                    writer.write_variant_record(header, record).map_err(|e| bcf_error(path, self.next_line, e))?;
                    self.next_line += 1;
                }
                chunk.data = writer.into_inner();
            }
        }
        Ok(if chunk.data.is_empty() { None } else { Some(chunk) })
    }
}

fn read_error(path: &Path, line: u64, e: std::io::Error) -> FormatError {
    FormatError::file(path, format!("reading near line {line}: {e} (truncated or corrupt file?)"))
}

fn bcf_error(path: &Path, record: u64, e: std::io::Error) -> FormatError {
    FormatError::invalid(Location { file: path.to_path_buf(), line: record, is_bcf_record: true }, "record", format!("{e} (truncated or corrupt BCF?)"))
}

/// Reads `##` lines and the `#CHROM` line; returns the text and the number of lines read.
fn read_text_header(input: &mut Box<dyn BufRead + Send>, path: &Path) -> Result<(String, u64), FormatError> {
    let mut text = Vec::new();
    let mut lines = 0;
    loop {
        let buf = input.fill_buf().map_err(|e| read_error(path, lines + 1, e))?;
        if buf.is_empty() || buf[0] != b'#' {
            break;
        }
        let n = input.read_until(b'\n', &mut text).map_err(|e| read_error(path, lines + 1, e))?;
        if n == 0 {
            break;
        }
        lines += 1;
    }
    let text = String::from_utf8(text).map_err(|_| FormatError::file(path, "header is not valid UTF-8"))?;
    Ok((text, lines))
}
