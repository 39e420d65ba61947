//! LEB128 varints and zigzag mapping.

pub(crate) fn write(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(crate) fn encoded_len(value: u64) -> usize {
    let bits = 64 - (value | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

pub(crate) fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

pub(crate) fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

/// Longest varint a sparse sample gap may use: gaps are below `MAX_SAMPLES` = 2^24.
pub(crate) const MAX_GAP_BYTES: usize = 4;

/// Reads a sample gap (a LEB128 varint of at most 4 bytes) and returns it with its byte
/// length, or `None` if truncated or longer.
#[inline]
pub(crate) fn read_gap(bytes: &[u8], pos: usize) -> Option<(u32, usize)> {
    // Within one variant gaps are mostly all short or all long, so this branch predicts
    // well and lets the CPU run ahead of the position dependency chain.
    match bytes.get(pos) {
        Some(&b) if b < 0x80 => return Some((u32::from(b), 1)),
        None => return None,
        _ => {}
    }
    let Some(chunk) = bytes.get(pos..pos + MAX_GAP_BYTES) else {
        return read_gap_near_end(bytes.get(pos..)?);
    };
    let w = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    let ends = !w & 0x8080_8080;
    if ends == 0 {
        return None;
    }
    let len = (ends.trailing_zeros() / 8 + 1) as usize;
    let value = (w & 0x7F) | (w >> 1 & 0x3F80) | (w >> 2 & 0x1F_C000) | (w >> 3 & 0x0FE0_0000);
    let keep = (1u32 << (7 * len)) - 1;
    Some((value & keep, len))
}

fn read_gap_near_end(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut value = 0u32;
    for (i, &b) in bytes.iter().take(MAX_GAP_BYTES).enumerate() {
        value |= u32::from(b & 0x7F) << (7 * i);
        if b < 0x80 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_match_writer() {
        for v in [0u64, 1, 127, 128, 16383, 16384, u32::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            write(&mut out, v);
            assert_eq!(out.len(), encoded_len(v), "{v}");
        }
    }

    #[test]
    fn gaps_decode_like_leb128() {
        for v in [0u32, 1, 127, 128, 300, 16383, 16384, (1 << 21) - 1, 1 << 21, (1 << 24) - 1] {
            let mut out = Vec::new();
            write(&mut out, v.into());
            let n = out.len();
            assert_eq!(read_gap(&out, 0), Some((v, n)), "{v} near end");
            out.extend_from_slice(&[0xFF; 8]);
            assert_eq!(read_gap(&out, 0), Some((v, n)), "{v} padded");
        }
        assert_eq!(read_gap(&[0x80, 0x80, 0x80, 0x80, 0x01], 0), None);
        assert_eq!(read_gap(&[0x80], 0), None);
        assert_eq!(read_gap(&[], 0), None);
    }

    #[test]
    fn zigzag_round_trips_extremes() {
        for v in [0i64, 1, -1, i64::MAX, i64::MIN, i32::MIN as i64] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }
}
