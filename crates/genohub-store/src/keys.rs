//! Key encodings, all in one module. Big-endian integers so byte order is genomic order.
//!
//! Block keys are `contig(4) | bin(4) | batch(4) | seq(4)`: a region is one range scan, and a
//! store can later be partitioned across machines by any prefix (contig, contig × bin range)
//! or by batch, since the batch id is part of every key.

/// Genomic bin width: 2^16 bases.
pub const BIN_SHIFT: u32 = 16;

pub type ContigId = u32;
pub type BatchId = u32;
pub type SampleId = u32;

pub fn bin_of(pos: u64) -> u32 {
    (pos >> BIN_SHIFT) as u32
}

pub fn bin_start(bin: u32) -> u64 {
    (bin as u64) << BIN_SHIFT
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockKey {
    pub contig: ContigId,
    pub bin: u32,
    pub batch: BatchId,
    pub seq: u32,
}

impl BlockKey {
    pub fn encode(&self) -> [u8; 16] {
        let mut k = [0u8; 16];
        k[0..4].copy_from_slice(&self.contig.to_be_bytes());
        k[4..8].copy_from_slice(&self.bin.to_be_bytes());
        k[8..12].copy_from_slice(&self.batch.to_be_bytes());
        k[12..16].copy_from_slice(&self.seq.to_be_bytes());
        k
    }

    pub fn decode(k: &[u8]) -> Option<BlockKey> {
        if k.len() != 16 {
            return None;
        }
        let u = |i: usize| u32::from_be_bytes(k[i..i + 4].try_into().unwrap());
        Some(BlockKey { contig: u(0), bin: u(4), batch: u(8), seq: u(12) })
    }

    /// First key of `bin` on `contig`, for range scans.
    pub fn bin_floor(contig: ContigId, bin: u32) -> [u8; 16] {
        BlockKey { contig, bin, batch: 0, seq: 0 }.encode()
    }
}

pub fn u32_key(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

pub fn decode_u32(k: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(k.try_into().ok()?))
}

/// `batch | cf tag | key` in [`crate::cf::BATCH_KEYS`].
pub fn batch_key(batch: BatchId, tag: u8, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(5 + key.len());
    k.extend_from_slice(&batch.to_be_bytes());
    k.push(tag);
    k.extend_from_slice(key);
    k
}

/// (center, name) with a separator that cannot occur in either (checked at ingest).
pub fn sample_name_key(center: &str, name: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(center.len() + name.len() + 1);
    k.extend_from_slice(center.as_bytes());
    k.push(0);
    k.extend_from_slice(name.as_bytes());
    k
}

pub fn contig_name_key(name: &str) -> Vec<u8> {
    let mut k = vec![b'n'];
    k.extend_from_slice(name.as_bytes());
    k
}

pub fn contig_id_key(id: ContigId) -> [u8; 5] {
    let mut k = [b'i', 0, 0, 0, 0];
    k[1..].copy_from_slice(&id.to_be_bytes());
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_keys_sort_by_contig_then_bin_then_batch() {
        let a = BlockKey { contig: 1, bin: 2, batch: 9, seq: 0 }.encode();
        let b = BlockKey { contig: 1, bin: 3, batch: 0, seq: 0 }.encode();
        let c = BlockKey { contig: 2, bin: 0, batch: 0, seq: 0 }.encode();
        assert!(a < b && b < c);
        assert_eq!(BlockKey::decode(&a), Some(BlockKey { contig: 1, bin: 2, batch: 9, seq: 0 }));
    }

    #[test]
    fn bins_are_64kb() {
        assert_eq!(bin_of(65_535), 0);
        assert_eq!(bin_of(65_536), 1);
        assert_eq!(bin_start(2), 131_072);
    }
}

/// Key in [`crate::cf::SNAPSHOTS`] of the whole sample registry in one value. Every write that
/// touches [`crate::cf::SAMPLES`] deletes it in the same atomic batch (`Engine::write`), so
/// when present it is exactly the registry; a read-write open writes it again.
pub const SAMPLE_REGISTRY: &[u8] = b"sample_registry";
