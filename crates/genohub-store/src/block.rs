//! A stored block: the sites of one contig bin from one batch, then their genotypes.
//!
//! Layout: version(1) | n_sites varint | sites_len varint | zstd(sites) | genotype codec bytes.
//! Sites and genotypes are separate so site-only scans never touch genotypes.

use genohub_codec::GenotypeBlock;

use crate::varint::{self, Cursor};
use crate::StoreError;

const VERSION: u8 = 1;
const SITE_ZSTD_LEVEL: i32 = 3;

/// Site fields as stored (the contig is in the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSite {
    pub pos: u64,
    pub id: String,
    pub reference: String,
    pub alternate: String,
    pub qual: String,
    pub filter: String,
    pub info: String,
    /// Which of DP, GQ, AD this record carried ([`FIELD_DP`] | ...), so output shows the
    /// same FORMAT keys as the input rather than every key of its block.
    pub fields: u8,
}

pub const FIELD_DP: u8 = 1;
pub const FIELD_GQ: u8 = 2;
pub const FIELD_AD: u8 = 4;

impl StoredSite {
    pub fn end(&self) -> u64 {
        self.pos + self.reference.len().max(1) as u64 - 1
    }

    /// Identity of a site across batches.
    pub fn same_allele(&self, other: &StoredSite) -> bool {
        self.pos == other.pos && self.reference == other.reference && self.alternate == other.alternate
    }
}

pub fn encode(sites: &[StoredSite], genotypes: &GenotypeBlock) -> Result<Vec<u8>, StoreError> {
    let mut raw = Vec::with_capacity(sites.len() * 32);
    let mut prev = 0u64;
    for s in sites {
        // Sites are sorted by position within a block, so deltas are small.
        varint::put(&mut raw, s.pos - prev);
        prev = s.pos;
        raw.push(s.fields);
        for field in [&s.id, &s.reference, &s.alternate, &s.qual, &s.filter, &s.info] {
            varint::put_bytes(&mut raw, field.as_bytes());
        }
    }
    let packed = zstd::bulk::compress(&raw, SITE_ZSTD_LEVEL).expect("zstd compression of memory cannot fail");
    let gt = genohub_codec::encode(genotypes).map_err(|e| StoreError::Corrupt(format!("encoding a genotype block: {e}")))?;
    let mut out = Vec::with_capacity(packed.len() + gt.len() + 16);
    out.push(VERSION);
    varint::put(&mut out, sites.len() as u64);
    varint::put(&mut out, raw.len() as u64);
    varint::put_bytes(&mut out, &packed);
    out.extend_from_slice(&gt);
    Ok(out)
}

/// A stored block split into its parts; genotypes stay encoded until asked for.
pub struct DecodedBlock<'a> {
    pub sites: Vec<StoredSite>,
    pub genotypes: &'a [u8],
    /// Offset of `genotypes` in the stored value.
    pub genotypes_at: usize,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("genotype block: {what}"))
}

pub fn decode(bytes: &[u8]) -> Result<DecodedBlock<'_>, StoreError> {
    decode_within(bytes, 1, u64::MAX)
}

/// [`decode`], with the text of sites that do not overlap `start..=end` left out: only their
/// position and REF (which their extent needs) are decoded, the other fields left empty. A
/// lookup at one position reads a block of about a thousand sites; building six strings for
/// each was ~9% of a Beacon count's CPU.
pub fn decode_within(bytes: &[u8], start: u64, end: u64) -> Result<DecodedBlock<'_>, StoreError> {
    let mut c = Cursor::new(bytes);
    if c.u8() != Some(VERSION) {
        return Err(corrupt("unknown block version"));
    }
    let n = c.varint().ok_or_else(|| corrupt("truncated header"))? as usize;
    let raw_len = c.varint().ok_or_else(|| corrupt("truncated header"))? as usize;
    let packed = c.bytes().ok_or_else(|| corrupt("truncated site section"))?;
    if raw_len > 1 << 31 {
        return Err(corrupt("implausible site section size"));
    }
    let raw = if raw_len == 0 { Vec::new() } else { genohub_codec::decompress_section(packed, raw_len).map_err(|e| corrupt(&format!("site section: {e}")))? };
    let mut sc = Cursor::new(&raw);
    let mut sites = Vec::with_capacity(n.min(1 << 20));
    let mut pos = 0u64;
    let text = |b: Option<&[u8]>| -> Result<String, StoreError> {
        let b = b.ok_or_else(|| corrupt("truncated site"))?;
        String::from_utf8(b.to_vec()).map_err(|_| corrupt("site text is not UTF-8"))
    };
    let skip = |b: Option<&[u8]>| -> Result<String, StoreError> { b.map(|_| String::new()).ok_or_else(|| corrupt("truncated site")) };
    for _ in 0..n {
        pos += sc.varint().ok_or_else(|| corrupt("truncated site"))?;
        let fields = sc.u8().ok_or_else(|| corrupt("truncated site"))?;
        let id = sc.bytes();
        let reference = text(sc.bytes())?;
        let inside = pos <= end && pos + reference.len().max(1) as u64 - 1 >= start;
        let field = if inside { text } else { skip };
        sites.push(StoredSite {
            pos,
            fields,
            id: field(id)?,
            reference,
            alternate: field(sc.bytes())?,
            qual: field(sc.bytes())?,
            filter: field(sc.bytes())?,
            info: field(sc.bytes())?,
        });
    }
    let genotypes = c.rest();
    Ok(DecodedBlock { sites, genotypes, genotypes_at: bytes.len() - genotypes.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pos: u64, reference: &str, alternate: &str) -> StoredSite {
        StoredSite {
            pos,
            fields: 0,
            id: format!("rs{pos}"),
            reference: reference.into(),
            alternate: alternate.into(),
            qual: "50".into(),
            filter: "PASS".into(),
            info: format!("DP={pos}"),
        }
    }

    #[test]
    fn decoding_within_a_span_keeps_rows_extents_and_the_text_inside() {
        // An indel at 95 reaches into the span 100..=100; 90 and 101 lie outside it.
        let sites = vec![site(90, "A", "G"), site(95, "ACGTAC", "A"), site(100, "C", "T"), site(100, "C", "G"), site(101, "G", "A")];
        let gts = GenotypeBlock { n_variants: 5, n_samples: 2, codes: vec![0; 10], extended: vec![], dp: None, gq: None, ad: None };
        let bytes = encode(&sites, &gts).unwrap();
        let whole = decode(&bytes).unwrap();
        assert_eq!(whole.sites, sites);
        let within = decode_within(&bytes, 100, 100).unwrap();
        assert_eq!(within.genotypes, whole.genotypes);
        assert_eq!(within.sites.len(), sites.len(), "rows keep their index");
        for (got, full) in within.sites.iter().zip(&sites) {
            assert_eq!((got.pos, got.end()), (full.pos, full.end()));
            if full.pos <= 100 && full.end() >= 100 {
                assert_eq!(got, full, "a site overlapping the span is decoded whole");
            } else {
                assert!(got.alternate.is_empty() && got.info.is_empty() && got.id.is_empty(), "{got:?} lies outside the span");
            }
        }
    }
}
