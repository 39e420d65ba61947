//! Run-length depth of one bin, stored compactly: the run lengths and the depth changes are
//! written as two columns of varints (small numbers, repetitive patterns), then zstd.
//! At 30x a run is ~2.5 bases and costs about one byte stored.

use serde::{Deserialize, Serialize};

/// `len` consecutive bases at `depth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub len: u32,
    pub depth: u32,
}

const ZSTD_LEVEL: i32 = 3;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*at)?;
        *at += 1;
        if shift > 63 {
            return None;
        }
        v |= ((b & 0x7f) as u64) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

pub fn encode(runs: &[Run]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(runs.len() * 2 + 8);
    put_varint(&mut raw, runs.len() as u64);
    for r in runs {
        put_varint(&mut raw, r.len as u64);
    }
    let mut prev = 0i64;
    for r in runs {
        put_varint(&mut raw, zigzag(r.depth as i64 - prev));
        prev = r.depth as i64;
    }
    let mut out = Vec::with_capacity(raw.len() / 2 + 8);
    put_varint(&mut out, raw.len() as u64);
    out.extend_from_slice(&zstd::bulk::compress(&raw, ZSTD_LEVEL).expect("zstd compression of memory cannot fail"));
    out
}

pub fn decode(bytes: &[u8]) -> Option<Vec<Run>> {
    let mut at = 0;
    let raw_len = get_varint(bytes, &mut at)? as usize;
    if raw_len > 1 << 28 {
        return None;
    }
    let raw = zstd::bulk::decompress(&bytes[at..], raw_len).ok()?;
    let mut at = 0;
    let n = get_varint(&raw, &mut at)? as usize;
    if n > raw.len() {
        return None;
    }
    let mut runs = Vec::with_capacity(n);
    for _ in 0..n {
        runs.push(Run { len: get_varint(&raw, &mut at)? as u32, depth: 0 });
    }
    let mut prev = 0i64;
    for r in runs.iter_mut() {
        prev += unzigzag(get_varint(&raw, &mut at)?);
        r.depth = u32::try_from(prev).ok()?;
    }
    Some(runs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trip(runs in proptest::collection::vec((1u32..70_000, 0u32..100_000), 0..500)) {
            let runs: Vec<Run> = runs.into_iter().map(|(len, depth)| Run { len, depth }).collect();
            prop_assert_eq!(decode(&encode(&runs)), Some(runs));
        }
    }

    #[test]
    fn garbage_is_refused_not_panicking() {
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[5, 1, 2, 3]), None);
    }
}
