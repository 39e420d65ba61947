//! Importing the codes the shared OncoTree release has, as it spells them (`MDS/MPN`, `HCL-V`)
//! and as earlier releases did (`GBM`, revoked for `GB`): accepted, stored as given, found by
//! cohort rules; malformed or unknown codes are refused naming file, line and field, and
//! nothing is stored. Skips when the shared tree is absent.

use std::path::{Path, PathBuf};

use genohub_clinical::{Clinical, ClinicalError, OncoTree};
use genohub_keys::HubKey;
use genohub_store::Store;
use time::macros::date;

fn oncotree() -> Option<OncoTree> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
    if p.exists() {
        Some(OncoTree::load(&p).unwrap())
    } else {
        eprintln!("skipping: {} not present", p.display());
        None
    }
}

const HEADER: &str = "record,patient_id,sex,term,sample_id,sample_type,center,genomic_sample\n";

/// One patient per code, sample `seq/G{i}`.
fn csv(dir: &Path, name: &str, codes: &[&str]) -> PathBuf {
    let mut text = HEADER.to_string();
    for (i, code) in codes.iter().enumerate() {
        text += &format!("patient,P{i},female,,,,,\ndisease,P{i},,{code},,,,\nsample,P{i},,,S{i},tumor,seq,G{i}\n");
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn every_code_of_the_release_and_former_codes_import_as_given_and_rules_find_them() {
    let Some(tree) = oncotree() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s")).unwrap();
    let key = HubKey::from_bytes([7; 32]);
    let c = Clinical::new(&store, &key).unwrap().with_oncotree(tree.clone());
    assert!(tree.contains("MDS/MPN") && tree.contains("HCL-V") && !tree.contains("GBM") && tree.knows("GBM"));
    let codes = ["oncotree:MDS/MPN", "oncotree:HCL-V", "oncotree:GBM", "oncotree:LUAD", "oncotree:MDS/MPN|Myelodysplastic/Myeloproliferative Neoplasms"];
    let report = c.import("h1", &[csv(dir.path(), "h1.csv", &codes)]).unwrap();
    assert_eq!(report.patients.len(), codes.len());

    // Stored as given: the former code is not rewritten.
    let mut stored: Vec<String> = c.patients(None).unwrap().iter().flat_map(|p| c.record(&p.pseudonym).unwrap().diseases).map(|d| d.term.id).collect();
    stored.sort();
    let mut given: Vec<String> = codes.iter().map(|c| c.split('|').next().unwrap().to_string()).collect();
    given.sort();
    assert_eq!(stored, given);

    // Rule values with '/' and '-', quoted or bare, select exactly their patients' samples.
    let names = |rule: &str| -> Vec<String> {
        let mut v: Vec<String> = c.evaluate_rule(rule, date!(2026 - 01 - 01)).unwrap().into_iter().map(|g| g.name).collect();
        v.sort();
        v
    };
    assert_eq!(names("cancer_type='MDS/MPN'"), ["G0", "G4"]);
    assert_eq!(names("cancer_type=MDS/MPN"), ["G0", "G4"]);
    assert_eq!(names("cancer_type in ('HCL-V', \"GBM\")"), ["G1", "G2"]);
    assert_eq!(names("diagnosis='oncotree:HCL-V'"), ["G1"]);
    assert_eq!(names("cancer_type!='MDS/MPN'"), ["G1", "G2", "G3"]);
    assert!(names("cancer_type='MDS'").is_empty(), "no prefix match");
}

#[test]
fn malformed_and_unknown_codes_are_refused_naming_file_line_and_field() {
    let Some(tree) = oncotree() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s")).unwrap();
    let key = HubKey::from_bytes([7; 32]);
    let c = Clinical::new(&store, &key).unwrap().with_oncotree(tree);
    for (i, (code, words)) in [
        ("oncotree:MDS\\MPN", "not a well-formed oncotree code"),
        ("oncotree:HCL-", "not a well-formed oncotree code"),
        ("oncotree:mds/mpn", "not a well-formed oncotree code"),
        ("oncotree:MDS/MPX", "not an OncoTree code"),
        ("oncotree:GBMX", "not an OncoTree code"),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("bad{i}.csv");
        // The good patient first: all-or-nothing is what keeps it out.
        let path = csv(dir.path(), &name, &["oncotree:LUAD", code]);
        let err = c.import("h1", &[path]).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ClinicalError::Input { .. }), "{code}: {msg}");
        // Line 1 is the header, then three lines per patient: the second patient's disease is line 6.
        assert!(msg.contains(&name) && msg.contains("line 6") && msg.contains("field term") && msg.contains(words), "{code}: {msg}");
        assert!(c.patients(None).unwrap().is_empty(), "{code}: nothing stored");
    }
}
