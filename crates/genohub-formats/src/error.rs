use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem was found: file, and a line (VCF) or record index (BCF).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line number in the (decompressed) VCF text, or 1-based record index for BCF.
    pub line: u64,
    pub is_bcf_record: bool,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.is_bcf_record { "record" } else { "line" };
        write!(f, "{}: {} {}", self.file.display(), unit, self.line)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// A record or header line breaks a rule: names where and which field.
    #[error("{location}: field {field}: {message}")]
    Invalid { location: Location, field: String, message: String },
    #[error("{file}: {message}")]
    File { file: PathBuf, message: String },
    #[error("{file}: {source}")]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl FormatError {
    pub fn invalid(location: Location, field: impl Into<String>, message: impl Into<String>) -> Self {
        FormatError::Invalid { location, field: field.into(), message: message.into() }
    }

    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        FormatError::File { file: file.into(), message: message.into() }
    }

    pub fn io(file: impl Into<PathBuf>, source: std::io::Error) -> Self {
        FormatError::Io { file: file.into(), source }
    }
}
