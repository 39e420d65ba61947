//! Query parameters shared by the governed endpoints: regions, the cohort asked about, the
//! project acted in, the output format.

use std::str::FromStr;

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use genohub_governance::CohortSpec;
use genohub_store::Region;

use crate::error::ApiError;

#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
pub struct CohortParams {
    /// A stored cohort.
    pub cohort: Option<String>,
    /// Comma-separated samples, `NAME` or `CENTER/NAME`.
    pub samples: Option<String>,
    /// A clinical cohort rule.
    pub rule: Option<String>,
}

impl CohortParams {
    /// At most one of cohort, samples, rule; none means everyone in the caller's scope.
    pub fn spec(&self) -> Result<CohortSpec, ApiError> {
        match (&self.cohort, &self.samples, &self.rule) {
            (None, None, None) => Ok(CohortSpec::Everyone),
            (Some(c), None, None) => Ok(CohortSpec::Cohort(c.clone())),
            (None, Some(s), None) => Ok(CohortSpec::Samples(split_list(s))),
            (None, None, Some(r)) => Ok(CohortSpec::Rule(r.clone())),
            _ => Err(ApiError::unprocessable("invalid_request", "give at most one of cohort, samples and rule")),
        }
    }
}

pub fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()
}

/// `chr20:1000-2000,chr21` → regions; an empty list is refused (a region is required).
pub fn regions(list: Option<&str>) -> Result<Vec<Region>, ApiError> {
    let list = list.ok_or_else(|| ApiError::unprocessable("invalid_request", "region is required (e.g. chr20:1000000-1100000)"))?;
    let out: Vec<Region> = split_list(list)
        .iter()
        .map(|r| Region::from_str(r).map_err(|e| ApiError::unprocessable("invalid_request", format!("region {r:?}: {e}"))))
        .collect::<Result<_, _>>()?;
    if out.is_empty() {
        return Err(ApiError::unprocessable("invalid_request", "region is required (e.g. chr20:1000000-1100000)"));
    }
    Ok(out)
}

/// Output formats: JSON unless the endpoint offers a text format and it is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Tsv,
    Vcf,
}

pub fn format(asked: Option<&str>, offered: &[Format]) -> Result<Format, ApiError> {
    let f = match asked.unwrap_or("json") {
        "json" => Format::Json,
        "tsv" => Format::Tsv,
        "vcf" => Format::Vcf,
        other => return Err(ApiError::unprocessable("invalid_request", format!("format {other:?} is not offered"))),
    };
    if !offered.contains(&f) {
        return Err(ApiError::unprocessable("invalid_request", format!("format {:?} is not offered here", asked.unwrap_or("json"))));
    }
    Ok(f)
}
