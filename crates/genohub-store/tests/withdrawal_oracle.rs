//! Purge against bcftools: after purging one sample of a simulated cohort, `view` equals
//! `bcftools norm -m-` + `bcftools view -s ^SAMPLE` without the records only that sample carried.

mod common;

use std::process::Command;

use common::{ingest, tool, view};
use genohub_store::engine::Batch;
use genohub_store::{Exclusion, SampleKey, SampleSelection, Store};

fn bcftools(args: &[&str]) -> String {
    let o = Command::new("bcftools").args(args).output().unwrap();
    assert!(o.status.success(), "bcftools {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// CHROM POS REF ALT and the genotype columns of the records, sorted (records at one position
/// may come in another order).
fn body(vcf: &str, keep: impl Fn(usize) -> bool) -> Vec<String> {
    let mut out: Vec<String> = vcf
        .lines()
        .filter(|l| !l.starts_with('#'))
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            [&f[0..2], &f[3..5], &f[9..]].concat().join("\t")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn purge_equals_bcftools_without_the_sample_and_its_private_records() {
    if !tool("bcftools") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let vcf = dir.path().join("cohort.vcf.gz");
    let params = genohub_sim::CohortParams { samples: 300, length: 1_500_000, seed: 11, ..Default::default() };
    genohub_sim::write_cohort(&params, &vcf, None).unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    ingest(&store, &vcf, "c1");
    let gone = "SIM00042";
    let mut b = Batch::default();
    let key = SampleKey { center: "c1".into(), name: gone.into() };
    store.stage_exclusions(&mut b, std::slice::from_ref(&key), &Exclusion { reason: "test".into(), since: "2024-01-01".into(), patient: None }).unwrap();
    store.engine().write(b, true).unwrap();
    let report = store.purge_samples(&[key]).unwrap();

    let split = dir.path().join("split.vcf");
    bcftools(&["norm", "-m-", "-o", split.to_str().unwrap(), vcf.to_str().unwrap()]);
    let split = split.to_str().unwrap();
    let rest = bcftools(&["view", "-s", &format!("^{gone}"), split]);
    // Per split record: whether the purged sample carried the ALT, and whether anyone else does.
    let theirs: Vec<bool> = bcftools(&["query", "-s", gone, "-f", "[%GT]\n", split]).lines().map(|g| g.contains('1')).collect();
    let others: Vec<bool> = bcftools(&["query", "-s", &format!("^{gone}"), "-f", "[%GT ]\n", split]).lines().map(|g| g.contains('1')).collect();
    let private = |i: usize| theirs[i] && !others[i];
    let dropped = (0..theirs.len()).filter(|&i| private(i)).count();
    assert!(dropped > 0, "the simulated sample has private variants");
    assert_eq!(report.sites_removed as usize, dropped);
    let expected = body(&rest, |i| !private(i));
    let got = body(&view(&store, &[], SampleSelection::All), |_| true);
    assert_eq!(got.len(), expected.len());
    assert!(got == expected, "purged store differs from bcftools");
}
