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
    for _ in 0..n {
        pos += sc.varint().ok_or_else(|| corrupt("truncated site"))?;
        let fields = sc.u8().ok_or_else(|| corrupt("truncated site"))?;
        sites.push(StoredSite {
            pos,
            fields,
            id: text(sc.bytes())?,
            reference: text(sc.bytes())?,
            alternate: text(sc.bytes())?,
            qual: text(sc.bytes())?,
            filter: text(sc.bytes())?,
            info: text(sc.bytes())?,
        });
    }
    let genotypes = c.rest();
    Ok(DecodedBlock { sites, genotypes, genotypes_at: bytes.len() - genotypes.len() })
}
