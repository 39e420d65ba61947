//! Plain-text VCF output: the header and one reused line buffer per record.

use std::io::{self, Write};

use crate::cohort::RecordSink;
use crate::depth::{push_depth_fields, MISSING_DEPTH_FIELDS};
use crate::rng::{geometric_failures, SimRng};
use crate::site::VariantSite;
use crate::text::push_decimal;
use crate::CohortParams;

pub(crate) struct VcfTextWriter<W: Write> {
    out: W,
    line: Vec<u8>,
    contig: Vec<u8>,
    with_depth: bool,
    missing_rate: f64,
    missing_rng: SimRng,
    /// Called genotypes left before the next `.|.`; drawing gaps instead of one coin per
    /// genotype keeps the hot loop free of random draws.
    calls_until_missing: u64,
    depth_rng: SimRng,
}

impl<W: Write> VcfTextWriter<W> {
    pub(crate) fn new(params: &CohortParams, mut out: W, mut missing_rng: SimRng, depth_rng: SimRng) -> io::Result<Self> {
        out.write_all(&header(params))?;
        let calls_until_missing = geometric_failures(&mut missing_rng, params.missing_rate);
        Ok(Self {
            out,
            line: Vec::with_capacity(params.samples * if params.with_depth { 24 } else { 4 } + 256),
            contig: params.contig.as_bytes().to_vec(),
            with_depth: params.with_depth,
            missing_rate: params.missing_rate,
            missing_rng,
            calls_until_missing,
            depth_rng,
        })
    }

    pub(crate) fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> RecordSink for VcfTextWriter<W> {
    fn write_record(&mut self, site: &VariantSite, reference: &[u8], alleles: &[u8]) -> io::Result<()> {
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(&self.contig);
        line.push(b'\t');
        push_decimal(line, site.position);
        line.extend_from_slice(b"\t.\t");
        site.push_ref(reference, line);
        line.push(b'\t');
        site.push_alts(reference, line);
        line.extend_from_slice(if self.with_depth { b"\t.\tPASS\t.\tGT:DP:GQ:AD" } else { b"\t.\tPASS\t.\tGT" });
        let allele_count = site.edits.len() + 1;
        for pair in alleles.chunks_exact(2) {
            if self.calls_until_missing == 0 {
                self.calls_until_missing = geometric_failures(&mut self.missing_rng, self.missing_rate);
                line.extend_from_slice(b"\t.|.");
                if self.with_depth {
                    line.extend_from_slice(MISSING_DEPTH_FIELDS);
                }
                continue;
            }
            self.calls_until_missing -= 1;
            // Alleles are single digits: sites have at most three ALT alleles.
            line.extend_from_slice(&[b'\t', b'0' + pair[0], b'|', b'0' + pair[1]]);
            if self.with_depth {
                push_depth_fields(line, &mut self.depth_rng, pair[0], pair[1], allele_count);
            }
        }
        line.push(b'\n');
        self.out.write_all(line)
    }
}

fn header(params: &CohortParams) -> Vec<u8> {
    let mut text = String::new();
    text.push_str("##fileformat=VCFv4.2\n");
    text.push_str("##FILTER=<ID=PASS,Description=\"All filters passed\">\n");
    text.push_str("##source=genohub-sim\n");
    text.push_str(&format!(
        "##genohub-sim.params=seed:{};founders:{};missing_rate:{};indel_fraction:{};multiallelic_fraction:{}\n",
        params.seed, params.founders, params.missing_rate, params.indel_fraction, params.multiallelic_fraction
    ));
    text.push_str(&format!("##contig=<ID={},length={}>\n", params.contig, params.length));
    text.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Phased genotype\">\n");
    if params.with_depth {
        text.push_str("##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Read depth\">\n");
        text.push_str("##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality\">\n");
        text.push_str("##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting each allele\">\n");
    }
    text.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT");
    for i in 0..params.samples {
        text.push('\t');
        text.push_str(&params.sample_name(i));
    }
    text.push('\n');
    text.into_bytes()
}
