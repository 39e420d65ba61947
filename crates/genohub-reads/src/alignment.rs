//! The few fields of an alignment record that depth and QC need, borrowed from the decoder's
//! buffers so a record costs no allocation.

pub const FLAG_PAIRED: u16 = 0x1;
pub const FLAG_PROPER_PAIR: u16 = 0x2;
pub const FLAG_UNMAPPED: u16 = 0x4;
pub const FLAG_MATE_UNMAPPED: u16 = 0x8;
pub const FLAG_SECONDARY: u16 = 0x100;
pub const FLAG_QC_FAIL: u16 = 0x200;
pub const FLAG_DUPLICATE: u16 = 0x400;
pub const FLAG_SUPPLEMENTARY: u16 = 0x800;

/// Reads mosdepth (and `samtools depth`) leave out by default: unmapped, secondary,
/// QC-failed, duplicate (= 1796).
pub const DEFAULT_EXCLUDE: u16 = FLAG_UNMAPPED | FLAG_SECONDARY | FLAG_QC_FAIL | FLAG_DUPLICATE;

#[derive(Debug, Clone, Copy)]
pub struct Alignment<'a> {
    /// Index of the reference sequence in the header, None for an unplaced read.
    pub tid: Option<usize>,
    /// 0-based leftmost position, -1 when absent.
    pub pos: i64,
    pub flags: u16,
    /// Raw MAPQ (255 = unavailable, kept as 255 as htslib does).
    pub mapq: u8,
    pub mate_tid: Option<usize>,
    pub mate_pos: i64,
    pub tlen: i32,
    pub name: &'a [u8],
    pub cigar: &'a [u32],
}

impl Alignment<'_> {
    #[inline]
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    #[inline]
    pub fn is_primary(&self) -> bool {
        self.flags & (FLAG_SECONDARY | FLAG_SUPPLEMENTARY) == 0
    }
}
