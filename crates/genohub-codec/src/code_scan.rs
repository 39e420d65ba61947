//! Word-at-a-time scans over code rows. Encoding spends most of its time looking at
//! samples equal to the default, so these skip 8 such samples per comparison.

use crate::code;

const LANES: usize = 8;
const LOW_BIT: u64 = 0x0101_0101_0101_0101;
const RESERVED_BITS: u64 = 0xE0E0_E0E0_E0E0_E0E0;

fn word(chunk: &[u8]) -> u64 {
    let mut bytes = [0u8; LANES];
    bytes.copy_from_slice(chunk);
    u64::from_le_bytes(bytes)
}

/// Code counts. Four tables break the store-to-load dependency that a single table
/// suffers on long runs of the same code.
pub(crate) fn histogram(codes: &[u8]) -> [u32; 256] {
    let mut tables = [[0u32; 256]; 4];
    let mut quads = codes.chunks_exact(4);
    for q in &mut quads {
        tables[0][q[0] as usize] += 1;
        tables[1][q[1] as usize] += 1;
        tables[2][q[2] as usize] += 1;
        tables[3][q[3] as usize] += 1;
    }
    for &c in quads.remainder() {
        tables[0][c as usize] += 1;
    }
    let mut total = tables[0];
    for table in &tables[1..] {
        total.iter_mut().zip(table).for_each(|(t, x)| *t += x);
    }
    total
}

/// Appends the positions of codes different from `default` to `out`.
pub(crate) fn mismatches(codes: &[u8], default: u8, out: &mut Vec<u32>) {
    let pattern = u64::from(default) * LOW_BIT;
    let mut chunks = codes.chunks_exact(LANES);
    for (i, chunk) in (&mut chunks).enumerate() {
        if word(chunk) != pattern {
            let base = i * LANES;
            for (j, &c) in chunk.iter().enumerate() {
                if c != default {
                    out.push((base + j) as u32);
                }
            }
        }
    }
    let base = codes.len() - chunks.remainder().len();
    for (j, &c) in chunks.remainder().iter().enumerate() {
        if c != default {
            out.push((base + j) as u32);
        }
    }
}

/// Index of the first invalid code, and the number of EXTENDED codes before it.
pub(crate) fn first_invalid(codes: &[u8]) -> (Option<usize>, usize) {
    let mut extended = 0;
    let mut chunks = codes.chunks_exact(LANES);
    let mut checked = 0;
    for chunk in &mut chunks {
        let w = word(chunk);
        // Ordinary codes only: no reserved bit and no first allele == 3 (which also
        // excludes EXTENDED).
        let plain = w & RESERVED_BITS == 0 && (w & (w >> 1)) & LOW_BIT == 0;
        if !plain {
            for (j, &c) in chunk.iter().enumerate() {
                if !code::is_valid(c) {
                    return (Some(checked + j), extended);
                }
                extended += usize::from(c == code::EXTENDED);
            }
        }
        checked += LANES;
    }
    for (j, &c) in chunks.remainder().iter().enumerate() {
        if !code::is_valid(c) {
            return (Some(checked + j), extended);
        }
        extended += usize::from(c == code::EXTENDED);
    }
    (None, extended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_agree_with_bytewise_loops() {
        let codes: Vec<u8> = (0..1000u32)
            .map(|i| match i % 97 {
                0 => code::EXTENDED,
                5 | 6 => code::make(1, 0, true),
                _ => 0,
            })
            .collect();
        let mut found = Vec::new();
        mismatches(&codes, 0, &mut found);
        let naive: Vec<u32> = (0..1000).filter(|&i| codes[i as usize] != 0).collect();
        assert_eq!(found, naive);
        let h = histogram(&codes);
        assert_eq!(h[0] as usize, codes.iter().filter(|&&c| c == 0).count());
        assert_eq!(first_invalid(&codes), (None, 11));
        let mut bad = codes.clone();
        bad[500] = 0x23;
        assert_eq!(first_invalid(&bad).0, Some(500));
        bad[500] = 0x03;
        assert_eq!(first_invalid(&bad).0, Some(500));
    }
}
