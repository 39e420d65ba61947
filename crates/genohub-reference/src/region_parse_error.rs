use thiserror::Error;

/// Why a region string such as `chr20:1,000-2,000` could not be parsed. Every message quotes
/// the offending input so it can be shown to a user as is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegionParseError {
    #[error("empty region: expected CONTIG, CONTIG:START, CONTIG:START- or CONTIG:START-END")]
    Empty,
    #[error("region {input:?} has no contig name before ':'")]
    MissingContig { input: String },
    #[error("region {input:?} has no start position after ':'")]
    MissingStart { input: String },
    #[error("region {input:?}: {which} position {value:?} is not a number (digits and thousands commas only)")]
    InvalidPosition { input: String, which: &'static str, value: String },
    #[error("region {input:?}: {which} position must be at least 1 (regions are 1-based)")]
    ZeroPosition { input: String, which: &'static str },
    #[error("region {input:?}: end {end} is before start {start}")]
    EndBeforeStart { input: String, start: u64, end: u64 },
    #[error("region {input:?}: '{{' opens a contig name but no '}}' closes it")]
    UnclosedBrace { input: String },
    #[error("region {input:?}: expected ':' or the end of the region after '}}'")]
    TextAfterBrace { input: String },
}
