//! Opening a store, recovering from interrupted ingests, and reading its registries.

use std::path::{Path, PathBuf};

use crate::engine::{Batch, Engine};
use crate::keys::{self, BatchId, ContigId};
use crate::manifest::{BatchManifest, BatchStatus, ContigRecord, SampleRecord};
use crate::{cf, sample_record_codec, sample_registry, StoreError};

/// Store formats by layout: 1 keeps one RocksDB family per family (stores made before
/// 2026-11-25, still read and written), 2 shares one family (`cf::SHARED`).
const FORMAT_SEPARATE: &[u8] = b"genohub-store-1";
const FORMAT_SHARED: &[u8] = b"genohub-store-2";

pub struct Store {
    pub(crate) engine: Engine,
    root: PathBuf,
    /// Decoded sample records and the registry generation they were read at: every query
    /// resolves its samples, and decoding 10,000 records per request dominated a server's load
    /// (benches/server_load.sh).
    samples_kept: std::sync::Mutex<Option<(u64, std::sync::Arc<Vec<SampleRecord>>)>>,
    /// Committed batch manifests, kept the same way: each holds its header and every sample
    /// name, and decoding them twice per query was 40% of a server's counted request.
    batches_kept: std::sync::Mutex<Option<(u64, std::sync::Arc<Vec<BatchManifest>>)>>,
}

fn json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store records serialise")
}

impl Store {
    /// Opens (creating on first use) a store for reading and writing, and removes what an
    /// interrupted ingest left behind.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(root).map_err(|e| StoreError::io(format!("creating {}", root.display()), e))?;
        let engine = Engine::open(&root.join("db"), false)?;
        let format = if engine.is_shared() { FORMAT_SHARED } else { FORMAT_SEPARATE };
        match engine.get(cf::META, b"format")? {
            None => {
                let mut b = Batch::default();
                b.put(cf::META, b"format", format);
                engine.write(b, true)?;
            }
            Some(v) if v == format => {}
            Some(v) => {
                return Err(StoreError::Refused(format!(
                    "{} holds store format {:?}, this genohub reads {:?} in this layout",
                    root.display(),
                    String::from_utf8_lossy(&v),
                    String::from_utf8_lossy(format)
                )))
            }
        }
        let store = Store { engine, root: root.to_path_buf(), samples_kept: Default::default(), batches_kept: Default::default() };
        store.recover()?;
        store.recover_reads()?;
        store.write_sample_registry()?;
        Ok(store)
    }

    /// Opens an existing store for queries only; works while another process ingests.
    pub fn open_read_only(root: &Path) -> Result<Store, StoreError> {
        let db = root.join("db");
        if !db.join("CURRENT").exists() {
            return Err(StoreError::NotFound(format!("no genohub store at {} (run `genohub ingest` first)", root.display())));
        }
        Ok(Store { engine: Engine::open(&db, true)?, root: root.to_path_buf(), samples_kept: Default::default(), batches_kept: Default::default() })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The engine, for the crates above that keep their own column families in the same
    /// database (clinical, governance) so their writes commit atomically with the store's.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Removes every pending batch: an ingest that never committed (crash, kill, error).
    fn recover(&self) -> Result<(), StoreError> {
        /// Only what recovery needs of a manifest: serde skips the rest unparsed.
        #[derive(serde::Deserialize)]
        struct Status {
            id: BatchId,
            status: BatchStatus,
        }
        for item in self.engine.scan(cf::BATCHES, &[], None) {
            let m: Status = json(&item?.1, "batch manifest")?;
            if m.status == BatchStatus::Pending {
                self.discard_batch(m.id)?;
            }
        }
        Ok(())
    }

    /// Deletes all data a batch wrote, then its manifest. Idempotent, so a crash during
    /// discard is finished by the next open.
    pub(crate) fn discard_batch(&self, batch: BatchId) -> Result<(), StoreError> {
        let prefix = keys::u32_key(batch);
        loop {
            let mut b = Batch::default();
            for item in self.engine.scan_prefix(cf::BATCH_KEYS, &prefix).take(10_000) {
                let (k, _) = item?;
                let target = cf::from_tag(k[4]).ok_or_else(|| StoreError::Corrupt("batch key tag".into()))?;
                b.delete(target, &k[5..]);
                b.delete(cf::BATCH_KEYS, &k);
            }
            if b.is_empty() {
                break;
            }
            self.engine.write(b, false)?;
        }
        let mut b = Batch::default();
        b.delete(cf::BATCHES, &keys::u32_key(batch));
        if self.engine.get(cf::META, b"next_batch")?.as_deref() == Some(&(batch + 1).to_be_bytes()[..]) {
            b.put(cf::META, b"next_batch", &batch.to_be_bytes());
        }
        self.engine.write(b, true)
    }

    pub(crate) fn counter(&self, name: &str) -> Result<u32, StoreError> {
        Ok(self.engine.get(cf::META, name.as_bytes())?.and_then(|v| keys::decode_u32(&v)).unwrap_or(0))
    }

    pub fn batches(&self) -> Result<Vec<BatchManifest>, StoreError> {
        self.engine.scan(cf::BATCHES, &[], None).map(|r| r.and_then(|(_, v)| json(&v, "batch manifest"))).collect()
    }

    pub fn committed_batches(&self) -> Result<Vec<BatchManifest>, StoreError> {
        Ok(self.committed_batches_shared()?.as_ref().clone())
    }

    /// Committed batches without a copy: decoded once per change of the batch registry.
    pub fn committed_batches_shared(&self) -> Result<std::sync::Arc<Vec<BatchManifest>>, StoreError> {
        // The generation is read before the scan: a write finishing meanwhile makes it stale.
        let generation = self.engine.batches_generation();
        if let Some((g, kept)) = &*self.batches_kept.lock().unwrap_or_else(|p| p.into_inner()) {
            if *g == generation {
                return Ok(kept.clone());
            }
        }
        let committed: Vec<BatchManifest> = self.batches()?.into_iter().filter(|b| b.status == BatchStatus::Committed).collect();
        let shared = std::sync::Arc::new(committed);
        *self.batches_kept.lock().unwrap_or_else(|p| p.into_inner()) = Some((generation, shared.clone()));
        Ok(shared)
    }

    pub fn batch(&self, id: BatchId) -> Result<Option<BatchManifest>, StoreError> {
        self.engine.get(cf::BATCHES, &keys::u32_key(id))?.map(|v| json(&v, "batch manifest")).transpose()
    }

    pub fn batch_by_sha256(&self, sha: &str) -> Result<Option<BatchId>, StoreError> {
        Ok(self.engine.get(cf::FILES, sha.as_bytes())?.and_then(|v| keys::decode_u32(&v)))
    }

    /// Current samples in id order (replaced locations are not samples of their own).
    pub fn samples(&self) -> Result<Vec<SampleRecord>, StoreError> {
        Ok(self.samples_shared()?.as_ref().clone())
    }

    /// [`samples`](Self::samples) without copying the kept records.
    pub fn samples_shared(&self) -> Result<std::sync::Arc<Vec<SampleRecord>>, StoreError> {
        // The generation is read before reading: a write finishing meanwhile makes it stale.
        let generation = self.engine.samples_generation();
        if let Some((g, kept)) = &*self.samples_kept.lock().unwrap_or_else(|p| p.into_inner()) {
            if *g == generation {
                return Ok(kept.clone());
            }
        }
        let records = match self.engine.get(cf::SNAPSHOTS, keys::SAMPLE_REGISTRY)? {
            Some(v) => sample_registry::decode(&v)?,
            None => self.walk_samples()?,
        };
        let shared = std::sync::Arc::new(records);
        *self.samples_kept.lock().unwrap_or_else(|p| p.into_inner()) = Some((generation, shared.clone()));
        Ok(shared)
    }

    fn walk_samples(&self) -> Result<Vec<SampleRecord>, StoreError> {
        let mut records: Vec<SampleRecord> = Vec::new();
        self.engine.for_each(cf::SAMPLES, &[], None, |_, v| {
            records.push(sample_record_codec::decode(v)?);
            Ok(())
        })?;
        Ok(records)
    }

    /// Writes the one-value registry if a change to the samples removed it. Only at a
    /// read-write open: nothing else writes yet, so no change can slip in between the walk
    /// and the write.
    fn write_sample_registry(&self) -> Result<(), StoreError> {
        if self.engine.get(cf::SNAPSHOTS, keys::SAMPLE_REGISTRY)?.is_some() {
            return Ok(());
        }
        let mut b = Batch::default();
        b.put(cf::SNAPSHOTS, keys::SAMPLE_REGISTRY, &sample_registry::encode(&self.walk_samples()?));
        self.engine.write(b, false)
    }

    pub fn sample_by_name(&self, center: &str, name: &str) -> Result<Option<SampleRecord>, StoreError> {
        let Some(id) = self.engine.get(cf::SAMPLE_NAMES, &keys::sample_name_key(center, name))? else {
            return Ok(None);
        };
        let id = keys::decode_u32(&id).ok_or_else(|| StoreError::Corrupt("sample name index".into()))?;
        self.engine.get(cf::SAMPLES, &keys::u32_key(id))?.map(|v| sample_record_codec::decode(&v)).transpose()
    }

    pub fn contigs(&self) -> Result<Vec<ContigRecord>, StoreError> {
        self.engine.scan_prefix(cf::CONTIGS, b"i").map(|r| r.and_then(|(_, v)| json(&v, "contig record"))).collect()
    }

    pub fn contig_id(&self, name: &str) -> Result<Option<ContigId>, StoreError> {
        Ok(self.engine.get(cf::CONTIGS, &keys::contig_name_key(name))?.and_then(|v| keys::decode_u32(&v)))
    }

    /// Bytes of every file under the store directory.
    pub fn disk_bytes(&self) -> u64 {
        fn walk(p: &Path) -> u64 {
            std::fs::read_dir(p)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| match e.file_type() {
                            Ok(t) if t.is_dir() => walk(&e.path()),
                            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        walk(&self.root)
    }

    /// Makes on-disk size reflect the data (memtables flushed, deletions compacted).
    pub fn compact(&self) -> Result<(), StoreError> {
        self.engine.flush()?;
        for name in cf::ALL {
            self.engine.compact(name);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store made before families were shared (one RocksDB family each, format 1) opens,
    /// reads and writes as before; a new store is format 2; a format this genohub does not
    /// know is refused by name.
    #[test]
    fn both_layouts_open_and_an_unknown_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        {
            let mut opts = rocksdb::Options::default();
            opts.create_if_missing(true);
            opts.create_missing_column_families(true);
            let db = rocksdb::DB::open_cf(&opts, old.join("db"), cf::ALL).unwrap();
            db.put_cf(db.cf_handle(cf::META).unwrap(), b"format", FORMAT_SEPARATE).unwrap();
            db.put_cf(
                db.cf_handle(cf::SAMPLES).unwrap(),
                keys::u32_key(0),
                sample_record_codec::encode(&SampleRecord { id: 0, center: "c".into(), name: "s".into(), batch: 0, column: 0, replaced: vec![] }),
            )
            .unwrap();
        }
        let store = Store::open(&old).unwrap();
        assert!(!store.engine().is_shared());
        assert_eq!(store.samples().unwrap().len(), 1);
        drop(store);
        assert_eq!(Store::open_read_only(&old).unwrap().samples().unwrap()[0].name, "s");

        let new = dir.path().join("new");
        let store = Store::open(&new).unwrap();
        assert!(store.engine().is_shared());
        assert_eq!(store.engine().get(cf::META, b"format").unwrap().as_deref(), Some(FORMAT_SHARED));
        let mut b = Batch::default();
        b.put(cf::META, b"format", b"genohub-store-9");
        store.engine().write(b, true).unwrap();
        drop(store);
        let refused = Store::open(&new).err().expect("refused").to_string();
        assert!(refused.contains("genohub-store-9") && refused.contains("genohub-store-2"), "{refused}");
    }
}
