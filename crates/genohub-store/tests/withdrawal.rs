//! Withdrawn samples: excluded from every read at once, refused at ingest, then purged from
//! every file of the store (genotype blocks rewritten, private sites dropped).

mod common;

use common::{ingest, view, write};
use genohub_store::engine::Batch;
use genohub_store::{purge, Exclusion, IngestOptions, NoProgress, SampleKey, SampleSelection, Store};

const ALT1: &str = "GTTAGGCATCGATCGGATCCTAGGCTTACGATCGATTGCAAGCTTGACCTAGGACGTACGTCAGT";
const ALT2: &str = "CGGATTACCGTAGGCTAACGTTGCAGGTACCATGGCTAGCTAATCGGCTTAGCAATGGCACTT";

fn header(samples: &[&str]) -> String {
    format!(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=1000000>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{}\n",
        samples.join("\t")
    )
}

fn key(name: &str) -> SampleKey {
    SampleKey { center: "tokyo-seq".into(), name: name.into() }
}

fn exclude(store: &Store, names: &[&str]) {
    let mut b = Batch::default();
    let ex = Exclusion { reason: "consent withdrawn".into(), since: "2024-06-01".into(), patient: None };
    store.stage_exclusions(&mut b, &names.iter().map(|n| key(n)).collect::<Vec<_>>(), &ex).unwrap();
    store.engine().write(b, true).unwrap();
}

/// Record lines (not headers) of a view, without those at the given positions.
fn records_without(vcf: &str, positions: &[&str]) -> Vec<String> {
    vcf.lines().filter(|l| !l.starts_with('#')).filter(|l| !positions.contains(&l.split('\t').nth(1).unwrap())).map(str::to_string).collect()
}

#[test]
fn withdrawn_samples_are_excluded_refused_and_purged_from_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let store = Store::open(&root).unwrap();
    // Batch A: two other patients and the withdrawn patient's tumour (PX-T), whose ALT1 is private.
    let a = header(&["S1", "S2", "PX-T"])
        + "chr1\t100\t.\tA\tG\t50\tPASS\t.\tGT:DP\t0/1:10\t0/0:12\t1/1:9\n"
        + "chr1\t200\t.\tC\tT\t50\tPASS\t.\tGT\t0/0\t0/0\t0/1\n"
        + &format!("chr1\t300\t.\tG\t{ALT1}\t50\tPASS\t.\tGT\t0/0\t./.\t0/1\n")
        + "chr1\t400\t.\tT\tA\t50\tPASS\t.\tGT\t0/1\t1/1\t0/0\n"
        + "chr1\t70000\t.\tT\tC\t50\tPASS\t.\tGT\t0/0\t0/0\t0/0\n";
    // Batch B: the patient's germline sample alone.
    let b = header(&["PX-N"]) + "chr1\t100\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\n" + &format!("chr1\t500\t.\tC\t{ALT2}\t50\tPASS\t.\tGT\t0/1\n");
    // Batch C: a new sample and PX-T again (--replace), so PX-T also has a replaced column in A.
    let c = header(&["S3", "PX-T"]) + "chr1\t100\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\t1/1\n" + "chr1\t600\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\t0/1\n";
    ingest(&store, &write(dir.path(), "a.vcf", &a), "tokyo-seq");
    ingest(&store, &write(dir.path(), "b.vcf", &b), "tokyo-seq");
    let opts = IngestOptions { center: "tokyo-seq".into(), replace: true, threads: 2, ..Default::default() };
    store.ingest(&write(dir.path(), "c.vcf", &c), &opts, &NoProgress).unwrap();

    let others = || SampleSelection::Names(vec!["S1".into(), "S2".into(), "S3".into()]);
    let before = view(&store, &[], others());
    assert!(before.contains("\t300\t"), "the private site shows before purge:\n{before}");
    store.compact().unwrap();
    let files = purge::files_containing(&root, ALT1.as_bytes()).unwrap();
    assert!(!files.is_empty(), "the search finds the private allele before purge");
    assert!(!purge::files_containing(&root, ALT2.as_bytes()).unwrap().is_empty());

    exclude(&store, &["PX-T", "PX-N"]);
    assert_eq!(store.exclusion_epoch().unwrap(), 1);
    // Excluded at once from every reader.
    let all = view(&store, &[], SampleSelection::All);
    let chrom = all.lines().find(|l| l.starts_with("#CHROM")).unwrap();
    assert!(chrom.ends_with("FORMAT\tS1\tS2\tS3"), "{chrom}");
    // Sites only the withdrawn patient carried are hidden at once, not only after the purge
    // (a site nobody carries, like 70000, is not theirs and stays).
    let shown: Vec<&str> = all.lines().filter(|l| !l.starts_with('#')).map(|l| l.split('\t').nth(1).unwrap()).collect();
    for private in ["200", "300", "500"] {
        assert!(!shown.contains(&private), "chr1:{private} is carried only by withdrawn samples: {shown:?}");
    }
    for kept in ["100", "400", "600", "70000"] {
        assert!(shown.contains(&kept), "chr1:{kept}: {shown:?}");
    }
    let e = store.resolve_samples(&SampleSelection::Names(vec!["S1".into(), "PX-T".into()])).unwrap_err().to_string();
    assert!(e.contains("sample PX-T is withdrawn"), "{e}");
    let members = store.resolve_samples(&SampleSelection::Members(vec!["tokyo-seq/S1".into(), "tokyo-seq/PX-T".into()])).unwrap();
    assert_eq!(members.names, vec!["S1"]);
    assert_eq!(members.withdrawn, vec!["tokyo-seq/PX-T"]);
    // New data for an excluded sample is refused and nothing changes.
    let batches = store.committed_batches().unwrap().len();
    let again = header(&["PX-N"]) + "chr1\t900\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n";
    let e = store.ingest(&write(dir.path(), "late.vcf", &again), &opts, &NoProgress).unwrap_err().to_string();
    assert!(e.contains("PX-N") && e.contains("excluded") && e.contains("late.vcf"), "{e}");
    assert_eq!(store.committed_batches().unwrap().len(), batches);

    assert!(store.purge_samples(&[key("S1")]).unwrap_err().to_string().contains("not excluded"), "purge only erases excluded samples");
    let report = store.purge_samples(&[key("PX-T"), key("PX-N")]).unwrap();
    assert_eq!(report.samples.len(), 2);
    assert_eq!(report.removed.len(), 1, "the germline batch held nobody else: {report:?}");
    assert_eq!(report.rewritten.len(), 2, "batch A (current and replaced columns) and C: {report:?}");
    assert_eq!(report.sites_removed, 2, "chr1:200 and chr1:300, which only PX-T carried: {report:?}");

    for (what, needle) in [("ALT1", ALT1), ("ALT2", ALT2)] {
        let left = purge::files_containing(&root, needle.as_bytes()).unwrap();
        assert!(left.is_empty(), "{what} still in {left:?}");
    }
    assert!(store.samples().unwrap().iter().all(|s| !s.name.starts_with("PX-")));
    assert!(store.committed_batches().unwrap().iter().all(|m| !m.header.contains("PX-")), "headers no longer name the purged samples");

    // Everyone else's data is exactly as before, without the sites only the patient carried.
    let after = view(&store, &[], SampleSelection::All);
    assert_eq!(records_without(&after, &[]), records_without(&before, &["200", "300"]));
    drop(store);
    let reopened = Store::open(&root).unwrap();
    assert_eq!(view(&reopened, &[], SampleSelection::All), after, "nothing left for recovery to change");
    assert_eq!(reopened.committed_batches().unwrap().len(), 2);
}
