//! One gVCF per sample, as a single-sample caller writes it: the sample's variant records
//! (its own alleles plus `<NON_REF>`) and reference blocks (`<NON_REF>` with `END`) over the
//! stretches where it was callable and saw no variant. Low-coverage gaps get no block at all,
//! as with a caller run with a minimum depth for blocks: such positions are unknown, not
//! hom-ref.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::cohort::RecordSink;
use crate::coverage::Gaps;
use crate::depth::push_depth_fields;
use crate::rng::{below, exponential, stream_rng_indexed, SimRng, Stream};
use crate::site::VariantSite;
use crate::text::push_decimal;
use crate::CohortParams;

/// Reads needed for a confident hom-ref call; blocks report a MIN_DP at or above it.
const MIN_CALLABLE_DEPTH: u64 = 10;

/// What was written for one sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GvcfSummary {
    pub sample: String,
    pub path: PathBuf,
    /// Variant records (the sample carries a non-reference allele and was callable there).
    pub variants: u64,
    /// Reference blocks.
    pub blocks: u64,
    /// Bases covered by blocks or variant records.
    pub callable_bp: u64,
    /// Carried variants left out because the sample was not callable there.
    pub uncalled_variants: u64,
}

struct SampleGvcf {
    summary: GvcfSummary,
    out: noodles_bgzf::io::Writer<BufWriter<File>>,
    gaps: Gaps,
    /// First position not yet written (as a block or a record) or skipped as a gap.
    next: u64,
    rng: SimRng,
}

pub(crate) struct GvcfWriter {
    samples: Vec<SampleGvcf>,
    contig: Vec<u8>,
    length: u64,
    mean_block_bp: f64,
    line: Vec<u8>,
}

impl GvcfWriter {
    pub(crate) fn create(params: &CohortParams, gaps: Vec<Gaps>, mean_block_bp: f64, dir: &Path) -> io::Result<Self> {
        let mut samples = Vec::with_capacity(params.samples);
        for (i, gaps) in gaps.into_iter().enumerate() {
            let name = params.sample_name(i);
            let path = dir.join(format!("{name}.g.vcf.gz"));
            let mut out = noodles_bgzf::io::Writer::new(BufWriter::new(File::create(&path)?));
            out.write_all(header(params, &name).as_bytes())?;
            let summary = GvcfSummary { sample: name, path, variants: 0, blocks: 0, callable_bp: 0, uncalled_variants: 0 };
            samples.push(SampleGvcf { summary, out, gaps, next: 1, rng: stream_rng_indexed(params.seed, Stream::GvcfDepth, i as u64) });
        }
        Ok(Self { samples, contig: params.contig.as_bytes().to_vec(), length: params.length, mean_block_bp, line: Vec::with_capacity(256) })
    }

    /// Writes the blocks after the last records, closes every file (with the BGZF EOF block).
    pub(crate) fn finish(mut self, reference: &[u8]) -> io::Result<Vec<GvcfSummary>> {
        let mut out = Vec::with_capacity(self.samples.len());
        for mut sample in std::mem::take(&mut self.samples) {
            self.blocks_until(&mut sample, reference, self.length + 1)?;
            sample.out.finish()?.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            out.push(sample.summary);
        }
        Ok(out)
    }

    /// Reference blocks over the callable part of `[sample.next, until)`, cut into blocks of
    /// random length (each with its own depth band, as callers band by GQ).
    fn blocks_until(&mut self, sample: &mut SampleGvcf, reference: &[u8], until: u64) -> io::Result<()> {
        while sample.next < until {
            let stop = match sample.gaps.next_from(sample.next) {
                Some((start, end)) if start <= sample.next => {
                    sample.next = end + 1;
                    continue;
                }
                Some((start, _)) => start.min(until),
                None => until,
            };
            let length = (exponential(&mut sample.rng, self.mean_block_bp) as u64).max(1);
            let end = (sample.next + length).min(stop) - 1;
            self.write_block(sample, reference, end)?;
            sample.next = end + 1;
        }
        Ok(())
    }

    fn write_block(&mut self, sample: &mut SampleGvcf, reference: &[u8], end: u64) -> io::Result<()> {
        let start = sample.next;
        let min_dp = MIN_CALLABLE_DEPTH + below(&mut sample.rng, 25);
        let dp = min_dp + below(&mut sample.rng, 12);
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(&self.contig);
        line.push(b'\t');
        push_decimal(line, start);
        line.extend_from_slice(b"\t.\t");
        line.push(reference[(start - 1) as usize]);
        line.extend_from_slice(b"\t<NON_REF>\t.\t.\tEND=");
        push_decimal(line, end);
        line.extend_from_slice(b"\tGT:DP:GQ:MIN_DP\t0/0:");
        push_decimal(line, dp);
        line.push(b':');
        push_decimal(line, (3 * min_dp).min(99));
        line.push(b':');
        push_decimal(line, min_dp);
        line.push(b'\n');
        sample.out.write_all(line)?;
        sample.summary.blocks += 1;
        sample.summary.callable_bp += end - start + 1;
        Ok(())
    }

    fn write_variant(&mut self, sample: &mut SampleGvcf, site: &VariantSite, reference: &[u8], pair: [u8; 2]) -> io::Result<()> {
        // The sample's own alleles only, REF re-trimmed to them, as a single-sample caller sees it.
        let mut own = site.clone();
        let mut alleles = pair;
        own.drop_absent_alleles(&mut alleles);
        alleles.sort_unstable();
        self.blocks_until(sample, reference, own.position)?;
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(&self.contig);
        line.push(b'\t');
        push_decimal(line, own.position);
        line.extend_from_slice(b"\t.\t");
        own.push_ref(reference, line);
        line.push(b'\t');
        own.push_alts(reference, line);
        line.extend_from_slice(b",<NON_REF>\t.\tPASS\t.\tGT:DP:GQ:AD\t");
        line.extend_from_slice(&[b'0' + alleles[0], b'/', b'0' + alleles[1]]);
        // AD has one more value, for <NON_REF>, which no read supports.
        push_depth_fields(line, &mut sample.rng, alleles[0], alleles[1], own.edits.len() + 2);
        line.push(b'\n');
        sample.out.write_all(line)?;
        sample.summary.variants += 1;
        sample.summary.callable_bp += own.end() - own.position + 1;
        sample.next = own.end() + 1;
        Ok(())
    }
}

impl RecordSink for GvcfWriter {
    fn write_record(&mut self, site: &VariantSite, reference: &[u8], alleles: &[u8]) -> io::Result<()> {
        let mut samples = std::mem::take(&mut self.samples);
        let result = (|| {
            for (sample, pair) in samples.iter_mut().zip(alleles.chunks_exact(2)) {
                if pair == [0, 0] {
                    continue;
                }
                if sample.gaps.contains(site.position) {
                    sample.summary.uncalled_variants += 1;
                    continue;
                }
                self.write_variant(sample, site, reference, [pair[0], pair[1]])?;
            }
            Ok(())
        })();
        self.samples = samples;
        result
    }
}

fn header(params: &CohortParams, sample: &str) -> String {
    let mut text = String::new();
    text.push_str("##fileformat=VCFv4.2\n");
    text.push_str("##FILTER=<ID=PASS,Description=\"All filters passed\">\n");
    text.push_str("##ALT=<ID=NON_REF,Description=\"Any allele other than the reference or those listed\">\n");
    text.push_str("##INFO=<ID=END,Number=1,Type=Integer,Description=\"Last position of the reference block\">\n");
    text.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
    text.push_str("##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Read depth\">\n");
    text.push_str("##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality\">\n");
    text.push_str(&format!("##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description=\"Least depth in the block (blocks need {MIN_CALLABLE_DEPTH})\">\n"));
    text.push_str("##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting each allele\">\n");
    text.push_str("##source=genohub-sim\n");
    text.push_str(&format!("##genohub-sim.params=seed:{};founders:{};gvcf\n", params.seed, params.founders));
    text.push_str(&format!("##contig=<ID={},length={}>\n", params.contig, params.length));
    text.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t");
    text.push_str(sample);
    text.push('\n');
    text
}
