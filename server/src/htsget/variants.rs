//! Variant slices for htsget: one sample's records of a region as bgzip VCF, rendered by the
//! store's view through the caller's governed session (so a slice equals `genohub view` /
//! `bcftools view -r` of the same data). The header and the records are separate BGZF
//! streams; concatenated they are one valid bgzip VCF, which is what an htsget client
//! assembles from the ticket.

use std::io::Write;

use anyhow::Context;
use genohub_formats::{OutputFormat, VariantWriter};
use genohub_governance::GovernedView;

use super::params::Slice;

/// Writes the header (`Slice::HeaderOnly`) or the records of the view as one BGZF stream.
pub fn write_part(view: &GovernedView<'_>, slice: &Slice, out: Box<dyn Write + Send>) -> anyhow::Result<u64> {
    let header = if *slice == Slice::HeaderOnly { view.header() } else { "" };
    let mut writer = VariantWriter::new(out, OutputFormat::VcfBgzf, header, 1).context("starting the BGZF stream")?;
    let mut n = 0;
    if *slice != Slice::HeaderOnly {
        n = view.write(&mut |text| writer.write_lines(text))?;
    }
    writer.finish().context("finishing the BGZF stream")?;
    Ok(n)
}
