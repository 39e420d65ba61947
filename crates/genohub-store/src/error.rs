use genohub_formats::FormatError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("store engine: {0}")]
    Engine(String),
    #[error("store {0} is in use by another genohub process")]
    Busy(String),
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    NotFound(String),
    #[error("corrupt store data: {0}")]
    Corrupt(String),
    #[error("reference: {0}")]
    Reference(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<rocksdb::Error> for StoreError {
    fn from(e: rocksdb::Error) -> Self {
        StoreError::Engine(e.to_string())
    }
}

impl StoreError {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        StoreError::Io { context: context.into(), source }
    }
}
