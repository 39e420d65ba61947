//! Gene regions for burden tests, read from BED (`chrom start end [name ...]`, 0-based
//! half-open) or GFF3 (features of type `gene`, 1-based inclusive, named by `Name=`, else
//! `gene_name=`, else `ID=`). Everything is kept 1-based inclusive, like [`Region`].

use std::path::Path;

use genohub_store::Region;

use crate::error::{AnalysisError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gene {
    pub name: String,
    pub chrom: String,
    /// 1-based, inclusive.
    pub start: u64,
    /// 1-based, inclusive.
    pub end: u64,
}

impl Gene {
    pub fn contains(&self, chrom: &str, pos: u64) -> bool {
        self.chrom == chrom && self.start <= pos && pos <= self.end
    }

    pub fn region(&self) -> Region {
        Region { contig: self.chrom.clone(), start: self.start, end: self.end }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeneSet {
    pub genes: Vec<Gene>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeneFormat {
    Bed,
    Gff3,
}

impl GeneFormat {
    /// By extension: `.gff`, `.gff3` (optionally `.gz`-less) are GFF3, anything else BED.
    pub fn of_path(path: &Path) -> GeneFormat {
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        if name.ends_with(".gff") || name.ends_with(".gff3") {
            GeneFormat::Gff3
        } else {
            GeneFormat::Bed
        }
    }
}

impl GeneSet {
    pub fn read(path: &Path) -> Result<GeneSet> {
        let text = std::fs::read_to_string(path).map_err(|e| AnalysisError::io(format!("reading genes {}", path.display()), e))?;
        GeneSet::parse(&text, GeneFormat::of_path(path), &path.display().to_string())
    }

    pub fn parse(text: &str, format: GeneFormat, source: &str) -> Result<GeneSet> {
        let genes = match format {
            GeneFormat::Bed => parse_bed(text, source)?,
            GeneFormat::Gff3 => parse_gff3(text, source)?,
        };
        if genes.is_empty() {
            return Err(AnalysisError::input(format!("genes {source}: no gene found")));
        }
        Ok(GeneSet { genes })
    }
}

fn number(source: &str, line: usize, field: &str, text: &str) -> Result<u64> {
    text.parse::<u64>().map_err(|_| AnalysisError::input(format!("genes {source} line {line} field {field}: {text:?} is not a non-negative integer")))
}

fn parse_bed(text: &str, source: &str) -> Result<Vec<Gene>> {
    let mut genes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("track") || line.starts_with("browser") {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            return Err(AnalysisError::input(format!("genes {source} line {n}: {} tab-separated fields, BED needs chrom, start, end", f.len())));
        }
        let start0 = number(source, n, "start", f[1].trim())?;
        let end = number(source, n, "end", f[2].trim())?;
        if end <= start0 {
            return Err(AnalysisError::input(format!("genes {source} line {n}: end {end} is not after start {start0} (BED is 0-based, half-open)")));
        }
        let chrom = f[0].trim().to_string();
        let name = f.get(3).map(|s| s.trim()).filter(|s| !s.is_empty()).map_or_else(|| format!("{chrom}:{}-{end}", start0 + 1), String::from);
        genes.push(Gene { name, chrom, start: start0 + 1, end });
    }
    Ok(genes)
}

/// GFF3 percent-encoding (`%3B` for `;` and so on) decoded.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_gff3(text: &str, source: &str) -> Result<Vec<Gene>> {
    let mut genes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.starts_with("##FASTA") {
            break;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 9 {
            return Err(AnalysisError::input(format!("genes {source} line {n}: {} tab-separated fields, GFF3 has 9", f.len())));
        }
        if f[2] != "gene" {
            continue;
        }
        let start = number(source, n, "start", f[3])?;
        let end = number(source, n, "end", f[4])?;
        if start == 0 || end < start {
            return Err(AnalysisError::input(format!("genes {source} line {n}: interval {start}-{end} is not 1-based with start <= end")));
        }
        let attrs: Vec<(&str, &str)> = f[8].split(';').filter_map(|a| a.trim().split_once('=')).collect();
        let get = |key: &str| attrs.iter().find(|(k, _)| *k == key).map(|(_, v)| unescape(v));
        let name = get("Name")
            .or_else(|| get("gene_name"))
            .or_else(|| get("ID"))
            .ok_or_else(|| AnalysisError::input(format!("genes {source} line {n} field attributes: the gene has no Name, gene_name or ID")))?;
        genes.push(Gene { name, chrom: unescape(f[0]), start, end });
    }
    Ok(genes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bed_is_converted_to_one_based_inclusive() {
        let g = GeneSet::parse("track name=x\n# c\nchr1\t99\t200\tGENE1\t0\t+\nchr2\t0\t5\n", GeneFormat::Bed, "t.bed").unwrap();
        assert_eq!(g.genes[0], Gene { name: "GENE1".into(), chrom: "chr1".into(), start: 100, end: 200 });
        assert_eq!(g.genes[1].name, "chr2:1-5");
        assert!(g.genes[0].contains("chr1", 100) && g.genes[0].contains("chr1", 200));
        assert!(!g.genes[0].contains("chr1", 99) && !g.genes[0].contains("chr1", 201) && !g.genes[0].contains("chr2", 150));
        let e = GeneSet::parse("chr1\t10\tx\n", GeneFormat::Bed, "t.bed").unwrap_err().to_string();
        assert!(e.contains("t.bed line 1 field end: \"x\""), "{e}");
        let e = GeneSet::parse("chr1\t10\t10\n", GeneFormat::Bed, "t.bed").unwrap_err().to_string();
        assert!(e.contains("line 1: end 10 is not after start 10"), "{e}");
        assert!(GeneSet::parse("# nothing\n", GeneFormat::Bed, "t.bed").unwrap_err().to_string().contains("no gene"));
    }

    #[test]
    fn gff3_genes_and_names() {
        let text = "##gff-version 3\n\
            chr1\tsrc\tgene\t100\t200\t.\t+\t.\tID=gene:1;Name=BRCA%3B2\n\
            chr1\tsrc\texon\t100\t150\t.\t+\t.\tParent=gene:1\n\
            chr1\tsrc\tgene\t300\t400\t.\t-\t.\tID=g2;gene_name=TP53\n\
            chr1\tsrc\tgene\t500\t600\t.\t-\t.\tID=g3\n\
            ##FASTA\n>chr1\nACGT\n";
        let g = GeneSet::parse(text, GeneFormat::Gff3, "t.gff3").unwrap();
        let names: Vec<&str> = g.genes.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["BRCA;2", "TP53", "g3"]);
        assert_eq!((g.genes[0].start, g.genes[0].end), (100, 200));
        let e = GeneSet::parse("chr1\ts\tgene\t5\t4\t.\t+\t.\tID=x\n", GeneFormat::Gff3, "t.gff3").unwrap_err().to_string();
        assert!(e.contains("t.gff3 line 1: interval 5-4"), "{e}");
        let e = GeneSet::parse("chr1\ts\tgene\t5\t9\t.\t+\t.\tParent=x\n", GeneFormat::Gff3, "t.gff3").unwrap_err().to_string();
        assert!(e.contains("line 1 field attributes"), "{e}");
        assert_eq!(GeneFormat::of_path(Path::new("a/genes.GFF3")), GeneFormat::Gff3);
        assert_eq!(GeneFormat::of_path(Path::new("genes.bed")), GeneFormat::Bed);
    }
}
