//! Per-sample genotype code: one byte per call.
//!
//! Layout: bits 0-1 first allele, bits 2-3 second allele, bit 4 phased separator.
//! After multi-allelic splitting an allele slot is only ref, alt or missing; the second
//! slot may additionally be ABSENT, which is how a haploid call is written.

pub const REF: u8 = 0;
pub const ALT: u8 = 1;
pub const MISSING: u8 = 2;
/// Only valid in the second slot: marks a haploid call.
pub const ABSENT: u8 = 3;
/// Set when the separator between allele 1 and 2 is '|'.
pub const PHASED: u8 = 0x10;
/// Ploidy > 2 (or any other call the byte cannot hold): the real value lives in the
/// block's `extended` list.
pub const EXTENDED: u8 = 0xFF;

/// Bits a non-extended code may use; anything above is reserved.
const USED_BITS: u8 = 0x1F;

pub const fn make(a1: u8, a2: u8, phased: bool) -> u8 {
    a1 | (a2 << 2) | if phased { PHASED } else { 0 }
}

pub const fn first(c: u8) -> u8 {
    c & 0b11
}

pub const fn second(c: u8) -> u8 {
    (c >> 2) & 0b11
}

pub const fn is_phased(c: u8) -> bool {
    c & PHASED != 0
}

/// True for the 24 ordinary codes plus EXTENDED; the encoder rejects everything else so
/// that every stored byte has exactly one meaning.
pub const fn is_valid(c: u8) -> bool {
    c == EXTENDED || (c & !USED_BITS == 0 && first(c) != ABSENT)
}

pub const fn is_haploid(c: u8) -> bool {
    c != EXTENDED && second(c) == ABSENT
}

/// Number of alt alleles (0, 1 or 2); missing slots count as nothing. Not meaningful for
/// EXTENDED.
pub fn alt_count(c: u8) -> u8 {
    u8::from(first(c) == ALT) + u8::from(second(c) == ALT)
}

/// Number of non-missing allele slots, i.e. the call's contribution to AN.
pub fn called_alleles(c: u8) -> u8 {
    u8::from(first(c) <= ALT) + u8::from(second(c) <= ALT)
}
