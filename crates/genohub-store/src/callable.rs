//! Per-sample callable intervals of one contig bin from one batch (from gVCF reference blocks).
//! Stored as (column, start, end) triples, sorted and merged per column, varint deltas, zstd.

use crate::varint::{self, Cursor};
use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub column: u32,
    pub start: u64,
    pub end: u64,
}

/// Sorts and merges overlapping or adjacent intervals of the same column.
pub fn normalize(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.sort_unstable();
    let mut out: Vec<Interval> = Vec::with_capacity(intervals.len());
    for iv in intervals {
        match out.last_mut() {
            Some(last) if last.column == iv.column && iv.start <= last.end + 1 => last.end = last.end.max(iv.end),
            _ => out.push(iv),
        }
    }
    out
}

pub fn encode(intervals: &[Interval]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(intervals.len() * 6);
    varint::put(&mut raw, intervals.len() as u64);
    let mut prev_col = 0u32;
    let mut prev_start = 0u64;
    for iv in intervals {
        if iv.column != prev_col {
            prev_start = 0;
        }
        varint::put(&mut raw, (iv.column - prev_col) as u64);
        varint::put(&mut raw, iv.start - prev_start);
        varint::put(&mut raw, iv.end - iv.start);
        prev_col = iv.column;
        prev_start = iv.start;
    }
    let mut out = Vec::with_capacity(raw.len() / 2 + 8);
    varint::put(&mut out, raw.len() as u64);
    out.extend_from_slice(&zstd::bulk::compress(&raw, 3).expect("zstd compression of memory cannot fail"));
    out
}

pub fn decode(bytes: &[u8]) -> Result<Vec<Interval>, StoreError> {
    let bad = || StoreError::Corrupt("callable interval block".into());
    let mut c = Cursor::new(bytes);
    let raw_len = c.varint().ok_or_else(bad)? as usize;
    if raw_len > 1 << 30 {
        return Err(bad());
    }
    let raw = zstd::bulk::decompress(c.rest(), raw_len).map_err(|_| bad())?;
    let mut r = Cursor::new(&raw);
    let n = r.varint().ok_or_else(bad)? as usize;
    let mut out = Vec::with_capacity(n.min(1 << 20));
    let (mut col, mut start) = (0u32, 0u64);
    for _ in 0..n {
        let dc = r.varint().ok_or_else(bad)? as u32;
        if dc != 0 {
            start = 0;
        }
        col += dc;
        start += r.varint().ok_or_else(bad)?;
        let len = r.varint().ok_or_else(bad)?;
        out.push(Interval { column: col, start, end: start + len });
    }
    Ok(out)
}

/// Whether `column` is callable at `pos` (intervals sorted by column then start).
pub fn covers(intervals: &[Interval], column: u32, pos: u64) -> bool {
    let i = intervals.partition_point(|iv| (iv.column, iv.start) <= (column, pos));
    i > 0 && intervals[i - 1].column == column && intervals[i - 1].end >= pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_round_trip_and_cover() {
        let ivs = normalize(vec![
            Interval { column: 1, start: 10, end: 20 },
            Interval { column: 0, start: 5, end: 9 },
            Interval { column: 1, start: 21, end: 30 },
            Interval { column: 0, start: 100, end: 100 },
        ]);
        assert_eq!(ivs.len(), 3);
        let back = decode(&encode(&ivs)).unwrap();
        assert_eq!(back, ivs);
        assert!(covers(&back, 1, 25));
        assert!(!covers(&back, 1, 31));
        assert!(covers(&back, 0, 100));
        assert!(!covers(&back, 0, 50));
        assert!(!covers(&back, 2, 10));
    }
}
