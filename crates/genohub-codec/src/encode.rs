use crate::error::CodecError;
use crate::genotype_block::GenotypeBlock;
use crate::gt_writer;
use crate::header::{self, EncodedSection, FORMAT_VERSION};
use crate::int_column;
use crate::limits::MAX_SECTION_RAW_BYTES;
use crate::section;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// zstd level for every section. Measured on a 10,000-sample block, levels 1-19 change
    /// the GT section by under 3% while level 9+ costs several times the encode time, so
    /// the default stays low.
    pub zstd_level: i32,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        Self { zstd_level: 3 }
    }
}

/// Validates and encodes a block with default options.
pub fn encode(block: &GenotypeBlock) -> Result<Vec<u8>, CodecError> {
    encode_with(block, &EncodeOptions::default())
}

pub fn encode_with(block: &GenotypeBlock, options: &EncodeOptions) -> Result<Vec<u8>, CodecError> {
    encode_version(block, options, FORMAT_VERSION)
}

/// Encodes in an older readable format version too (tests of backward reading).
#[doc(hidden)]
pub fn encode_version(block: &GenotypeBlock, options: &EncodeOptions, version: u8) -> Result<Vec<u8>, CodecError> {
    block.validate()?;
    let n = block.n_samples as usize;
    let gt = gt_writer::write(block, version);
    let dp = block.dp.as_deref().map(|v| int_column::encode(v, n));
    let gq = block.gq.as_deref().map(|v| int_column::encode(v, n));
    let ad = block.ad.as_deref().map(|v| int_column::encode(v, 2 * n));
    let mut sections: [Option<EncodedSection>; 4] = Default::default();
    for (slot, raw) in sections.iter_mut().zip([Some(gt), dp, gq, ad]) {
        if let Some(raw) = raw {
            *slot = Some(compress_section(&raw, options.zstd_level)?);
        }
    }
    Ok(header::write(version, block.n_variants, block.n_samples, &sections))
}

fn compress_section(raw: &[u8], level: i32) -> Result<EncodedSection, CodecError> {
    if raw.len() as u64 > MAX_SECTION_RAW_BYTES {
        return Err(CodecError::LimitExceeded(format!("section of {} bytes before compression (max {MAX_SECTION_RAW_BYTES})", raw.len())));
    }
    Ok(EncodedSection { raw_len: raw.len(), compressed: section::compress(raw, level)? })
}
