//! Per-sample callable intervals of one contig bin from one batch (from gVCF reference blocks).
//! Stored as (column, start, end) triples, sorted and merged per column, varint deltas, then the
//! indices of the haploid ones (a block written `0`, as a male's chrX outside the PARs), zstd.
//! Blocks written before ploidy was kept have no index list: all diploid, as they were read.

use crate::varint::{self, Cursor};
use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub column: u32,
    pub start: u64,
    pub end: u64,
    /// The sample's reference call there was haploid (`0`), so the callable rule makes it `0`.
    pub haploid: bool,
}

impl Interval {
    pub fn ploidy(&self) -> u8 {
        if self.haploid {
            1
        } else {
            2
        }
    }
}

/// Sorts and merges overlapping or adjacent intervals of the same column.
pub fn normalize(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.sort_unstable();
    let mut out: Vec<Interval> = Vec::with_capacity(intervals.len());
    for iv in intervals {
        match out.last_mut() {
            // Adjacent blocks of one ploidy join; overlapping blocks always do (diploid wins), so
            // a column's intervals stay disjoint for `covering`.
            Some(last) if last.column == iv.column && (iv.start <= last.end || (iv.start == last.end + 1 && iv.haploid == last.haploid)) => {
                last.end = last.end.max(iv.end);
                last.haploid &= iv.haploid;
            }
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
    let haploid: Vec<usize> = intervals.iter().enumerate().filter(|(_, iv)| iv.haploid).map(|(i, _)| i).collect();
    if !haploid.is_empty() {
        varint::put(&mut raw, haploid.len() as u64);
        let mut prev = 0;
        for i in haploid {
            varint::put(&mut raw, (i - prev) as u64);
            prev = i;
        }
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
        out.push(Interval { column: col, start, end: start + len, haploid: false });
    }
    if let Some(m) = r.varint() {
        let mut i = 0usize;
        for _ in 0..m {
            i += r.varint().ok_or_else(bad)? as usize;
            out.get_mut(i).ok_or_else(bad)?.haploid = true;
        }
    }
    Ok(out)
}

/// Whether `column` is callable at `pos` (intervals sorted by column then start).
pub fn covers(intervals: &[Interval], column: u32, pos: u64) -> bool {
    covering(intervals, column, pos).is_some()
}

/// The interval making `column` callable at `pos`, if any (its ploidy is the call's).
pub fn covering(intervals: &[Interval], column: u32, pos: u64) -> Option<&Interval> {
    let i = intervals.partition_point(|iv| (iv.column, iv.start) <= (column, pos));
    (i > 0 && intervals[i - 1].column == column && intervals[i - 1].end >= pos).then(|| &intervals[i - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_round_trip_and_cover() {
        let iv = |column, start, end| Interval { column, start, end, haploid: false };
        let ivs = normalize(vec![iv(1, 10, 20), iv(0, 5, 9), iv(1, 21, 30), iv(0, 100, 100)]);
        assert_eq!(ivs.len(), 3);
        let back = decode(&encode(&ivs)).unwrap();
        assert_eq!(back, ivs);
        assert!(covers(&back, 1, 25));
        assert!(!covers(&back, 1, 31));
        assert!(covers(&back, 0, 100));
        assert!(!covers(&back, 0, 50));
        assert!(!covers(&back, 2, 10));
    }

    #[test]
    fn haploid_blocks_keep_their_ploidy_and_old_blocks_read_as_diploid() {
        let iv = |column, start, end, haploid| Interval { column, start, end, haploid };
        let ivs = normalize(vec![iv(0, 1, 10, true), iv(0, 11, 20, true), iv(0, 21, 30, false), iv(1, 5, 8, true), iv(2, 1, 4, false), iv(2, 3, 9, true)]);
        assert_eq!(ivs, vec![iv(0, 1, 20, true), iv(0, 21, 30, false), iv(1, 5, 8, true), iv(2, 1, 9, false)]);
        let back = decode(&encode(&ivs)).unwrap();
        assert_eq!(back, ivs);
        assert_eq!(covering(&back, 0, 15).map(Interval::ploidy), Some(1));
        assert_eq!(covering(&back, 0, 21).map(Interval::ploidy), Some(2));
        assert_eq!(covering(&back, 1, 9), None);
        // A block as written before ploidy was kept: the triples alone.
        let mut raw = Vec::new();
        for v in [1u64, 0, 5, 3] {
            varint::put(&mut raw, v);
        }
        let mut old = Vec::new();
        varint::put(&mut old, raw.len() as u64);
        old.extend_from_slice(&zstd::bulk::compress(&raw, 3).unwrap());
        assert_eq!(decode(&old).unwrap(), vec![iv(0, 5, 8, false)]);
        // An index list pointing past the intervals is corruption, not a panic.
        let mut bad_raw = raw.clone();
        for v in [1u64, 7] {
            varint::put(&mut bad_raw, v);
        }
        let mut bad = Vec::new();
        varint::put(&mut bad, bad_raw.len() as u64);
        bad.extend_from_slice(&zstd::bulk::compress(&bad_raw, 3).unwrap());
        assert!(decode(&bad).is_err());
    }
}
