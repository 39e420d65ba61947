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

/// Decoder for hot loops over bytes that were already validated when the view was opened:
/// it cannot fail, and on (impossible) malformed input it returns garbage rather than
/// panicking.
#[inline]
pub(crate) fn read_u32_validated(bytes: &[u8], pos: &mut usize) -> u32 {
    let mut result = 0u32;
    let mut shift = 0u32;
    while let Some(&b) = bytes.get(*pos) {
        *pos += 1;
        if shift < 32 {
            result |= u32::from(b & 0x7F) << shift;
        }
        if b < 0x80 {
            break;
        }
        shift = shift.saturating_add(7);
    }
    result
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
    fn zigzag_round_trips_extremes() {
        for v in [0i64, 1, -1, i64::MAX, i64::MIN, i32::MIN as i64] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }
}
