//! The storage engine behind a narrow interface: everything above speaks column-family names
//! and byte keys; only this module knows RocksDB.

use std::path::Path;

use rocksdb::{BlockBasedOptions, ColumnFamilyDescriptor, DBCompressionType, Direction, IteratorMode, LogLevel, Options, ReadOptions, WriteOptions, DB};

use crate::{cf, StoreError};

pub struct Engine {
    db: DB,
    read_only: bool,
    /// Bumped after every write touching the sample registry, so readers may keep decoded
    /// sample records between writes (see `Store::samples`).
    samples_generation: std::sync::atomic::AtomicU64,
    /// The same for batch manifests (`Store::committed_batches_shared`).
    batches_generation: std::sync::atomic::AtomicU64,
}

/// Writes collected then applied atomically.
#[derive(Default)]
pub struct Batch {
    ops: Vec<(&'static str, Vec<u8>, Option<Vec<u8>>)>,
}

impl Batch {
    pub fn put(&mut self, cf: &'static str, key: &[u8], value: &[u8]) {
        self.ops.push((cf, key.to_vec(), Some(value.to_vec())));
    }

    pub fn delete(&mut self, cf: &'static str, key: &[u8]) {
        self.ops.push((cf, key.to_vec(), None));
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

fn cf_options(name: &str) -> Options {
    let mut o = Options::default();
    // Genotype blocks and depth runs are already zstd-compressed; compressing them again
    // only costs CPU.
    if name == cf::BLOCKS || name == cf::CALLABLE || name == cf::DEPTH {
        o.set_compression_type(DBCompressionType::None);
        o.set_target_file_size_base(128 << 20);
    } else if name == cf::SAMPLES {
        // Every query reads the whole registry: LZ4 blocks decode several times faster than
        // zstd ones (RocksDB's zstd was 1.4% of a `freq` run). Tables keep their own codec,
        // so older stores read as before.
        o.set_compression_type(DBCompressionType::Lz4);
    } else {
        o.set_compression_type(DBCompressionType::Zstd);
        o.set_bottommost_compression_type(DBCompressionType::Zstd);
    }
    let mut table = BlockBasedOptions::default();
    table.set_block_size(if name == cf::BLOCKS { 64 << 10 } else { 16 << 10 });
    o.set_block_based_table_factory(&table);
    o
}

impl Engine {
    pub fn open(path: &Path, read_only: bool) -> Result<Engine, StoreError> {
        let mut opts = Options::default();
        opts.create_if_missing(!read_only);
        opts.create_missing_column_families(!read_only);
        opts.set_max_background_jobs(2);
        opts.set_write_buffer_size(64 << 20);
        opts.set_keep_log_file_num(3);
        // Opening a store for one query must be cheap: RocksDB otherwise starts up to 16
        // table-loading threads per manifest edit (~150 threads measured) and reads every
        // table's statistics.
        opts.set_max_file_opening_threads(1);
        opts.set_skip_stats_update_on_db_open(true);
        // At INFO level every open dumps the options of every family (~200 kB) into the LOG
        // file: 2.5% of a whole `freq` run's instructions. Warnings and errors still go there.
        opts.set_log_level(LogLevel::Warn);
        // A read-only open cannot create families; one added by a newer genohub is then simply
        // empty (a read-write open creates it).
        let present: Vec<String> = if read_only { DB::list_cf(&opts, path).unwrap_or_default() } else { Vec::new() };
        let wanted = cf::ALL.iter().filter(|name| !read_only || present.iter().any(|p| p == *name));
        let cfs = wanted.map(|name| ColumnFamilyDescriptor::new(*name, cf_options(name)));
        let db = if read_only { DB::open_cf_descriptors_read_only(&opts, path, cfs, false) } else { DB::open_cf_descriptors(&opts, path, cfs) };
        let db = db.map_err(|e| {
            let msg = e.to_string();
            if msg.contains("lock") || msg.contains("LOCK") {
                StoreError::Busy(path.display().to_string())
            } else {
                StoreError::Engine(format!("opening {}: {msg}", path.display()))
            }
        })?;
        Ok(Engine { db, read_only, samples_generation: std::sync::atomic::AtomicU64::new(0), batches_generation: std::sync::atomic::AtomicU64::new(0) })
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Every family exists after a read-write open; a read-only open of an older store may
    /// lack one, which reads as empty.
    fn handle(&self, name: &str) -> Option<&rocksdb::ColumnFamily> {
        let h = self.db.cf_handle(name);
        debug_assert!(h.is_some() || self.read_only, "column family {name} missing from a read-write store");
        h
    }

    fn writable_handle(&self, name: &str) -> Result<&rocksdb::ColumnFamily, StoreError> {
        self.handle(name).ok_or_else(|| StoreError::Engine(format!("column family {name} is missing")))
    }

    /// Changes whenever the sample registry may have changed.
    pub fn samples_generation(&self) -> u64 {
        self.samples_generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Changes whenever a batch manifest may have changed.
    pub fn batches_generation(&self) -> u64 {
        self.batches_generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn get(&self, cf: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.handle(cf) {
            Some(h) => Ok(self.db.get_cf(h, key)?),
            None => Ok(None),
        }
    }

    /// Applies a batch atomically; `sync` makes it durable before returning.
    pub fn write(&self, batch: Batch, sync: bool) -> Result<(), StoreError> {
        let mut wb = rocksdb::WriteBatch::default();
        for (cf, key, value) in &batch.ops {
            let h = self.writable_handle(cf)?;
            match value {
                Some(v) => wb.put_cf(h, key, v),
                None => wb.delete_cf(h, key),
            }
        }
        let mut wo = WriteOptions::default();
        wo.set_sync(sync);
        let touches_samples = batch.ops.iter().any(|(cf, _, _)| *cf == cf::SAMPLES);
        let touches_batches = batch.ops.iter().any(|(cf, _, _)| *cf == cf::BATCHES);
        let written = self.db.write_opt(wb, &wo);
        // Whatever the outcome: a failed write may still have changed something.
        if touches_samples {
            self.samples_generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        if touches_batches {
            self.batches_generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(written?)
    }

    /// Makes every write made so far durable (one fsync of the write-ahead log), for writes
    /// made with `sync = false` whose durability is wanted later, shared by several.
    pub fn sync_log(&self) -> Result<(), StoreError> {
        Ok(self.db.flush_wal(true)?)
    }

    /// Key/value pairs with `start <= key < end` (or to the end of the family).
    pub fn scan(&self, cf: &str, start: &[u8], end: Option<&[u8]>) -> impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), StoreError>> + '_ {
        let mut ro = ReadOptions::default();
        if let Some(end) = end {
            ro.set_iterate_upper_bound(end.to_vec());
        }
        self.handle(cf)
            .map(|h| self.db.iterator_cf_opt(h, ro, IteratorMode::From(start, Direction::Forward)))
            .into_iter()
            .flatten()
            .map(|r| r.map_err(StoreError::from))
    }

    /// Calls `f(key, value)` for each pair with `start <= key < end`, without the two
    /// allocations per pair of [`scan`](Self::scan) (which cost a third of reading the
    /// 10,000-record sample registry).
    pub fn for_each(&self, cf: &str, start: &[u8], end: Option<&[u8]>, mut f: impl FnMut(&[u8], &[u8]) -> Result<(), StoreError>) -> Result<(), StoreError> {
        let Some(h) = self.handle(cf) else { return Ok(()) };
        let mut ro = ReadOptions::default();
        if let Some(end) = end {
            ro.set_iterate_upper_bound(end.to_vec());
        }
        let mut it = self.db.raw_iterator_cf_opt(h, ro);
        it.seek(start);
        while it.valid() {
            if let (Some(k), Some(v)) = (it.key(), it.value()) {
                f(k, v)?;
            }
            it.next();
        }
        Ok(it.status()?)
    }

    pub fn scan_prefix(&self, cf: &str, prefix: &[u8]) -> impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), StoreError>> + '_ {
        let end = prefix_end(prefix);
        self.scan(cf, prefix, end.as_deref())
    }

    /// Drops deleted data from files now rather than eventually (used after removals).
    pub fn compact(&self, cf: &str) {
        if let Some(h) = self.handle(cf) {
            self.db.compact_range_cf(h, None::<&[u8]>, None::<&[u8]>);
        }
    }

    /// A consistent copy of the whole database at `dest` (a new directory), taken while it
    /// stays open: SST files are hard-linked when on the same file system, so it is cheap.
    pub fn checkpoint(&self, dest: &Path) -> Result<(), StoreError> {
        let cp = rocksdb::checkpoint::Checkpoint::new(&self.db)?;
        cp.create_checkpoint(dest).map_err(|e| StoreError::Engine(format!("checkpoint to {}: {e}", dest.display())))
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        for name in cf::ALL {
            if let Some(h) = self.handle(name) {
                self.db.flush_cf(h)?;
            }
        }
        Ok(())
    }
}

/// The smallest key greater than every key with this prefix, None if there is none.
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_each_visits_what_scan_yields() {
        let dir = tempfile::tempdir().unwrap();
        let e = Engine::open(&dir.path().join("db"), false).unwrap();
        let mut b = Batch::default();
        for k in [&b"a"[..], b"b1", b"b2", b"c", b"d"] {
            b.put(cf::META, k, &[k, b"!"].concat());
        }
        e.write(b, false).unwrap();
        for (start, end) in [(&b""[..], None), (b"b", Some(&b"c"[..])), (b"b2", Some(&b"zz"[..])), (b"x", None)] {
            let scanned: Vec<(Vec<u8>, Vec<u8>)> = e.scan(cf::META, start, end).map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap()).collect();
            let mut visited = Vec::new();
            e.for_each(cf::META, start, end, |k, v| {
                visited.push((k.to_vec(), v.to_vec()));
                Ok(())
            })
            .unwrap();
            assert_eq!(visited, scanned, "{start:?}..{end:?}");
        }
        let mut n = 0;
        let stopped = e.for_each(cf::META, b"", None, |_, _| {
            n += 1;
            Err(StoreError::Corrupt("stop".into()))
        });
        assert!(stopped.is_err() && n == 1, "an error from f ends the walk");
    }

    #[test]
    fn read_only_open_of_an_older_store_reads_a_missing_family_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        {
            // A store written before the last family existed.
            let mut opts = Options::default();
            opts.create_if_missing(true);
            opts.create_missing_column_families(true);
            let older: Vec<&str> = cf::ALL[..cf::ALL.len() - 1].to_vec();
            let db = DB::open_cf(&opts, &path, &older).unwrap();
            db.put_cf(db.cf_handle(cf::META).unwrap(), b"k", b"v").unwrap();
        }
        let newest = cf::ALL[cf::ALL.len() - 1];
        let ro = Engine::open(&path, true).unwrap();
        assert_eq!(ro.get(cf::META, b"k").unwrap().as_deref(), Some(&b"v"[..]));
        assert_eq!(ro.get(newest, b"k").unwrap(), None);
        assert_eq!(ro.scan(newest, &[], None).count(), 0);
        drop(ro);
        let rw = Engine::open(&path, false).unwrap();
        let mut b = Batch::default();
        b.put(newest, b"k", b"w");
        rw.write(b, false).unwrap();
        assert_eq!(rw.get(newest, b"k").unwrap().as_deref(), Some(&b"w"[..]));
    }
}
