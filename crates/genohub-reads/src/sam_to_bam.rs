//! Writes a BAM file from SAM text: how the tests (and anyone needing a small fixture) make
//! alignment files without external tools.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;

use noodles::bam;
use noodles::sam;
use noodles::sam::alignment::io::Write as _;

pub fn write_bam(sam_text: &str, path: &Path) -> io::Result<()> {
    let mut reader = sam::io::Reader::new(BufReader::new(sam_text.as_bytes()));
    let header = reader.read_header()?;
    let mut writer = bam::io::Writer::new(File::create(path)?);
    writer.write_header(&header)?;
    for record in reader.record_bufs(&header) {
        writer.write_alignment_record(&header, &record?)?;
    }
    writer.try_finish()
}
