//! Withdrawal then purge: the patient's genotypes, clinical record and data key are found in no
//! file of the store afterwards (a byte search that also looks inside zstd frames), while the
//! other patients' data stays readable.

use std::path::Path;

use genohub_clinical::Clinical;
use genohub_keys::HubKey;
use genohub_store::purge::files_containing;
use genohub_store::{cf, IngestOptions, NoProgress, SampleSelection, Store};
use serde_json::json;
use time::macros::date;

const PRIVATE_ALT: &str = "ATTGACCGGTAACTGGCATTCAGGACTTAGCCGATCAAGTCCTGAGGTACCTTGACAGTCAGGA";
const CLINICAL_TEXT: &str = "Adenocarcinoma observed by Dr Quillfeather";

fn phenopacket(local: &str, sample: &str, label: &str) -> serde_json::Value {
    json!({
        "id": format!("pp-{local}"),
        "subject": {"id": local, "sex": "FEMALE"},
        "diseases": [{"term": {"id": "oncotree:LUAD", "label": label}, "onset": {"age": {"iso8601duration": "P61Y"}}}],
        "biosamples": [{
            "id": format!("{local}-T"),
            "materialSample": {"id": "EFO:0009655"},
            "files": [{"uri": "x", "individualToFileIdentifiers": {format!("{local}-T"): sample}, "fileAttributes": {"genohubCenter": "tokyo-seq"}}]
        }],
        "metaData": {"phenopacketSchemaVersion": "2.0"}
    })
}

fn found(root: &Path, needle: &[u8]) -> bool {
    !files_containing(root, needle).unwrap().is_empty()
}

#[test]
fn purge_leaves_no_trace_of_a_withdrawn_patient() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let store = Store::open(&root).unwrap();
    let key = HubKey::from_bytes([1; 32]);
    let c = Clinical::new(&store, &key).unwrap();
    let pp = dir.path().join("patients.jsonl");
    let lines = [phenopacket("H-1", "PT-1", CLINICAL_TEXT), phenopacket("H-2", "OT-1", "Lung Adenocarcinoma")];
    std::fs::write(&pp, lines.iter().map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    let report = c.import("hosp", &[pp]).unwrap();
    let (withdrawing, staying) = (report.patients[0].1.clone(), report.patients[1].1.clone());

    let vcf = dir.path().join("calls.vcf");
    let text = format!(
        "##fileformat=VCFv4.2\n##contig=<ID=chr7,length=60000000>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tOT-1\tPT-1\n\
         chr7\t1000\t.\tC\t{PRIVATE_ALT}\t60\tPASS\t.\tGT\t0/0\t0/1\n\
         chr7\t2000\t.\tG\tA\t60\tPASS\t.\tGT\t1/1\t0/0\n\
         chr7\t55191822\t.\tT\tG\t60\tPASS\t.\tGT\t0/1\t0/1\n"
    );
    std::fs::write(&vcf, text).unwrap();
    store.ingest(&vcf, &IngestOptions { center: "tokyo-seq".into(), threads: 2, ..Default::default() }, &NoProgress).unwrap();
    store.compact().unwrap();

    let sealed = store.engine().get(cf::CLINICAL_RECORDS, withdrawing.as_bytes()).unwrap().unwrap();
    let wrapped = store.engine().get(cf::PATIENT_KEYS, withdrawing.as_bytes()).unwrap().unwrap();
    assert!(found(&root, PRIVATE_ALT.as_bytes()), "the private allele is in the store before purge");
    assert!(found(&root, &sealed[..32]), "the sealed record is in the store before purge");
    assert!(found(&root, &wrapped[..32]), "the wrapped key is in the store before purge");
    assert!(!found(&root, CLINICAL_TEXT.as_bytes()), "clinical text is encrypted at rest, never in clear");
    assert_eq!(c.record(&withdrawing).unwrap().diseases[0].term.label.as_deref(), Some(CLINICAL_TEXT));

    c.withdraw(&withdrawing, None, date!(2024 - 07 - 01)).unwrap();
    let visible = store.resolve_samples(&SampleSelection::All).unwrap();
    assert_eq!(visible.names, vec!["OT-1"], "excluded at once");

    let summary = c.purge().unwrap();
    assert_eq!(summary.patients, vec![withdrawing.clone()]);
    assert_eq!(summary.store.samples, vec!["tokyo-seq/PT-1"]);
    assert_eq!(summary.store.sites_removed, 1);
    for (what, needle) in [("private allele", PRIVATE_ALT.as_bytes()), ("sealed record", &sealed[..32]), ("wrapped key", &wrapped[..32])] {
        let left = files_containing(&root, needle).unwrap();
        assert!(left.is_empty(), "{what} left in {left:?}");
    }
    assert!(c.record(&withdrawing).unwrap().diseases.is_empty(), "nothing left to decrypt");
    let p = c.patient(&withdrawing).unwrap().unwrap();
    assert!(p.purged.is_some() && p.withdrawn == Some(date!(2024 - 07 - 01)));
    assert!(c.consent_history(&withdrawing).unwrap()[0].is_withdrawal(), "the withdrawal itself is kept");
    assert_eq!(c.record(&staying).unwrap().diseases.len(), 1, "the other patient is untouched");
    assert_eq!(store.samples().unwrap().iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["OT-1"]);
    // A second purge has nothing left to do.
    assert!(c.purge().unwrap().patients.is_empty());
}
