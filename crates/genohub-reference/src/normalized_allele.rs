/// One biallelic record after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedAllele {
    /// 1-based position of the first REF base.
    pub pos: u64,
    /// REF bases, uppercase.
    pub reference: Vec<u8>,
    /// ALT bases, uppercase (symbolic alleles and breakends are returned as written).
    pub alternate: Vec<u8>,
    /// True when the position or the alleles differ from the input (ignoring letter case), i.e.
    /// when bcftools would count the record as realigned.
    pub changed: bool,
}
