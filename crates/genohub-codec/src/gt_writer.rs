//! Serialises the genotype codes of a (validated) block into the raw GT section: one
//! record per variant (see [`crate::record`]) followed by the extended calls.

use crate::code_scan;
use crate::extended_call::ExtendedCall;
use crate::genotype_block::GenotypeBlock;
use crate::record::{self, IndexWriter, KIND_DENSE, KIND_SPARSE};
use crate::signature::{self, PLANES};
use crate::varint;

pub(crate) fn write(block: &GenotypeBlock) -> Vec<u8> {
    let mut out = Vec::new();
    let mut scratch = Scratch::default();
    for v in 0..block.n_variants {
        write_variant(&mut out, block.variant_codes(v), &mut scratch);
    }
    for call in &block.extended {
        write_extended(&mut out, call);
    }
    out
}

/// Buffers reused across variants.
#[derive(Default)]
struct Scratch {
    exceptions: Vec<u32>,
    planes: Vec<u64>,
}

/// What the encoder needs to know about one variant before choosing its layout.
struct RowSummary {
    default: u8,
    default_signature: u8,
    palette: Vec<u8>,
    gap_bytes: usize,
    /// Signature bits on which at least one sample differs from the default.
    differing_planes: u8,
}

impl RowSummary {
    /// Also leaves the exception positions in `exceptions`.
    fn of(codes: &[u8], exceptions: &mut Vec<u32>) -> RowSummary {
        let histogram = code_scan::histogram(codes);
        // Ties go to the smallest code so the output is deterministic.
        let default = (0..256).max_by_key(|&c| (histogram[c], std::cmp::Reverse(c))).unwrap_or(0) as u8;
        let default_signature = signature::of_default(default);
        let palette = (0..256).filter(|&c| c != default as usize && histogram[c] > 0).map(|c| c as u8).collect();
        exceptions.clear();
        code_scan::mismatches(codes, default, exceptions);
        let mut gap_bytes = 0;
        let mut differing_planes = 0u8;
        let mut next_base = 0u32;
        for &s in exceptions.iter() {
            gap_bytes += varint::encoded_len(u64::from(s - next_base));
            next_base = s + 1;
            let c = codes[s as usize];
            differing_planes |= signature::of_code(c, default_signature) ^ default_signature;
        }
        RowSummary { default, default_signature, palette, gap_bytes, differing_planes }
    }

    fn sparse_len(&self, n_exceptions: usize) -> usize {
        let bits = record::index_bits(self.palette.len());
        2 + self.palette.len() + varint::encoded_len(n_exceptions as u64) + self.gap_bytes + record::index_bytes(n_exceptions, bits)
    }

    fn dense_len(&self, n_samples: usize) -> usize {
        2 + self.differing_planes.count_ones() as usize * n_samples.div_ceil(64) * 8
    }
}

fn write_variant(out: &mut Vec<u8>, codes: &[u8], scratch: &mut Scratch) {
    let summary = RowSummary::of(codes, &mut scratch.exceptions);
    let exceptions = &scratch.exceptions;
    // Ties favour sparse: it is also the faster layout to count.
    if summary.sparse_len(exceptions.len()) <= summary.dense_len(codes.len()) {
        write_sparse(out, codes, exceptions, &summary);
    } else {
        write_dense(out, codes, exceptions, &summary, &mut scratch.planes);
    }
}

fn write_sparse(out: &mut Vec<u8>, codes: &[u8], exceptions: &[u32], summary: &RowSummary) {
    out.push(KIND_SPARSE | (summary.palette.len() as u8) << 2);
    out.push(summary.default);
    out.extend_from_slice(&summary.palette);
    varint::write(out, exceptions.len() as u64);
    let mut next_base = 0u32;
    for &s in exceptions {
        varint::write(out, u64::from(s - next_base));
        next_base = s + 1;
    }
    let bits = record::index_bits(summary.palette.len());
    if bits > 0 {
        let mut index_of = [0usize; 256];
        for (i, &c) in summary.palette.iter().enumerate() {
            index_of[c as usize] = i;
        }
        let mut writer = IndexWriter::new(out);
        for &s in exceptions {
            writer.push(index_of[codes[s as usize] as usize], bits);
        }
        writer.finish();
    }
}

fn write_dense(out: &mut Vec<u8>, codes: &[u8], exceptions: &[u32], summary: &RowSummary, planes: &mut Vec<u64>) {
    let n_words = codes.len().div_ceil(64);
    planes.clear();
    planes.resize(PLANES * n_words, 0);
    let ds = summary.default_signature;
    for &s in exceptions {
        let s = s as usize;
        let diff = signature::of_code(codes[s], ds) ^ ds;
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
