//! Genotype codes as VCF text, shared by the writer and anything that prints calls.

use genohub_codec::{code, ExtendedCall, MISSING_INT};

fn allele_char(a: u8) -> u8 {
    match a {
        code::REF => b'0',
        code::ALT => b'1',
        _ => b'.',
    }
}

/// `\t` + GT text of every code (ploidy 1 or 2), precomputed: writing a 10,000-sample record
/// is then one table lookup and one 4-byte copy per sample.
struct GtTable {
    text: [[u8; 4]; 256],
    len: [u8; 256],
}

const fn allele_byte(a: u8) -> u8 {
    match a {
        0 => b'0',
        1 => b'1',
        _ => b'.',
    }
}

const GT_TABLE: GtTable = {
    let mut t = GtTable { text: [[0; 4]; 256], len: [0; 256] };
    let mut c = 0;
    while c < 256 {
        let code = c as u8;
        let first = code & 3;
        let second = (code >> 2) & 3;
        t.text[c][0] = b'\t';
        t.text[c][1] = allele_byte(first);
        if second == 3 {
            t.len[c] = 2;
        } else {
            t.text[c][2] = if code & 0x10 != 0 { b'|' } else { b'/' };
            t.text[c][3] = allele_byte(second);
            t.len[c] = 4;
        }
        c += 1;
    }
    t
};

/// Appends a tab and the GT text of one code (ploidy 1 or 2).
#[inline]
pub fn push_tab_gt(out: &mut Vec<u8>, c: u8) {
    let len = GT_TABLE.len[c as usize] as usize;
    out.extend_from_slice(&GT_TABLE.text[c as usize][..len]);
}

/// Appends the GT text of one code (ploidy 1 or 2).
pub fn push_gt(out: &mut Vec<u8>, c: u8) {
    out.push(allele_char(code::first(c)));
    let second = code::second(c);
    if second != code::ABSENT {
        out.push(if code::is_phased(c) { b'|' } else { b'/' });
        out.push(allele_char(second));
    }
}

pub fn push_extended(out: &mut Vec<u8>, call: &ExtendedCall) {
    for (i, &a) in call.alleles.iter().enumerate() {
        if i > 0 {
            out.push(if call.phased.get(i - 1).copied().unwrap_or(false) { b'|' } else { b'/' });
        }
        out.push(allele_char(a));
    }
}

pub fn push_int(out: &mut Vec<u8>, v: i32) {
    if v == MISSING_INT {
        out.push(b'.');
    } else {
        let mut buf = itoa_buf(v);
        out.append(&mut buf);
    }
}

fn itoa_buf(v: i32) -> Vec<u8> {
    v.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_print_as_vcf() {
        let mut out = Vec::new();
        push_gt(&mut out, code::make(code::REF, code::ALT, true));
        out.push(b' ');
        push_gt(&mut out, code::make(code::MISSING, code::MISSING, false));
        out.push(b' ');
        push_gt(&mut out, code::make(code::ALT, code::ABSENT, false));
        assert_eq!(out, b"0|1 ./. 1");
        for c in 0..=255u8 {
            if code::first(c) == code::ABSENT || c & 0xE0 != 0 {
                continue;
            }
            let (mut slow, mut fast) = (vec![b'\t'], Vec::new());
            push_gt(&mut slow, c);
            push_tab_gt(&mut fast, c);
            assert_eq!(slow, fast, "code {c:#x}");
        }
    }
}
