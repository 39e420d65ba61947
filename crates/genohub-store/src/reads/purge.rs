//! Removing read data: a purged sample, a replaced one, or what an interrupted ingest left.

use super::keys::{self as rkeys};
use super::record::{ReadFileRecord, ReadSampleRecord};
use crate::engine::Batch;
use crate::keys::{self, bin_of};
use crate::{cf, Store, StoreError};

const DELETES_PER_WRITE: usize = 10_000;

impl Store {
    /// Deletes a sample's depth, QC, callable-from-reads intervals and kept BAM/CRAM files
    /// (e.g. for a withdrawn patient). Its genotypes, if any, are not touched. A sample without
    /// read data is not an error (purging is idempotent).
    pub fn purge_read_data(&self, center: &str, name: &str) -> Result<(), StoreError> {
        self.recover_reads()?;
        if let Some(r) = self.read_sample(center, name)? {
            self.delete_read_sample_data(&r)?;
        }
        Ok(())
    }

    /// Removes read samples no name points to (pending ingests, replaced samples) and stray
    /// temporary files. Idempotent.
    pub fn recover_reads(&self) -> Result<(), StoreError> {
        for r in self.all_read_records()? {
            let current = self.engine.get(cf::READ_QC, &rkeys::name_key(&r.center, &r.name))?.and_then(|v| keys::decode_u32(&v));
            if current != Some(r.id) {
                self.delete_read_sample_data(&r)?;
            }
        }
        let tmp = self.file_area().join("tmp");
        if let Ok(rd) = std::fs::read_dir(&tmp) {
            for e in rd.flatten() {
                let _ = std::fs::remove_file(e.path());
            }
        }
        Ok(())
    }

    /// Every key a read sample may have written, then its files, its file entry, its name
    /// (when it points to it) and last its record, so a crash midway is finished next time.
    pub(crate) fn delete_read_sample_data(&self, r: &ReadSampleRecord) -> Result<(), StoreError> {
        let prefix = r.id.to_be_bytes();
        loop {
            let mut b = Batch::default();
            for item in self.engine.scan_prefix(cf::DEPTH, &prefix).take(DELETES_PER_WRITE) {
                let (k, _) = item?;
                b.delete(cf::DEPTH, &k);
            }
            if b.is_empty() {
                break;
            }
            self.engine.write(b, false)?;
        }
        // Callable keys are addressed by position first; a contig's bins are few enough
        // (47k for a human genome) to delete blindly, which also covers an unfinished ingest.
        let mut b = Batch::default();
        for c in &r.contigs {
            for bin in 0..=bin_of(c.length) {
                b.delete(cf::READ_CALLABLE, &rkeys::callable_key(c.id, bin, r.id));
                if b.len() >= DELETES_PER_WRITE {
                    self.engine.write(std::mem::take(&mut b), false)?;
                }
            }
        }
        self.engine.write(b, false)?;
        let mut b = Batch::default();
        if !r.file_sha256.is_empty() {
            if let Some(f) = self.read_file(&r.file_sha256)? {
                if f.read_sample == r.id {
                    for rel in std::iter::once(&f.path).chain(f.index.iter()) {
                        let p = self.root().join(rel);
                        match std::fs::remove_file(&p) {
                            Ok(()) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                            Err(e) => return Err(StoreError::io(format!("removing {}", p.display()), e)),
                        }
                    }
                    b.delete(cf::READ_FILES, r.file_sha256.as_bytes());
                }
            }
        }
        let name_key = rkeys::name_key(&r.center, &r.name);
        if self.engine.get(cf::READ_QC, &name_key)?.and_then(|v| keys::decode_u32(&v)) == Some(r.id) {
            b.delete(cf::READ_QC, &name_key);
        }
        b.delete(cf::READ_QC, &rkeys::record_key(r.id));
        self.engine.write(b, true)
    }

    pub fn read_file(&self, sha256: &str) -> Result<Option<ReadFileRecord>, StoreError> {
        self.engine
            .get(cf::READ_FILES, sha256.as_bytes())?
            .map(|v| serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("read file record: {e}"))))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::NoProgress;
    use crate::manifest::BatchStatus;
    use crate::reads::ReadsIngestOptions;
    use crate::store::to_json;

    #[test]
    fn an_interrupted_ingest_is_invisible_and_removed_by_recovery() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s")).unwrap();
        let sam = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:200000\n@RG\tID:a\tSM:S1\nr\t0\tchr1\t70000\t60\t50M\t*\t0\t0\t*\t*\n";
        let bam = dir.path().join("a.bam");
        genohub_reads::sam_to_bam::write_bam(sam, &bam).unwrap();
        let done = store.ingest_reads(&bam, &ReadsIngestOptions { center: "c".into(), min_depth: 1, ..Default::default() }, &NoProgress).unwrap();
        // What a crash after some bins would leave: a pending record, depth and callable keys,
        // a temporary copy.
        let mut pending = ReadSampleRecord { id: done.id + 1, status: BatchStatus::Pending, name: "S2".into(), file_sha256: String::new(), ..done.clone() };
        pending.stored_file = None;
        let mut b = Batch::default();
        b.put(cf::READ_QC, &rkeys::record_key(pending.id), &to_json(&pending));
        b.put(cf::DEPTH, &rkeys::depth_key(pending.id, 0, 1), b"x");
        b.put(cf::READ_CALLABLE, &rkeys::callable_key(0, 1, pending.id), b"x");
        store.engine.write(b, true).unwrap();
        std::fs::write(store.file_area().join("tmp").join("9.part"), b"partial").unwrap();
        assert!(store.read_sample("c", "S2").unwrap().is_none(), "no name points to a pending sample");
        assert_eq!(store.read_samples().unwrap().len(), 1);
        store.recover_reads().unwrap();
        assert_eq!(store.all_read_records().unwrap().len(), 1);
        assert_eq!(store.engine.scan_prefix(cf::DEPTH, &pending.id.to_be_bytes()).count(), 0);
        assert_eq!(store.engine.scan(cf::READ_CALLABLE, &[], None).count(), 1, "only the committed sample's bin");
        assert_eq!(std::fs::read_dir(store.file_area().join("tmp")).unwrap().count(), 0);
        // The committed sample is intact, its file too.
        assert!(store.root().join(done.stored_file.as_ref().unwrap()).exists());
        assert!(store.read_sample("c", "S1").unwrap().is_some());
    }
}
