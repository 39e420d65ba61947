//! File type from content, never from the name: sequencing centers name files freely.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::FormatError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Vcf,
    VcfBgzf,
    Bcf,
    /// BCF without BGZF compression (`bcftools view -Ou`).
    BcfUncompressed,
    Bam,
    Cram,
    /// gzip that is not BGZF: cannot be read block-parallel or indexed.
    PlainGzip,
    Unknown,
}

impl FileKind {
    pub fn is_variants(self) -> bool {
        matches!(self, FileKind::Vcf | FileKind::VcfBgzf | FileKind::Bcf | FileKind::BcfUncompressed)
    }

    pub fn is_reads(self) -> bool {
        matches!(self, FileKind::Bam | FileKind::Cram)
    }
}

pub fn detect_path(path: &Path) -> Result<FileKind, FormatError> {
    let mut file = File::open(path).map_err(|e| FormatError::io(path, e))?;
    let mut head = [0u8; 18];
    let n = read_up_to(&mut file, &mut head).map_err(|e| FormatError::io(path, e))?;
    let head = &head[..n];
    if head.starts_with(b"CRAM") {
        return Ok(FileKind::Cram);
    }
    if head.starts_with(b"BCF\x02") {
        return Ok(FileKind::BcfUncompressed);
    }
    if head.starts_with(b"##fileformat=VCF") || head.starts_with(b"##") || head.starts_with(b"#CHROM") {
        return Ok(FileKind::Vcf);
    }
    if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        if !is_bgzf_header(head) {
            return Ok(FileKind::PlainGzip);
        }
        let file = File::open(path).map_err(|e| FormatError::io(path, e))?;
        let mut reader = noodles::bgzf::io::Reader::new(file);
        let mut magic = [0u8; 16];
        let n = read_up_to(&mut reader, &mut magic).map_err(|e| FormatError::file(path, format!("BGZF block 0 could not be decompressed: {e}")))?;
        let magic = &magic[..n];
        return Ok(if magic.starts_with(b"BCF\x02") {
            FileKind::Bcf
        } else if magic.starts_with(b"BAM\x01") {
            FileKind::Bam
        } else if magic.starts_with(b"##") || magic.starts_with(b"#CHROM") || magic.is_empty() {
            FileKind::VcfBgzf
        } else {
            FileKind::Unknown
        });
    }
    Ok(FileKind::Unknown)
}

fn is_bgzf_header(head: &[u8]) -> bool {
    // gzip FEXTRA flag with the BGZF 'BC' subfield at its fixed offset.
    head.len() >= 14 && head[3] & 0x04 != 0 && head[12] == b'B' && head[13] == b'C'
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bam_and_cram_are_recognised_by_content_not_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("reads.vcf");
        let mut w = noodles::bam::io::Writer::new(File::create(&p).unwrap());
        w.write_header(&noodles::sam::Header::default()).unwrap();
        w.try_finish().unwrap();
        drop(w);
        assert_eq!(detect_path(&p).unwrap(), FileKind::Bam);
        assert!(detect_path(&p).unwrap().is_reads());
        std::fs::write(&p, b"CRAM\x03\x00rest-of-file-definition").unwrap();
        assert_eq!(detect_path(&p).unwrap(), FileKind::Cram);
        std::fs::write(&p, b"##fileformat=VCFv4.2\n").unwrap();
        assert!(!detect_path(&p).unwrap().is_reads());
    }
}
