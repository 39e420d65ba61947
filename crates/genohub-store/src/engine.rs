//! The storage engine behind a narrow interface: everything above speaks column-family names
//! and byte keys; only this module knows RocksDB.

use std::path::Path;

use rocksdb::{
    BlockBasedOptions, Cache, ColumnFamily, ColumnFamilyDescriptor, DBCompressionType, DBRawIteratorWithThreadMode, LogLevel, Options, ReadOptions,
    WriteOptions, DB,
};

use crate::{cf, StoreError};

/// One block cache for every family (RocksDB otherwise builds a 32 MB cache per family on
/// every open).
const BLOCK_CACHE_BYTES: usize = 256 << 20;

pub struct Engine {
    db: DB,
    read_only: bool,
    /// Families share [`cf::SHARED`] under a tag (every store this version creates); false
    /// for an older store, where every family is its own RocksDB family.
    shared: bool,
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

fn cf_options(name: &str, cache: &Cache) -> Options {
    let mut o = Options::default();
    if name == cf::SHARED || name == cf::BLOCKS || name == cf::CALLABLE || name == cf::DEPTH {
        // Genotype blocks, callable intervals and depth runs are zstd-compressed by genohub
        // already. The rest is small and read by every one-shot query: each point read
        // inflated a 16 kB zstd block (~1e6 instructions; 9e6 per query, callgrind), and the
        // 10,000-sample registry took 1.2e7 (53 per byte on its short repeats). Raw bytes
        // also keep `purge::files_containing` able to prove an erasure.
        o.set_compression_type(DBCompressionType::None);
        o.set_target_file_size_base(128 << 20);
    } else if name == cf::SAMPLES {
        // An older store's registry, walked by every query there: LZ4 blocks decode several
        // times faster than zstd ones. Tables keep their own codec.
        o.set_compression_type(DBCompressionType::Lz4);
    } else {
        o.set_compression_type(DBCompressionType::Zstd);
        o.set_bottommost_compression_type(DBCompressionType::Zstd);
    }
    let mut table = BlockBasedOptions::default();
    table.set_block_size(if name == cf::BLOCKS || name == cf::SHARED { 64 << 10 } else { 16 << 10 });
    table.set_block_cache(cache);
    o.set_block_based_table_factory(&table);
    o
}

/// Where a family's keys live: a RocksDB family, and the tag prefixed to every key in it.
struct Place<'a> {
    handle: &'a ColumnFamily,
    tag: Option<u8>,
}

impl Place<'_> {
    fn key(&self, key: &[u8]) -> Vec<u8> {
        let mut k = Vec::with_capacity(key.len() + 1);
        k.extend(self.tag);
        k.extend_from_slice(key);
        k
    }

    /// Physical bounds of the family's `start <= key < end`.
    fn range(&self, start: &[u8], end: Option<&[u8]>) -> (Vec<u8>, Option<Vec<u8>>) {
        let end = match (end, self.tag) {
            (Some(end), _) => Some(self.key(end)),
            (None, Some(tag)) => Some(vec![tag + 1]),
            (None, None) => None,
        };
        (self.key(start), end)
    }

    fn skip(&self) -> usize {
        usize::from(self.tag.is_some())
    }
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
        let exists = path.join("CURRENT").exists();
        let present: Vec<String> = if exists { DB::list_cf(&opts, path).map_err(|e| open_error(path, e))? } else { Vec::new() };
        let shared = !present.iter().any(|p| p == cf::META);
        let families: Vec<&str> = if shared { std::iter::once(cf::SHARED).chain(cf::OWN.iter().copied()).collect() } else { cf::ALL.to_vec() };
        // A read-only open cannot create families; one added by a newer genohub is then simply
        // empty (a read-write open creates it).
        let wanted = families.into_iter().filter(|name| !read_only || present.iter().any(|p| p == name));
        let cache = Cache::new_lru_cache(BLOCK_CACHE_BYTES);
        let cfs = wanted.map(|name| ColumnFamilyDescriptor::new(name, cf_options(name, &cache)));
        let db = if read_only { DB::open_cf_descriptors_read_only(&opts, path, cfs, false) } else { DB::open_cf_descriptors(&opts, path, cfs) };
        let db = db.map_err(|e| open_error(path, e))?;
        Ok(Engine { db, read_only, shared, samples_generation: std::sync::atomic::AtomicU64::new(0), batches_generation: std::sync::atomic::AtomicU64::new(0) })
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Whether the families share one RocksDB family ([`cf::SHARED`]), as in every store this
    /// version creates.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// Every family exists after a read-write open; a read-only open of an older store may
    /// lack one, which reads as empty.
    fn place(&self, name: &str) -> Option<Place<'_>> {
        let (physical, tag) = match cf::shared_tag(name) {
            Some(tag) if self.shared => (cf::SHARED, Some(tag)),
            _ => (name, None),
        };
        let handle = self.db.cf_handle(physical);
        debug_assert!(handle.is_some() || self.read_only, "column family {physical} missing from a read-write store");
        handle.map(|handle| Place { handle, tag })
    }

    fn writable_place(&self, name: &str) -> Result<Place<'_>, StoreError> {
        self.place(name).ok_or_else(|| StoreError::Engine(format!("column family {name} is missing")))
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
        match self.place(cf) {
            Some(p) => Ok(self.db.get_cf(p.handle, p.key(key))?),
            None => Ok(None),
        }
    }

    /// Applies a batch atomically; `sync` makes it durable before returning.
    pub fn write(&self, batch: Batch, sync: bool) -> Result<(), StoreError> {
        let mut wb = rocksdb::WriteBatch::default();
        for (cf, key, value) in &batch.ops {
            let p = self.writable_place(cf)?;
            match value {
                Some(v) => wb.put_cf(p.handle, p.key(key), v),
                None => wb.delete_cf(p.handle, p.key(key)),
            }
        }
        let touches_samples = batch.ops.iter().any(|(cf, _, _)| *cf == cf::SAMPLES);
        let touches_batches = batch.ops.iter().any(|(cf, _, _)| *cf == cf::BATCHES);
        if touches_samples {
            let snapshots = self.writable_place(cf::SNAPSHOTS)?;
            wb.delete_cf(snapshots.handle, snapshots.key(crate::keys::SAMPLE_REGISTRY));
        }
        let mut wo = WriteOptions::default();
        wo.set_sync(sync);
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

    /// A raw iterator over the family's `start <= key < end`, positioned at the first pair;
    /// keys it yields still carry the place's tag.
    fn raw_range(&self, cf: &str, start: &[u8], end: Option<&[u8]>) -> Option<(DBRawIteratorWithThreadMode<'_, DB>, usize)> {
        let p = self.place(cf)?;
        let (start, end) = p.range(start, end);
        let mut ro = ReadOptions::default();
        if let Some(end) = end {
            ro.set_iterate_upper_bound(end);
        }
        let mut it = self.db.raw_iterator_cf_opt(p.handle, ro);
        it.seek(&start);
        Some((it, p.skip()))
    }

    /// Key/value pairs with `start <= key < end` (or to the end of the family).
    pub fn scan(&self, cf: &str, start: &[u8], end: Option<&[u8]>) -> impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), StoreError>> + '_ {
        let mut range = self.raw_range(cf, start, end);
        let mut first = true;
        std::iter::from_fn(move || {
            let (it, skip) = range.as_mut()?;
            if !std::mem::take(&mut first) {
                it.next();
            }
            if let (Some(k), Some(v)) = (it.key(), it.value()) {
                return Some(Ok((k[*skip..].into(), v.into())));
            }
            // The end, or an error reported once.
            let status = it.status();
            range = None;
            status.err().map(|e| Err(e.into()))
        })
    }

    /// Calls `f(key, value)` for each pair with `start <= key < end`, without the two
    /// allocations per pair of [`scan`](Self::scan) (which cost a third of reading the
    /// 10,000-record sample registry).
    pub fn for_each(&self, cf: &str, start: &[u8], end: Option<&[u8]>, mut f: impl FnMut(&[u8], &[u8]) -> Result<(), StoreError>) -> Result<(), StoreError> {
        let Some((mut it, skip)) = self.raw_range(cf, start, end) else { return Ok(()) };
        while it.valid() {
            if let (Some(k), Some(v)) = (it.key(), it.value()) {
                f(&k[skip..], v)?;
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
        if let Some(p) = self.place(cf) {
            let (start, end) = p.range(&[], None);
            let start = p.tag.map(|_| start);
            self.db.compact_range_cf(p.handle, start.as_deref(), end.as_deref());
        }
    }

    /// A consistent copy of the whole database at `dest` (a new directory), taken while it
    /// stays open: SST files are hard-linked when on the same file system, so it is cheap.
    pub fn checkpoint(&self, dest: &Path) -> Result<(), StoreError> {
        let cp = rocksdb::checkpoint::Checkpoint::new(&self.db)?;
        cp.create_checkpoint(dest).map_err(|e| StoreError::Engine(format!("checkpoint to {}: {e}", dest.display())))
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        let physical = if self.shared { [&[cf::SHARED][..], cf::OWN].concat() } else { cf::ALL.to_vec() };
        for name in physical {
            if let Some(h) = self.db.cf_handle(name) {
                self.db.flush_cf(h)?;
            }
        }
        Ok(())
    }
}

fn open_error(path: &Path, e: rocksdb::Error) -> StoreError {
    let msg = e.to_string();
    if msg.contains("lock") || msg.contains("LOCK") {
        StoreError::Busy(path.display().to_string())
    } else {
        StoreError::Engine(format!("opening {}: {msg}", path.display()))
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
    fn families_share_one_rocksdb_family_without_seeing_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let e = Engine::open(&path, false).unwrap();
        let mut physical = DB::list_cf(&Options::default(), &path).unwrap();
        physical.sort();
        let mut expected: Vec<String> = [cf::SHARED].iter().chain(cf::OWN).map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(physical, expected);
        // Neighbouring tags (SAMPLES 5, SAMPLE_NAMES 6) and an own family hold the same keys.
        let families = [cf::SAMPLES, cf::SAMPLE_NAMES, cf::META, cf::BLOCKS, cf::AUDIT];
        let mut b = Batch::default();
        for f in families {
            for k in [&b""[..], b"a", b"b\xff", b"\xff\xff"] {
                b.put(f, k, &[f.as_bytes(), k].concat());
            }
        }
        e.write(b, false).unwrap();
        let check = |e: &Engine| {
            for f in families {
                let all: Vec<(Vec<u8>, Vec<u8>)> = e.scan(f, b"", None).map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap()).collect();
                let keys: Vec<&[u8]> = all.iter().map(|(k, _)| k.as_slice()).collect();
                assert_eq!(keys, [&b""[..], b"a", b"b\xff", b"\xff\xff"], "{f}");
                assert!(all.iter().all(|(k, v)| *v == [f.as_bytes(), k].concat()), "{f}");
                assert_eq!(e.get(f, b"a").unwrap(), Some([f.as_bytes(), b"a"].concat()), "{f}");
                assert_eq!(e.scan_prefix(f, b"\xff").count(), 1, "{f}");
                assert_eq!(e.scan(f, b"a", Some(b"b\xff")).count(), 1, "{f}");
                let mut n = 0;
                e.for_each(f, b"b", None, |k, _| {
                    assert!(k >= &b"b"[..], "{f}: {k:?}");
                    n += 1;
                    Ok(())
                })
                .unwrap();
                assert_eq!(n, 2, "{f}");
            }
        };
        check(&e);
        let mut b = Batch::default();
        b.delete(cf::SAMPLES, b"a");
        e.write(b, false).unwrap();
        e.flush().unwrap();
        e.compact(cf::SAMPLES);
        assert_eq!(e.get(cf::SAMPLES, b"a").unwrap(), None);
        assert!(e.get(cf::SAMPLE_NAMES, b"a").unwrap().is_some(), "compacting one family keeps the others");
        let mut b = Batch::default();
        b.put(cf::SAMPLES, b"a", &[cf::SAMPLES.as_bytes(), b"a"].concat());
        e.write(b, false).unwrap();
        drop(e);
        check(&Engine::open(&path, true).unwrap());
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
