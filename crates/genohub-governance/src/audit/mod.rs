//! The audit log: append-only, hash-chained, with Ed25519-signed heads and checkpoints.
//!
//! Layout in the `audit` column family: `e` + seq (u64 BE) → entry JSON (the exact bytes the
//! chain hashes); `h` → the signed head (last seq and its hash); `c` + seq → a signed
//! checkpoint, kept every [`CHECKPOINT_EVERY`] entries. Each entry carries the SHA-256 of the
//! previous entry's bytes, so changing, removing, inserting or reordering any entry breaks the
//! chain at a place [`verify`] names; the signed head catches changes to the last entries and
//! truncation, and cannot be forged without the hub key.

mod entry;
mod group_sync;
mod log;
mod verify;

pub use entry::{AuditEntry, AuditFilter, Checkpoint, Decision};
pub use log::{AuditLog, CHECKPOINT_EVERY};
pub use verify::{verify, Problem, ProblemKind, VerifyReport};

pub(crate) const ENTRY: u8 = b'e';
pub(crate) const HEAD: &[u8] = b"h";
pub(crate) const CHECKPOINT: u8 = b'c';

pub(crate) fn entry_key(seq: u64) -> Vec<u8> {
    let mut k = vec![ENTRY];
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

pub(crate) fn checkpoint_key(seq: u64) -> Vec<u8> {
    let mut k = vec![CHECKPOINT];
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// The hash an entry with seq 1 links to.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
