//! Serialises the genotype codes of a (validated) block into the raw GT section: one
//! record per variant (see [`crate::record`]) followed by the extended calls.

use crate::extended_call::ExtendedCall;
use crate::genotype_block::GenotypeBlock;
use crate::record::{self, IndexWriter, KIND_DENSE, KIND_SPARSE};
use crate::signature::{self, PLANES};
use crate::varint;

pub(crate) fn write(block: &GenotypeBlock) -> Vec<u8> {
    let mut out = Vec::new();
    let mut planes = Vec::new();
    for v in 0..block.n_variants {
        write_variant(&mut out, block.variant_codes(v), &mut planes);
    }
    for call in &block.extended {
        write_extended(&mut out, call);
    }
    out
}

/// What the encoder needs to know about one variant before choosing its layout.
struct RowSummary {
    default: u8,
    default_signature: u8,
    palette: Vec<u8>,
    n_exceptions: usize,
    gap_bytes: usize,
    /// Signature bits on which at least one sample differs from the default.
    differing_planes: u8,
}

impl RowSummary {
    fn of(codes: &[u8]) -> RowSummary {
        let mut histogram = [0u32; 256];
        for &c in codes {
            histogram[c as usize] += 1;
        }
        // Ties go to the smallest code so the output is deterministic.
        let default = (0..256)
            .max_by_key(|&c| (histogram[c], std::cmp::Reverse(c)))
            .unwrap_or(0) as u8;
        let default_signature = signature::of_default(default);
        let palette = (0..256)
            .filter(|&c| c != default as usize && histogram[c] > 0)
            .map(|c| c as u8)
            .collect();
        let mut n_exceptions = 0;
        let mut gap_bytes = 0;
        let mut differing_planes = 0u8;
        let mut next_base = 0usize;
        for (s, &c) in codes.iter().enumerate() {
            if c != default {
                gap_bytes += varint::encoded_len((s - next_base) as u64);
                next_base = s + 1;
                n_exceptions += 1;
                differing_planes |= signature::of_code(c, default_signature) ^ default_signature;
            }
        }
        RowSummary {
            default,
            default_signature,
            palette,
            n_exceptions,
            gap_bytes,
            differing_planes,
        }
    }

    fn sparse_len(&self) -> usize {
        let bits = record::index_bits(self.palette.len());
        2 + self.palette.len()
            + varint::encoded_len(self.n_exceptions as u64)
            + self.gap_bytes
            + record::index_bytes(self.n_exceptions, bits)
    }

    fn dense_len(&self, n_samples: usize) -> usize {
        2 + self.differing_planes.count_ones() as usize * n_samples.div_ceil(64) * 8
    }
}

fn write_variant(out: &mut Vec<u8>, codes: &[u8], planes: &mut Vec<u64>) {
    let summary = RowSummary::of(codes);
    // Ties favour sparse: it is also the faster layout to count.
    if summary.sparse_len() <= summary.dense_len(codes.len()) {
        write_sparse(out, codes, &summary);
    } else {
        write_dense(out, codes, &summary, planes);
    }
}

fn write_sparse(out: &mut Vec<u8>, codes: &[u8], summary: &RowSummary) {
    let default = summary.default;
    out.push(KIND_SPARSE | (summary.palette.len() as u8) << 2);
    out.push(default);
    out.extend_from_slice(&summary.palette);
    varint::write(out, summary.n_exceptions as u64);
    let mut next_base = 0usize;
    for (s, _) in codes.iter().enumerate().filter(|(_, &c)| c != default) {
        varint::write(out, (s - next_base) as u64);
        next_base = s + 1;
    }
    let bits = record::index_bits(summary.palette.len());
    if bits > 0 {
        let mut index_of = [0usize; 256];
        for (i, &c) in summary.palette.iter().enumerate() {
            index_of[c as usize] = i;
        }
        let mut writer = IndexWriter::new(out);
        for &c in codes.iter().filter(|&&c| c != default) {
            writer.push(index_of[c as usize], bits);
        }
        writer.finish();
    }
}

fn write_dense(out: &mut Vec<u8>, codes: &[u8], summary: &RowSummary, planes: &mut Vec<u64>) {
    let n_words = codes.len().div_ceil(64);
    planes.clear();
    planes.resize(PLANES * n_words, 0);
    let ds = summary.default_signature;
    for (s, &c) in codes.iter().enumerate() {
        let diff = signature::of_code(c, ds) ^ ds;
        if diff == 0 {
            continue;
        }
        for p in 0..PLANES {
            planes[p * n_words + s / 64] |= u64::from((diff >> p) & 1) << (s % 64);
        }
    }
    out.push(KIND_DENSE | summary.differing_planes << 2);
    out.push(summary.default);
    for p in (0..PLANES).filter(|p| summary.differing_planes >> p & 1 == 1) {
        for word in &planes[p * n_words..(p + 1) * n_words] {
            out.extend_from_slice(&word.to_le_bytes());
        }
    }
}

/// Position is implied by the EXTENDED codes, so only the alleles are stored: a varint
/// ploidy, then one byte per allele holding the allele and (bit 2) whether the separator
/// after it is '|'.
fn write_extended(out: &mut Vec<u8>, call: &ExtendedCall) {
    varint::write(out, call.alleles.len() as u64);
    for (i, &allele) in call.alleles.iter().enumerate() {
        let phased = call.phased.get(i).copied().unwrap_or(false);
        out.push(allele | u8::from(phased) << 2);
    }
}
