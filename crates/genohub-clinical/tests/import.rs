//! Import, linkage, validation (all-or-nothing), consent history, rules and Phenopacket round
//! trip on a real store in a tempdir.

use std::path::{Path, PathBuf};

use genohub_clinical::phenopacket::Reader;
use genohub_clinical::{Clinical, ClinicalError, ConsentAction, OncoTree, SampleType};
use genohub_duo::DataUse;
use genohub_keys::HubKey;
use genohub_store::{cf, Store};
use serde_json::{json, Value};
use time::macros::date;

fn test_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data")
}

fn oncotree() -> Option<OncoTree> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
    if p.exists() {
        Some(OncoTree::load(&p).unwrap())
    } else {
        eprintln!("skipping OncoTree checks: {} not present", p.display());
        None
    }
}

/// Every key and value of the clinical families (and the store's exclusions), to prove a
/// failed import changed nothing.
fn snapshot(store: &Store) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    for family in [cf::PATIENTS, cf::PATIENT_LINKS, cf::CLINICAL_SAMPLES, cf::CONSENTS, cf::CLINICAL_RECORDS, cf::PATIENT_KEYS, cf::EXCLUDED, cf::META] {
        for item in store.engine().scan(family, &[], None) {
            let (k, v) = item.unwrap();
            out.push((family.to_string(), k.to_vec(), v.to_vec()));
        }
    }
    out
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

fn minimal(local: &str, sample: Option<(&str, &str)>) -> Value {
    let mut b = json!({"id": format!("{local}-T"), "materialSample": {"id": "EFO:0009655"}});
    if let Some((center, name)) = sample {
        b["files"] = json!([{"uri": "x", "individualToFileIdentifiers": {format!("{local}-T"): name}, "fileAttributes": {"genohubCenter": center}}]);
    }
    json!({
        "id": format!("pp-{local}"),
        "subject": {"id": local, "sex": "FEMALE"},
        "diseases": [{"term": {"id": "oncotree:LUAD"}, "onset": {"age": {"iso8601duration": "P60Y"}}}],
        "biosamples": [b],
        "metaData": {"phenopacketSchemaVersion": "2.0"}
    })
}

#[test]
fn two_hospitals_records_of_one_person_link_to_one_patient_without_storing_ids() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s")).unwrap();
    let key = HubKey::from_bytes([9; 32]);
    let c = Clinical::new(&store, &key).unwrap();
    let mut a = minimal("KYOTO-00017", Some(("tokyo-seq", "T-17")));
    a["subject"]["alternateIds"] = json!(["linkage:INS-1234-5678"]);
    let mut b = minimal("OSAKA-99", Some(("osaka-seq", "T-99")));
    b["subject"]["alternateIds"] = json!(["linkage:INS-1234-5678"]);
    b["diseases"] = json!([{"term": {"id": "ICD10:C50.9"}}]);
    let other = minimal("OSAKA-100", None);
    let ra = c.import("kyoto-univ", &[write_json(dir.path(), "a.json", &a)]).unwrap();
    let rb = c.import("osaka-univ", &[write_json(dir.path(), "b.json", &b), write_json(dir.path(), "o.json", &other)]).unwrap();
    assert_eq!(ra.new_patients, 1);
    assert_eq!((rb.new_patients, rb.linked_to_existing), (1, 1));
    let p = &ra.patients[0].1;
    assert_eq!(&rb.patients[0].1, p, "same person, one pseudonym");
    assert_ne!(&rb.patients[1].1, p);
    assert_eq!(c.find_patient("kyoto-univ", "KYOTO-00017").unwrap().as_deref(), Some(p.as_str()));
    assert_eq!(c.find_patient("osaka-univ", "OSAKA-99").unwrap().as_deref(), Some(p.as_str()));
    assert_eq!(c.find_patient("osaka-univ", "KYOTO-00017").unwrap(), None, "hospital IDs are per hospital");
    let rec = c.patient(p).unwrap().unwrap();
    assert_eq!(rec.hospitals, vec!["kyoto-univ", "osaka-univ"]);
    let merged = c.record(p).unwrap();
    assert_eq!(merged.diseases.len(), 2, "both hospitals' diagnoses");
    let mut samples: Vec<String> = c.samples_of(p).unwrap().into_iter().map(|(g, _)| format!("{}/{}", g.center, g.name)).collect();
    samples.sort();
    assert_eq!(samples, vec!["osaka-seq/T-99", "tokyo-seq/T-17"]);
    // No raw identifier in any key or value of the store.
    drop(c);
    store.compact().unwrap();
    for id in ["KYOTO-00017", "OSAKA-99", "INS-1234-5678"] {
        let hits = genohub_store::purge::files_containing(store.root(), id.as_bytes()).unwrap();
        assert!(hits.is_empty(), "{id} stored in {hits:?}");
    }
    // A hospital re-importing its patient replaces only its own part.
    let c = Clinical::new(&store, &key).unwrap();
    let mut b2 = b.clone();
    b2["diseases"] = json!([{"term": {"id": "ICD10:C50.1"}}]);
    c.import("osaka-univ", &[write_json(dir.path(), "b2.json", &b2)]).unwrap();
    let ids: Vec<String> = c.record(p).unwrap().diseases.iter().map(|d| d.term.id.clone()).collect();
    assert_eq!(ids, vec!["oncotree:LUAD", "ICD10:C50.1"]);
    // A linkage ID that points at another patient than the hospital ID is refused.
    let mut clash = minimal("OSAKA-100", None);
    clash["subject"]["alternateIds"] = json!(["linkage:INS-1234-5678"]);
    let e = c.import("osaka-univ", &[write_json(dir.path(), "clash.json", &clash)]).unwrap_err().to_string();
    assert!(e.contains("clash.json") && e.contains("linkage"), "{e}");
    // The wrong key is refused clearly.
    let wrong = HubKey::from_bytes([8; 32]);
    let e = Clinical::new(&store, &wrong).err().unwrap().to_string();
    assert!(e.contains("wrong hub key") && e.contains(&key.fingerprint()), "{e}");
}

#[test]
fn each_kind_of_bad_record_is_refused_naming_file_record_and_field_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s")).unwrap();
    let key = HubKey::from_bytes([5; 32]);
    let mut c = Clinical::new(&store, &key).unwrap();
    if let Some(t) = oncotree() {
        c = c.with_oncotree(t);
    }
    // An existing patient owns genomic sample tokyo-seq/OWNED.
    c.import("h1", &[write_json(dir.path(), "owner.json", &minimal("OWNER", Some(("tokyo-seq", "OWNED"))))]).unwrap();
    let before = snapshot(&store);
    let good = minimal("GOOD-1", Some(("tokyo-seq", "G1")));
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        ("unknown code system", |v| v["diseases"][0]["term"]["id"] = json!("SNOMED:254637007"), "diseases[0].term.id", "unknown code system"),
        ("malformed ICD-10", |v| v["diseases"][0]["term"]["id"] = json!("ICD10:C3"), "diseases[0].term.id", "well-formed"),
        (
            "impossible date",
            |v| v["biosamples"][0]["timeOfCollection"] = json!({"timestamp": "2021-02-30T00:00:00Z"}),
            "timeOfCollection.timestamp",
            "no such day",
        ),
        ("future date", |v| v["biosamples"][0]["timeOfCollection"] = json!({"timestamp": "2999-01-01T00:00:00Z"}), "timeOfCollection.timestamp", "future"),
        ("age out of range", |v| v["diseases"][0]["onset"] = json!({"age": {"iso8601duration": "P150Y"}}), "onset.age.iso8601duration", "out of range"),
        ("not an age", |v| v["diseases"][0]["onset"] = json!({"age": {"iso8601duration": "sixty"}}), "onset.age.iso8601duration", "ISO 8601"),
        (
            "treatment ends first",
            |v| v["medicalActions"] = json!([{"treatment": {"agent": {"id": "NCIT:C1647"}, "doseIntervals": [{"interval": {"start": "2022-05-01T00:00:00Z", "end": "2022-01-01T00:00:00Z"}}]}}]),
            "medicalActions[0].treatment.doseIntervals",
            "before it starts",
        ),
        (
            "not a RECIST response",
            |v| v["medicalActions"] = json!([{"treatment": {"agent": {"id": "NCIT:C1647"}}, "responseToTreatment": {"id": "NCIT:C99999"}}]),
            "responseToTreatment.id",
            "RECIST",
        ),
        (
            "a drug from an anatomy ontology",
            |v| v["medicalActions"] = json!([{"treatment": {"agent": {"id": "UBERON:0002048"}}}]),
            "treatment.agent.id",
            "unknown code system",
        ),
        (
            "no sample type",
            |v| v["biosamples"][0].as_object_mut().unwrap().remove("materialSample").map(|_| ()).unwrap(),
            "biosamples[0].materialSample",
            "required",
        ),
        ("bad sex", |v| v["subject"]["sex"] = json!("F"), "subject.sex", "FEMALE"),
        (
            "survival out of range",
            |v| v["subject"]["vitalStatus"] = json!({"status": "ALIVE", "survivalTimeInDays": 99999999}),
            "survivalTimeInDays",
            "out of range",
        ),
        ("schema v1", |v| v["metaData"]["phenopacketSchemaVersion"] = json!("1.0"), "metaData.phenopacketSchemaVersion", "v2"),
        (
            "sample of another patient",
            |v| v["biosamples"][0]["files"][0]["individualToFileIdentifiers"] = json!({"GOOD-2-T": "OWNED"}),
            "biosamples",
            "already linked to another patient",
        ),
    ];
    if oncotree().is_some() {
        let e = c.import("h1", &[write_json(dir.path(), "onco.json", &minimal_with_type("NOTACODE"))]).unwrap_err().to_string();
        assert!(e.contains("not an OncoTree code"), "{e}");
    }
    for (what, edit, field, words) in cases {
        let mut bad = minimal("GOOD-2", Some(("tokyo-seq", "G2")));
        edit(&mut bad);
        let file = format!("{}.json", what.replace(' ', "_"));
        // A list: the good record first, so all-or-nothing is what keeps it out.
        let path = write_json(dir.path(), &file, &json!([good.clone(), bad]));
        let err = c.import("h1", &[path]).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ClinicalError::Input { .. }), "{what}: {msg}");
        assert!(msg.contains(&file) && msg.contains("item 1") && msg.contains(field) && msg.contains(words), "{what}: {msg}");
        assert_eq!(snapshot(&store), before, "{what}: nothing stored");
    }
    // CSV: unknown column, a value in a column its record kind does not use, bad yes/no.
    let header = "record,patient_id,sex,term,sample_id,sample_type,consent_date,form_version,data_use,secondary_use,recontact";
    let csv_cases = [
        (format!("{header},favourite_colour\npatient,P1,female,,,,,,,,,blue\n"), "favourite_colour", "unknown column"),
        (format!("{header}\npatient,P1,female,,,,,,,,\ndisease,P1,,oncotree:LUAD,S1,,,,,,\n"), "line 3", "not used by disease"),
        (format!("{header}\npatient,P1,female,,,,,,,,\nconsent,P1,,,,,2023-01-01,v1,GRU,maybe,no\n"), "secondary_use", "not yes or no"),
        (format!("{header}\npatient,P1,female,,,,,,,,\nconsent,P1,,,,,2023-01-01,v1,NCU,yes,no\n"), "data_use", "permission"),
        (format!("{header}\nsample,P1,,,S1,blood,,,,,\n"), "sample_type", "tumor, normal or germline"),
    ];
    for (i, (text, field, words)) in csv_cases.iter().enumerate() {
        let p = dir.path().join(format!("bad{i}.csv"));
        std::fs::write(&p, text).unwrap();
        let msg = c.import("h1", &[p]).unwrap_err().to_string();
        assert!(msg.contains(&format!("bad{i}.csv")) && msg.contains(field) && msg.contains(words), "{msg}");
        assert_eq!(snapshot(&store), before);
    }
}

fn minimal_with_type(code: &str) -> Value {
    let mut v = minimal("ONCO", None);
    v["diseases"][0]["term"]["id"] = json!(format!("oncotree:{code}"));
    v
}

#[test]
fn consent_history_gives_the_consent_in_force_on_any_date_and_withdrawal_excludes_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s")).unwrap();
    let key = HubKey::from_bytes([6; 32]);
    let c = Clinical::new(&store, &key).unwrap();
    let report = c.import("osaka-univ", &[test_data().join("clinical/example.csv")]).unwrap();
    assert_eq!((report.patients.len(), report.consents, report.genomic_samples), (2, 2, 3));
    let p = c.find_patient("osaka-univ", "OUH-7781").unwrap().unwrap();
    let consent = |du: &str, form: &str| ConsentAction::Consent {
        data_use: DataUse::parse(du).unwrap(),
        form_version: form.into(),
        secondary_use: true,
        recontact: true,
    };
    c.record_consent(&p, None, date!(2023 - 04 - 01), consent("DS:oncotree:LUSC+NCU", "ccat-v4.0")).unwrap();
    let facts_on = |d| c.patient_facts(d).unwrap().into_iter().find(|f| f.pseudonym == p).unwrap();
    assert_eq!(facts_on(date!(2022 - 05 - 31)).consent, None, "before the first consent");
    let first = facts_on(date!(2023 - 03 - 31)).consent.unwrap();
    assert_eq!((first.form_version.as_str(), first.data_use.permission()), ("ccat-v3.2", "DUO:0000042"));
    assert!(first.secondary_use && !first.recontact);
    let second = facts_on(date!(2023 - 04 - 01)).consent.unwrap();
    assert_eq!((second.form_version.as_str(), second.data_use.disease()), ("ccat-v4.0", Some("oncotree:LUSC")));
    // Rules see the consent in force on their day.
    assert_eq!(c.evaluate_rule("consent=GRU", date!(2023 - 01 - 01)).unwrap().len(), 2, "both of OUH-7781's samples");
    assert_eq!(c.evaluate_rule("consent=DS and cancer_type=LUSC", date!(2023 - 05 - 01)).unwrap().len(), 2);
    let tumours = c.evaluate_rule("cancer_type in (LUSC, READ) and sample_type=tumor and age_at_diagnosis >= 50", date!(2024 - 01 - 01)).unwrap();
    assert_eq!(tumours.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), vec!["CRC-7790-T", "LUNG-7781-T"]);
    assert!(matches!(c.evaluate_rule("cancer_type=LUSC and", date!(2024 - 01 - 01)), Err(ClinicalError::Rule(_))));

    let excluded = c.withdraw(&p, Some("osaka-univ"), date!(2024 - 02 - 01)).unwrap();
    assert_eq!(excluded.len(), 2);
    for g in &excluded {
        assert!(store.exclusion(&g.center, &g.name).unwrap().is_some(), "excluded in the same write");
    }
    let f = facts_on(date!(2024 - 03 - 01));
    assert!(f.withdrawn && f.consent.is_none());
    assert_eq!(facts_on(date!(2023 - 06 - 01)).consent.unwrap().form_version, "ccat-v4.0", "history is kept");
    assert!(c.evaluate_rule("cancer_type=LUSC", date!(2023 - 06 - 01)).unwrap().is_empty(), "a withdrawn patient matches no rule");
    let e = c.record_consent(&p, None, date!(2024 - 03 - 01), consent("GRU", "v5")).unwrap_err().to_string();
    assert!(e.contains("withdrew"), "{e}");
    let e = c.import("osaka-univ", &[test_data().join("clinical/example.csv")]).unwrap_err().to_string();
    assert!(e.contains("withdrew consent") && e.contains("example.csv") && e.contains("OUH-7781"), "{e}");
    let history = c.consent_history(&p).unwrap();
    assert_eq!(history.len(), 3);
    assert!(history[2].is_withdrawal());
}

#[test]
fn example_phenopackets_import_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s")).unwrap();
    let key = HubKey::from_bytes([7; 32]);
    let mut c = Clinical::new(&store, &key).unwrap();
    let tree = oncotree();
    if let Some(t) = tree.clone() {
        c = c.with_oncotree(t);
    }
    let report = c.import("kyoto-univ", &[test_data().join("phenopackets")]).unwrap();
    assert_eq!(report.patients.len(), 3);
    assert_eq!(report.genomic_samples, 6);
    for (_, p) in &report.patients {
        let stored = c.record(p).unwrap();
        let exported = c.export(p).unwrap();
        assert_eq!(exported["subject"]["id"], json!(p), "exports carry the pseudonym, not the hospital's ID");
        let mut reader = Reader { file: "export", record: "1".into(), tree: tree.as_ref(), warnings: Vec::new() };
        let back = reader.read(&exported).unwrap();
        assert_eq!(back.clinical, stored, "Phenopacket round trip of {p}");
    }
    // The lung example's facts, from the original file.
    let lung = c.find_patient("kyoto-univ", "KUH-LUNG-0001").unwrap().unwrap();
    let r = c.record(&lung).unwrap();
    assert_eq!(r.cancer_types().collect::<Vec<_>>(), vec!["LUAD"]);
    assert_eq!(
        r.medical_actions.iter().map(|a| (a.line, a.response.map(|x| x.name()))).collect::<Vec<_>>(),
        vec![(Some(1), Some("PR")), (Some(2), Some("SD"))]
    );
    assert_eq!(r.biosamples.iter().map(|b| b.sample_type).collect::<Vec<_>>(), vec![SampleType::Tumor, SampleType::Germline]);
    let rule = "cancer_type=LUAD and sex=female and age_at_diagnosis>=50 and sample_type=tumor";
    let matched = c.evaluate_rule(rule, date!(2024 - 06 - 01)).unwrap();
    assert_eq!(matched.iter().map(|g| format!("{}/{}", g.center, g.name)).collect::<Vec<_>>(), vec!["tokyo-seq/LUNG-0001-T"]);
    let responders = c.evaluate_rule("response in (CR, PR) and sample_type=tumor", date!(2024 - 06 - 01)).unwrap();
    assert_eq!(responders.len(), 2, "lung (PR) and breast (CR) tumours: {responders:?}");
    assert_eq!(c.evaluate_rule("vital_status=deceased and drug='Bevacizumab'", date!(2024 - 06 - 01)).unwrap().len(), 2);
}
