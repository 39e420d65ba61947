//! How much a caller learns: anonymous → yes/no; registered → counts under the disclosure
//! rules of their scope (governance applies them); never finer than asked.

use crate::auth::Caller;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Boolean,
    Count,
    Record,
}

impl Granularity {
    pub fn parse(s: Option<&str>) -> Result<Granularity, String> {
        match s.unwrap_or("boolean") {
            "boolean" => Ok(Granularity::Boolean),
            "count" => Ok(Granularity::Count),
            "record" => Ok(Granularity::Record),
            other => Err(format!("requestedGranularity must be boolean, count or record, got {other:?}")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Boolean => "boolean",
            Granularity::Count => "count",
            Granularity::Record => "record",
        }
    }
}

/// The granularity answered: anonymous callers get booleans; registered callers counts
/// (records are not served through Beacon; genotypes have their own governed endpoint).
pub fn for_caller(caller: &Caller, requested: Granularity) -> Granularity {
    match (caller, requested) {
        (Caller::Anonymous, _) | (_, Granularity::Boolean) => Granularity::Boolean,
        _ => Granularity::Count,
    }
}

pub fn rule(caller: &Caller) -> &'static str {
    match caller {
        Caller::Anonymous => "anonymous callers receive boolean answers only",
        Caller::Bearer(_) => "counts are computed over the caller's scope (consent, project) under the hub's disclosure rules",
    }
}
