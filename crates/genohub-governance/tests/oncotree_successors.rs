//! Cancer types across OncoTree releases, through the facade on a real store with the shared
//! OncoTree loaded: a patient imported with a code the release revoked (`GBM`, now `GB`) is
//! counted by its successor and the nodes above it, and by the former code itself; a patient
//! with a code spelled with '/' or '-' (`MDS/MPN`, `HCL-V`) imports and is counted by its
//! filter; disease-specific consents written with a former code cover projects on its
//! successor and the other way round. Skips when the shared tree is absent.

mod common;

use std::path::{Path, PathBuf};

use genohub_governance::{AccessLevel, Approval, Clock, Count, Hub, IndividualFilters, OncoTree, Operation, OrgKind, Role, Session};
use genohub_keys::HubKey;
use genohub_store::{IngestOptions, NoProgress, Store};
use time::macros::datetime;

fn shared_tree() -> Option<OncoTree> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
    if !path.exists() {
        eprintln!("skipping: {} not present", path.display());
        return None;
    }
    Some(OncoTree::load(&path).unwrap())
}

/// Patient `P{i}`: (disease, consent). P0–P4 consent to clinical care (so a clinician counts
/// them); P5–P8 give only disease-specific research consents.
const PATIENTS: [(&str, &str); 9] = [
    ("oncotree:GBM", "GRU+CC"),
    ("oncotree:GB", "GRU+CC"),
    ("oncotree:MDS/MPN", "GRU+CC"),
    ("oncotree:LUAD", "GRU+CC"),
    ("oncotree:HCL-V", "GRU+CC"),
    ("oncotree:LUAD", "DS:oncotree:GBM"),
    ("oncotree:LUAD", "DS:oncotree:BRAIN"),
    ("oncotree:LUAD", "DS:oncotree:LUNG"),
    ("oncotree:LUAD", "DS:oncotree:GB"),
];

fn vcf(dir: &Path) -> PathBuf {
    let names: Vec<String> = (0..PATIENTS.len()).map(|i| format!("G{i}")).collect();
    let mut text = format!("##fileformat=VCFv4.2\n##contig=<ID=chr20,length=30000>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{}\n", names.join("\t"));
    text += &format!("chr20\t100\t.\tA\tG\t.\t.\t.\tGT\t{}\n", vec!["0/1"; names.len()].join("\t"));
    let path = dir.join("cohort.vcf");
    std::fs::write(&path, text).unwrap();
    path
}

fn clinical_csv(dir: &Path) -> PathBuf {
    let mut text =
        String::from("record,patient_id,sex,term,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact\n");
    for (i, (disease, consent)) in PATIENTS.iter().enumerate() {
        text += &format!("patient,P{i},female,,,,,,,,,,\n");
        text += &format!("disease,P{i},,{disease},,,,,,,,,\n");
        text += &format!("sample,P{i},,,S{i},tumor,seqA,G{i},,,,,\n");
        text += &format!("consent,P{i},,,,,,,2025-01-10,v3,{consent},yes,yes\n");
    }
    let path = dir.join("h1.csv");
    std::fs::write(&path, text).unwrap();
    path
}

struct Fx {
    _dir: tempfile::TempDir,
    hub: Hub,
    tokens: Vec<(String, String)>,
    /// Pseudonym of patient `P{i}`.
    pseudonyms: Vec<String>,
}

impl Fx {
    fn new(tree: OncoTree) -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let hub = Hub::new(store, HubKey::from_bytes([4; 32])).unwrap().with_clock(Clock::Fixed(datetime!(2026-05-01 10:00 UTC))).with_oncotree(tree);
        let op = hub.operator();
        op.ingest(&vcf(dir.path()), &IngestOptions { center: "seqA".into(), threads: 1, ..Default::default() }, &NoProgress).unwrap();
        let tokens = common::orgs_and_users(
            &op,
            &[("seqA", OrgKind::SequencingCenter), ("H1", OrgKind::Hospital), ("pharma", OrgKind::Company), ("irc", OrgKind::Committee)],
            &[("doc1", "H1", Role::Clinician), ("res", "pharma", Role::Researcher), ("rev", "irc", Role::Committee)],
        );
        drop(op);
        let mut fx = Fx { hub, tokens, pseudonyms: Vec::new(), _dir: dir };
        let report = fx.as_user("doc1").import_clinical("H1", &[clinical_csv(fx._dir.path())]).unwrap();
        assert_eq!(report.patients.len(), PATIENTS.len());
        fx.pseudonyms =
            (0..PATIENTS.len()).map(|i| report.patients.iter().find(|(record, _)| record.contains(&format!("patient P{i})"))).unwrap().1.clone()).collect();
        fx
    }

    fn as_user(&self, user: &str) -> Session<'_> {
        self.hub.authenticate(&self.tokens.iter().find(|(u, _)| u == user).unwrap().1).unwrap()
    }

    /// The clinician's exact count of individuals for `oncotree:CODE` filters.
    fn count(&self, filters: IndividualFilters) -> u64 {
        let size = self.as_user("doc1").individuals_count(None, &filters).unwrap_or_else(|e| panic!("{filters:?}: {e}"));
        match size.individuals {
            Some(Count::Exact(n)) => n,
            other => panic!("{filters:?}: {other:?}"),
        }
    }

    fn by_code(&self, code: &str) -> u64 {
        self.count(IndividualFilters { cancer_types: vec![code.into()], ..Default::default() })
    }
}

#[test]
fn patients_under_former_and_slashed_codes_are_counted_by_their_filters() {
    let Some(tree) = shared_tree() else { return };
    let gb_nci = tree.nci_ids("GB").first().cloned();
    let mut above_gb = Vec::new();
    let mut c = "GB";
    while let Some(p) = tree.parent(c) {
        above_gb.push(p.to_string());
        c = p;
    }
    // The premises, read from the release: GBM is gone, GB took it over, GB lies under BRAIN.
    assert!(!tree.contains("GBM") && tree.current("GBM") == ["GB"]);
    assert!(above_gb.contains(&"BRAIN".to_string()) && tree.contains("MDS/MPN") && tree.contains("HCL-V"));
    let fx = Fx::new(tree.clone());

    // The GBM patient is stored as imported...
    let op = fx.hub.operator();
    let recorded = op.patient(genohub_governance::PatientSpec::pseudonym(&fx.pseudonyms[0])).unwrap();
    assert!(recorded.phenopacket.to_string().contains("\"oncotree:GBM\""), "{}", recorded.phenopacket);
    // ...and counted with the GB patient by GB, by the former code, and by every node above
    // GB but the root (which holds every patient).
    assert_eq!(fx.by_code("GB"), 2);
    assert_eq!(fx.by_code("GBM"), 2, "a former code asks for its successor");
    assert_eq!(fx.by_code("gbm"), 2);
    for parent in above_gb.iter().filter(|p| tree.parent(p).is_some()) {
        assert_eq!(fx.by_code(parent), 2, "{parent}");
    }
    assert_eq!(fx.by_code("TISSUE"), 5);
    if let Some(id) = gb_nci {
        assert_eq!(fx.count(IndividualFilters { ncit_cancer_types: vec![id.clone()], ..Default::default() }), 2, "NCIT:{id}");
    }
    assert_eq!(fx.by_code("LUNG"), 1, "the consenting LUAD patient only");

    // Codes spelled with '/' and '-': imported, counted by their own filter and their parents'.
    assert_eq!(fx.by_code("MDS/MPN"), 1);
    assert_eq!(fx.by_code("mds/mpn"), 1);
    assert_eq!(fx.by_code(tree.parent("MDS/MPN").unwrap()), 1);
    assert_eq!(fx.by_code("HCL-V"), 1);
    assert_eq!(fx.by_code(tree.parent("HCL-V").unwrap()), 1);
    // Anonymous: one bit, the same reading.
    let anon = fx.hub.anonymous();
    for (code, exists) in [("GB", true), ("GBM", true), ("BRAIN", true), ("MDS/MPN", true), ("SKCM", false)] {
        assert_eq!(anon.individuals_exist(&IndividualFilters { cancer_types: vec![code.into()], ..Default::default() }).unwrap(), exists, "{code}");
    }
    // A code neither current nor former is still refused.
    let e = fx.as_user("doc1").individuals_count(None, &IndividualFilters { cancer_types: vec!["GBMX".into()], ..Default::default() }).unwrap_err();
    assert!(e.to_string().contains("GBMX"), "{e}");
}

#[test]
fn disease_specific_consents_read_former_codes_as_their_successors() {
    let Some(tree) = shared_tree() else { return };
    let fx = Fx::new(tree);
    let included = |disease: &str| -> Vec<usize> {
        let req = common::request(&format!("research on {disease}"), "DS", Some(disease), &[Operation::CohortSize], AccessLevel::Aggregate);
        let p = fx.as_user("res").submit_project(&req).unwrap();
        fx.as_user("rev").approve_project(&p.id, &Approval { conditions: "aggregate only".into(), ..Default::default() }).unwrap();
        let x = fx.as_user("rev").explain_project(&p.id).unwrap();
        // Only the disease-specific consents (P5–P8) are in question; GRU covers every project.
        (5..PATIENTS.len()).filter(|i| x.verdicts.iter().any(|v| v.pseudonym == fx.pseudonyms[*i] && v.included)).collect()
    };
    // Consents DS:GBM (P5), DS:BRAIN (P6), DS:LUNG (P7), DS:GB (P8).
    assert_eq!(included("oncotree:GB"), [5, 6, 8], "GBM's consent covers its successor; BRAIN's covers a node below it");
    assert_eq!(included("oncotree:GBM"), [5, 6, 8], "a project on the former code: covered by GB's and BRAIN's consents");
    assert_eq!(included("oncotree:LUAD"), [7]);
    assert_eq!(included("oncotree:BRAIN"), [6], "GB's and GBM's consents do not cover all of BRAIN");
}
