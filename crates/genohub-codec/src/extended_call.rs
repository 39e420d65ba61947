/// A call the one-byte code cannot hold (ploidy > 2 or similar); the code matrix holds
/// `code::EXTENDED` at its position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtendedCall {
    pub variant: u32,
    pub sample: u32,
    /// Each `code::REF`, `code::ALT` or `code::MISSING`.
    pub alleles: Vec<u8>,
    /// `alleles.len() - 1` entries: whether the separator after each allele (but the last)
    /// is '|'.
    pub phased: Vec<bool>,
}

impl ExtendedCall {
    pub fn alt_count(&self) -> u64 {
        self.alleles.iter().filter(|&&a| a == crate::code::ALT).count() as u64
    }

    pub fn called_alleles(&self) -> u64 {
        self.alleles.iter().filter(|&&a| a != crate::code::MISSING).count() as u64
    }
}
