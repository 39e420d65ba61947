//! AN and genotype counts when samples come from different single-sample gVCFs: a sample
//! whose file has no record at a site is hom-ref where its reference blocks cover the site and
//! missing elsewhere. Expected numbers are worked by hand from the files below.

mod common;

use common::*;
use genohub_analysis::{create_cohort, SampleSource};
use genohub_store::Store;

fn gvcf(sample: &str, body: &str) -> String {
    format!(
        "##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n##INFO=<ID=END,Number=1,Type=Integer,Description=\"e\">\n\
##ALT=<ID=NON_REF,Description=\"any\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}\n{body}"
    )
}

fn three_gvcfs() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    // S1: ref block 1-99, het at 100, ref block 101-200.
    let s1 = gvcf(
        "S1",
        "1\t1\t.\tA\t<NON_REF>\t.\t.\tEND=99\tGT\t0/0\n1\t100\t.\tC\tT,<NON_REF>\t50\t.\t.\tGT\t0/1\n1\t101\t.\tG\t<NON_REF>\t.\t.\tEND=200\tGT\t0/0\n",
    );
    // S2: ref block 1-149, hom-alt at 150, het at 180 (nothing covers 151-179 or 181-).
    let s2 = gvcf(
        "S2",
        "1\t1\t.\tA\t<NON_REF>\t.\t.\tEND=149\tGT\t0/0\n1\t150\t.\tG\tA,<NON_REF>\t40\t.\t.\tGT\t1/1\n1\t180\t.\tT\tG,<NON_REF>\t40\t.\t.\tGT\t0/1\n",
    );
    // S3: ref block 90-160, hom-alt at 300.
    let s3 = gvcf("S3", "1\t90\t.\tA\t<NON_REF>\t.\t.\tEND=160\tGT\t0/0\n1\t300\t.\tA\tG,<NON_REF>\t9\t.\t.\tGT\t1/1\n");
    let store = Store::open(&dir.path().join("s")).unwrap();
    for (name, text) in [("s1.g.vcf", s1), ("s2.g.vcf", s2), ("s3.g.vcf", s3)] {
        ingest(&store, &write(dir.path(), name, &text), "c");
    }
    (dir, store)
}

/// (pos, AC, AN, hom_ref, het, hom_alt, missing)
fn summary(store: &Store, source: SampleSource) -> Vec<(u64, u64, u64, u64, u64, u64, u64)> {
    freq_rows(store, &[], source).into_iter().map(|r| (r.pos, r.ac, r.an, r.hom_ref, r.het, r.hom_alt, r.missing)).collect()
}

#[test]
fn an_counts_callable_samples_as_hom_ref_and_others_as_missing() {
    let (_dir, store) = three_gvcfs();
    let rows = summary(&store, SampleSource::All);
    assert_eq!(
        rows,
        vec![
            // 100: S1 0/1; S2 covered (1-149) → 0/0; S3 covered (90-160) → 0/0.
            (100, 1, 6, 2, 1, 0, 0),
            // 150: S2 1/1; S1 covered (101-200) → 0/0; S3 covered (90-160) → 0/0.
            (150, 2, 6, 2, 0, 1, 0),
            // 180: S2 0/1; S1 covered → 0/0; S3 not covered (ends 160) → missing.
            (180, 1, 4, 1, 1, 0, 1),
            // 300: S3 1/1; S1 (ends 200) and S2 (ends 149) not covered → missing.
            (300, 2, 2, 0, 0, 1, 2),
        ]
    );
    let all = freq_rows(&store, &[], SampleSource::All);
    // 150 by hand: genotypes 0/0, 0/0, 1/1 → 4 ref, 2 alt alleles, 0 het. Possible het counts
    // 0 or 2: P(0) = 3!/(2!0!1!)·2^0·4!2!/6! = 3·48/720 = 0.2, P(2) = 3!/(1!2!0!)·2^2·48/720 = 0.8.
    assert!((all[1].hwe_p - 0.2).abs() < 1e-12, "{}", all[1].hwe_p);
    assert_eq!(all[2].af, Some(0.25));
}

#[test]
fn cohorts_see_only_their_members_with_the_same_rule() {
    let (_dir, store) = three_gvcfs();
    create_cohort(&store, "s1s3", &["S1".into(), "S3".into()], 0, false).unwrap();
    let rows = summary(&store, SampleSource::Cohort("s1s3".into()));
    // Sites of S1's and S3's files only (180 is S2's): 100 S1 0/1 + S3 callable 0/0;
    // 150 is not in their files either; 300: S3 1/1, S1 missing.
    assert_eq!(rows, vec![(100, 1, 4, 1, 1, 0, 0), (300, 2, 2, 0, 0, 1, 1)]);
    let region = freq_rows(&store, &["1:150-200"], SampleSource::Names(vec!["S2".into(), "S1".into()]));
    let got: Vec<(u64, u64, u64)> = region.iter().map(|r| (r.pos, r.ac, r.an)).collect();
    assert_eq!(got, vec![(150, 2, 4), (180, 1, 4)]);
}

#[test]
fn a_cohort_split_over_two_files_counts_like_the_single_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = cohort_text(30, 300_000, 21, 0.01);
    let (mut a, mut b) = (String::new(), String::new());
    for line in text.lines() {
        if line.starts_with("##") {
            a.push_str(line);
            a.push('\n');
            b.push_str(line);
            b.push('\n');
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        a.push_str(&[&f[..9], &f[9..21]].concat().join("\t"));
        a.push('\n');
        b.push_str(&[&f[..9], &f[21..]].concat().join("\t"));
        b.push('\n');
    }
    let whole = Store::open(&dir.path().join("w")).unwrap();
    ingest(&whole, &write(dir.path(), "w.vcf", &text), "c");
    let split = Store::open(&dir.path().join("p")).unwrap();
    ingest(&split, &write(dir.path(), "a.vcf", &a), "c");
    ingest(&split, &write(dir.path(), "b.vcf", &b), "c");
    let x = freq_rows(&whole, &[], SampleSource::All);
    let y = freq_rows(&split, &[], SampleSource::All);
    assert!(x.len() > 500);
    assert_eq!(x, y);
    let pick: Vec<String> = ["SIM00003", "SIM00015", "SIM00025", "SIM00030"].iter().map(|s| s.to_string()).collect();
    assert_eq!(freq_rows(&whole, &[], SampleSource::Names(pick.clone())), freq_rows(&split, &[], SampleSource::Names(pick)));
}

#[test]
fn a_haploid_reference_block_adds_one_allele_to_an() {
    // M (a male's chrX): haploid blocks 1-99 and 101-1000 around its own haploid `1` at 100,
    // nothing over 1001-1100. F: diploid blocks, 0/1 at 500 and 1/1 at 1050.
    let dir = tempfile::tempdir().unwrap();
    let m =
        gvcf("M", "1\t1\t.\tA\t<NON_REF>\t.\t.\tEND=99\tGT\t0\n1\t100\t.\tC\tT,<NON_REF>\t50\t.\t.\tGT\t1\n1\t101\t.\tG\t<NON_REF>\t.\t.\tEND=1000\tGT\t0\n");
    let f = gvcf(
        "F",
        "1\t1\t.\tA\t<NON_REF>\t.\t.\tEND=499\tGT\t0/0\n1\t500\t.\tC\tT,<NON_REF>\t50\t.\t.\tGT\t0/1\n1\t501\t.\tG\t<NON_REF>\t.\t.\tEND=1000\tGT\t0/0\n",
    )
    .replace("length=1000", "length=2000")
        + "1\t1050\t.\tG\tA,<NON_REF>\t40\t.\t.\tGT\t1/1\n";
    let m = m.replace("length=1000", "length=2000");
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &write(dir.path(), "m.g.vcf", &m), "c");
    ingest(&store, &write(dir.path(), "f.g.vcf", &f), "c");
    // (pos, AC, AN, hom_ref, het, hom_alt, missing, hap_ref, hap_alt)
    let rows: Vec<_> = freq_rows(&store, &[], SampleSource::All)
        .into_iter()
        .map(|r| (r.pos, r.ac, r.an, r.hom_ref, r.het, r.hom_alt, r.missing, r.hap_ref, r.hap_alt))
        .collect();
    assert_eq!(
        rows,
        vec![
            // 100: M `1` (AN 1); F covered → 0/0 (AN 2).
            (100, 1, 3, 1, 0, 0, 0, 0, 1),
            // 500: F 0/1; M's haploid block → `0`, one allele.
            (500, 1, 3, 0, 1, 0, 0, 1, 0),
            // 1050: F 1/1; M has no block there → missing.
            (1050, 2, 2, 0, 0, 1, 1, 0, 0),
        ]
    );
}
