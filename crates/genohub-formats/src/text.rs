//! Genotype codes as VCF text, shared by the writer and anything that prints calls.

use genohub_codec::{code, ExtendedCall, MISSING_INT};

fn allele_char(a: u8) -> u8 {
    match a {
        code::REF => b'0',
        code::ALT => b'1',
        _ => b'.',
    }
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
    }
}
