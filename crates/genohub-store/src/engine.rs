//! The storage engine behind a narrow interface: everything above speaks column-family names
//! and byte keys; only this module knows RocksDB.

use std::path::Path;

use rocksdb::{BlockBasedOptions, ColumnFamilyDescriptor, DBCompressionType, Direction, IteratorMode, Options, ReadOptions, WriteOptions, DB};

use crate::{cf, StoreError};

pub struct Engine {
    db: DB,
    read_only: bool,
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
    // Genotype blocks are already zstd-compressed; compressing them again only costs CPU.
    if name == cf::BLOCKS || name == cf::CALLABLE {
        o.set_compression_type(DBCompressionType::None);
        o.set_target_file_size_base(128 << 20);
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
        let cfs = cf::ALL.iter().map(|name| ColumnFamilyDescriptor::new(*name, cf_options(name)));
        let db = if read_only { DB::open_cf_descriptors_read_only(&opts, path, cfs, false) } else { DB::open_cf_descriptors(&opts, path, cfs) };
        let db = db.map_err(|e| {
            let msg = e.to_string();
            if msg.contains("lock") || msg.contains("LOCK") {
                StoreError::Busy(path.display().to_string())
            } else {
                StoreError::Engine(format!("opening {}: {msg}", path.display()))
            }
        })?;
        Ok(Engine { db, read_only })
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn handle(&self, name: &str) -> &rocksdb::ColumnFamily {
        self.db.cf_handle(name).expect("column families are created at open")
    }

    pub fn get(&self, cf: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.get_cf(self.handle(cf), key)?)
    }

    /// Applies a batch atomically; `sync` makes it durable before returning.
    pub fn write(&self, batch: Batch, sync: bool) -> Result<(), StoreError> {
        let mut wb = rocksdb::WriteBatch::default();
        for (cf, key, value) in &batch.ops {
            match value {
                Some(v) => wb.put_cf(self.handle(cf), key, v),
                None => wb.delete_cf(self.handle(cf), key),
            }
        }
        let mut wo = WriteOptions::default();
        wo.set_sync(sync);
        Ok(self.db.write_opt(wb, &wo)?)
    }

    /// Key/value pairs with `start <= key < end` (or to the end of the family).
    pub fn scan(&self, cf: &str, start: &[u8], end: Option<&[u8]>) -> impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), StoreError>> + '_ {
        let mut ro = ReadOptions::default();
        if let Some(end) = end {
            ro.set_iterate_upper_bound(end.to_vec());
        }
        self.db.iterator_cf_opt(self.handle(cf), ro, IteratorMode::From(start, Direction::Forward)).map(|r| r.map_err(StoreError::from))
    }

    pub fn scan_prefix(&self, cf: &str, prefix: &[u8]) -> impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), StoreError>> + '_ {
        let end = prefix_end(prefix);
        self.scan(cf, prefix, end.as_deref())
    }

    /// Drops deleted data from files now rather than eventually (used after removals).
    pub fn compact(&self, cf: &str) {
        self.db.compact_range_cf(self.handle(cf), None::<&[u8]>, None::<&[u8]>);
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        for name in cf::ALL {
            self.db.flush_cf(self.handle(name))?;
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
