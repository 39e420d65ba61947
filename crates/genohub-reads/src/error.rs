use std::path::{Path, PathBuf};

/// What went wrong reading an alignment file, naming the file and, for a record, its index
/// (1-based, in file order) and the field.
#[derive(Debug, thiserror::Error)]
pub enum ReadsError {
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    #[error("{}: record {record}: {field}: {message}", path.display())]
    Record { path: PathBuf, record: u64, field: &'static str, message: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An error of the consumer of finished bins (the store), passed through unchanged.
    #[error("{0}")]
    Sink(String),
}

impl ReadsError {
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        ReadsError::File { path: path.to_path_buf(), message: message.into() }
    }

    pub fn record(path: &Path, record: u64, field: &'static str, message: impl Into<String>) -> Self {
        ReadsError::Record { path: path.to_path_buf(), record, field, message: message.into() }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ReadsError::Io { path: path.to_path_buf(), source }
    }
}
