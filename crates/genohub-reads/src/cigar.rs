//! CIGAR operations in BAM's packed form (`len << 4 | op`), and the depth events of a read
//! exactly as mosdepth derives them (`gen_start_ends`): one +1/−1 pair per stretch of bases
//! aligned to the reference (M, =, X); deletions and skips (D, N) are gaps, not coverage.

pub const MATCH: u32 = 0;
pub const INSERTION: u32 = 1;
pub const DELETION: u32 = 2;
pub const SKIP: u32 = 3;
pub const SOFT_CLIP: u32 = 4;
pub const HARD_CLIP: u32 = 5;
pub const PAD: u32 = 6;
pub const SEQ_MATCH: u32 = 7;
pub const SEQ_MISMATCH: u32 = 8;

#[inline]
pub fn op(packed: u32) -> u32 {
    packed & 0xf
}

#[inline]
pub fn len(packed: u32) -> u32 {
    packed >> 4
}

#[inline]
pub fn pack(op: u32, len: u32) -> u32 {
    (len << 4) | op
}

#[inline]
fn consumes_reference(op: u32) -> bool {
    matches!(op, MATCH | DELETION | SKIP | SEQ_MATCH | SEQ_MISMATCH)
}

#[inline]
fn consumes_query(op: u32) -> bool {
    matches!(op, MATCH | INSERTION | SOFT_CLIP | SEQ_MATCH | SEQ_MISMATCH)
}

/// Reference bases spanned by the alignment.
pub fn reference_length(cigar: &[u32]) -> i64 {
    cigar.iter().filter(|&&c| consumes_reference(op(c))).map(|&c| len(c) as i64).sum()
}

/// End of the alignment, 0-based exclusive, as htslib's `bam_endpos` (a read spanning no
/// reference base ends one past its start).
pub fn end_position(start: i64, cigar: &[u32]) -> i64 {
    start + reference_length(cigar).max(1)
}

/// Depth change points of one read: `(position, +1)` where an aligned stretch starts and
/// `(position, -1)` one past where it ends; adjacent aligned operations (e.g. `50=1X49=`) are
/// one stretch. Appends to `out`.
pub fn start_ends(cigar: &[u32], start: i64, out: &mut Vec<(i64, i32)>) {
    if cigar.len() == 1 && op(cigar[0]) == MATCH {
        out.push((start, 1));
        out.push((start + len(cigar[0]) as i64, -1));
        return;
    }
    let mut pos = start;
    let mut last_stop = -1i64;
    for &c in cigar {
        let o = op(c);
        if !consumes_reference(o) {
            continue;
        }
        let l = len(c) as i64;
        if consumes_query(o) {
            if pos != last_stop {
                out.push((pos, 1));
                if last_stop != -1 {
                    out.push((last_stop, -1));
                }
            }
            last_stop = pos + l;
        }
        pos += l;
    }
    if last_stop != -1 {
        out.push((last_stop, -1));
    }
}

/// Parses text CIGAR (`10M2D5M`) into packed operations; for tests and small fixtures.
pub fn parse(text: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut n: u32 = 0;
    let mut digits = false;
    for ch in text.chars() {
        if let Some(d) = ch.to_digit(10) {
            n = n.checked_mul(10)?.checked_add(d)?;
            digits = true;
            continue;
        }
        let o = match ch {
            'M' => MATCH,
            'I' => INSERTION,
            'D' => DELETION,
            'N' => SKIP,
            'S' => SOFT_CLIP,
            'H' => HARD_CLIP,
            'P' => PAD,
            '=' => SEQ_MATCH,
            'X' => SEQ_MISMATCH,
            _ => return None,
        };
        if !digits {
            return None;
        }
        out.push(pack(o, n));
        n = 0;
        digits = false;
    }
    (!digits).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(c: &str, start: i64) -> Vec<(i64, i32)> {
        let mut v = Vec::new();
        start_ends(&parse(c).unwrap(), start, &mut v);
        v
    }

    #[test]
    fn deletions_are_gaps_and_adjacent_matches_merge() {
        assert_eq!(events("100M", 10), vec![(10, 1), (110, -1)]);
        assert_eq!(events("5S10M2D10M", 0), vec![(0, 1), (12, 1), (10, -1), (22, -1)]);
        assert_eq!(events("10=1X9=", 0), vec![(0, 1), (20, -1)]);
        assert_eq!(events("10M5I10M", 0), vec![(0, 1), (20, -1)]);
        assert_eq!(events("10S", 0), vec![]);
    }

    #[test]
    fn end_position_matches_htslib() {
        assert_eq!(end_position(100, &parse("10M2D5M3S").unwrap()), 117);
        assert_eq!(end_position(100, &parse("10S").unwrap()), 101);
        assert_eq!(end_position(100, &[]), 101);
    }
}
