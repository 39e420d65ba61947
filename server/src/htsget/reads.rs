//! Read slices for htsget, in the kept file's own format. BAM: cut with its BAI/CSI index; a
//! part is the BAM header, or the records overlapping the region re-encoded as BAM; each part
//! is its own BGZF stream, so header and body concatenated are one valid BAM whose records are
//! exactly those `samtools view FILE REGION` prints. CRAM: byte ranges of the kept file chosen
//! with its CRAI index ([`super::cram_slice`]), never decoded; an extra EOF part ends the file.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use noodles::bam;
use noodles::core::{Position, Region};
use noodles::csi::BinningIndex;

use genohub_governance::ReadFileAccess;

use super::cram_slice::{self, Target};
use super::error::HtsgetError;
use super::params::HtsgetParams;

/// What part of a read file is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadSlice {
    Header,
    /// Every record, mapped or not.
    All,
    /// `referenceName=*`: reads placed on no reference.
    Unmapped,
    /// 0-based half-open; `end` None runs to the contig's end.
    Region {
        contig: String,
        start: u64,
        end: Option<u64>,
    },
    /// The CRAM EOF container, the last part of a CRAM ticket.
    Eof,
}

/// The format a read file is kept and served in: slices are cut from the kept file, never
/// converted, so a client asking for the other format is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFormat {
    Bam,
    Cram,
}

impl ReadFormat {
    pub fn name(self) -> &'static str {
        match self {
            ReadFormat::Bam => "BAM",
            ReadFormat::Cram => "CRAM",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ReadFormat::Bam => "application/vnd.ga4gh.bam",
            ReadFormat::Cram => "application/vnd.ga4gh.cram",
        }
    }
}

impl ReadSlice {
    /// The slice the parameters ask for, checked as htsget requires.
    pub fn parse(p: &HtsgetParams) -> Result<ReadSlice, HtsgetError> {
        match p.class.as_deref() {
            None | Some("body") => {}
            Some("header") => {
                if p.reference_name.is_some() || p.start.is_some() || p.end.is_some() {
                    return Err(HtsgetError::invalid_input("class=header cannot be combined with referenceName, start or end"));
                }
                return Ok(ReadSlice::Header);
            }
            Some(other) => return Err(HtsgetError::invalid_input(format!("class must be header, got {other:?}"))),
        }
        let Some(contig) = p.reference_name.clone() else {
            if p.start.is_some() || p.end.is_some() {
                return Err(HtsgetError::invalid_input("start and end need referenceName"));
            }
            return Ok(ReadSlice::All);
        };
        if contig == "*" {
            if p.start.is_some() || p.end.is_some() {
                return Err(HtsgetError::invalid_input("referenceName=* takes no start or end"));
            }
            return Ok(ReadSlice::Unmapped);
        }
        let start = p.start.unwrap_or(0);
        if let Some(end) = p.end {
            if start >= end {
                return Err(HtsgetError::invalid_range(format!("start ({start}) must be less than end ({end})")));
            }
        }
        Ok(ReadSlice::Region { contig, start, end: p.end })
    }

    /// The slice a data URL asks for: a ticket's slice, or the CRAM EOF part (`class=eof`).
    pub fn parse_data(p: &HtsgetParams) -> Result<ReadSlice, HtsgetError> {
        match p.class.as_deref() {
            None => Err(HtsgetError::invalid_input("class must be header, body or eof")),
            Some("eof") if p.reference_name.is_some() || p.start.is_some() || p.end.is_some() => {
                Err(HtsgetError::invalid_input("class=eof takes no referenceName, start or end"))
            }
            Some("eof") => Ok(ReadSlice::Eof),
            Some(_) => ReadSlice::parse(&HtsgetParams { class: p.class.clone().filter(|c| c != "body"), ..p.clone() }),
        }
    }

    /// The query string of this slice's data URL (from `class=`).
    pub fn query(&self) -> String {
        match self {
            ReadSlice::Header => "class=header".into(),
            ReadSlice::Eof => "class=eof".into(),
            ReadSlice::All => "class=body".into(),
            ReadSlice::Unmapped => "class=body&referenceName=*".into(),
            ReadSlice::Region { contig, start, end } => {
                let mut q = format!("class=body&referenceName={}&start={start}", super::encode_component(contig));
                if let Some(e) = end {
                    q.push_str(&format!("&end={e}"));
                }
                q
            }
        }
    }
}

/// Checks what can be refused before a ticket is issued: the format (`requested` None: the
/// kept one), the contig, the index; returns the format the parts are served in.
pub fn check(access: &ReadFileAccess, slice: &ReadSlice, requested: Option<&str>) -> Result<ReadFormat, HtsgetError> {
    let format = match access.format {
        "bam" => ReadFormat::Bam,
        "cram" => ReadFormat::Cram,
        other => return Err(HtsgetError::unsupported_format(format!("the reads of {} are kept as {other}, which htsget does not serve", access.sample))),
    };
    if let Some(r) = requested.filter(|r| *r != format.name()) {
        return Err(HtsgetError::unsupported_format(format!(
            "the reads of {} are kept as {}; {r} is not offered (slices are not converted)",
            access.sample,
            format.name()
        )));
    }
    if let ReadSlice::Region { contig, .. } = slice {
        if !access.contigs.iter().any(|c| c == contig) {
            return Err(HtsgetError::not_found(format!("referenceName {contig} is not in the header of {}'s reads", access.sample)));
        }
    }
    let indexed = access.index.as_deref().is_some_and(|i| i.is_file());
    let needs_index = match format {
        ReadFormat::Bam => matches!(slice, ReadSlice::Region { .. } | ReadSlice::Unmapped),
        // Even the header's end is known only from the CRAI (where the first container starts).
        ReadFormat::Cram => true,
    };
    if needs_index && !indexed {
        return Err(HtsgetError::not_found(format!("no index is kept for {}'s reads, so they cannot be sliced", access.sample)));
    }
    if format == ReadFormat::Bam && *slice == ReadSlice::Eof {
        return Err(HtsgetError::invalid_input("class=eof is a part of CRAM tickets only"));
    }
    Ok(format)
}

/// A part ready to stream: for CRAM the byte ranges are chosen (and the index and the file's
/// end checked) before the first byte, so a broken kept file is an error answer, not a cut
/// stream.
pub enum Part {
    Bam(ReadFileAccess, ReadSlice),
    Cram(std::path::PathBuf, Vec<std::ops::Range<u64>>),
}

impl Part {
    /// `access` and `slice` as passed by [`check`].
    pub fn prepare(access: ReadFileAccess, slice: ReadSlice, format: ReadFormat) -> anyhow::Result<Part> {
        if format == ReadFormat::Bam {
            return Ok(Part::Bam(access, slice));
        }
        let index = access.index.as_deref().context("checked: the CRAM has an index")?;
        let layout = cram_slice::open(&access.file, index)?;
        let ranges = match &slice {
            ReadSlice::Header => vec![layout.header.clone()],
            ReadSlice::Eof => vec![layout.eof.clone()],
            ReadSlice::All => layout.body(&Target::All),
            ReadSlice::Unmapped => layout.body(&Target::Unmapped),
            ReadSlice::Region { contig, start, end } => {
                let id = access.contigs.iter().position(|c| c == contig).context("checked: the contig is in the header")?;
                layout.body(&Target::Region { reference_sequence_id: id, start: start + 1, end: *end })
            }
        };
        Ok(Part::Cram(access.file, ranges))
    }

    /// Streams the part; returns the records (BAM) or bytes (CRAM) written.
    pub fn write(self, mut out: Box<dyn Write + Send>) -> anyhow::Result<u64> {
        match self {
            Part::Bam(access, slice) => write_part(&access, &slice, out),
            Part::Cram(file, ranges) => cram_slice::copy_ranges(&file, &ranges, &mut out),
        }
    }
}

/// Writes one BAM part as a BGZF stream; returns the number of records written.
pub fn write_part(access: &ReadFileAccess, slice: &ReadSlice, out: Box<dyn Write + Send>) -> anyhow::Result<u64> {
    if *slice == ReadSlice::Eof {
        anyhow::bail!("a BAM has no separate EOF part");
    }
    match access.index.as_deref() {
        Some(index) if index.extension().is_some_and(|e| e == "csi") => {
            write_indexed(&access.file, noodles::csi::fs::read(index).context("reading the CSI index")?, slice, out)
        }
        Some(index) => write_indexed(&access.file, bam::bai::fs::read(index).context("reading the BAI index")?, slice, out),
        None => {
            // Header or whole file only (checked before the ticket).
            let mut reader = bam::io::reader::Builder.build_from_path(&access.file).context("opening the kept BAM")?;
            let header = reader.read_header().context("reading the BAM header")?;
            let mut writer = bam::io::Writer::new(out);
            let mut n = 0;
            if *slice == ReadSlice::Header {
                writer.write_header(&header)?;
            } else {
                for record in reader.records() {
                    writer.write_record(&header, &record?)?;
                    n += 1;
                }
            }
            writer.try_finish()?;
            Ok(n)
        }
    }
}

fn write_indexed<I: BinningIndex + 'static>(file: &Path, index: I, slice: &ReadSlice, out: Box<dyn Write + Send>) -> anyhow::Result<u64> {
    let mut reader = bam::io::IndexedReader::new(File::open(file).context("opening the kept BAM")?, index);
    let header = reader.read_header().context("reading the BAM header")?;
    let mut writer = bam::io::Writer::new(out);
    let mut n = 0u64;
    let mut put = |writer: &mut bam::io::Writer<_>, record: std::io::Result<bam::Record>| -> anyhow::Result<()> {
        writer.write_record(&header, &record?)?;
        n += 1;
        Ok(())
    };
    match slice {
        ReadSlice::Header => writer.write_header(&header)?,
        ReadSlice::Eof => anyhow::bail!("a BAM has no separate EOF part"),
        ReadSlice::All => {
            for r in reader.records() {
                put(&mut writer, r)?;
            }
        }
        ReadSlice::Unmapped => {
            for r in reader.query_unmapped()? {
                put(&mut writer, r)?;
            }
        }
        ReadSlice::Region { contig, start, end } => {
            let from = Position::try_from(*start as usize + 1)?;
            let region = match end {
                Some(e) => Region::new(contig.as_str(), from..=Position::try_from(*e as usize)?),
                None => Region::new(contig.as_str(), from..),
            };
            for r in reader.query(&header, &region)?.records() {
                put(&mut writer, r)?;
            }
        }
    }
    writer.try_finish()?;
    Ok(n)
}
