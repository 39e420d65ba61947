//! The input file read exactly once: every byte the decoder pulls is also hashed (SHA-256,
//! the content address) and, when asked, written to the store's copy of the file.
//!
//! The copy must be on disk before the ingest commits. Writing and flushing it on the reading
//! thread stalls the decoder (measured: +0.3 s on a 1 s pass of 108 MB), so a writer thread
//! takes the bytes, starts their writeback as it goes (`sync_file_range` on Linux) and makes the
//! file durable at the end; the pass then waits only for the tail.

use std::fs::File;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sha2::{Digest, Sha256};

/// Bytes handed to the writer thread at a time, and how many such pieces may wait.
const PIECE: usize = 4 << 20;
const QUEUED: usize = 8;

/// The writer thread and the piece being filled.
struct Copy {
    piece: Vec<u8>,
    tx: Option<crossbeam_channel::Sender<Vec<u8>>>,
    writer: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl Copy {
    fn new(mut file: File) -> Copy {
        let (tx, rx) = crossbeam_channel::bounded::<Vec<u8>>(QUEUED);
        let writer = std::thread::spawn(move || -> io::Result<()> {
            let mut written = 0u64;
            for piece in rx {
                file.write_all(&piece)?;
                start_writeback(&file, written, piece.len() as u64);
                written += piece.len() as u64;
            }
            file.sync_data()
        });
        Copy { piece: Vec::with_capacity(PIECE), tx: Some(tx), writer: Some(writer) }
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.piece.extend_from_slice(bytes);
        if self.piece.len() >= PIECE {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> io::Result<()> {
        let piece = std::mem::replace(&mut self.piece, Vec::with_capacity(PIECE));
        let sent = self.tx.as_ref().map(|tx| tx.send(piece).is_ok()).unwrap_or(false);
        if !sent {
            // The writer stopped: report its error.
            return Err(self.join().err().unwrap_or_else(|| io::Error::other("the copy's writer stopped")));
        }
        Ok(())
    }

    fn join(&mut self) -> io::Result<()> {
        self.tx = None;
        match self.writer.take() {
            Some(h) => h.join().unwrap_or_else(|_| Err(io::Error::other("the copy's writer panicked"))),
            None => Ok(()),
        }
    }

    /// Everything written and durable.
    fn finish(mut self) -> io::Result<()> {
        if !self.piece.is_empty() {
            self.send()?;
        }
        self.join()
    }
}

#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    // SAFETY: a valid open descriptor and a range of it; the call only schedules I/O. Failure
    // is harmless (the final fdatasync still writes everything), so its result is ignored.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset as libc::off64_t, len as libc::off64_t, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _offset: u64, _len: u64) {}

pub struct TeeReader {
    inner: File,
    hasher: Sha256,
    copy: Option<Copy>,
    bytes: Arc<AtomicU64>,
}

impl TeeReader {
    pub fn new(inner: File, copy: Option<File>) -> Self {
        TeeReader { inner, hasher: Sha256::new(), copy: copy.map(Copy::new), bytes: Arc::new(AtomicU64::new(0)) }
    }

    /// Bytes consumed so far, readable from another thread (progress).
    pub fn counter(&self) -> Arc<AtomicU64> {
        self.bytes.clone()
    }

    /// Reads what the decoder left (e.g. the end-of-file block), makes the copy durable and
    /// returns (SHA-256 hex, bytes).
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        if let Some(c) = self.copy.take() {
            c.finish()?;
        }
        Ok((hex::encode(self.hasher.finalize()), self.bytes.load(Ordering::Relaxed)))
    }
}

impl Read for TeeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        if let Some(c) = &mut self.copy {
            c.write(&buf[..n])?;
        }
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
