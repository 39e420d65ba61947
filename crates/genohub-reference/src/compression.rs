use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// How a FASTA file is stored, decided from its first bytes rather than its name.
pub(crate) enum Compression {
    None,
    /// Blocked gzip (bgzip): seekable with a `.gzi` index.
    Bgzf,
    /// Ordinary gzip: not seekable, so not usable as an indexed reference.
    OtherGzip,
}

impl Compression {
    /// Reads the gzip header (if any) and rewinds the file.
    pub(crate) fn sniff(file: &mut File) -> io::Result<Compression> {
        let mut header = [0u8; 18];
        let mut filled = 0;
        while filled < header.len() {
            let n = file.read(&mut header[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        file.seek(SeekFrom::Start(0))?;
        if filled < 2 || header[..2] != [0x1f, 0x8b] {
            return Ok(Compression::None);
        }
        // BGZF = gzip with FEXTRA set and a "BC" extra subfield (SAM spec, section 4.1).
        let is_bgzf = filled >= 16 && header[3] & 0x04 != 0 && header[12] == b'B' && header[13] == b'C';
        Ok(if is_bgzf { Compression::Bgzf } else { Compression::OtherGzip })
    }
}
