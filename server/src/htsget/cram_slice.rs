//! CRAM slices as byte ranges of the kept file, chosen with its CRAI index. Nothing is decoded:
//! the server may not hold the reference the reads were compressed against, and the client
//! decodes with its own (as the htsget reference servers do). A slice is therefore made of
//! whole containers and may hold records outside the region, which htsget allows.
//!
//! Parts, concatenated in ticket order, make one valid CRAM file: the header (file definition
//! and SAM header container), the chosen data containers, and the EOF container.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::Path;

use anyhow::{bail, Context};
use noodles::cram::crai;

/// The CRAM 3.x end-of-file container (CRAM specification § 9): an empty container that
/// readers take as proof the file is complete.
pub const EOF_CONTAINER: [u8; 38] = [
    0x0f, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xe0, 0x45, 0x4f, 0x46, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x05, 0xbd, 0xd9, 0x4f, 0x00, 0x01, 0x00,
    0x06, 0x06, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0xee, 0x63, 0x01, 0x4b,
];

/// `CRAM`, major and minor version, 20-byte file id.
const FILE_DEFINITION_LEN: u64 = 26;

/// Which data containers a body part holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    All,
    /// Slices of reads placed on no reference (CRAI reference id -1).
    Unmapped,
    /// 1-based inclusive; `end` None runs to the reference's end.
    Region {
        reference_sequence_id: usize,
        start: u64,
        end: Option<u64>,
    },
}

/// A data container: its bytes and the CRAI entries (one per slice and reference) inside it.
#[derive(Debug, Clone)]
struct Container {
    bytes: Range<u64>,
    entries: Vec<crai::Record>,
}

/// The kept file's layout as its index describes it.
#[derive(Debug, Clone)]
pub struct CramLayout {
    pub header: Range<u64>,
    pub eof: Range<u64>,
    containers: Vec<Container>,
}

impl CramLayout {
    /// The layout of a file of `file_len` bytes ending with the EOF container (the caller
    /// checks those bytes). A container ends where the next indexed one starts, the last
    /// one where the EOF container starts. An index whose offsets fall outside the data
    /// (another file's index) is refused rather than served as wrong bytes.
    pub fn new(index: &[crai::Record], file_len: u64) -> anyhow::Result<CramLayout> {
        let eof_len = EOF_CONTAINER.len() as u64;
        if file_len < FILE_DEFINITION_LEN + eof_len {
            bail!("{file_len} bytes is too short for a CRAM file with an EOF container");
        }
        let data_end = file_len - eof_len;
        let mut entries: Vec<&crai::Record> = index.iter().collect();
        entries.sort_by_key(|r| r.offset());
        if let Some(bad) = entries.iter().find(|r| r.offset() <= FILE_DEFINITION_LEN || r.offset() >= data_end) {
            bail!("the CRAI index names a container at byte {} but the file's data lie in ({FILE_DEFINITION_LEN}, {data_end})", bad.offset());
        }
        let mut containers: Vec<Container> = Vec::new();
        for r in entries {
            match containers.last_mut() {
                Some(c) if c.bytes.start == r.offset() => c.entries.push(r.clone()),
                _ => {
                    if let Some(c) = containers.last_mut() {
                        c.bytes.end = r.offset();
                    }
                    containers.push(Container { bytes: r.offset()..data_end, entries: vec![r.clone()] });
                }
            }
        }
        let header_end = containers.first().map_or(data_end, |c| c.bytes.start);
        Ok(CramLayout { header: 0..header_end, eof: data_end..file_len, containers })
    }

    /// The byte ranges of the containers holding the target's records, in file order,
    /// adjacent ranges merged.
    pub fn body(&self, target: &Target) -> Vec<Range<u64>> {
        let mut out: Vec<Range<u64>> = Vec::new();
        for c in self.containers.iter().filter(|c| c.entries.iter().any(|e| holds(e, target))) {
            match out.last_mut() {
                Some(last) if last.end == c.bytes.start => last.end = c.bytes.end,
                _ => out.push(c.bytes.clone()),
            }
        }
        out
    }
}

/// Whether a slice's index entry may hold records of the target.
fn holds(entry: &crai::Record, target: &Target) -> bool {
    match target {
        Target::All => true,
        Target::Unmapped => entry.reference_sequence_id().is_none(),
        Target::Region { reference_sequence_id, start, end } => {
            if entry.reference_sequence_id() != Some(*reference_sequence_id) {
                return false;
            }
            // A placed slice without a start cannot be ruled out.
            let Some(first) = entry.alignment_start() else { return true };
            let first = usize::from(first) as u64;
            let last = first + (entry.alignment_span() as u64).max(1) - 1;
            first <= end.unwrap_or(u64::MAX) && last >= *start
        }
    }
}

/// Reads the CRAI and checks that the file ends with the CRAM 3 EOF container.
pub fn open(file: &Path, index: &Path) -> anyhow::Result<CramLayout> {
    let crai = crai::fs::read(index).context("reading the CRAI index")?;
    let mut f = File::open(file).context("opening the kept CRAM")?;
    let len = f.metadata().context("reading the kept CRAM's size")?.len();
    let mut tail = [0u8; EOF_CONTAINER.len()];
    if len >= tail.len() as u64 {
        f.seek(SeekFrom::End(-(tail.len() as i64)))?;
        f.read_exact(&mut tail).context("reading the kept CRAM's end")?;
    }
    if tail != EOF_CONTAINER {
        bail!("the kept CRAM does not end with the CRAM 3 EOF container (truncated, or not CRAM 3)");
    }
    CramLayout::new(&crai, len)
}

/// Copies the ranges of `file` to `out`; returns the number of bytes copied.
pub fn copy_ranges(file: &Path, ranges: &[Range<u64>], out: &mut dyn Write) -> anyhow::Result<u64> {
    let mut f = File::open(file).context("opening the kept CRAM")?;
    let mut n = 0;
    for r in ranges {
        f.seek(SeekFrom::Start(r.start))?;
        let copied = std::io::copy(&mut (&mut f).take(r.end - r.start), out)?;
        if copied != r.end - r.start {
            bail!("the kept CRAM ended at byte {} inside the range {r:?}", r.start + copied);
        }
        n += copied;
    }
    out.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use noodles::core::Position;

    fn entry(reference: Option<usize>, start: usize, span: usize, offset: u64) -> crai::Record {
        crai::Record::new(reference, Position::new(start), span, offset, 0, 0)
    }

    /// Header up to 100; chr0 containers at 100 and 200 (two slices), chr1 at 300, a
    /// multi-reference container at 400 (chr1 and unplaced), unplaced at 500; data end 600.
    fn layout() -> CramLayout {
        let index = [
            entry(Some(0), 1, 1000, 100),
            entry(Some(0), 1001, 500, 200),
            entry(Some(0), 1600, 400, 200),
            entry(Some(1), 1, 5000, 300),
            entry(Some(1), 5001, 100, 400),
            entry(None, 0, 0, 400),
            entry(None, 0, 0, 500),
        ];
        CramLayout::new(&index, 600 + EOF_CONTAINER.len() as u64).unwrap()
    }

    fn region(id: usize, start: u64, end: Option<u64>) -> Target {
        Target::Region { reference_sequence_id: id, start, end }
    }

    #[test]
    fn header_and_eof_frame_the_data() {
        let l = layout();
        assert_eq!(l.header, 0..100);
        assert_eq!(l.eof, 600..638);
        assert_eq!(l.body(&Target::All), vec![100..600]);
    }

    #[test]
    fn a_region_takes_the_containers_it_overlaps_and_merges_neighbours() {
        let l = layout();
        assert_eq!(l.body(&region(0, 1000, Some(1000))), vec![100..200], "the last base of the first container");
        assert_eq!(l.body(&region(0, 1001, Some(1001))), vec![200..300]);
        assert_eq!(l.body(&region(0, 900, Some(1100))), vec![100..300], "two adjacent containers merge");
        assert_eq!(l.body(&region(0, 1999, None)), vec![200..300], "the second slice of a container counts");
        assert_eq!(l.body(&region(0, 2000, None)), Vec::<Range<u64>>::new(), "past every chr0 slice");
        assert_eq!(l.body(&region(1, 5000, None)), vec![300..500]);
        assert_eq!(l.body(&region(1, 5101, None)), Vec::<Range<u64>>::new());
        assert_eq!(l.body(&region(2, 1, None)), Vec::<Range<u64>>::new(), "a reference with no container");
    }

    #[test]
    fn unplaced_reads_come_from_slices_without_a_reference() {
        assert_eq!(layout().body(&Target::Unmapped), vec![400..600]);
    }

    #[test]
    fn a_file_without_data_containers_is_header_and_eof() {
        let l = CramLayout::new(&[], 400).unwrap();
        assert_eq!((l.header.clone(), l.eof.clone()), (0..362, 362..400));
        assert!(l.body(&Target::All).is_empty());
    }

    #[test]
    fn an_index_pointing_outside_the_data_is_refused() {
        let e = CramLayout::new(&[entry(Some(0), 1, 10, 700)], 638).unwrap_err();
        assert!(e.to_string().contains("byte 700"), "{e}");
        assert!(CramLayout::new(&[entry(Some(0), 1, 10, 10)], 638).is_err(), "inside the file definition");
        assert!(CramLayout::new(&[], 30).is_err(), "too short");
    }
}
