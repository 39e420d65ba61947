//! The stored form of a [`SampleRecord`]: a tag byte and varints. Every analysis reads the
//! whole registry (10,000 records on the benchmark cohort), and JSON parsing was 7.5% of a
//! `freq` run. Records written as JSON by earlier versions (`{` first) are still read.

use crate::manifest::SampleRecord;
use crate::varint::{self, Cursor};
use crate::StoreError;

/// First byte of the compact form; JSON records start with `{`.
const COMPACT: u8 = 1;

pub fn encode(r: &SampleRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + r.center.len() + r.name.len() + 4 * r.replaced.len());
    out.push(COMPACT);
    varint::put(&mut out, r.id.into());
    varint::put_bytes(&mut out, r.center.as_bytes());
    varint::put_bytes(&mut out, r.name.as_bytes());
    varint::put(&mut out, r.batch.into());
    varint::put(&mut out, r.column.into());
    varint::put(&mut out, r.replaced.len() as u64);
    for &(batch, column) in &r.replaced {
        varint::put(&mut out, batch.into());
        varint::put(&mut out, column.into());
    }
    out
}

pub fn decode(bytes: &[u8]) -> Result<SampleRecord, StoreError> {
    match bytes.first() {
        Some(&COMPACT) => decode_compact(&bytes[1..]).ok_or_else(|| StoreError::Corrupt("sample record: truncated or malformed compact record".into())),
        _ => serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(format!("sample record: {e}"))),
    }
}

fn decode_compact(bytes: &[u8]) -> Option<SampleRecord> {
    let mut c = Cursor::new(bytes);
    let u32_of = |v: u64| u32::try_from(v).ok();
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).ok();
    let id = u32_of(c.varint()?)?;
    let center = text(c.bytes()?)?;
    let name = text(c.bytes()?)?;
    let batch = u32_of(c.varint()?)?;
    let column = u32_of(c.varint()?)?;
    let n = usize::try_from(c.varint()?).ok()?;
    let mut replaced = Vec::with_capacity(n.min(bytes.len()));
    for _ in 0..n {
        replaced.push((u32_of(c.varint()?)?, u32_of(c.varint()?)?));
    }
    c.is_empty().then_some(SampleRecord { id, center, name, batch, column, replaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(replaced: Vec<(u32, u32)>) -> SampleRecord {
        SampleRecord { id: 70_000, center: "センター-1".into(), name: "NA12878".into(), batch: 300, column: 129, replaced }
    }

    #[test]
    fn compact_and_json_records_read_back_the_same() {
        for r in [record(vec![]), record(vec![(1, 2), (200, 70_000)])] {
            assert_eq!(decode(&encode(&r)).unwrap(), r);
            assert_eq!(decode(&serde_json::to_vec(&r).unwrap()).unwrap(), r, "records of earlier versions");
        }
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        let full = encode(&record(vec![(1, 2)]));
        for cut in 1..full.len() {
            assert!(decode(&full[..cut]).is_err(), "truncated at {cut}");
        }
        let mut longer = full.clone();
        longer.push(0);
        assert!(decode(&longer).is_err(), "trailing bytes");
        assert!(decode(b"").is_err());
        assert!(decode(b"{\"id\":").is_err());
    }

    /// A store written before the compact form gains compact records with its next ingest.
    #[test]
    fn a_registry_mixing_json_and_compact_records_reads_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(dir.path()).unwrap();
        let old = SampleRecord { id: 0, center: "c1".into(), name: "a".into(), batch: 0, column: 0, replaced: vec![] };
        let new = SampleRecord { id: 1, center: "c2".into(), name: "b".into(), batch: 1, column: 3, replaced: vec![(0, 1)] };
        let mut b = crate::engine::Batch::default();
        b.put(crate::cf::SAMPLES, &crate::keys::u32_key(0), &serde_json::to_vec(&old).unwrap());
        b.put(crate::cf::SAMPLES, &crate::keys::u32_key(1), &encode(&new));
        store.engine().write(b, false).unwrap();
        assert_eq!(store.samples().unwrap(), vec![old, new]);
    }
}
