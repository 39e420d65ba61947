//! What genohub keeps from a BAM/CRAM header: reference sequences (name, length, MD5), the
//! sample(s) named by `@RG SM`, the declared sort order, and the header text for provenance.

use std::path::Path;

use noodles::sam;
use noodles::sam::header::record::value::map::{header::tag as hd_tag, read_group::tag as rg_tag, reference_sequence::tag as sq_tag};
use serde::{Deserialize, Serialize};

use crate::ReadsError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefSeq {
    pub name: String,
    pub length: u64,
    /// `@SQ M5`, lower-case hex.
    pub md5: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReadsHeader {
    pub text: String,
    pub contigs: Vec<RefSeq>,
    /// Distinct `@RG SM` values, in header order.
    pub samples: Vec<String>,
    /// `@HD SO`, if declared.
    pub sort_order: Option<String>,
}

impl ReadsHeader {
    pub fn from_sam(header: &sam::Header) -> ReadsHeader {
        let contigs = header
            .reference_sequences()
            .iter()
            .map(|(name, rs)| RefSeq {
                name: name.to_string(),
                length: rs.length().get() as u64,
                md5: rs.other_fields().get(&sq_tag::MD5_CHECKSUM).map(|m| m.to_string().to_ascii_lowercase()),
            })
            .collect();
        let mut samples: Vec<String> = Vec::new();
        for rg in header.read_groups().values() {
            if let Some(sm) = rg.other_fields().get(&rg_tag::SAMPLE) {
                let sm = sm.to_string();
                if !samples.contains(&sm) {
                    samples.push(sm);
                }
            }
        }
        let sort_order = header.header().and_then(|h| h.other_fields().get(&hd_tag::SORT_ORDER)).map(|s| s.to_string());
        let mut writer = sam::io::Writer::new(Vec::new());
        let text = match writer.write_header(header) {
            Ok(()) => String::from_utf8_lossy(&writer.into_inner()).into_owned(),
            Err(_) => String::new(),
        };
        ReadsHeader { text, contigs, samples, sort_order }
    }

    /// The sample these reads belong to: `--sample` when given, else the one `@RG SM`.
    pub fn sample_name(&self, path: &Path, given: Option<&str>) -> Result<String, ReadsError> {
        if let Some(name) = given {
            if self.samples.len() > 1 {
                return Err(ReadsError::file(
                    path,
                    format!("@RG SM names several samples ({}); one file must hold the reads of one sample", self.samples.join(", ")),
                ));
            }
            return Ok(name.to_string());
        }
        match self.samples.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(ReadsError::file(path, "the header has no @RG line with an SM tag; name the sample with --sample NAME")),
            many => Err(ReadsError::file(path, format!("@RG SM names several samples ({}); one file must hold the reads of one sample", many.join(", ")))),
        }
    }

    /// Refuses a file declared sorted other than by coordinate (depth needs position order).
    pub fn check_sort_order(&self, path: &Path) -> Result<(), ReadsError> {
        match self.sort_order.as_deref() {
            None | Some("coordinate") | Some("unknown") => Ok(()),
            Some(other) => Err(ReadsError::file(path, format!("the header declares @HD SO:{other}; sort it by coordinate first (samtools sort)"))),
        }
    }

    pub fn genome_length(&self) -> u64 {
        self.contigs.iter().map(|c| c.length).sum()
    }
}
