//! Per-variant counts over samples already resolved. `genohub_analysis::freq` resolves its
//! sample source on every call; a governed query's scope is kept resolved between calls
//! ([`crate::scope_cache`]), and re-resolving 10,000 names per request cost several
//! milliseconds. Same plan, same scan, same rows as `genohub_analysis::freq`.

use genohub_analysis::plan::ScanPlan;
use genohub_analysis::scan::scan;
use genohub_analysis::{AnalysisError, FreqRow};
use genohub_store::{Region, ResolvedSamples, Store, StoreError};

pub(crate) fn freq_resolved(
    store: &Store,
    samples: &ResolvedSamples,
    regions: &[Region],
    mut sink: impl FnMut(FreqRow) -> Result<(), StoreError>,
) -> Result<u64, AnalysisError> {
    let plan = ScanPlan::new(store, &[samples], regions)?;
    let mut n = 0u64;
    scan(
        store,
        &plan,
        |site| Ok(Some(FreqRow::new(site.contig, site.site, &site.counts(0)))),
        |row| {
            n += 1;
            sink(row)
        },
    )?;
    Ok(n)
}
