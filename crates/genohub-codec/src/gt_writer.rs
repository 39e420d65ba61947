//! Serialises the genotype codes of a (validated) block into the raw GT section: one
//! record per variant (see [`crate::record`]) followed by the extended calls.

use crate::code;
use crate::code_scan;
use crate::extended_call::ExtendedCall;
use crate::genotype_block::GenotypeBlock;
use crate::pbwt::{self, PbwtEncoder};
use crate::record::{self, IndexWriter, ADVANCES, KIND_DENSE, KIND_PBWT, KIND_PBWT_BITMAP, KIND_SPARSE};
use crate::signature::{self, PLANES};
use crate::varint;

/// In format `version` (2 to 4, see [`crate::header`]).
pub(crate) fn write(block: &GenotypeBlock, version: u8) -> Vec<u8> {
    let mut scratch = Scratch { pbwt_counts: version >= 3, bitmaps: version >= 4, ..Scratch::default() };
    // Without linkage disequilibrium the PBWT order is no help, and the variants that
    // `Policy::Linked` draws into PBWT records would only cost bytes and reading time
    // (PBWT records are replayed in order); a linked section must save an eighth.
    match write_with(block, Policy::Linked, &mut scratch) {
        Some((linked, independent_len)) if linked.len() * 8 < independent_len * 7 => linked,
        _ => write_with(block, Policy::Independent, &mut scratch).map(|(out, _)| out).unwrap_or_default(),
    }
}

/// How the encoder picks layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// Smallest of sparse and dense, order untouched: the version-1 layout choice.
    Independent,
    /// Every variant with at least [`MIN_MINOR_TO_ADVANCE`] minor-allele haplotypes moves
    /// the PBWT order on, as a PBWT record when that is smaller than dense and less than
    /// [`SPARSE_BIAS`] times sparse, else as a sparse or dense record flagged ADVANCES.
    /// From format version 4 only PBWT records (runs or bitmap) move the order: such a
    /// variant is one when that costs at most [`ADVANCE_SLACK`] bytes more, else a sparse
    /// or dense record that leaves the order alone. Other variants take the smallest of the
    /// three layouts.
    Linked,
}

/// Measured on msprime cohorts (1,000 and 10,000 samples): letting doubletons and
/// tripletons move the order costs more bytes than the order saves later; from four minor
/// haplotypes on, the finer order pays for itself.
const MIN_MINOR_TO_ADVANCE: usize = 4;

/// A variant that moves the order anyway is better stored as PBWT than as a sparse record
/// up to about this size ratio: PBWT runs compress better under zstd than sample gaps,
/// and PBWT records are cheaper to replay than sparse ones (runs are block copies). On
/// the 10,000-sample cohort 1.5 and 2 give sizes within 0.5% but 2 replays faster.
const SPARSE_BIAS: usize = 2;

/// Bytes a version-4 PBWT record may cost beyond the best other layout and still be chosen
/// for a variant that should move the order: a bitmap is as long as two dense planes but
/// carries a few bytes of counts and override list, and the finer order pays that back.
const ADVANCE_SLACK: usize = 16;

/// Variants after which a linked section must be smaller than an independent one so far.
/// The order needs a few dozen variants to pay off: on the msprime cohorts the linked
/// records of every block are at most 0.81x the independent ones after 96 variants (up to
/// 1.7x after 16), while on the unlinked benchmark block they stay at 1.19-1.26x.
const GIVE_UP_AFTER: u32 = 96;

/// Returns the GT section and the length it would have under [`Policy::Independent`], or
/// `None` once a linked section is losing after [`GIVE_UP_AFTER`] variants, which spares
/// unlinked data most of the cost of PBWT planning.
fn write_with(block: &GenotypeBlock, policy: Policy, scratch: &mut Scratch) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut independent_len = 0;
    scratch.pbwt.reset(block.n_samples as usize);
    for v in 0..block.n_variants {
        independent_len += write_variant(&mut out, block.variant_codes(v), policy, scratch);
        if policy == Policy::Linked && v + 1 >= GIVE_UP_AFTER && out.len() > independent_len {
            return None;
        }
    }
    let records_len = out.len();
    for call in &block.extended {
        write_extended(&mut out, call);
    }
    let extended_len = out.len() - records_len;
    Some((out, independent_len + extended_len))
}

/// Buffers reused across variants, and the block's PBWT order.
#[derive(Default)]
struct Scratch {
    exceptions: Vec<u32>,
    overrides: Vec<u32>,
    planes: Vec<u64>,
    pbwt: PbwtEncoder,
    pbwt_counts: bool,
    /// Format version 4: PBWT bitmaps, and only PBWT records move the order.
    bitmaps: bool,
}

/// What the encoder needs to know about one variant before choosing its layout.
struct RowSummary {
    default: u8,
    default_signature: u8,
    palette: Vec<u8>,
    gap_bytes: usize,
    /// Signature bits on which at least one sample differs from the default.
    differing_planes: u8,
    /// Samples with REF/ALT diploid codes, unphased and phased.
    diploid_by_phase: [usize; 2],
    histogram: [u32; 256],
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
        let diploid_by_phase = [false, true].map(|phased| (0..32).filter(|&c| pbwt::representable(c, phased)).map(|c| histogram[c as usize] as usize).sum());
        RowSummary { default, default_signature, palette, gap_bytes, differing_planes, diploid_by_phase, histogram }
    }

    fn sparse_len(&self, n_exceptions: usize) -> usize {
        exception_list_len(self.palette.len(), n_exceptions, self.gap_bytes) + 2
    }

    fn dense_len(&self, n_samples: usize) -> usize {
        2 + self.differing_planes.count_ones() as usize * n_samples.div_ceil(64) * 8
    }

    /// The phasing of most REF/ALT diploid samples (phased on a tie).
    fn pbwt_phase(&self) -> bool {
        self.diploid_by_phase[1] >= self.diploid_by_phase[0]
    }

    /// Het and hom-alt samples among those a PBWT record with this phasing describes by its
    /// bits (everyone but the overrides).
    fn pbwt_diploid_counts(&self, phased: bool) -> (u64, u64) {
        let described = (0..32u8).filter(|&c| pbwt::representable(c, phased));
        let of = |alts: u8| described.clone().filter(|&c| code::alt_count(c) == alts).map(|c| u64::from(self.histogram[c as usize])).sum::<u64>();
        (of(1), of(2))
    }

    /// Codes a PBWT record with this phasing must list as overrides, ascending.
    fn pbwt_palette(&self, phased: bool) -> Vec<u8> {
        (0..=255u8).filter(|&c| self.histogram[c as usize] > 0 && !pbwt::representable(c, phased)).collect()
    }
}

/// Palette, count, sample gaps and packed indices.
fn exception_list_len(palette_len: usize, n_exceptions: usize, gap_bytes: usize) -> usize {
    palette_len + varint::encoded_len(n_exceptions as u64) + gap_bytes + record::index_bytes(n_exceptions, record::index_bits(palette_len))
}

/// Writes one record; returns the length it has under [`Policy::Independent`].
fn write_variant(out: &mut Vec<u8>, codes: &[u8], policy: Policy, scratch: &mut Scratch) -> usize {
    let summary = RowSummary::of(codes, &mut scratch.exceptions);
    let exceptions = &scratch.exceptions;
    let sparse = summary.sparse_len(exceptions.len());
    let dense = summary.dense_len(codes.len());
    let alt: usize = (0..32).map(|c| summary.histogram[c] as usize * usize::from(code::alt_count(c as u8))).sum();
    let minor = alt.min(2 * codes.len() - alt);
    let advances = policy == Policy::Linked && minor >= MIN_MINOR_TO_ADVANCE;
    let best = if advances { dense.min(sparse.saturating_mul(SPARSE_BIAS)) } else { sparse.min(dense) };
    let phased = summary.pbwt_phase();
    let n_overrides = codes.len() - summary.diploid_by_phase[usize::from(phased)];
    // Each override takes at least a gap byte: skip the PBWT pass when they alone lose, and
    // for singletons, which sparse stores in about as few bytes as a PBWT record's runs.
    let limit = if advances && scratch.bitmaps { best + ADVANCE_SLACK } else { best };
    let pbwt = if policy == Policy::Linked && minor >= 2 && 3 + n_overrides < limit {
        let palette = summary.pbwt_palette(phased);
        let overrides = &mut scratch.overrides;
        overrides.clear();
        let mut gap_bytes = 0;
        if n_overrides > 0 {
            let mut next_base = 0u32;
            for (s, &c) in codes.iter().enumerate() {
                if !pbwt::representable(c, phased) {
                    overrides.push(s as u32);
                    gap_bytes += varint::encoded_len((s as u32 - next_base).into());
                    next_base = s as u32 + 1;
                }
            }
        }
        let diploid = summary.pbwt_diploid_counts(phased);
        let counts_len = if scratch.pbwt_counts { varint::encoded_len(diploid.0) + varint::encoded_len(diploid.1) } else { 0 };
        let runs_len = scratch.pbwt.plan(codes, phased);
        let bitmap = scratch.bitmaps && scratch.pbwt.bitmap_len() < runs_len;
        let bits_len = if bitmap { scratch.pbwt.bitmap_len() } else { runs_len };
        let len = 2 + exception_list_len(palette.len(), n_overrides, gap_bytes) + counts_len + bits_len;
        Some((len, palette, diploid, bitmap))
    } else {
        None
    };
    match pbwt {
        // Ties favour sparse and dense: both are faster to read.
        Some((len, palette, (het, hom_alt), bitmap)) if len < limit => {
            let kind = if bitmap { KIND_PBWT_BITMAP } else { KIND_PBWT };
            out.push(kind | u8::from(phased) << 2 | (palette.len() as u8) << 3);
            out.push(summary.default);
            write_exception_list(out, codes, &scratch.overrides, &palette);
            if scratch.pbwt_counts {
                varint::write(out, het);
                varint::write(out, hom_alt);
            }
            if bitmap {
                scratch.pbwt.write_bitmap(out);
            } else {
                scratch.pbwt.write_runs(out);
            }
            scratch.pbwt.commit();
        }
        _ => {
            let advances = advances && !scratch.bitmaps;
            let flag = if advances { ADVANCES } else { 0 };
            if sparse <= dense {
                out.push(KIND_SPARSE | (summary.palette.len() as u8) << 2 | flag);
                out.push(summary.default);
                write_exception_list(out, codes, exceptions, &summary.palette);
            } else {
                write_dense(out, codes, exceptions, &summary, &mut scratch.planes, flag);
            }
            if advances {
                scratch.pbwt.commit_alleles(codes);
            }
        }
    }
    sparse.min(dense)
}

/// Palette codes, varint count, sample gaps (first sample, then gap - 1) and packed
/// palette indices of the samples in `samples`.
fn write_exception_list(out: &mut Vec<u8>, codes: &[u8], samples: &[u32], palette: &[u8]) {
    out.extend_from_slice(palette);
    varint::write(out, samples.len() as u64);
    let mut next_base = 0u32;
    for &s in samples {
        varint::write(out, u64::from(s - next_base));
        next_base = s + 1;
    }
    let bits = record::index_bits(palette.len());
    if bits > 0 {
        let mut index_of = [0usize; 256];
        for (i, &c) in palette.iter().enumerate() {
            index_of[c as usize] = i;
        }
        let mut writer = IndexWriter::new(out);
        for &s in samples {
            writer.push(index_of[codes[s as usize] as usize], bits);
        }
        writer.finish();
    }
}

fn write_dense(out: &mut Vec<u8>, codes: &[u8], exceptions: &[u32], summary: &RowSummary, planes: &mut Vec<u64>, flag: u8) {
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
    out.push(KIND_DENSE | summary.differing_planes << 2 | flag);
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
