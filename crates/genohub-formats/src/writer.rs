//! VCF (plain or bgzip) and BCF output of VCF text produced by the store.
//!
//! The store renders records as VCF text; BCF output re-reads each line with noodles and
//! encodes it, so both outputs carry exactly the same content.

use std::io::{self, Write};
use std::num::NonZero;

use noodles::bcf;
use noodles::bgzf;
use noodles::vcf;
use noodles::vcf::variant::io::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Vcf,
    VcfBgzf,
    Bcf,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "v" => Ok(OutputFormat::Vcf),
            "z" => Ok(OutputFormat::VcfBgzf),
            "b" => Ok(OutputFormat::Bcf),
            _ => Err(format!("output type {s:?}: expected v (VCF), z (bgzip VCF) or b (BCF)")),
        }
    }
}

pub struct VariantWriter {
    inner: Inner,
}

enum Inner {
    Vcf(Box<dyn Write + Send>),
    VcfBgzf(bgzf::io::MultithreadedWriter<Box<dyn Write + Send>>),
    Bcf { writer: Box<bcf::io::Writer<bgzf::io::MultithreadedWriter<Box<dyn Write + Send>>>>, header: Box<vcf::Header>, record: vcf::Record },
}

fn workers(threads: usize) -> NonZero<usize> {
    NonZero::new(threads.max(1)).unwrap()
}

impl VariantWriter {
    /// Writes the header text (all `##` lines and `#CHROM`).
    pub fn new(out: Box<dyn Write + Send>, format: OutputFormat, header_text: &str, threads: usize) -> io::Result<VariantWriter> {
        let inner = match format {
            OutputFormat::Vcf => {
                let mut out = out;
                out.write_all(header_text.as_bytes())?;
                Inner::Vcf(out)
            }
            OutputFormat::VcfBgzf => {
                let mut w = bgzf::io::MultithreadedWriter::with_worker_count(workers(threads), out);
                w.write_all(header_text.as_bytes())?;
                Inner::VcfBgzf(w)
            }
            OutputFormat::Bcf => {
                let header: vcf::Header = header_text.parse().map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("output header: {e}")))?;
                let mut writer = bcf::io::Writer::from(bgzf::io::MultithreadedWriter::with_worker_count(workers(threads), out));
                writer.write_header(&header)?;
                Inner::Bcf { writer: Box::new(writer), header: Box::new(header), record: vcf::Record::default() }
            }
        };
        Ok(VariantWriter { inner })
    }

    /// Writes newline-terminated VCF data lines.
    pub fn write_lines(&mut self, text: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Vcf(w) => w.write_all(text),
            Inner::VcfBgzf(w) => w.write_all(text),
            Inner::Bcf { writer, header, record } => {
                let mut reader = vcf::io::Reader::new(text);
                loop {
                    if reader.read_record(record)? == 0 {
                        break;
                    }
                    writer.write_variant_record(header, record)?;
                }
                Ok(())
            }
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self.inner {
            Inner::Vcf(mut w) => w.flush(),
            Inner::VcfBgzf(mut w) => w.finish().and_then(|mut w| w.flush()),
            Inner::Bcf { writer, .. } => {
                let mut inner = writer.into_inner();
                inner.finish().and_then(|mut w| w.flush())
            }
        }
    }
}
