//! The sample registry as one value ([`keys::SAMPLE_REGISTRY`]): one read and one decode
//! instead of walking 10,000 keys. Measured on the 10,000-sample bench store, the walk was
//! 2.7e7 instructions, a third of a query's fixed cost (RocksDB's per-key iteration and the
//! decompression of its small blocks), every time a process opened the store.

use crate::manifest::SampleRecord;
use crate::{sample_record_codec, varint, StoreError};

const VERSION: u8 = 1;

pub fn encode(records: &[SampleRecord]) -> Vec<u8> {
    let mut out = vec![VERSION];
    varint::put(&mut out, records.len() as u64);
    for r in records {
        varint::put_bytes(&mut out, &sample_record_codec::encode(r));
    }
    out
}

pub fn decode(bytes: &[u8]) -> Result<Vec<SampleRecord>, StoreError> {
    let bad = |what: &str| StoreError::Corrupt(format!("sample registry: {what}"));
    let mut c = varint::Cursor::new(bytes);
    if c.u8() != Some(VERSION) {
        return Err(bad("unknown version"));
    }
    let n = c.varint().ok_or_else(|| bad("truncated count"))?;
    let mut records = Vec::with_capacity((n as usize).min(bytes.len()));
    for _ in 0..n {
        records.push(sample_record_codec::decode(c.bytes().ok_or_else(|| bad("truncated record"))?)?);
    }
    if !c.rest().is_empty() {
        return Err(bad("trailing bytes"));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Batch;
    use crate::{cf, keys, Store};

    fn record(id: u32, name: &str) -> SampleRecord {
        SampleRecord { id, center: "c".into(), name: name.into(), batch: id / 2, column: id % 2, replaced: if id == 1 { vec![(7, 3)] } else { vec![] } }
    }

    fn put_samples(store: &Store, records: &[SampleRecord]) {
        let mut b = Batch::default();
        for r in records {
            b.put(cf::SAMPLES, &keys::u32_key(r.id), &sample_record_codec::encode(r));
        }
        store.engine().write(b, false).unwrap();
    }

    fn kept(root: &std::path::Path) -> Option<Vec<SampleRecord>> {
        Store::open_read_only(root).unwrap().engine().get(cf::SNAPSHOTS, keys::SAMPLE_REGISTRY).unwrap().map(|v| decode(&v).unwrap())
    }

    #[test]
    fn round_trips_and_refuses_damage() {
        let records: Vec<SampleRecord> = (0..5).map(|i| record(i, &format!("s{i}"))).collect();
        for rs in [&records[..0], &records[..]] {
            assert_eq!(decode(&encode(rs)).unwrap(), rs);
        }
        let full = encode(&records);
        for cut in 0..full.len() {
            assert!(decode(&full[..cut]).is_err(), "truncated at {cut}");
        }
        assert!(decode(&[full.as_slice(), &[0]].concat()).is_err(), "trailing bytes");
    }

    /// The one-value registry is dropped by the very write that changes a sample, written
    /// again by the next read-write open, and every open reads the registry as it is.
    #[test]
    fn follows_every_change_to_the_samples() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let first = vec![record(0, "a"), record(1, "b")];
        {
            let store = Store::open(root).unwrap();
            assert_eq!(kept(root), Some(vec![]), "a new store keeps its empty registry");
            put_samples(&store, &first);
            assert_eq!(store.engine().get(cf::SNAPSHOTS, keys::SAMPLE_REGISTRY).unwrap(), None, "removed with the change");
            assert_eq!(store.samples().unwrap(), first);
        }
        assert_eq!(Store::open_read_only(root).unwrap().samples().unwrap(), first, "read by walking the family");
        drop(Store::open(root).unwrap());
        assert_eq!(kept(root), Some(first.clone()));
        assert_eq!(Store::open_read_only(root).unwrap().samples().unwrap(), first);
        {
            let store = Store::open(root).unwrap();
            let mut b = Batch::default();
            b.delete(cf::SAMPLES, &keys::u32_key(0));
            store.engine().write(b, true).unwrap();
            put_samples(&store, &[record(2, "c")]);
        }
        let now = vec![record(1, "b"), record(2, "c")];
        assert_eq!(kept(root), None);
        assert_eq!(Store::open_read_only(root).unwrap().samples().unwrap(), now);
        drop(Store::open(root).unwrap());
        assert_eq!(kept(root), Some(now.clone()));
        assert_eq!(Store::open_read_only(root).unwrap().samples().unwrap(), now);
    }
}
