//! Keys of the reads column families.

use crate::keys::{BatchId, ContigId};

pub type ReadSampleId = u32;

pub fn name_key(center: &str, name: &str) -> Vec<u8> {
    let mut k = vec![b'n'];
    k.extend_from_slice(&crate::keys::sample_name_key(center, name));
    k
}

pub const NAME_PREFIX: &[u8] = b"n";
pub const RECORD_PREFIX: &[u8] = b"r";

pub fn record_key(id: ReadSampleId) -> [u8; 5] {
    let mut k = [b'r', 0, 0, 0, 0];
    k[1..].copy_from_slice(&id.to_be_bytes());
    k
}

pub fn depth_key(id: ReadSampleId, contig: ContigId, bin: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[0..4].copy_from_slice(&id.to_be_bytes());
    k[4..8].copy_from_slice(&contig.to_be_bytes());
    k[8..12].copy_from_slice(&bin.to_be_bytes());
    k
}

pub fn decode_depth_key(k: &[u8]) -> Option<(ReadSampleId, ContigId, u32)> {
    if k.len() != 12 {
        return None;
    }
    let u = |i: usize| u32::from_be_bytes(k[i..i + 4].try_into().unwrap());
    Some((u(0), u(4), u(8)))
}

pub fn callable_key(contig: ContigId, bin: u32, id: ReadSampleId) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[0..4].copy_from_slice(&contig.to_be_bytes());
    k[4..8].copy_from_slice(&bin.to_be_bytes());
    k[8..12].copy_from_slice(&id.to_be_bytes());
    k
}

pub fn decode_callable_key(k: &[u8]) -> Option<(ContigId, u32, ReadSampleId)> {
    decode_depth_key(k)
}

/// Where a read sample's callable intervals count: the batch and column of the same
/// (center, name) in the genotype store.
pub type Placement = (BatchId, u32);
