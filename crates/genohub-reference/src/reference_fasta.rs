use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use md5::{Digest, Md5};
use noodles::{bgzf, fasta};

use crate::compression::Compression;
use crate::fasta_source::FastaSource;
use crate::fasta_state::FastaState;
use crate::indexed_contig::IndexedContig;
use crate::sequence_window::SequenceWindow;
use crate::RefError;

/// Bases cached ahead of a fetch that misses the window. Sorted VCF streams then hit the cache
/// for hundreds of records in a row.
const WINDOW_AHEAD: u64 = 256 * 1024;
/// Bases cached before a missed fetch, so the leftward padding done while left-aligning an
/// indel (100 bases at a time) does not reload the window.
const WINDOW_BEHIND: u64 = 8 * 1024;
/// Chunk size for whole-contig hashing; keeps memory bounded for 250 Mb chromosomes.
const MD5_CHUNK: u64 = 4 * 1024 * 1024;

/// Random access to an indexed FASTA, plain or bgzip-compressed.
///
/// A plain FASTA uses `<path>.fai` or, if absent, an index built in memory by scanning the file
/// once. A bgzip-compressed FASTA needs `<path>.fai` and `<path>.gzi` (`samtools faidx` writes
/// both). Only one window of about 264 kb is cached (per `ReferenceFasta`), so memory stays
/// bounded whatever the genome size. `fetch` takes `&self` and is safe to call from several
/// threads: the reader and cache sit behind a mutex, so calls are serialised; give each worker
/// its own `ReferenceFasta` when fetches dominate.
pub struct ReferenceFasta {
    path: PathBuf,
    contigs: Vec<IndexedContig>,
    by_name: HashMap<String, usize>,
    state: Mutex<FastaState>,
}

impl ReferenceFasta {
    pub fn open(path: impl AsRef<Path>) -> Result<ReferenceFasta, RefError> {
        let path = path.as_ref().to_path_buf();
        let mut file = File::open(&path).map_err(|source| io_error(&path, source))?;
        let compression = Compression::sniff(&mut file).map_err(|source| io_error(&path, source))?;
        let fai_path = sibling(&path, "fai");
        let (index, source) = match compression {
            Compression::OtherGzip => return Err(RefError::NotBgzf { path }),
            Compression::None => {
                let index = if fai_path.exists() {
                    read_fai(&fai_path)?
                } else {
                    // No .fai: index in memory (one sequential pass) rather than writing next to
                    // a file we may not own.
                    fasta::fs::index(&path).map_err(|e| invalid_index(&path, e))?
                };
                (index, FastaSource::Plain(file))
            }
            Compression::Bgzf => {
                if !fai_path.exists() {
                    return Err(RefError::MissingIndex { fasta: path, missing: fai_path });
                }
                let gzi_path = sibling(&path, "gzi");
                if !gzi_path.exists() {
                    return Err(RefError::MissingIndex { fasta: path, missing: gzi_path });
                }
                let index = read_fai(&fai_path)?;
                let gzi = bgzf::gzi::fs::read(&gzi_path).map_err(|e| invalid_index(&gzi_path, e))?;
                let reader = bgzf::io::IndexedReader::new(file, gzi);
                (index, FastaSource::Bgzf(reader))
            }
        };
        let contigs: Vec<IndexedContig> = index
            .as_ref()
            .iter()
            .map(|record| IndexedContig {
                name: String::from_utf8_lossy(record.name()).into_owned(),
                length: record.length(),
                offset: record.position(),
                line_bases: record.line_base_count().get(),
                line_width: record.line_width().get(),
            })
            .collect();
        let by_name = contigs.iter().enumerate().map(|(i, contig)| (contig.name.clone(), i)).collect();
        Ok(ReferenceFasta { path, contigs, by_name, state: Mutex::new(FastaState { source, window: None }) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `(name, length)` of every sequence, in file order.
    pub fn contigs(&self) -> Vec<(String, u64)> {
        self.contigs.iter().map(|contig| (contig.name.clone(), contig.length)).collect()
    }

    pub fn contig_length(&self, name: &str) -> Option<u64> {
        self.by_name.get(name).map(|&i| self.contigs[i].length)
    }

    /// Uppercase bases of `contig` from `start` to `end`, 1-based inclusive.
    pub fn fetch(&self, contig: &str, start: u64, end: u64) -> Result<Vec<u8>, RefError> {
        let index = self.contig_index(contig)?;
        let length = self.contigs[index].length;
        if start == 0 || start > end {
            return Err(RefError::InvalidRange { contig: contig.to_owned(), start, end });
        }
        if end > length {
            return Err(RefError::OutOfRange { contig: contig.to_owned(), start, end, length });
        }
        let (from, to) = (start - 1, end);
        let mut state = self.lock_state();
        let covered = state.window.as_ref().is_some_and(|window| window.covers(index, from, to));
        if !covered {
            let window_start = from.saturating_sub(WINDOW_BEHIND);
            let window_end = to.max(from + WINDOW_AHEAD).min(length);
            let bases = self.read_bases(&mut state.source, index, window_start, window_end)?;
            state.window = Some(SequenceWindow { contig: index, start: window_start, bases });
        }
        let window = state.window.as_ref().expect("window was just filled");
        Ok(window.slice(from, to).to_vec())
    }

    /// MD5 of a whole contig as in a `.dict` / `@SQ M5`, streamed in chunks (memory bounded).
    /// Compare it with [`crate::Contig::md5`] to check that a FASTA really is a given build.
    /// Holds the reader for the whole contig (seconds for a human chromosome), so other
    /// threads' fetches wait meanwhile.
    pub fn contig_md5(&self, contig: &str) -> Result<String, RefError> {
        let index = self.contig_index(contig)?;
        let length = self.contigs[index].length;
        let mut hasher = Md5::new();
        let mut state = self.lock_state();
        let mut from = 0;
        while from < length {
            let to = (from + MD5_CHUNK).min(length);
            // Bypasses the window on purpose: hashing must not evict the normaliser's cache.
            hasher.update(self.read_bases(&mut state.source, index, from, to)?);
            from = to;
        }
        Ok(hex::encode(hasher.finalize()))
    }

    fn contig_index(&self, contig: &str) -> Result<usize, RefError> {
        self.by_name.get(contig).copied().ok_or_else(|| RefError::UnknownContig { contig: contig.to_owned(), path: self.path.clone() })
    }

    fn lock_state(&self) -> MutexGuard<'_, FastaState> {
        // A panic in another thread cannot leave the state half-updated (the window is replaced
        // only after a successful read), so a poisoned lock is safe to reuse.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reads the 0-based half-open range `from..to` of contig `index`, uppercased, line breaks
    /// removed.
    fn read_bases(&self, source: &mut FastaSource, index: usize, from: u64, to: u64) -> Result<Vec<u8>, RefError> {
        if from >= to {
            return Ok(Vec::new());
        }
        let contig = &self.contigs[index];
        let byte_start = contig.byte_offset(from);
        let byte_end = contig.byte_offset(to - 1) + 1;
        let mut raw = vec![0; (byte_end - byte_start) as usize];
        source.read_exact_at(byte_start, &mut raw).map_err(|source| io_error(&self.path, source))?;
        raw.retain(|&b| b != b'\n' && b != b'\r');
        if raw.len() as u64 != to - from {
            return Err(RefError::InvalidIndex {
                path: self.path.clone(),
                reason: format!("the index does not match the file: read {} bases for {}:{}-{}", raw.len(), contig.name, from + 1, to),
            });
        }
        raw.make_ascii_uppercase();
        Ok(raw)
    }
}

fn read_fai(fai_path: &Path) -> Result<fasta::fai::Index, RefError> {
    fasta::fai::fs::read(fai_path).map_err(|e| invalid_index(fai_path, e))
}

/// `ref.fa` -> `ref.fa.fai`: index files are named by appending, not replacing, an extension.
fn sibling(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

fn io_error(path: &Path, source: io::Error) -> RefError {
    RefError::Io { path: path.to_path_buf(), source }
}

fn invalid_index(path: &Path, error: impl std::fmt::Display) -> RefError {
    RefError::InvalidIndex { path: path.to_path_buf(), reason: error.to_string() }
}
