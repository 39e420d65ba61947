/// A cached stretch of one contig, uppercase, so that the many small nearby fetches made while
/// normalising a sorted VCF are served from memory instead of the file.
#[derive(Debug)]
pub(crate) struct SequenceWindow {
    /// Index of the contig in the FASTA index.
    pub(crate) contig: usize,
    /// 0-based position of `bases[0]`.
    pub(crate) start: u64,
    pub(crate) bases: Vec<u8>,
}

impl SequenceWindow {
    /// True when the 0-based half-open range `start..end` of `contig` is cached.
    pub(crate) fn covers(&self, contig: usize, start: u64, end: u64) -> bool {
        self.contig == contig && start >= self.start && end <= self.start + self.bases.len() as u64
    }

    /// The cached bases of the 0-based half-open range `start..end`; call only when covered.
    pub(crate) fn slice(&self, start: u64, end: u64) -> &[u8] {
        let from = (start - self.start) as usize;
        let to = (end - self.start) as usize;
        &self.bases[from..to]
    }
}
