/// Where one contig's bases sit in a FASTA file, from its `.fai` index record.
#[derive(Debug, Clone)]
pub(crate) struct IndexedContig {
    pub(crate) name: String,
    pub(crate) length: u64,
    /// Uncompressed byte offset of the first base.
    pub(crate) offset: u64,
    pub(crate) line_bases: u64,
    /// Bytes per full line including the line break (`line_bases` + 1, or + 2 for CRLF).
    pub(crate) line_width: u64,
}

impl IndexedContig {
    /// Uncompressed byte offset of the 0-based base `pos`.
    pub(crate) fn byte_offset(&self, pos: u64) -> u64 {
        self.offset + pos / self.line_bases * self.line_width + pos % self.line_bases
    }
}
