//! Read slices for htsget: the kept BAM of one individual, cut with its BAI/CSI index. A part
//! is the BAM header, or the records overlapping the region re-encoded as BAM; each part is
//! its own BGZF stream, so header and body concatenated are one valid BAM whose records are
//! exactly those `samtools view FILE REGION` prints.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use noodles::bam;
use noodles::core::{Position, Region};
use noodles::csi::BinningIndex;

use genohub_governance::ReadFileAccess;

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

    /// The query string of this slice's data URL (after `class=`).
    pub fn query(&self) -> String {
        match self {
            ReadSlice::Header => "class=header".into(),
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

/// Checks what can be refused before a ticket is issued: the format and the contig.
pub fn check(access: &ReadFileAccess, slice: &ReadSlice) -> Result<(), HtsgetError> {
    if access.format != "bam" {
        return Err(HtsgetError::unsupported_format(format!(
            "the reads of {} are kept as {}; only BAM slices are served",
            access.sample,
            access.format.to_uppercase()
        )));
    }
    if let ReadSlice::Region { contig, .. } = slice {
        if !access.contigs.iter().any(|c| c == contig) {
            return Err(HtsgetError::not_found(format!("referenceName {contig} is not in the header of {}'s reads", access.sample)));
        }
    }
    if access.index.is_none() && matches!(slice, ReadSlice::Region { .. } | ReadSlice::Unmapped) {
        return Err(HtsgetError::not_found(format!("no index is kept for {}'s reads, so they cannot be sliced", access.sample)));
    }
    Ok(())
}

/// Writes one part as a BGZF stream; returns the number of records written.
pub fn write_part(access: &ReadFileAccess, slice: &ReadSlice, out: Box<dyn Write + Send>) -> anyhow::Result<u64> {
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
