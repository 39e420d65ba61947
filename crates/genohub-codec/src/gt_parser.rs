//! Validates the decompressed GT section once, so that every later accessor can run
//! without error paths: sample indices in range and ascending, palette codes valid and
//! distinct, plane sizes exact, PBWT runs covering exactly 2N haplotypes, extended calls
//! consistent with the EXTENDED codes.

use crate::byte_reader::ByteReader;
use crate::code;
use crate::dense_planes::DensePlanes;
use crate::error::CodecError;
use crate::extended_call::ExtendedCall;
use crate::limits::{MAX_EXTENDED_CALLS, MAX_PLOIDY};
use crate::record::{self, ADVANCES, KIND_DENSE, KIND_MASK, KIND_PBWT, KIND_PBWT_BITMAP, KIND_SPARSE, MAX_PALETTE};
use crate::signature::PLANES;
use crate::sparse_exceptions::SparseExceptions;
use crate::variant_layout::{DenseLayout, PaletteEntry, PbwtLayout, SparseLayout, VariantLayout, ABSENT_PLANE};
use crate::varint;

pub(crate) struct ParsedGt {
    pub layouts: Vec<VariantLayout>,
    pub palette: Vec<PaletteEntry>,
    pub extended: Vec<ExtendedCall>,
    /// `n_variants + 1` offsets into `extended`.
    pub extended_start: Vec<u32>,
    /// Number of PBWT records.
    pub n_pbwt: u32,
}

/// From format version 3 PBWT records carry their het and hom-alt counts; from version 4
/// they may be bitmaps, and sparse and dense records no longer move the order.
pub(crate) fn parse(gt: &[u8], n_variants: u32, n_samples: u32, version: u8) -> Result<ParsedGt, CodecError> {
    let n = n_samples as usize;
    let pbwt_counts = version >= 3;
    let bitmaps = version >= 4;
    let mut r = ByteReader::new(gt);
    // Each record takes at least two bytes: a hostile count cannot force a big allocation.
    let mut layouts = Vec::with_capacity((n_variants as usize).min(gt.len() / 2));
    let mut palette = Vec::new();
    let mut extended_per_variant = Vec::with_capacity(layouts.capacity());
    let mut n_pbwt = 0u32;
    for _ in 0..n_variants {
        let tag = r.u8("variant record")?;
        let default = r.u8("variant default code")?;
        if !code::is_valid(default) {
            return Err(CodecError::Corrupt("invalid default code"));
        }
        let kind = tag & KIND_MASK;
        if bitmaps && kind != KIND_PBWT && kind != KIND_PBWT_BITMAP && tag & ADVANCES != 0 {
            return Err(CodecError::Corrupt("order-moving sparse or dense record in format version 4"));
        }
        let (layout, n_extended) = match kind {
            KIND_SPARSE => parse_sparse(&mut r, gt, tag & !ADVANCES, default, n, &mut palette, tag & ADVANCES != 0)?,
            KIND_DENSE => parse_dense(&mut r, gt, tag & !ADVANCES, default, n, tag & ADVANCES != 0)?,
            KIND_PBWT => {
                n_pbwt += 1;
                parse_pbwt(&mut r, gt, tag, default, n, &mut palette, n_pbwt - 1, PbwtForm { counts: pbwt_counts, bitmap: false })?
            }
            KIND_PBWT_BITMAP if bitmaps => {
                n_pbwt += 1;
                parse_pbwt(&mut r, gt, tag, default, n, &mut palette, n_pbwt - 1, PbwtForm { counts: pbwt_counts, bitmap: true })?
            }
            _ => return Err(CodecError::Corrupt("unknown variant record kind")),
        };
        layouts.push(layout);
        extended_per_variant.push(n_extended);
    }

    let total_extended: usize = extended_per_variant.iter().sum();
    if total_extended as u64 > MAX_EXTENDED_CALLS {
        return Err(CodecError::LimitExceeded(format!("{total_extended} extended calls (max {MAX_EXTENDED_CALLS})")));
    }
    // Each stored extended call takes at least two bytes.
    if total_extended > r.remaining() / 2 {
        return Err(CodecError::Truncated("extended calls"));
    }
    let mut extended = Vec::with_capacity(total_extended);
    let mut extended_start = Vec::with_capacity(layouts.len() + 1);
    extended_start.push(0u32);
    for (v, layout) in layouts.iter().enumerate() {
        if extended_per_variant[v] > 0 {
            for_each_extended_sample(gt, layout, &palette, n, |sample| {
                extended.push(ExtendedCall { variant: v as u32, sample, alleles: Vec::new(), phased: Vec::new() })
            });
        }
        extended_start.push(extended.len() as u32);
    }
    if extended.len() != total_extended {
        return Err(CodecError::Corrupt("extended call count mismatch"));
    }
    for call in &mut extended {
        read_extended_alleles(&mut r, call)?;
    }
    if r.remaining() != 0 {
        return Err(CodecError::Corrupt("trailing bytes in GT section"));
    }
    Ok(ParsedGt { layouts, palette, extended, extended_start, n_pbwt })
}

fn parse_sparse(
    r: &mut ByteReader<'_>,
    gt: &[u8],
    tag: u8,
    default: u8,
    n: usize,
    palette: &mut Vec<PaletteEntry>,
    advances: bool,
) -> Result<(VariantLayout, usize), CodecError> {
    let (mut layout, listed_extended) = parse_exception_list(r, gt, usize::from(tag >> 2), Some(default), n, palette)?;
    layout.advances = advances;
    let n_extended = if default == code::EXTENDED { n - layout.n_exceptions as usize } else { listed_extended };
    Ok((VariantLayout::Sparse(layout), n_extended))
}

/// Palette, count, sample gaps and packed indices: the body of a sparse record and the
/// override list of a PBWT record. Palette codes must differ from `excluded`. Returns the
/// list (with `default` set to `excluded` or EXTENDED) and how many of its samples are
/// EXTENDED.
fn parse_exception_list(
    r: &mut ByteReader<'_>,
    gt: &[u8],
    palette_len: usize,
    excluded: Option<u8>,
    n: usize,
    palette: &mut Vec<PaletteEntry>,
) -> Result<(SparseLayout, usize), CodecError> {
    if palette_len > MAX_PALETTE {
        return Err(CodecError::Corrupt("sparse palette too large"));
    }
    let codes = r.take(palette_len, "sparse palette")?;
    let mut seen = 0u64;
    for &c in codes {
        let key = if c == code::EXTENDED { 32 } else { c & 31 };
        if !code::is_valid(c) || Some(c) == excluded || seen >> key & 1 == 1 {
            return Err(CodecError::Corrupt("invalid sparse palette"));
        }
        seen |= 1 << key;
    }
    let n_exceptions = r.varint_usize("sparse exception count")?;
    if n_exceptions > n || (n_exceptions > 0 && palette_len == 0) {
        return Err(CodecError::Corrupt("invalid sparse exception count"));
    }
    if n_exceptions > r.remaining() {
        return Err(CodecError::Truncated("sparse exceptions"));
    }
    let samples_at = r.position();
    // Samples ascend by construction (gap >= 0), so only the sum needs checking; it
    // cannot overflow since each gap is below 2^28 and there are at most 2^24 of them.
    let (span, pos) = sum_gaps(gt, samples_at, n_exceptions).ok_or(CodecError::Corrupt("invalid sparse sample gap"))?;
    if n_exceptions > 0 && span + n_exceptions > n {
        return Err(CodecError::Corrupt("sparse sample out of range"));
    }
    r.take(pos - samples_at, "sparse sample gaps")?;
    let bits = record::index_bits(palette_len);
    let indices_at = r.position();
    let indices = r.take(record::index_bytes(n_exceptions, bits), "sparse indices")?;
    let tally = record::tally_indices(indices, n_exceptions, bits, palette_len).ok_or(CodecError::Corrupt("sparse palette index out of range"))?;
    let palette_start = palette.len() as u32;
    let mut n_extended = 0;
    for (&c, &count) in codes.iter().zip(&tally) {
        palette.push(PaletteEntry { code: c, count });
        if c == code::EXTENDED {
            n_extended = count as usize;
        }
    }
    let layout = SparseLayout {
        default: excluded.unwrap_or(code::EXTENDED),
        palette_start,
        palette_len: palette_len as u8,
        index_bits: bits as u8,
        n_exceptions: n_exceptions as u32,
        samples_at,
        indices_at,
        indices_end: r.position(),
        advances: false,
    };
    debug_assert!(layout.indices_end <= gt.len());
    Ok((layout, n_extended))
}

/// Sum of `count` sample gaps from `pos`, and the position after them. A function of its
/// own so that the loop keeps its state in registers (inlined into the list parser it
/// spilled to the stack and ran 1.4x slower).
#[inline(never)]
fn sum_gaps(gt: &[u8], mut pos: usize, count: usize) -> Option<(usize, usize)> {
    let mut span = 0usize;
    for _ in 0..count {
        let (gap, len) = varint::read_gap(gt, pos)?;
        pos += len;
        span += gap as usize;
    }
    Some((span, pos))
}

/// Walks PBWT run lengths from `pos` until they cover `n_slots`; returns the position
/// after them and the number of slots in 1-runs.
#[inline(never)]
fn scan_runs(gt: &[u8], mut pos: usize, n_slots: usize) -> Result<(usize, usize), CodecError> {
    // Runs alternate 0s, 1s, 0s, ...; every run after the first is stored as length - 1.
    let (mut covered, mut n_ones, mut index) = (0usize, 0usize, 0usize);
    while covered < n_slots {
        // Eight one-byte runs at once (most runs of a sorted haplotype order are under 129):
        // a word without continuation bits holds eight varints, summed as 16-bit lanes.
        if index > 0 {
            if let Some(chunk) = gt.get(pos..pos + 8) {
                let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                if w & 0x8080_8080_8080_8080 == 0 {
                    const LANES: u64 = 0x00FF_00FF_00FF_00FF;
                    let lane_sum = |x: u64| (x.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize;
                    let (even, odd) = (lane_sum(w & LANES), lane_sum(w >> 8 & LANES));
                    // Each stored value is its run length − 1.
                    let runs = even + odd + 8;
                    if runs <= n_slots - covered {
                        // Runs at odd indices are 1-runs: bytes 1, 3, 5, 7 when `index` is even.
                        n_ones += if index % 2 == 0 { odd } else { even } + 4;
                        covered += runs;
                        pos += 8;
                        index += 8;
                        continue;
                    }
                }
            }
        }
        let (value, len) = varint::read_gap(gt, pos).ok_or(CodecError::Corrupt("invalid PBWT run length"))?;
        let run = value as usize + usize::from(index > 0);
        if run > n_slots - covered {
            return Err(CodecError::Corrupt("PBWT runs exceed the haplotype count"));
        }
        n_ones += run * (index % 2);
        pos += len;
        covered += run;
        index += 1;
    }
    Ok((pos, n_ones))
}

/// What a PBWT record holds beside its override list.
#[derive(Clone, Copy)]
struct PbwtForm {
    /// Het and hom-alt counts (format version 3 on).
    counts: bool,
    /// A bitmap in order instead of runs (record kind 3, format version 4).
    bitmap: bool,
}

fn parse_pbwt(
    r: &mut ByteReader<'_>,
    gt: &[u8],
    tag: u8,
    default: u8,
    n: usize,
    palette: &mut Vec<PaletteEntry>,
    ordinal: u32,
    form: PbwtForm,
) -> Result<(VariantLayout, usize), CodecError> {
    let PbwtForm { counts: with_counts, bitmap } = form;
    let phased = tag >> 2 & 1 == 1;
    let (overrides, n_extended) = parse_exception_list(r, gt, usize::from(tag >> 3), None, n, palette)?;
    let diploid = if with_counts { Some((r.varint_u32("PBWT het count")?, r.varint_u32("PBWT hom-alt count")?)) } else { None };
    let runs_at = r.position();
    let (pos, n_ones) = if bitmap {
        let bytes = r.take((2 * n).div_ceil(8), "PBWT bitmap")?;
        if !(2 * n).is_multiple_of(8) && bytes.last().is_some_and(|&b| b >> (2 * n % 8) != 0) {
            return Err(CodecError::Corrupt("PBWT bitmap padding bits set"));
        }
        (r.position(), bytes.iter().map(|b| b.count_ones() as usize).sum())
    } else {
        let (pos, n_ones) = scan_runs(gt, runs_at, 2 * n)?;
        r.take(pos - runs_at, "PBWT runs")?;
        (pos, n_ones)
    };
    if let Some((het, hom_alt)) = diploid {
        // The described samples' ALT alleles are the record's 1s less those of override slots.
        let (het, hom_alt, overridden) = (het as usize, hom_alt as usize, overrides.n_exceptions as usize);
        let described_ones = het + 2 * hom_alt;
        if het + hom_alt > n - overridden || described_ones > n_ones || described_ones + 2 * overridden < n_ones {
            return Err(CodecError::Corrupt("PBWT het/hom-alt counts disagree with the runs"));
        }
    }
    let layout = PbwtLayout { default, phased, overrides, runs_at, runs_end: pos, n_ones: n_ones as u32, ordinal, diploid, bitmap };
    Ok((VariantLayout::Pbwt(layout), n_extended))
}

fn parse_dense(r: &mut ByteReader<'_>, gt: &[u8], tag: u8, default: u8, n: usize, advances: bool) -> Result<(VariantLayout, usize), CodecError> {
    let present = (tag >> 2) & 0x1F;
    let plane_len = n.div_ceil(64) * 8;
    let mut plane_at = [ABSENT_PLANE; PLANES];
    for (p, at) in plane_at.iter_mut().enumerate() {
        if present >> p & 1 == 1 {
            *at = r.position();
            r.take(plane_len, "dense bit plane")?;
        }
    }
    let layout = DenseLayout { default, plane_at, advances };
    let planes = DensePlanes::new(gt, &layout, n);
    let n_words = planes.n_words();
    if n_words > 0 {
        let last = n_words - 1;
        let padding = !planes.valid_mask(last);
        if (0..PLANES).any(|p| planes.stored_word(p, last) & padding != 0) {
            return Err(CodecError::Corrupt("dense padding bits set"));
        }
    }
    let mut n_extended = 0usize;
    if planes.may_contain_extended() {
        for i in 0..n_words {
            let ext = planes.extended_mask(i);
            // An extended sample takes its other signature bits from the default; any
            // other value would make it an "exception" equal to the default code.
            let stray = (2..PLANES).fold(0, |acc, p| acc | planes.stored_word(p, i));
            if ext & stray != 0 {
                return Err(CodecError::Corrupt("extended sample with stray plane bits"));
            }
            n_extended += ext.count_ones() as usize;
        }
    }
    Ok((VariantLayout::Dense(layout), n_extended))
}

fn for_each_extended_sample(gt: &[u8], layout: &VariantLayout, palette: &[PaletteEntry], n: usize, mut f: impl FnMut(u32)) {
    match layout {
        VariantLayout::Sparse(sparse) => {
            let entries = &palette[sparse.palette_start as usize..][..sparse.palette_len as usize];
            let exceptions = SparseExceptions::new(gt, sparse);
            if sparse.default == code::EXTENDED {
                // Extended samples are the gaps between exceptions.
                let mut next = 0u32;
                for (sample, _) in exceptions {
                    (next..sample).for_each(&mut f);
                    next = sample + 1;
                }
                (next..n as u32).for_each(&mut f);
            } else if let Some(ext) = entries.iter().position(|e| e.code == code::EXTENDED) {
                exceptions.filter(|&(_, index)| index == ext).for_each(|(sample, _)| f(sample));
            }
        }
        VariantLayout::Pbwt(pbwt) => {
            let entries = &palette[pbwt.overrides.palette_start as usize..][..pbwt.overrides.palette_len as usize];
            if let Some(ext) = entries.iter().position(|e| e.code == code::EXTENDED) {
                SparseExceptions::new(gt, &pbwt.overrides).filter(|&(_, index)| index == ext).for_each(|(sample, _)| f(sample));
            }
        }
        VariantLayout::Dense(dense) => {
            let planes = DensePlanes::new(gt, dense, n);
            for i in 0..planes.n_words() {
                let mut mask = planes.extended_mask(i);
                while mask != 0 {
                    f((i * 64) as u32 + mask.trailing_zeros());
                    mask &= mask - 1;
                }
            }
        }
    }
}

fn read_extended_alleles(r: &mut ByteReader<'_>, call: &mut ExtendedCall) -> Result<(), CodecError> {
    let ploidy = r.varint_usize("extended call ploidy")?;
    if ploidy == 0 || ploidy > MAX_PLOIDY {
        return Err(CodecError::Corrupt("extended call ploidy out of range"));
    }
    let bytes = r.take(ploidy, "extended call alleles")?;
    call.alleles.reserve_exact(ploidy);
    call.phased.reserve_exact(ploidy - 1);
    for (i, &b) in bytes.iter().enumerate() {
        let allele = b & 0b11;
        let phased = b >> 2 & 1 == 1;
        let last = i + 1 == ploidy;
        if b & !0b111 != 0 || allele > code::MISSING || (last && phased) {
            return Err(CodecError::Corrupt("invalid extended call allele"));
        }
        call.alleles.push(allele);
        if !last {
            call.phased.push(phased);
        }
    }
    Ok(())
}

#[cfg(test)]
mod scan_runs_tests {
    use super::scan_runs;

    /// The plain loop the word-at-a-time path must agree with.
    fn reference(runs: &[usize]) -> (usize, usize) {
        (runs.iter().sum(), runs.iter().skip(1).step_by(2).sum())
    }

    fn encode(runs: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, &r) in runs.iter().enumerate() {
            let mut v = r - usize::from(i > 0);
            loop {
                let b = (v & 0x7F) as u8;
                v >>= 7;
                if v == 0 {
                    out.push(b);
                    break;
                }
                out.push(b | 0x80);
            }
        }
        out
    }

    #[test]
    fn word_at_a_time_agrees_with_the_plain_sum() {
        let mut k: u64 = 99;
        for case in 0..2000 {
            let mut next = |m: u64| {
                k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (k >> 33) % m
            };
            // Mostly short runs, some long (multi-byte), a first run that may be empty.
            let n = 1 + next(60) as usize;
            let mut runs: Vec<usize> = (0..n).map(|_| if next(10) == 0 { 129 + next(5000) as usize } else { 1 + next(128) as usize }).collect();
            runs[0] = next(3) as usize;
            let (slots, ones) = reference(&runs);
            if slots == 0 {
                continue;
            }
            let mut bytes = encode(&runs);
            let end = bytes.len();
            bytes.extend_from_slice(&[5, 7, 9]); // what follows the record
            assert_eq!(scan_runs(&bytes, 0, slots).unwrap(), (end, ones), "case {case}: {runs:?}");
            // A last run longer than the slots left is refused.
            if *runs.last().unwrap() > 1 {
                assert!(scan_runs(&bytes[..end], 0, slots - 1).is_err(), "case {case}: {runs:?}");
            }
        }
    }
}
