//! Optional FORMAT DP, GQ and AD values that agree with the genotype.

use rand::RngCore;

use crate::rng::SimRng;
use crate::text::push_decimal;

/// Writes `:DP:GQ:AD` for a called genotype. Read counts use popcounts of random words:
/// DP ~ Binomial(60, 1/2) (mean 30), het AD splits ~ Binomial(DP, 1/2) and sequencing
/// errors hit ~1/64 of reads, so AD always sums to DP and GQ tracks the evidence.
pub(crate) fn push_depth_fields(line: &mut Vec<u8>, rng: &mut SimRng, first: u8, second: u8, allele_count: usize) {
    let depth = (rng.next_u64() & ((1 << 60) - 1)).count_ones();
    let read_mask = (1u64 << depth) - 1;
    let mut ad = [0u32; 4];
    let quality;
    if first == second {
        let errors = (rng.next_u64() & rng.next_u64() & rng.next_u64() & rng.next_u64() & rng.next_u64() & rng.next_u64() & read_mask).count_ones();
        let error_allele = if first == 0 { 1 } else { 0 };
        ad[first as usize] = depth - errors;
        ad[error_allele] += errors;
        quality = (3 * depth).saturating_sub(10 * errors).min(99);
    } else {
        let first_reads = (rng.next_u64() & read_mask).count_ones();
        ad[first as usize] += first_reads;
        ad[second as usize] += depth - first_reads;
        quality = (6 * first_reads.min(depth - first_reads)).min(99);
    }
    line.push(b':');
    push_decimal(line, u64::from(depth));
    line.push(b':');
    push_decimal(line, u64::from(quality));
    line.push(b':');
    for (i, reads) in ad[..allele_count].iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        push_decimal(line, u64::from(*reads));
    }
}

/// DP, GQ and AD of an uncalled genotype.
pub(crate) const MISSING_DEPTH_FIELDS: &[u8] = b":.:.:.";
