#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DuoError {
    #[error("unknown DUO term {0:?} (expected a CURIE such as DUO:0000042 or a shorthand such as GRU)")]
    UnknownTerm(String),
    #[error("{term} is a {found}, not a {expected}")]
    WrongKind { term: String, found: &'static str, expected: &'static str },
    #[error("{0}")]
    Invalid(String),
}
