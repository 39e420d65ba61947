//! Batches: adding samples later, refusals, replacement, and bad input leaving the store as it was.

mod common;

use std::io::Write;

use common::*;
use genohub_sim::CohortParams;
use genohub_store::{IngestOptions, NoProgress, SampleSelection, Store, StoreError};

/// Splits a plain VCF into two files holding the first `k` and the remaining samples.
fn split_columns(vcf: &str, k: usize) -> (String, String) {
    let (mut a, mut b) = (String::new(), String::new());
    for line in vcf.lines() {
        if line.starts_with("##") {
            a.push_str(line);
            a.push('\n');
            b.push_str(line);
            b.push('\n');
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let (fixed, samples) = f.split_at(9);
        a.push_str(&[fixed, &samples[..k]].concat().join("\t"));
        a.push('\n');
        b.push_str(&[fixed, &samples[k..]].concat().join("\t"));
        b.push('\n');
    }
    (a, b)
}

fn cohort_text(samples: usize, seed: u64) -> String {
    let mut out = Vec::new();
    let params = CohortParams { samples, length: 200_000, seed, ..Default::default() };
    genohub_sim::write_cohort_vcf(&params, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn adding_samples_later_gives_the_same_view_and_never_rewrites_earlier_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let text = cohort_text(30, 3);
    let whole = write(dir.path(), "whole.vcf", &text);
    let (a, b) = split_columns(&text, 12);
    let a = write(dir.path(), "a.vcf", &a);
    let b = write(dir.path(), "b.vcf", &b);

    let one = Store::open(&dir.path().join("one")).unwrap();
    ingest(&one, &whole, "c");
    let two = Store::open(&dir.path().join("two")).unwrap();
    let first = ingest(&two, &a, "c");
    let before = view(&two, &[], SampleSelection::All);
    let second = ingest(&two, &b, "c");
    assert_eq!(two.batch(first.id).unwrap().unwrap().stored_bytes, first.stored_bytes, "batch 0 untouched");
    assert_ne!(first.id, second.id);
    assert_eq!(two.samples().unwrap().len(), 30);
    assert_same_records(&view(&one, &[], SampleSelection::All), &view(&two, &[], SampleSelection::All));
    // The first batch alone still reads back as before.
    let names: Vec<String> = (1..=12).map(|i| format!("SIM{i:05}")).collect();
    assert_same_records(&before, &view(&two, &[], SampleSelection::Names(names)));
}

#[test]
fn same_content_twice_is_refused_and_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "x.vcf", &cohort_text(5, 1));
    let copy = write(dir.path(), "renamed.vcf", &std::fs::read_to_string(&p).unwrap());
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &p, "c");
    let err = store.ingest(&copy, &opts("other-center"), &NoProgress).unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err}");
    assert!(err.to_string().contains("already ingested as batch 0"), "{err}");
    assert_eq!(store.committed_batches().unwrap().len(), 1);
}

#[test]
fn sample_already_present_needs_replace_and_replacement_wins() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.vcf", &cohort_text(4, 1));
    let new = write(dir.path(), "new.vcf", &cohort_text(4, 2));
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &old, "c");
    let err = store.ingest(&new, &opts("c"), &NoProgress).unwrap_err().to_string();
    assert!(err.contains("SIM00001") && err.contains("--replace"), "{err}");
    // Another center may have a sample of the same name.
    ingest(&store, &new, "other");
    assert_eq!(store.samples().unwrap().len(), 8);
    // With --replace the new genotypes are what a query sees.
    let new2 = write(dir.path(), "new2.vcf", &cohort_text(4, 2).replace("##source=genohub-sim", "##source=genohub-sim-again"));
    let o = IngestOptions { replace: true, ..opts("c") };
    let m = store.ingest(&new2, &o, &NoProgress).unwrap();
    let s = store.sample_by_name("c", "SIM00001").unwrap().unwrap();
    assert_eq!((s.batch, s.replaced.len()), (m.id, 1));
    assert_eq!(store.samples().unwrap().len(), 8);
    let names = |c: &str| SampleSelection::Names((1..=4).map(|i| format!("{c}/SIM{i:05}")).collect());
    // The superseded batch no longer contributes sites: everything shown comes from the
    // replacement and the other center, which hold the same cohort.
    let all = canonical(&view(&store, &[], SampleSelection::All));
    assert_eq!(all.len(), canonical(&view(&store, &[], names("other"))).len());
    let got = canonical(&view(&store, &[], names("c")));
    let want = canonical(&view(&store, &[], names("other")));
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.samples, w.samples);
    }
}

#[test]
fn malformed_record_names_line_and_field_and_leaves_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.vcf", &cohort_text(6, 1));
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &good, "c");
    let before = view(&store, &[], SampleSelection::All);
    let batches = store.batches().unwrap().len();

    let mut text = cohort_text(6, 9);
    let header_lines = text.lines().take_while(|l| l.starts_with('#')).count();
    let lines: Vec<String> = text.lines().map(String::from).collect();
    let bad_at = header_lines + 200;
    let mut f: Vec<String> = lines[bad_at].split('\t').map(String::from).collect();
    f[1] = "12x".into();
    let mut edited = lines.clone();
    edited[bad_at] = f.join("\t");
    text = edited.join("\n") + "\n";
    let bad = write(dir.path(), "bad.vcf", &text.replace("SIM0", "NEW0"));
    let err = store.ingest(&bad, &opts("c"), &NoProgress).unwrap_err().to_string();
    assert!(err.contains(&format!("line {}", bad_at + 1)) && err.contains("field POS") && err.contains("bad.vcf"), "{err}");

    // Sample count disagreeing with the header.
    let mut edited = lines.clone();
    edited[header_lines + 3].push_str("\t0|0");
    let extra = write(dir.path(), "extra.vcf", &(edited.join("\n").replace("SIM0", "NEW0") + "\n"));
    let err = store.ingest(&extra, &opts("c"), &NoProgress).unwrap_err().to_string();
    assert!(err.contains(&format!("line {}", header_lines + 4)) && err.contains("7 sample columns"), "{err}");

    assert_eq!(store.batches().unwrap().len(), batches);
    assert_eq!(store.samples().unwrap().len(), 6);
    assert_eq!(view(&store, &[], SampleSelection::All), before);
    // The failed ingest can be fixed and retried.
    let fixed = write(dir.path(), "fixed.vcf", &cohort_text(6, 9).replace("SIM0", "NEW0"));
    ingest(&store, &fixed, "c");
    assert_eq!(store.samples().unwrap().len(), 12);
}

#[test]
fn truncated_bgzf_is_an_error_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let vcf = dir.path().join("c.vcf.gz");
    genohub_sim::write_cohort(&CohortParams { samples: 50, length: 300_000, ..Default::default() }, &vcf, None).unwrap();
    let bytes = std::fs::read(&vcf).unwrap();
    let cut = dir.path().join("cut.vcf.gz");
    std::fs::File::create(&cut).unwrap().write_all(&bytes[..bytes.len() * 2 / 3]).unwrap();
    let store = Store::open(&dir.path().join("s")).unwrap();
    let err = store.ingest(&cut, &opts("c"), &NoProgress).unwrap_err().to_string();
    assert!(err.contains("cut.vcf.gz"), "{err}");
    assert!(store.batches().unwrap().is_empty());
    assert!(store.samples().unwrap().is_empty());
    ingest(&store, &vcf, "c");
}

#[test]
fn unsorted_input_is_stored_with_a_warning_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
1\t100\t.\tA\tC\t.\t.\t.\n1\t50\t.\tA\tC\t.\t.\t.\n";
    let p = write(dir.path(), "u.vcf", text);
    let store = Store::open(&dir.path().join("s")).unwrap();
    let m = ingest(&store, &p, "c");
    let w = m.warnings.iter().find(|w| w.kind == "not sorted").expect("a not-sorted warning");
    assert!(w.first.contains("line 4") && w.first.contains("position 50 after 100"), "{}", w.first);
    let out = view(&store, &[], SampleSelection::All);
    let positions: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).map(|l| l.split('\t').nth(1).unwrap()).collect();
    assert_eq!(positions, vec!["50", "100"], "records come back sorted");
}

#[test]
fn gvcf_reference_blocks_decide_hom_ref_versus_missing_across_batches() {
    let dir = tempfile::tempdir().unwrap();
    let head = |s: &str| {
        format!(
            "##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n##INFO=<ID=END,Number=1,Type=Integer,Description=\"e\">\n\
##ALT=<ID=NON_REF,Description=\"any\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{s}\n"
        )
    };
    let s1 = head("S1")
        + "1\t1\t.\tA\t<NON_REF>\t.\t.\tEND=99\tGT\t0/0\n\
1\t100\t.\tC\tT,<NON_REF>\t50\t.\t.\tGT\t0/1\n\
1\t101\t.\tG\t<NON_REF>\t.\t.\tEND=200\tGT\t0/0\n";
    let s2 = head("S2")
        + "1\t1\t.\tA\t<NON_REF>\t.\t.\tEND=149\tGT\t0/0\n\
1\t150\t.\tG\tA,<NON_REF>\t40\t.\t.\tGT\t1/1\n\
1\t180\t.\tT\tG,<NON_REF>\t40\t.\t.\tGT\t0/1\n";
    let (p1, p2) = (write(dir.path(), "s1.g.vcf", &s1), write(dir.path(), "s2.g.vcf", &s2));
    let store = Store::open(&dir.path().join("s")).unwrap();
    let m1 = ingest(&store, &p1, "c");
    assert_eq!((m1.variants, m1.ref_blocks), (1, 2));
    ingest(&store, &p2, "c");
    let out = view(&store, &[], SampleSelection::All);
    let gts: Vec<String> = out
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            format!("{} {} {}", f[1], f[9], f[10])
        })
        .collect();
    // 100: S2 callable (1-149) → 0/0. 150: S1 callable (101-200) → 0/0.
    // 180: S1 callable → 0/0. No record for S1 at 180 and S2 uncovered elsewhere → missing.
    assert_eq!(gts, vec!["100 0/1 0/0", "150 0/0 1/1", "180 0/0 0/1"]);
    let s2_only = write(dir.path(), "s3.g.vcf", &(head("S3") + "1\t300\t.\tA\tG,<NON_REF>\t9\t.\t.\tGT\t1/1\n"));
    ingest(&store, &s2_only, "c");
    let out = view(&store, &["1:300"], SampleSelection::All);
    let rec = out.lines().find(|l| !l.starts_with('#')).unwrap();
    assert!(rec.ends_with("\t./.\t./.\t1/1"), "{rec}");
}

#[test]
fn genome_build_is_recognised_and_odd_contig_lengths_warned() {
    let dir = tempfile::tempdir().unwrap();
    let head = |contigs: &str| format!("##fileformat=VCFv4.2\n{contigs}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t5\t.\tA\tC\t.\t.\t.\n");
    let store = Store::open(&dir.path().join("s")).unwrap();
    let b37 = write(dir.path(), "b37.vcf", &head("##contig=<ID=1,length=249250621>\n##contig=<ID=2,length=243199373>\n"));
    let m = ingest(&store, &b37, "c");
    assert_eq!(m.build.as_deref(), Some("GRCh37"));
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let dir2 = tempfile::tempdir().unwrap();
    let store2 = Store::open(&dir2.path().join("s")).unwrap();
    let odd = write(dir2.path(), "odd.vcf", &head("##contig=<ID=1,length=1000>\n"));
    let m = ingest(&store2, &odd, "c");
    assert_eq!(m.build, None);
    assert!(m.warnings.iter().any(|w| w.first.contains("##contig 1 has length 1000")), "{:?}", m.warnings);
}

#[test]
fn reference_checks_follow_check_ref_and_name_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let params = CohortParams { samples: 4, length: 100_000, seed: 11, ..Default::default() };
    let fa = dir.path().join("ref.fa");
    genohub_sim::write_cohort(&params, &dir.path().join("unused.vcf.gz"), Some(&fa)).unwrap();
    let text = cohort_text_with(&params);
    let lines: Vec<&str> = text.lines().collect();
    let header_lines = lines.iter().take_while(|l| l.starts_with('#')).count();
    // Corrupt the REF of the first SNP after line 50 to a different base.
    let (at, line) = lines
        .iter()
        .enumerate()
        .skip(header_lines + 50)
        .find(|(_, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            f[3].len() == 1 && f[4].len() == 1
        })
        .unwrap();
    let mut f: Vec<String> = line.split('\t').map(String::from).collect();
    let alt = f[4].clone();
    f[3] = ["A", "C", "G", "T"].iter().find(|b| **b != f[3] && **b != alt).unwrap().to_string();
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    edited[at] = f.join("\t");
    let bad = write(dir.path(), "bad.vcf", &(edited.join("\n") + "\n"));
    let with = |check_ref| IngestOptions { reference: Some(fa.clone()), check_ref, ..opts("c") };

    let store = Store::open(&dir.path().join("s")).unwrap();
    let err = store.ingest(&bad, &with(genohub_store::RefCheck::Error), &NoProgress).unwrap_err().to_string();
    assert!(err.contains(&format!("line {}", at + 1)) && err.contains("field REF"), "{err}");
    assert!(store.batches().unwrap().is_empty());

    let warn = store.ingest(&bad, &with(genohub_store::RefCheck::Warn), &NoProgress).unwrap();
    assert!(warn.warnings.iter().any(|w| w.kind == "REF mismatch"), "{:?}", warn.warnings);
    let dir2 = tempfile::tempdir().unwrap();
    let store2 = Store::open(&dir2.path().join("s")).unwrap();
    let skip = store2.ingest(&bad, &with(genohub_store::RefCheck::Skip), &NoProgress).unwrap();
    assert_eq!(skip.variants + 1, warn.variants, "the mismatching record is excluded");

    let other = write(dir.path(), "other.vcf", &text.replace("chr20\t", "chr21\t").replace("ID=chr20", "ID=chr21"));
    let err = store2.ingest(&other, &IngestOptions { center: "c2".into(), ..with(genohub_store::RefCheck::Error) }, &NoProgress).unwrap_err().to_string();
    assert!(err.contains("contig chr21 is not in the reference FASTA") && err.contains("field CHROM"), "{err}");
}

fn cohort_text_with(params: &CohortParams) -> String {
    let mut out = Vec::new();
    genohub_sim::write_cohort_vcf(params, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn kept_batch_manifests_follow_every_registry_change() {
    let dir = tempfile::tempdir().unwrap();
    let text = cohort_text(10, 4);
    let (a, b) = split_columns(&text, 4);
    let (a, b) = (write(dir.path(), "a.vcf", &a), write(dir.path(), "b.vcf", &b));
    let store = Store::open(&dir.path().join("s")).unwrap();
    assert!(store.committed_batches_shared().unwrap().is_empty());
    let first = ingest(&store, &a, "c");
    let kept = store.committed_batches_shared().unwrap();
    assert_eq!(kept.iter().map(|m| m.id).collect::<Vec<_>>(), vec![first.id]);
    assert!(std::sync::Arc::ptr_eq(&kept, &store.committed_batches_shared().unwrap()), "unchanged registry: decoded once");
    let second = ingest(&store, &b, "c");
    assert_eq!(store.committed_batches_shared().unwrap().iter().map(|m| m.id).collect::<Vec<_>>(), vec![first.id, second.id]);
    assert_eq!(store.committed_batches().unwrap().len(), 2);
    // What a fresh handle reads from disk is what the kept list says.
    drop(store);
    let reopened = Store::open(&dir.path().join("s")).unwrap();
    assert_eq!(reopened.committed_batches().unwrap().iter().map(|m| (m.id, m.samples.len())).collect::<Vec<_>>(), vec![(first.id, 4), (second.id, 6)]);
}
