//! Read QC: counts from the records' flags (as `samtools flagstat` counts primary reads), the
//! MAPQ distribution, the insert-size median, and depth statistics from the finished bins.

use serde::{Deserialize, Serialize};

use crate::alignment::*;
use crate::bins::DepthStats;
use crate::header::RefSeq;

/// Depth thresholds reported as the fraction of the genome at or above them.
pub const THRESHOLDS: [u32; 4] = [1, 10, 20, 30];
/// Insert sizes above this are counted as this (chimeric pairs would blow up the histogram).
const MAX_INSERT: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContigCoverage {
    pub name: String,
    pub length: u64,
    pub mean_depth: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadQc {
    /// Primary records: each sequenced read once.
    pub total_reads: u64,
    pub secondary: u64,
    pub supplementary: u64,
    /// Primary reads that are mapped.
    pub mapped: u64,
    /// Primary reads marked duplicate.
    pub duplicates: u64,
    pub qc_failed: u64,
    /// Primary reads that are paired in sequencing.
    pub paired: u64,
    /// Primary mapped reads with the proper-pair flag.
    pub properly_paired: u64,
    /// Sum of the reference sequence lengths of the header.
    pub genome_length: u64,
    /// Mean depth over the whole genome (every header contig, covered or not).
    pub mean_depth: f64,
    pub median_depth: u64,
    /// (threshold, fraction of the genome at depth ≥ threshold) for 1, 10, 20, 30.
    pub fraction_at_least: Vec<(u32, f64)>,
    /// Median |TLEN| of proper pairs (one count per pair: the mate with TLEN > 0), none when
    /// the reads are not paired.
    pub insert_size_median: Option<u64>,
    pub insert_size_pairs: u64,
    /// (MAPQ, primary mapped reads with that MAPQ), MAPQs present only.
    pub mapq_histogram: Vec<(u8, u64)>,
    /// Depth filters the stored depth was computed with.
    pub min_mapq: u8,
    pub min_depth: u32,
    /// Bases at depth ≥ min_depth: the callable part of the genome.
    pub callable_bases: u64,
    pub contigs: Vec<ContigCoverage>,
}

impl ReadQc {
    pub fn mapped_fraction(&self) -> f64 {
        if self.total_reads == 0 {
            0.0
        } else {
            self.mapped as f64 / self.total_reads as f64
        }
    }
}

/// Counts from records, on the decoding thread.
pub struct QcCounter {
    total: u64,
    secondary: u64,
    supplementary: u64,
    mapped: u64,
    duplicates: u64,
    qc_failed: u64,
    paired: u64,
    properly_paired: u64,
    mapq: [u64; 256],
    inserts: Vec<u64>,
}

impl Default for QcCounter {
    fn default() -> Self {
        QcCounter {
            total: 0,
            secondary: 0,
            supplementary: 0,
            mapped: 0,
            duplicates: 0,
            qc_failed: 0,
            paired: 0,
            properly_paired: 0,
            mapq: [0; 256],
            inserts: Vec::new(),
        }
    }
}

impl QcCounter {
    #[inline]
    pub fn push(&mut self, a: &Alignment) {
        if a.has(FLAG_SECONDARY) {
            self.secondary += 1;
            return;
        }
        if a.has(FLAG_SUPPLEMENTARY) {
            self.supplementary += 1;
            return;
        }
        self.total += 1;
        let f = a.flags;
        self.qc_failed += (f & FLAG_QC_FAIL != 0) as u64;
        self.duplicates += (f & FLAG_DUPLICATE != 0) as u64;
        self.paired += (f & FLAG_PAIRED != 0) as u64;
        if f & FLAG_UNMAPPED != 0 {
            return;
        }
        self.mapped += 1;
        self.mapq[a.mapq as usize] += 1;
        if f & FLAG_PAIRED != 0 && f & FLAG_PROPER_PAIR != 0 {
            self.properly_paired += 1;
            if f & (FLAG_MATE_UNMAPPED | FLAG_DUPLICATE | FLAG_QC_FAIL) == 0 && a.tlen > 0 {
                let t = (a.tlen as usize).min(MAX_INSERT);
                if self.inserts.len() <= t {
                    self.inserts.resize(t + 1, 0);
                }
                self.inserts[t] += 1;
            }
        }
    }

    pub fn finish(self, contigs: &[RefSeq], mut depth: DepthStats, min_mapq: u8, min_depth: u32) -> ReadQc {
        let genome_length: u64 = contigs.iter().map(|c| c.length).sum();
        depth.complete(genome_length);
        let total_depth: u64 = depth.depth_sum.iter().sum();
        let at_least = |t: u32| -> u64 { depth.histogram.iter().skip(t as usize).sum() };
        let frac = |n: u64| if genome_length == 0 { 0.0 } else { n as f64 / genome_length as f64 };
        let pairs: u64 = self.inserts.iter().sum();
        ReadQc {
            total_reads: self.total,
            secondary: self.secondary,
            supplementary: self.supplementary,
            mapped: self.mapped,
            duplicates: self.duplicates,
            qc_failed: self.qc_failed,
            paired: self.paired,
            properly_paired: self.properly_paired,
            genome_length,
            mean_depth: frac(total_depth),
            median_depth: lower_median(&depth.histogram).unwrap_or(0),
            fraction_at_least: THRESHOLDS.iter().map(|&t| (t, frac(at_least(t)))).collect(),
            insert_size_median: lower_median(&self.inserts),
            insert_size_pairs: pairs,
            mapq_histogram: self.mapq.iter().enumerate().filter(|(_, &n)| n > 0).map(|(q, &n)| (q as u8, n)).collect(),
            min_mapq,
            min_depth,
            callable_bases: at_least(min_depth),
            contigs: contigs
                .iter()
                .enumerate()
                .map(|(i, c)| ContigCoverage {
                    name: c.name.clone(),
                    length: c.length,
                    mean_depth: if c.length == 0 { 0.0 } else { depth.depth_sum.get(i).copied().unwrap_or(0) as f64 / c.length as f64 },
                })
                .collect(),
        }
    }
}

/// The value at rank ⌈n/2⌉ of a histogram (the lower median), None when empty.
pub fn lower_median(histogram: &[u64]) -> Option<u64> {
    let n: u64 = histogram.iter().sum();
    if n == 0 {
        return None;
    }
    let rank = n.div_ceil(2);
    let mut seen = 0;
    for (v, &c) in histogram.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(v as u64);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_median_of_histograms() {
        assert_eq!(lower_median(&[]), None);
        assert_eq!(lower_median(&[0, 0, 3]), Some(2));
        // values 0,1,1,5 -> lower median 1
        assert_eq!(lower_median(&[1, 2, 0, 0, 0, 1]), Some(1));
        // values 0,0,3,3 -> lower median 0
        assert_eq!(lower_median(&[2, 0, 0, 2]), Some(0));
    }
}
