//! htsget query parameters, checked as the spec requires (0-based half-open coordinates).

use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use genohub_store::Region;

use super::error::HtsgetError;

#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub struct HtsgetParams {
    /// `VCF` for variants (default), `BAM` for reads.
    pub format: Option<String>,
    /// `header` for the header only; absent for header and records.
    pub class: Option<String>,
    pub reference_name: Option<String>,
    /// 0-based inclusive.
    pub start: Option<u64>,
    /// 0-based exclusive.
    pub end: Option<u64>,
    /// genohub extension: act inside this approved project (researchers).
    pub project: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slice {
    HeaderOnly,
    /// Records of these regions (the whole store when `None`).
    Records(Option<Region>),
}

impl Slice {
    /// Regions to plan the view over (all for the header: it lists every contig).
    pub fn regions(&self) -> Vec<Region> {
        match self {
            Slice::Records(Some(r)) => vec![r.clone()],
            _ => Vec::new(),
        }
    }
}

impl HtsgetParams {
    pub fn slice(&self) -> Result<Slice, HtsgetError> {
        match self.class.as_deref() {
            None | Some("body") => {}
            Some("header") => {
                if self.reference_name.is_some() || self.start.is_some() || self.end.is_some() {
                    return Err(HtsgetError::invalid_input("class=header cannot be combined with referenceName, start or end"));
                }
                return Ok(Slice::HeaderOnly);
            }
            Some(other) => return Err(HtsgetError::invalid_input(format!("class must be header, got {other:?}"))),
        }
        let Some(contig) = self.reference_name.clone() else {
            if self.start.is_some() || self.end.is_some() {
                return Err(HtsgetError::invalid_input("start and end need referenceName"));
            }
            return Ok(Slice::Records(None));
        };
        if contig == "*" {
            return Err(HtsgetError::invalid_input("referenceName=* (unplaced reads) has no meaning for variants"));
        }
        let start = self.start.unwrap_or(0);
        let end = self.end.unwrap_or(u64::MAX);
        if start >= end {
            return Err(HtsgetError::invalid_range(format!("start ({start}) must be less than end ({end})")));
        }
        Ok(Slice::Records(Some(Region { contig, start: start + 1, end })))
    }
}
