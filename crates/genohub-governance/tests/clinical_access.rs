//! The clinical repository through the facade, on a real store with the real clinical
//! repository: each hospital imports, reads and records consent only for its own patients and
//! sees only its own part of a patient two hospitals share; researchers see no patient; the
//! operator alone exports and purges; the audit log names patients only by pseudonym.

mod common;

use genohub_clinical::ConsentAction;
use genohub_duo::DataUse;
use genohub_governance::{AuditFilter, Clock, GovernanceError, Hub, OrgKind, PatientSpec, Role, Session};
use genohub_keys::HubKey;
use genohub_store::Store;
use time::macros::{date, datetime};

const HEADER: &str =
    "record,patient_id,linkage_id,sex,term,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact\n";

/// H1: A-1 (lung adenocarcinoma, linkage L-77, sample seqA/S1) and B-2 (colon, seqA/S2).
const H1_CSV: &str = "patient,A-1,L-77,male,,,,,,,,,,\n\
disease,A-1,,,oncotree:LUAD|Lung Adenocarcinoma,,,,,,,,,\n\
sample,A-1,,,,A-1-T,tumor,seqA,S1,,,,,\n\
consent,A-1,,,,,,,,2025-01-10,v3,GRU,yes,yes\n\
patient,B-2,,female,,,,,,,,,,\n\
disease,B-2,,,oncotree:COAD|Colon Adenocarcinoma,,,,,,,,,\n\
sample,B-2,,,,B-2-T,tumor,seqA,S2,,,,,\n\
consent,B-2,,,,,,,,2025-02-01,v3,GRU+NCU,yes,no\n";

/// H2: Z-9, the same person as H1's A-1 (linkage L-77), with a brain metastasis record and
/// sample seqA/S3; Y-5 only at H2 (seqA/S4).
const H2_CSV: &str = "patient,Z-9,L-77,male,,,,,,,,,,\n\
disease,Z-9,,,oncotree:GBM|Glioblastoma,,,,,,,,,\n\
sample,Z-9,,,,Z-9-T,tumor,seqA,S3,,,,,\n\
patient,Y-5,,female,,,,,,,,,,\n\
disease,Y-5,,,oncotree:BRCA|Invasive Breast Carcinoma,,,,,,,,,\n\
sample,Y-5,,,,Y-5-T,tumor,seqA,S4,,,,,\n\
consent,Y-5,,,,,,,,2025-03-03,v3,GRU,yes,yes\n";

const LOCAL_IDS: [&str; 5] = ["A-1", "B-2", "Z-9", "Y-5", "L-77"];

struct Fx {
    dir: tempfile::TempDir,
    hub: Hub,
    tokens: Vec<(String, String)>,
}

impl Fx {
    fn new() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let hub = Hub::new(store, HubKey::from_bytes([9; 32])).unwrap().with_clock(Clock::Fixed(datetime!(2026-05-01 10:00 UTC)));
        let op = hub.operator();
        let tokens = common::orgs_and_users(
            &op,
            &[("seqA", OrgKind::SequencingCenter), ("H1", OrgKind::Hospital), ("H2", OrgKind::Hospital), ("pharma", OrgKind::Company)],
            &[("doc1", "H1", Role::Clinician), ("doc2", "H2", Role::Clinician), ("res", "pharma", Role::Researcher), ("up", "seqA", Role::Uploader)],
        );
        drop(op);
        for (name, text) in [("h1.csv", H1_CSV), ("h2.csv", H2_CSV)] {
            std::fs::write(dir.path().join(name), format!("{HEADER}{text}")).unwrap();
        }
        Fx { dir, hub, tokens }
    }

    fn as_user(&self, user: &str) -> Session<'_> {
        self.hub.authenticate(&self.tokens.iter().find(|(u, _)| u == user).unwrap().1).unwrap()
    }

    fn file(&self, name: &str) -> Vec<std::path::PathBuf> {
        vec![self.dir.path().join(name)]
    }

    /// Both hospitals' files imported by their own clinicians.
    fn imported() -> Fx {
        let fx = Fx::new();
        fx.as_user("doc1").import_clinical("H1", &fx.file("h1.csv")).unwrap();
        fx.as_user("doc2").import_clinical("H2", &fx.file("h2.csv")).unwrap();
        fx
    }
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, GovernanceError>) -> String {
    match r {
        Err(GovernanceError::Forbidden(m)) => m,
        other => panic!("expected forbidden, got {other:?}"),
    }
}

fn diseases(pp: &serde_json::Value) -> Vec<String> {
    pp["diseases"].as_array().map(|d| d.iter().map(|x| x["term"]["id"].as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

#[test]
fn a_clinician_imports_only_for_its_own_hospital_and_a_refused_import_stores_nothing() {
    let fx = Fx::new();
    let m = forbidden(fx.as_user("doc1").import_clinical("H2", &fx.file("h2.csv")));
    assert!(m.contains("own hospital H1"), "{m}");
    assert!(fx.hub.operator().patients(None).unwrap().is_empty(), "the refused import stored nothing");
    forbidden(fx.as_user("res").import_clinical("pharma", &fx.file("h1.csv")));
    forbidden(fx.as_user("up").import_clinical("seqA", &fx.file("h1.csv")));
    let report = fx.as_user("doc1").import_clinical("H1", &fx.file("h1.csv")).unwrap();
    assert_eq!((report.patients.len(), report.new_patients, report.genomic_samples), (2, 2, 2));
    let report = fx.as_user("doc2").import_clinical("H2", &fx.file("h2.csv")).unwrap();
    assert_eq!((report.patients.len(), report.new_patients, report.linked_to_existing), (2, 1, 1), "Z-9 joins H1's A-1 by the linkage ID");
}

#[test]
fn each_hospital_lists_and_reads_only_its_own_patients() {
    let fx = Fx::imported();
    let (doc1, doc2, op) = (fx.as_user("doc1"), fx.as_user("doc2"), fx.hub.operator());
    assert_eq!(op.patients(None).unwrap().len(), 3, "A-1/Z-9 are one patient");
    let h1 = doc1.patients(None).unwrap();
    let h2 = doc2.patients(None).unwrap();
    assert_eq!(h1.len(), 2);
    assert_eq!(h2.len(), 2);
    assert!(h1.iter().all(|p| p.hospitals.contains(&"H1".to_string())));
    forbidden(doc1.patients(Some("H2")));
    forbidden(fx.as_user("res").patients(None));

    // The shared patient: each hospital sees its own contribution only; the operator both.
    let by_h1 = doc1.patient(PatientSpec::local("H1", "A-1")).unwrap();
    let by_h2 = doc2.patient(PatientSpec::local("H2", "Z-9")).unwrap();
    assert_eq!(by_h1.pseudonym, by_h2.pseudonym);
    assert_eq!(by_h1.hospitals, vec!["H1".to_string(), "H2".to_string()]);
    assert_eq!(diseases(&by_h1.phenopacket), vec!["oncotree:LUAD"]);
    assert_eq!(diseases(&by_h2.phenopacket), vec!["oncotree:GBM"]);
    assert_eq!(by_h1.samples.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["S1"]);
    assert_eq!(by_h2.samples.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["S3"]);
    assert!(by_h1.samples.iter().all(|s| !s.in_store), "no genotypes were ingested");
    let all = op.patient(PatientSpec::pseudonym(&by_h1.pseudonym)).unwrap();
    let mut d = diseases(&all.phenopacket);
    d.sort();
    assert_eq!(d, vec!["oncotree:GBM", "oncotree:LUAD"]);
    assert!(by_h1.consent.as_deref().is_some_and(|c| c.contains("form v3")), "{:?}", by_h1.consent);

    // Another hospital's patient, by its ID or by pseudonym, and a patient who does not exist
    // are refused alike: the refusal tells nothing about who exists.
    let b2 = doc1.patient(PatientSpec::local("H1", "B-2")).unwrap();
    let other_id = forbidden(doc2.patient(PatientSpec::local("H1", "B-2")));
    let other = forbidden(doc2.patient(PatientSpec::pseudonym(&b2.pseudonym)));
    let nobody = forbidden(doc2.patient(PatientSpec::pseudonym("0000000000000000")));
    let unknown_id = forbidden(doc2.patient(PatientSpec::local("H2", "NO-SUCH")));
    assert_eq!(other, nobody);
    assert_eq!(other, unknown_id);
    assert_eq!(other, other_id);
    forbidden(doc2.consent_history(PatientSpec::pseudonym(&b2.pseudonym)));
    forbidden(fx.as_user("res").patient(PatientSpec::pseudonym(&b2.pseudonym)));
    assert_eq!(doc1.consent_history(PatientSpec::local("H1", "B-2")).unwrap().len(), 1);
}

#[test]
fn consent_and_withdrawal_are_recorded_by_the_clinicians_own_hospital() {
    let fx = Fx::imported();
    let (doc1, doc2, op) = (fx.as_user("doc1"), fx.as_user("doc2"), fx.hub.operator());
    let shared = doc1.patient(PatientSpec::local("H1", "A-1")).unwrap().pseudonym;
    let action = ConsentAction::Consent { data_use: DataUse::parse("HMB+NCU").unwrap(), form_version: "v4".into(), secondary_use: true, recontact: false };
    let e = doc2.record_consent(PatientSpec::pseudonym(&shared), date!(2026 - 04 - 02), action.clone()).unwrap();
    assert_eq!(e.hospital, "H2", "recorded by the clinician's own hospital, not the patient's first");
    assert_eq!(doc1.consent_history(PatientSpec::pseudonym(&shared)).unwrap().len(), 2);
    let y5 = doc2.patient(PatientSpec::local("H2", "Y-5")).unwrap().pseudonym;
    forbidden(doc1.record_consent(PatientSpec::pseudonym(&y5), date!(2026 - 04 - 02), action));
    forbidden(doc1.withdraw_consent(PatientSpec::pseudonym(&y5), date!(2026 - 04 - 03)));
    assert!(fx.hub.operator().patient(PatientSpec::pseudonym(&y5)).unwrap().withdrawn.is_none(), "the refused withdrawal changed nothing");

    let excluded = doc2.withdraw_consent(PatientSpec::local("H2", "Y-5"), date!(2026 - 04 - 03)).unwrap();
    assert_eq!(excluded.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), vec!["S4"]);
    let exclusions = fx.hub.operator().patients(None).unwrap();
    assert_eq!(exclusions.iter().filter(|p| p.withdrawn.is_some()).count(), 1);
    let json = serde_json::to_value(&exclusions).unwrap();
    assert!(json.as_array().unwrap().iter().any(|p| p["withdrawn"] == "2026-04-03"), "dates in JSON as YYYY-MM-DD: {json}");
    let history = serde_json::to_value(doc2.consent_history(PatientSpec::local("H2", "Y-5")).unwrap()).unwrap();
    assert_eq!(history[1]["date"], "2026-04-03", "{history}");
    let purge = forbidden(doc2.purge_withdrawn());
    assert!(purge.contains("operator"), "{purge}");
    forbidden(doc1.export_patients(&[]));
    assert_eq!(op.export_patients(&[]).unwrap().len(), 3);
    let summary = op.purge_withdrawn().unwrap();
    assert_eq!(summary.patients, vec![y5.clone()]);
    assert!(op.patient(PatientSpec::pseudonym(&y5)).unwrap().purged);
    assert!(op.patient(PatientSpec::pseudonym(&y5)).unwrap().phenopacket["diseases"].as_array().is_none_or(Vec::is_empty), "records erased");
}

#[test]
fn clinical_reads_and_writes_are_audited_by_pseudonym_never_by_hospital_id() {
    let fx = Fx::imported();
    let doc1 = fx.as_user("doc1");
    let a1 = doc1.patient(PatientSpec::local("H1", "A-1")).unwrap().pseudonym;
    forbidden(fx.as_user("doc2").patient(PatientSpec::local("H1", "B-2")));
    doc1.consent_history(PatientSpec::local("H1", "NO-SUCH")).unwrap_err();
    // A refused import tells the importer which patient's line is wrong; the audit log keeps
    // only the file, line and field.
    std::fs::write(fx.dir.path().join("bad.csv"), format!("{HEADER}patient,Q-31337,,male,,,,,,,,,,\nconsent,Q-31337,,,,,,,,2025-01-10,v3,GRU,perhaps,yes\n"))
        .unwrap();
    let e = doc1.import_clinical("H1", &fx.file("bad.csv")).unwrap_err().to_string();
    assert!(e.contains("Q-31337") && e.contains("line 3") && e.contains("secondary_use"), "{e}");
    let entries = fx.hub.operator().audit_log(&AuditFilter::default()).unwrap();
    let failed = entries.iter().find(|e| e.parameters.get("import").is_some_and(|f| f.to_string().contains("bad.csv"))).expect("the refused import is audited");
    assert!(failed.reason.as_deref().is_some_and(|r| r.contains("line 3") && r.contains("secondary_use")), "{:?}", failed.reason);
    let text = serde_json::to_string(&entries).unwrap();
    for id in LOCAL_IDS.iter().chain(&["NO-SUCH", "Q-31337"]) {
        assert!(!text.contains(id), "the audit log holds the hospital ID {id}");
    }
    let reads: Vec<_> = entries.iter().filter(|e| e.operation == "clinical.read" && e.actor == "doc1").collect();
    assert!(reads.iter().any(|e| e.parameters["patient"] == a1.as_str()), "doc1's read of A-1 is audited under its pseudonym");
    let refused: Vec<_> = entries.iter().filter(|e| e.actor == "doc2" && e.operation == "clinical.read").collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(format!("{:?}", refused[0].decision), "Forbidden");
    let imports =
        entries.iter().filter(|e| e.operation == "clinical.write" && e.parameters.get("import").is_some() && format!("{:?}", e.decision) == "Allowed").count();
    assert_eq!(imports, 2, "the refused import is audited as refused, not allowed");
    assert!(fx.hub.operator().audit_verify().unwrap().is_ok(), "the chain verifies");
}
