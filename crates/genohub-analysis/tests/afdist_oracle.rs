//! `afdist` against `bcftools +fill-tags -t AF | bcftools +af-dist` on the same samples, and
//! the site spectrum against AF computed from `freq`.

mod common;

use common::*;
use genohub_analysis::{afdist, AfDistRequest, Bins, SampleSource};
use genohub_store::Store;

fn request(samples: SampleSource, prob: &str, dev: &str) -> AfDistRequest {
    AfDistRequest {
        regions: vec![],
        samples,
        prob_bins: Bins::parse(prob).unwrap(),
        dev_bins: Bins::parse(dev).unwrap(),
        af_bins: Bins::parse("0,0.01,0.1,0.5,1").unwrap(),
    }
}

fn lines(text: &str, tag: &str) -> Vec<String> {
    text.lines().filter(|l| l.starts_with(tag)).map(String::from).collect()
}

#[test]
fn afdist_equals_bcftools_af_dist() {
    if !tool("bcftools") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let vcf = write(dir.path(), "rough.vcf", &roughen(&cohort_text(40, 400_000, 31, 0.02)));
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &vcf, "c");
    let subset: Vec<String> = (1..=40).step_by(3).map(|i| format!("SIM{i:05}")).collect();
    let cases = [
        ("all", SampleSource::All, String::new(), genohub_analysis::bins::DEFAULT_EDGES, genohub_analysis::bins::DEFAULT_EDGES),
        ("subset", SampleSource::Names(subset.clone()), format!("-s {}", subset.join(",")), "0,0.05,0.1,0.3,0.5,0.7,1", "0,0.001,0.01,0.1"),
    ];
    for (label, source, view, prob, dev) in cases {
        let d = afdist(&store, &request(source, prob, dev)).unwrap();
        let mut ours = Vec::new();
        d.write_text(&mut ours).unwrap();
        let ours = String::from_utf8(ours).unwrap();
        let theirs = sh(&format!(
            "bcftools norm -m- {} 2>/dev/null | bcftools view {view} -Ou | bcftools +fill-tags -Ou -- -t AF | bcftools +af-dist -- -p {prob} -d {dev}",
            vcf.display()
        ));
        for tag in ["PROB_DIST", "DEV_DIST"] {
            assert_eq!(lines(&ours, tag), lines(&theirs, tag), "{label} {tag}");
        }
        let genotypes: u64 = d.prob.iter().sum();
        assert!(genotypes > 1000, "{label}: {genotypes} genotypes binned");
        // Site spectrum: every polymorphic site once, in the bin of its AC/AN.
        let rows = freq_rows(
            &store,
            &[],
            match label {
                "all" => SampleSource::All,
                _ => SampleSource::Names(subset.clone()),
            },
        );
        let polymorphic = rows.iter().filter(|r| r.ac > 0).count() as u64;
        assert_eq!(d.sites_by_af.iter().sum::<u64>(), polymorphic);
        let rare = rows.iter().filter(|r| r.ac > 0 && r.af.unwrap() < 0.01).count() as u64;
        assert_eq!(d.sites_by_af[0], rare);
        eprintln!("bcftools +af-dist {label}: {} sites, {genotypes} genotypes binned, PROB_DIST and DEV_DIST identical", d.sites);
    }
}
