use thiserror::Error;

#[derive(Debug, Error)]
pub enum CodecError {
    /// The block handed to the encoder is inconsistent (shape, code or extended list).
    #[error("invalid genotype block: {0}")]
    InvalidBlock(String),
    #[error("not a genohub genotype block (bad magic)")]
    BadMagic,
    #[error("unsupported genotype block format version {0}")]
    UnsupportedVersion(u8),
    #[error("truncated genotype block: {0}")]
    Truncated(&'static str),
    #[error("corrupt genotype block: {0}")]
    Corrupt(&'static str),
    #[error("genotype block exceeds codec limit: {0}")]
    LimitExceeded(String),
    #[error("zstd: {0}")]
    Zstd(#[from] std::io::Error),
}
