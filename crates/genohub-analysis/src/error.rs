use genohub_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request cannot be run as given (unknown cohort, empty sample set, bad file...).
    /// Raised before anything is computed.
    #[error("{0}")]
    Input(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl AnalysisError {
    pub fn input(msg: impl Into<String>) -> Self {
        AnalysisError::Input(msg.into())
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        AnalysisError::Io { context: context.into(), source }
    }
}

pub type Result<T, E = AnalysisError> = std::result::Result<T, E>;
