//! zstd framing of one section. Contexts are kept per thread because block scans open
//! thousands of small blocks and a fresh zstd context costs more than a small block.

use std::cell::RefCell;

use zstd::bulk::{Compressor, Decompressor};
use zstd::zstd_safe::CParameter;

use crate::error::CodecError;

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
}

/// Empty input yields empty output (no frame), which saves the frame overhead for
/// blocks without a given column.
pub(crate) fn compress(raw: &[u8], level: i32) -> Result<Vec<u8>, CodecError> {
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(Compressor::new(level)?);
        }
        let compressor = slot.as_mut().expect("initialised above");
        compressor.set_parameter(CParameter::CompressionLevel(level))?;
        // The checksum turns silent bit rot inside a section into a decode error.
        compressor.set_parameter(CParameter::ChecksumFlag(true))?;
        Ok(compressor.compress(raw)?)
    })
}

/// `raw_len` comes from the (sanity-checked) header and caps the allocation; the frame must
/// decompress to exactly that. Also used by the store for its other zstd sections, so every
/// block read reuses the thread's context.
pub fn decompress(compressed: &[u8], raw_len: usize) -> Result<Vec<u8>, CodecError> {
    if raw_len == 0 {
        return if compressed.is_empty() { Ok(Vec::new()) } else { Err(CodecError::Corrupt("empty section with a payload")) };
    }
    match zstd::zstd_safe::get_frame_content_size(compressed) {
        Ok(Some(declared)) if declared != raw_len as u64 => return Err(CodecError::Corrupt("zstd frame size disagrees with header")),
        Ok(_) => {}
        Err(_) => return Err(CodecError::Corrupt("section is not a zstd frame")),
    }
    let raw = DECOMPRESSOR.with(|cell| -> Result<Vec<u8>, CodecError> {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(Decompressor::new()?);
        }
        let decompressor = slot.as_mut().expect("initialised above");
        Ok(decompressor.decompress(compressed, raw_len)?)
    })?;
    if raw.len() != raw_len {
        return Err(CodecError::Corrupt("section decompressed to the wrong size"));
    }
    Ok(raw)
}
