//! A dense variant stores each sample as a 5-bit signature split over five bit planes.
//!
//! For an ordinary code the signature is the code itself (bits: first allele low/high,
//! second allele low/high, phased). EXTENDED is given first-allele bits `11`, a value no
//! ordinary code has, and copies its other three bits from the variant's default so that
//! an extended call differs from the default only where it must.

use crate::code::EXTENDED;

pub(crate) const PLANES: usize = 5;
const FIRST_ALLELE_BITS: u8 = 0b00011;

pub(crate) fn of_default(default: u8) -> u8 {
    if default == EXTENDED {
        FIRST_ALLELE_BITS
    } else {
        default
    }
}

pub(crate) fn of_code(code: u8, default_signature: u8) -> u8 {
    if code == EXTENDED {
        FIRST_ALLELE_BITS | (default_signature & !FIRST_ALLELE_BITS)
    } else {
        code
    }
}

/// Every 5-bit signature maps to a valid code, so dense planes need no per-sample
/// validation.
pub(crate) fn to_code(signature: u8) -> u8 {
    if signature & FIRST_ALLELE_BITS == FIRST_ALLELE_BITS {
        EXTENDED
    } else {
        signature
    }
}
