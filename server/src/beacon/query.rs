//! Evaluating a Beacon genomic-variant query over the store: which stored variants match and
//! are carried by at least one individual. Coordinates follow Beacon v2: 0-based `start`,
//! exclusive `end`.

use genohub_governance::{GovernanceError, Hub};
use genohub_store::Region;

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantQuery {
    pub reference_name: String,
    /// 0-based.
    pub start: u64,
    /// 0-based exclusive; `None` for a sequence query (one position).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_bases: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternate_bases: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assembly_id: Option<String>,
}

/// Beacon clients write `20`, `chr20` or `chrX`; the store keeps what the VCF said.
fn store_contig(hub: &Hub, name: &str) -> Result<Option<String>, GovernanceError> {
    let stripped = name.strip_prefix("chr").unwrap_or(name);
    for candidate in [name.to_string(), stripped.to_string(), format!("chr{stripped}")] {
        if hub.contig_known(&candidate)? {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

fn same_assembly(asked: &str, stored: &str) -> bool {
    let canon = |s: &str| match s.to_ascii_lowercase().as_str() {
        "hg38" | "grch38" => "grch38".to_string(),
        "hg19" | "grch37" | "hs37d5" => "grch37".to_string(),
        other => other.to_string(),
    };
    canon(asked) == canon(stored)
}

fn bases_match(asked: Option<&str>, stored: &str) -> bool {
    match asked {
        None => true,
        // `N` stands for any one base, as in the Beacon spec's examples.
        Some(a) => a.len() == stored.len() && a.bytes().zip(stored.bytes()).all(|(x, y)| x.eq_ignore_ascii_case(&y) || x == b'N' || x == b'n'),
    }
}

/// The store region a query covers, or None when nothing can match (unknown chromosome,
/// another assembly). Reads only metadata (contig dictionary, builds).
pub fn region(hub: &Hub, q: &VariantQuery) -> Result<Option<Region>, GovernanceError> {
    let Some(contig) = store_contig(hub, &q.reference_name)? else { return Ok(None) };
    if let Some(asked) = &q.assembly_id {
        let builds = hub.genome_builds()?;
        if !builds.is_empty() && !builds.iter().any(|b| same_assembly(asked, b)) {
            return Ok(None);
        }
    }
    let end = q.end.unwrap_or(q.start + 1);
    Ok(Some(Region { contig, start: q.start + 1, end }))
}

/// Whether a stored variant (1-based `pos`) answers the query: a sequence query wants that
/// exact position; a range query variants starting inside the range.
pub fn matches(q: &VariantQuery, pos: u64, reference: &str, alternate: &str) -> bool {
    let in_range = match q.end {
        Some(end) => pos > q.start && pos <= end,
        None => pos == q.start + 1,
    };
    in_range && bases_match(q.reference_bases.as_deref(), reference) && bases_match(q.alternate_bases.as_deref(), alternate)
}
