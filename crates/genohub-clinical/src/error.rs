use genohub_store::StoreError;

use crate::rule::RuleError;

/// Where a bad value was found: the file, the record in it (Phenopacket id, JSON line or CSV
/// line) and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub record: String,
    pub field: String,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: field {}", self.file, self.record, self.field)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClinicalError {
    /// Bad input; nothing was stored.
    #[error("{at}: {message}")]
    Input { at: Location, message: String },
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] genohub_keys::KeyError),
    #[error("corrupt clinical data: {0}")]
    Corrupt(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl ClinicalError {
    pub fn input(file: &str, record: &str, field: &str, message: impl Into<String>) -> ClinicalError {
        ClinicalError::Input { at: Location { file: file.into(), record: record.into(), field: field.into() }, message: message.into() }
    }
}
