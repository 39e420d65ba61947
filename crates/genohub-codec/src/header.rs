//! Block header: magic, version, shape and section table.
//!
//! ```text
//! "GHGT" | version u8 | flags u8 (bit0 DP, bit1 GQ, bit2 AD) | varint n_variants
//! | varint n_samples | per present section: varint raw_len, varint compressed_len
//! | section payloads in order GT, DP, GQ, AD
//! ```

use crate::byte_reader::ByteReader;
use crate::error::CodecError;
use crate::limits::{MAX_CELLS, MAX_EXTENDED_CALLS, MAX_PLOIDY, MAX_SAMPLES, MAX_SECTION_RAW_BYTES, MAX_VARIANTS};
use crate::varint;

pub(crate) const MAGIC: [u8; 4] = *b"GHGT";
/// 2 added the PBWT record kind; 3 gives each PBWT record its het and hom-alt counts, so
/// counting all samples needs no replay of the PBWT order; 4 moves the order only at PBWT
/// records, whose bits may be a bitmap (see [`crate::record`]). Versions 2 to 4 are read;
/// version-1 blocks are refused.
pub(crate) const FORMAT_VERSION: u8 = 4;
pub(crate) const OLDEST_READABLE_VERSION: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionKind {
    Gt = 0,
    Dp = 1,
    Gq = 2,
    Ad = 3,
}

impl SectionKind {
    pub(crate) const ALL: [SectionKind; 4] = [Self::Gt, Self::Dp, Self::Gq, Self::Ad];

    /// Flag bit in the header; GT is always present and has none.
    fn flag(self) -> u8 {
        match self {
            Self::Gt => 0,
            Self::Dp => 1,
            Self::Gq => 2,
            Self::Ad => 4,
        }
    }

    /// Largest raw size an honest encoder can produce for this shape.
    fn raw_bound(self, n_variants: u64, n_samples: u64) -> u64 {
        let cells = n_variants * n_samples;
        let bound = match self {
            // Per variant: record header + palette + count, then at most ~5 bytes per
            // sample (sparse) or 5 bit planes with padding (dense), then extended calls.
            Self::Gt => n_variants * 80 + cells * 5 + cells.min(MAX_EXTENDED_CALLS) * (1 + MAX_PLOIDY as u64),
            // At most a 5-byte varint per value.
            Self::Dp | Self::Gq => cells * 5,
            Self::Ad => cells * 10,
        };
        bound.min(MAX_SECTION_RAW_BYTES)
    }
}

const KNOWN_FLAGS: u8 = 0b111;

#[derive(Debug, Clone, Copy)]
pub(crate) struct SectionSpan {
    pub raw_len: usize,
    /// Compressed bytes, as a range of the whole block.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
pub(crate) struct Header {
    pub version: u8,
    pub n_variants: u32,
    pub n_samples: u32,
    pub sections: [Option<SectionSpan>; 4],
}

impl Header {
    pub(crate) fn section(&self, kind: SectionKind) -> Option<SectionSpan> {
        self.sections[kind as usize]
    }

    pub(crate) fn parse(bytes: &[u8]) -> Result<Header, CodecError> {
        let mut r = ByteReader::new(bytes);
        if r.take(4, "magic")? != MAGIC {
            return Err(CodecError::BadMagic);
        }
        let version = r.u8("version")?;
        if !(OLDEST_READABLE_VERSION..=FORMAT_VERSION).contains(&version) {
            return Err(CodecError::UnsupportedVersion(version));
        }
        let flags = r.u8("flags")?;
        if flags & !KNOWN_FLAGS != 0 {
            return Err(CodecError::Corrupt("unknown header flags"));
        }
        let n_variants = r.varint_u32("n_variants")?;
        let n_samples = r.varint_u32("n_samples")?;
        let cells = u64::from(n_variants) * u64::from(n_samples);
        if n_variants > MAX_VARIANTS || n_samples > MAX_SAMPLES || cells > MAX_CELLS {
            return Err(CodecError::LimitExceeded(format!("declared {n_variants} variants x {n_samples} samples")));
        }

        let mut lens: [Option<(u64, u64)>; 4] = [None; 4];
        for kind in SectionKind::ALL {
            if kind != SectionKind::Gt && flags & kind.flag() == 0 {
                continue;
            }
            let raw_len = r.varint_u64("section raw length")?;
            let compressed_len = r.varint_u64("section length")?;
            if raw_len > kind.raw_bound(n_variants.into(), n_samples.into()) {
                return Err(CodecError::LimitExceeded(format!("declared {kind:?} section of {raw_len} bytes for this shape")));
            }
            if (raw_len == 0) != (compressed_len == 0) {
                return Err(CodecError::Corrupt("section lengths disagree"));
            }
            lens[kind as usize] = Some((raw_len, compressed_len));
        }

        let mut sections = [None; 4];
        let mut pos = r.position();
        for kind in SectionKind::ALL {
            if let Some((raw_len, compressed_len)) = lens[kind as usize] {
                let remaining = (bytes.len() - pos) as u64;
                if compressed_len > remaining {
                    return Err(CodecError::Truncated("section payload"));
                }
                let end = pos + compressed_len as usize;
                sections[kind as usize] = Some(SectionSpan { raw_len: raw_len as usize, start: pos, end });
                pos = end;
            }
        }
        if pos != bytes.len() {
            return Err(CodecError::Corrupt("trailing bytes after last section"));
        }
        Ok(Header { version, n_variants, n_samples, sections })
    }
}

/// One section ready to be written: raw length and compressed payload.
pub(crate) struct EncodedSection {
    pub raw_len: usize,
    pub compressed: Vec<u8>,
}

pub(crate) fn write(version: u8, n_variants: u32, n_samples: u32, sections: &[Option<EncodedSection>; 4]) -> Vec<u8> {
    let payload: usize = sections.iter().flatten().map(|s| s.compressed.len()).sum();
    let mut out = Vec::with_capacity(payload + 64);
    out.extend_from_slice(&MAGIC);
    out.push(version);
    let flags = SectionKind::ALL.iter().filter(|k| sections[**k as usize].is_some()).fold(0u8, |f, k| f | k.flag());
    out.push(flags);
    varint::write(&mut out, n_variants.into());
    varint::write(&mut out, n_samples.into());
    for section in sections.iter().flatten() {
        varint::write(&mut out, section.raw_len as u64);
        varint::write(&mut out, section.compressed.len() as u64);
    }
    for section in sections.iter().flatten() {
        out.extend_from_slice(&section.compressed);
    }
    out
}
