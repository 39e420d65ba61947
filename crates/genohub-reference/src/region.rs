use std::fmt;
use std::str::FromStr;

use crate::RegionParseError;

/// A genomic interval in bcftools/samtools region syntax, 1-based and inclusive.
///
/// Accepted forms: `chr20` (whole contig), `chr20:1000-2000`, `chr20:1,000-2,000`,
/// `chr20:1000` and `chr20:1000-` (both: from 1000 to the end of the contig, as bcftools reads
/// them). The text after the *last* `:` is always the position part; a contig name that itself
/// contains `:` (e.g. GRCh38 HLA alleles) must be written in braces, `{HLA-A*01:01:01:01}:1-100`,
/// as htslib requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region {
    pub contig: String,
    /// 1-based, inclusive.
    pub start: u64,
    /// 1-based, inclusive; `u64::MAX` means "to the end of the contig".
    pub end: u64,
}

impl Region {
    /// The whole of `contig`.
    pub fn whole(contig: impl Into<String>) -> Region {
        Region { contig: contig.into(), start: 1, end: u64::MAX }
    }

    /// True when the 1-based inclusive interval `start..=end` shares at least one position
    /// with this region (the contig is not compared).
    pub fn overlaps(&self, start: u64, end: u64) -> bool {
        start <= self.end && end >= self.start
    }

    /// True when the 1-based position lies inside the region (the contig is not compared).
    pub fn contains(&self, pos: u64) -> bool {
        self.start <= pos && pos <= self.end
    }

    /// True when the region runs to the end of its contig.
    pub fn is_open_ended(&self) -> bool {
        self.end == u64::MAX
    }
}

impl FromStr for Region {
    type Err = RegionParseError;

    fn from_str(input: &str) -> Result<Region, RegionParseError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(RegionParseError::Empty);
        }
        let (contig, positions) = split_contig(text)?;
        if contig.is_empty() {
            return Err(RegionParseError::MissingContig { input: text.to_owned() });
        }
        let Some(positions) = positions else {
            return Ok(Region::whole(contig));
        };
        let (start_text, end_text) = match positions.split_once('-') {
            Some((start, end)) => (start, Some(end)),
            None => (positions, None),
        };
        if start_text.is_empty() {
            return Err(RegionParseError::MissingStart { input: text.to_owned() });
        }
        let start = parse_position(text, "start", start_text)?;
        let end = match end_text {
            // `chr:1000` and `chr:1000-` both run to the end of the contig, as in bcftools.
            None | Some("") => u64::MAX,
            Some(end_text) => parse_position(text, "end", end_text)?,
        };
        if end < start {
            return Err(RegionParseError::EndBeforeStart { input: text.to_owned(), start, end });
        }
        Ok(Region { contig: contig.to_owned(), start, end })
    }
}

/// Splits `contig[:positions]`, honouring htslib's `{name}` quoting for names containing ':'.
fn split_contig(text: &str) -> Result<(&str, Option<&str>), RegionParseError> {
    if let Some(quoted) = text.strip_prefix('{') {
        let Some((contig, rest)) = quoted.split_once('}') else {
            return Err(RegionParseError::UnclosedBrace { input: text.to_owned() });
        };
        return match rest {
            "" => Ok((contig, None)),
            _ => match rest.strip_prefix(':') {
                Some(positions) => Ok((contig, Some(positions))),
                None => Err(RegionParseError::TextAfterBrace { input: text.to_owned() }),
            },
        };
    }
    Ok(match text.rsplit_once(':') {
        Some((contig, positions)) => (contig, Some(positions)),
        None => (text, None),
    })
}

fn parse_position(input: &str, which: &'static str, value: &str) -> Result<u64, RegionParseError> {
    let invalid = || RegionParseError::InvalidPosition { input: input.to_owned(), which, value: value.to_owned() };
    let digits: String = value.chars().filter(|&c| c != ',').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let position: u64 = digits.parse().map_err(|_| invalid())?;
    if position == 0 {
        return Err(RegionParseError::ZeroPosition { input: input.to_owned(), which });
    }
    Ok(position)
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.contig.contains(':') {
            write!(f, "{{{}}}", self.contig)?;
        } else {
            f.write_str(&self.contig)?;
        }
        match (self.start, self.end) {
            (1, u64::MAX) => Ok(()),
            (start, u64::MAX) => write!(f, ":{start}-"),
            (start, end) => write!(f, ":{start}-{end}"),
        }
    }
}
