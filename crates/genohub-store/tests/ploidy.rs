//! Haploid reference blocks (a male's chrX outside the PARs, written `0` by GATK and
//! DeepVariant): the callable rule gives such a sample `0`, not `0/0`, at another sample's
//! site, as `bcftools merge --gvcf` does.

mod common;

use common::*;
use genohub_store::{SampleSelection, Store};

const HEADER: &str = "##fileformat=VCFv4.2\n##contig=<ID=chrX,length=2000>\n\
##INFO=<ID=END,Number=1,Type=Integer,Description=\"End\">\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"GT\">\n\
##ALT=<ID=NON_REF,Description=\"Any other allele\">\n";

/// A reference sequence that is only ever read at the positions below.
fn base(pos: u64) -> char {
    ['A', 'C', 'G', 'T'][(pos as usize * 7 + 3) % 4]
}

fn alt(pos: u64) -> char {
    if base(pos) == 'G' {
        'T'
    } else {
        'G'
    }
}

/// M: haploid blocks over 1-1000 and 1101-2000 around its own haploid variant at 100; no
/// block over 1001-1100 (too little coverage). F: diploid blocks, variants at 500 and 1050.
fn gvcfs() -> (String, String) {
    let block = |s: u64, e: u64, gt: &str| format!("chrX\t{s}\t.\t{}\t<NON_REF>\t.\t.\tEND={e}\tGT\t{gt}\n", base(s));
    let var = |p: u64, gt: &str| format!("chrX\t{p}\t.\t{}\t{},<NON_REF>\t.\t.\t.\tGT\t{gt}\n", base(p), alt(p));
    let m = [
        HEADER,
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tM\n",
        &block(1, 99, "0"),
        &var(100, "1"),
        &block(101, 1000, "0"),
        &block(1101, 2000, "0"),
    ]
    .concat();
    let f = [
        HEADER,
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tF\n",
        &block(1, 499, "0/0"),
        &var(500, "0/1"),
        &block(501, 1049, "0/0"),
        &var(1050, "1/1"),
        &block(1051, 2000, "0/0"),
    ]
    .concat();
    (m, f)
}

/// (POS, GT of M, GT of F) of each data line.
fn genotypes(vcf: &str) -> Vec<(u64, String, String)> {
    vcf.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[1].parse().unwrap(), f[9].split(':').next().unwrap().to_string(), f[10].split(':').next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn a_haploid_block_makes_a_haploid_reference_call() {
    let dir = tempfile::tempdir().unwrap();
    let (m, f) = gvcfs();
    let (mp, fp) = (write(dir.path(), "M.g.vcf", &m), write(dir.path(), "F.g.vcf", &f));
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &mp, "c");
    ingest(&store, &fp, "c");
    let ours = genotypes(&view(&store, &[], SampleSelection::All));
    // Worked by hand: M is `0` where its haploid block covers F's variant, `./.` in its gap.
    let expected = vec![(100, "1", "0/0"), (500, "0", "0/1"), (1050, "./.", "1/1")];
    let expected: Vec<(u64, String, String)> = expected.into_iter().map(|(p, a, b)| (p, a.to_string(), b.to_string())).collect();
    assert_eq!(ours, expected);

    if !tool("bcftools") || !tool("bgzip") {
        return;
    }
    // bcftools merge --gvcf fills reference blocks with the block's own call, ploidy included.
    let mut fasta = String::from(">chrX\n");
    fasta.extend((1..=2000).map(base));
    fasta.push('\n');
    let fa = write(dir.path(), "ref.fa", &fasta);
    let d = dir.path().display();
    let script = format!(
        "cd {d} && samtools faidx ref.fa 2>/dev/null || true; for s in M F; do bgzip -f $s.g.vcf && bcftools index -f $s.g.vcf.gz; done; \
         bcftools merge -g {fa} M.g.vcf.gz F.g.vcf.gz | bcftools norm -m- 2>/dev/null | bcftools view -e 'ALT=\"<NON_REF>\"'",
        fa = fa.display()
    );
    let out = std::process::Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let theirs = genotypes(&String::from_utf8(out.stdout).unwrap());
    // bcftools orders the alleles of a merged record differently (`0/2` where `<NON_REF>` came
    // first): compare called ploidy and allele dosage.
    let shape = |g: &str| (g.split(['/', '|']).count(), g.split(['/', '|']).filter(|a| *a != "0" && *a != ".").count(), g.contains('.'));
    assert_eq!(theirs.len(), ours.len(), "{theirs:?}");
    for ((p, m, f), (tp, tm, tf)) in ours.iter().zip(&theirs) {
        assert_eq!(p, tp);
        assert_eq!(shape(m), shape(tm), "M at {p}: genohub {m}, bcftools {tm}");
        assert_eq!(shape(f), shape(tf), "F at {p}: genohub {f}, bcftools {tf}");
    }
}
