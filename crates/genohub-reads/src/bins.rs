//! Turns finished difference bins into runs of depth, in order, carrying the running depth
//! from one bin to the next; also collects the depth distribution for QC.

use crate::depth::{RawBin, BIN_SHIFT, BIN_SIZE};
use crate::rle::Run;

/// Depth of the bases of one bin that lie on the contig, as runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthBin {
    pub contig: usize,
    pub bin: u32,
    /// 0-based position of the first base.
    pub start: u64,
    pub runs: Vec<Run>,
}

impl DepthBin {
    /// Intervals (1-based, inclusive, as VCF positions) where depth ≥ `min_depth` (≥ 1).
    pub fn callable(&self, min_depth: u32) -> Vec<(u64, u64)> {
        let mut out: Vec<(u64, u64)> = Vec::new();
        let mut pos = self.start;
        for r in &self.runs {
            if r.depth >= min_depth {
                match out.last_mut() {
                    Some(last) if last.1 == pos => last.1 = pos + r.len as u64,
                    _ => out.push((pos + 1, pos + r.len as u64)),
                }
            }
            pos += r.len as u64;
        }
        out
    }
}

/// Bases per depth, and depth sums per contig.
#[derive(Debug, Clone, Default)]
pub struct DepthStats {
    /// `histogram[d]`: bases at depth d, counting only bases inside stored bins; the bases of
    /// bins never touched are depth 0 (added by [`DepthStats::complete`]).
    pub histogram: Vec<u64>,
    pub depth_sum: Vec<u64>,
    pub bins: u64,
    pub runs: u64,
}

impl DepthStats {
    fn add(&mut self, contig: usize, runs: &[Run]) {
        if self.depth_sum.len() <= contig {
            self.depth_sum.resize(contig + 1, 0);
        }
        for r in runs {
            let d = r.depth as usize;
            if self.histogram.len() <= d {
                self.histogram.resize(d + 1, 0);
            }
            self.histogram[d] += r.len as u64;
            self.depth_sum[contig] += r.len as u64 * r.depth as u64;
        }
        self.bins += 1;
        self.runs += runs.len() as u64;
    }

    /// Counts the bases no bin covered as depth 0, given the genome length.
    pub fn complete(&mut self, genome_length: u64) {
        if self.histogram.is_empty() {
            self.histogram.push(0);
        }
        let counted: u64 = self.histogram.iter().sum();
        self.histogram[0] += genome_length.saturating_sub(counted);
    }
}

pub struct BinFinisher {
    lengths: Vec<u64>,
    contig: Option<usize>,
    next_bin: u32,
    carry: i64,
    pub stats: DepthStats,
}

impl BinFinisher {
    pub fn new(lengths: Vec<u64>) -> Self {
        BinFinisher { lengths, contig: None, next_bin: 0, carry: 0, stats: DepthStats::default() }
    }

    /// Runs of a bin; None when all its bases are at depth 0 (nothing is stored for it).
    pub fn finish(&mut self, raw: RawBin) -> Option<DepthBin> {
        if self.contig != Some(raw.contig) || raw.bin != self.next_bin {
            // A new contig, or bins skipped because nothing covered them.
            self.carry = 0;
        }
        self.contig = Some(raw.contig);
        self.next_bin = raw.bin + 1;
        let length = self.lengths.get(raw.contig).copied().unwrap_or(0);
        let start = (raw.bin as u64) << BIN_SHIFT;
        if start >= length {
            return None;
        }
        let n = ((length - start) as usize).min(BIN_SIZE);
        let mut runs: Vec<Run> = Vec::new();
        match &raw.diffs {
            None => {
                if self.carry > 0 {
                    runs.push(Run { len: n as u32, depth: self.carry as u32 });
                }
            }
            Some(diffs) => {
                let mut d = self.carry;
                let mut run_depth = d;
                let mut run_len = 0u32;
                for &change in &diffs[..n] {
                    d += change as i64;
                    if d != run_depth {
                        if run_len > 0 {
                            runs.push(Run { len: run_len, depth: run_depth.max(0) as u32 });
                        }
                        run_depth = d;
                        run_len = 0;
                    }
                    run_len += 1;
                }
                runs.push(Run { len: run_len, depth: run_depth.max(0) as u32 });
                // Changes at positions past the contig's end are dropped by the counter, so
                // the carry is only the depth at the bin's end.
                self.carry = d + diffs[n..].iter().map(|&c| c as i64).sum::<i64>();
            }
        }
        if runs.iter().all(|r| r.depth == 0) {
            return None;
        }
        self.stats.add(raw.contig, &runs);
        Some(DepthBin { contig: raw.contig, bin: raw.bin, start, runs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callable_intervals_are_one_based_and_merged() {
        let b = DepthBin {
            contig: 0,
            bin: 0,
            start: 0,
            runs: vec![Run { len: 5, depth: 3 }, Run { len: 2, depth: 12 }, Run { len: 3, depth: 10 }, Run { len: 4, depth: 9 }, Run { len: 1, depth: 10 }],
        };
        assert_eq!(b.callable(10), vec![(6, 10), (15, 15)]);
        assert_eq!(b.callable(13), vec![]);
    }
}
