//! DP/GQ/AD columns: one varint per value, row-major. A value is predicted by the last
//! non-missing value of the same column (the same sample at an earlier variant), because a
//! sample's depth and quality are far more alike across neighbouring variants than across
//! samples. Stored: 0 for missing, else zigzag(value - prediction) + 1.

use crate::error::CodecError;
use crate::genotype_block::MISSING_INT;
use crate::varint;

pub(crate) fn encode(values: &[i32], row_len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() + 16);
    if row_len == 0 {
        return out;
    }
    let mut last = vec![0i32; row_len];
    for row in values.chunks_exact(row_len) {
        for (value, last) in row.iter().zip(last.iter_mut()) {
            if *value == MISSING_INT {
                out.push(0);
            } else {
                let delta = i64::from(*value) - i64::from(*last);
                varint::write(&mut out, varint::zigzag(delta) + 1);
                *last = *value;
            }
        }
    }
    out
}

pub(crate) fn decode(raw: &[u8], n_values: usize, row_len: usize) -> Result<Vec<i32>, CodecError> {
    // Every value takes at least one byte, so this also bounds the allocation.
    if raw.len() < n_values {
        return Err(CodecError::Truncated("integer column"));
    }
    let mut values = Vec::with_capacity(n_values);
    if row_len == 0 || n_values == 0 {
        return if raw.is_empty() { Ok(values) } else { Err(CodecError::Corrupt("integer column has trailing bytes")) };
    }
    if !n_values.is_multiple_of(row_len) {
        return Err(CodecError::Corrupt("integer column is not whole rows"));
    }
    let mut last = vec![0i32; row_len];
    let mut pos = 0usize;
    for _ in 0..n_values / row_len {
        for slot in last.iter_mut() {
            let stored = read_u64(raw, &mut pos)?;
            if stored == 0 {
                values.push(MISSING_INT);
                continue;
            }
            let value = i64::from(*slot) + varint::unzigzag(stored - 1);
            let value = i32::try_from(value).ok().filter(|&v| v != MISSING_INT).ok_or(CodecError::Corrupt("integer column value out of range"))?;
            *slot = value;
            values.push(value);
        }
    }
    if pos != raw.len() {
        return Err(CodecError::Corrupt("integer column has trailing bytes"));
    }
    Ok(values)
}

/// Inlined fast path for the overwhelmingly common one-byte case.
#[inline]
fn read_u64(raw: &[u8], pos: &mut usize) -> Result<u64, CodecError> {
    let mut result = 0u64;
    let mut shift = 0u32;
    loop {
        let b = *raw.get(*pos).ok_or(CodecError::Truncated("integer column"))?;
        *pos += 1;
        // Honest values need at most 34 bits; refusing longer varints keeps the
        // arithmetic below from overflowing.
        if shift > 35 {
            return Err(CodecError::Corrupt("integer column varint too long"));
        }
        result |= u64::from(b & 0x7F) << shift;
        if b < 0x80 {
            return Ok(result);
        }
        shift += 7;
    }
}
