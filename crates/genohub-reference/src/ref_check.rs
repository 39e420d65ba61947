use std::str::FromStr;

/// What to do with a record whose REF does not match the FASTA, as `bcftools norm
/// --check-ref e|w|x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefCheck {
    /// Stop with an error (bcftools' default, `e`).
    #[default]
    Error,
    /// Report the problem and pass the record on unchanged (`w`).
    Warn,
    /// Drop the record (`x`).
    Skip,
}

impl FromStr for RefCheck {
    type Err = String;

    /// Accepts bcftools' letters `e`, `w`, `x` and the words `error`, `warn`, `skip`/`exclude`.
    fn from_str(s: &str) -> Result<RefCheck, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "e" | "error" => Ok(RefCheck::Error),
            "w" | "warn" => Ok(RefCheck::Warn),
            "x" | "skip" | "exclude" => Ok(RefCheck::Skip),
            other => Err(format!("invalid --check-ref mode {other:?}: expected e (error), w (warn) or x (exclude)")),
        }
    }
}
