//! Online backup: a consistent copy of a store while it keeps serving.

use std::fs;
use std::path::Path;

use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// Files in the copied file area (kept BAM/CRAM files and their indexes).
    pub files: u64,
    pub bytes: u64,
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> StoreError {
    move |e| StoreError::io(what, e)
}

/// Copies a directory tree, hard-linking where the file system allows: files in the file area
/// are content-addressed and never modified in place, so a link is as good as a copy.
fn copy_tree(from: &Path, to: &Path, summary: &mut BackupSummary) -> Result<(), StoreError> {
    fs::create_dir_all(to).map_err(io(format!("creating {}", to.display())))?;
    for entry in fs::read_dir(from).map_err(io(format!("reading {}", from.display())))? {
        let entry = entry.map_err(io(format!("reading {}", from.display())))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(io(format!("reading {}", src.display())))?.is_dir() {
            copy_tree(&src, &dst, summary)?;
        } else {
            if fs::hard_link(&src, &dst).is_err() {
                fs::copy(&src, &dst).map_err(io(format!("copying {} to {}", src.display(), dst.display())))?;
            }
            summary.files += 1;
            summary.bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    Ok(())
}

impl Store {
    /// Writes a consistent copy of the store to `dest`, which must not exist: the database by
    /// a RocksDB checkpoint (one point in time, including every column family), then the file
    /// area. The hub key is deliberately not copied: it belongs in a separate, safer place.
    pub fn backup(&self, dest: &Path) -> Result<BackupSummary, StoreError> {
        if dest.exists() {
            return Err(StoreError::Refused(format!("backup destination {} already exists", dest.display())));
        }
        fs::create_dir_all(dest).map_err(io(format!("creating {}", dest.display())))?;
        self.engine.checkpoint(&dest.join("db"))?;
        let mut summary = BackupSummary { files: 0, bytes: 0 };
        let area = self.root().join("files");
        if area.is_dir() {
            copy_tree(&area, &dest.join("files"), &mut summary)?;
        }
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use crate::cohort::{CohortDefinition, CohortRecord, SampleKey};
    use crate::Store;

    #[test]
    fn backup_is_a_store_that_opens_with_the_same_content_and_later_writes_stay_out() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let record = |name: &str| CohortRecord {
            name: name.into(),
            definition: CohortDefinition::Samples(vec![SampleKey { center: "c".into(), name: "s".into() }]),
            created: 1,
        };
        store.put_cohort(&record("before"), false).unwrap();
        let dest = dir.path().join("backup");
        store.backup(&dest).unwrap();
        assert!(store.backup(&dest).is_err(), "never overwrites a backup");
        store.put_cohort(&record("after"), false).unwrap();
        drop(store);
        let copy = Store::open(&dest).unwrap();
        let names: Vec<String> = copy.cohorts().unwrap().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["before"]);
    }
}
