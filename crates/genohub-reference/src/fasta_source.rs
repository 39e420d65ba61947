use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use noodles::bgzf;

/// The bytes of a FASTA file addressed by uncompressed offset, whether the file is plain or
/// bgzip-compressed (then seeking goes through the `.gzi` block index).
pub(crate) enum FastaSource {
    Plain(File),
    Bgzf(bgzf::io::IndexedReader<File>),
}

impl FastaSource {
    /// Fills `buf` with the bytes starting at uncompressed `offset`.
    pub(crate) fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        match self {
            FastaSource::Plain(file) => {
                file.seek(SeekFrom::Start(offset))?;
                file.read_exact(buf)
            }
            FastaSource::Bgzf(reader) => {
                reader.seek(SeekFrom::Start(offset))?;
                reader.read_exact(buf)
            }
        }
    }
}
