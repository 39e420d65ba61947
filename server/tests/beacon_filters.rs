//! Beacon `/individuals` with filters (sex, cancer type) over a real clinical repository:
//! anonymous callers get a yes/no, a clinician the exact count of its clinical-care scope, a
//! project member the project's disclosure-controlled count (small counts as a boolean). Every
//! answer validates against the Beacon v2 response schemas and is checked against the
//! patients that were imported.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;

use common::*;
use genohub_governance::{AccessLevel, Approval, DisclosureRules, Operation, ProjectRequest};
use serde_json::Value;

const TYPES: [&str; 3] = ["LUAD", "BRCA", "COAD"];

fn cancer(i: usize) -> &'static str {
    if i == 11 {
        "GBM"
    } else {
        TYPES[i % 3]
    }
}

/// Patient i (sample SIM0000{i+1}): cancer type TYPES[i % 3] (patient 11: GBM), female when
/// i is even, of hosp-a when even and hosp-b when odd; consent GRU+CC with secondary use,
/// except patient 11 (no consent recorded).
fn clinical_csv(hospital_parity: usize) -> String {
    let mut s = String::from("record,patient_id,sex,vital_status,term,onset_age,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact\n");
    for i in (0..SAMPLES).filter(|i| i % 2 == hospital_parity) {
        let sex = if i % 2 == 0 { "female" } else { "male" };
        let _ = writeln!(s, "patient,P{i},{sex},alive,,,,,,,,,,,");
        let _ = writeln!(s, "disease,P{i},,,oncotree:{}|x,60,,,,,,,,,", cancer(i));
        let _ = writeln!(s, "sample,P{i},,,,,S{i},germline,{CENTER},{},,,,,", sample_name(i));
        if i != 11 {
            let _ = writeln!(s, "consent,P{i},,,,,,,,,2025-01-10,v3,GRU+CC,yes,yes");
        }
    }
    s
}

fn schemas() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/beacon-v2/framework/json/responses");
    dir.is_dir().then(|| dir.canonicalize().unwrap())
}

fn check(dir: &Option<PathBuf>, name: &str, body: &Value) {
    let Some(dir) = dir else { return };
    let path = dir.join(name);
    let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let uri = url::Url::from_file_path(&path).unwrap().to_string();
    let validator = jsonschema::options().with_base_uri(uri).build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{body:#}");
}

/// The patients (of those with a consent in force) matching a cancer type and optional sex.
fn expected(cancer: &str, female: Option<bool>) -> usize {
    (0..SAMPLES).filter(|i| *i != 11 && self::cancer(*i) == cancer && female.is_none_or(|f| (i % 2 == 0) == f)).count()
}

#[test]
fn individuals_with_filters_by_caller() {
    let dir = schemas();
    if dir.is_none() {
        eprintln!("skipping schema validation: shared/data/beacon-v2 is absent");
    }
    let fx = Fixture::new();
    fx.ingest(&fx.cohort_vcf(4));
    {
        // As `genohub patient import` does: the hospitals' records into the store's repository.
        let store = genohub_store::Store::open(&fx.store_dir()).unwrap();
        let key = genohub_keys::HubKey::load_or_generate(&genohub_keys::default_path(&fx.store_dir()), false).unwrap();
        let clinical = genohub_clinical::Clinical::new(&store, &key).unwrap();
        for (hospital, parity) in [("hosp-a", 0), ("hosp-b", 1)] {
            let csv = fx.dir.path().join(format!("{hospital}.csv"));
            std::fs::write(&csv, clinical_csv(parity)).unwrap();
            clinical.import(hospital, &[csv]).unwrap();
        }
    }
    // A company project (cohort size only) with k = 2 and a minimum cohort of 2.
    {
        let hub = fx.hub();
        let res = hub.authenticate(fx.token("res")).unwrap();
        let req = ProjectRequest {
            title: "beacon counts".into(),
            research: "GRU".into(),
            disease: None,
            members: vec![],
            analyses: vec![Operation::CohortSize],
            cohort_rule: None,
            access: AccessLevel::Aggregate,
            irb: Some("IRB-1".into()),
            accepted_conditions: vec![],
            start: None,
            expires: None,
        };
        let p = res.submit_project(&req).unwrap();
        let rules = DisclosureRules { k: 2, min_cohort: 2, ..Default::default() };
        hub.authenticate(fx.token("rev")).unwrap().approve_project(&p.id, &Approval { disclosure: Some(rules), ..Default::default() }).unwrap();
        assert_eq!(p.id, "P0001");
    }
    let srv = TestServer::start_with_repository(fx.config());
    let b = format!("{}/beacon/v2/individuals", srv.url);

    // Anonymous: yes/no only, true exactly when a consenting patient matches.
    for (filters, exists) in [("oncotree:LUAD", true), ("oncotree:LUAD,NCIT:C16576", true), ("oncotree:SKCM", false), ("oncotree:brca,NCIT:C20197", true)] {
        let (status, body) = get(&format!("{b}?filters={filters}&requestedGranularity=count"), None);
        assert_eq!(status, 200, "{filters}: {body}");
        check(&dir, "beaconBooleanResponse.json", &body);
        assert_eq!(body["responseSummary"]["exists"], exists, "{filters}: {body}");
        assert_eq!(body["meta"]["returnedGranularity"], "boolean");
        assert_eq!(body["meta"]["receivedRequestSummary"]["filters"].as_array().unwrap().len(), filters.split(',').count());
    }
    // Patient 11 (the only GBM) has no consent: neither existence nor counts include him.
    let (_, body) = get(&format!("{b}?filters=oncotree:GBM"), None);
    assert_eq!(body["responseSummary"]["exists"], false, "{body}");
    let (_, body) = get(&format!("{b}?filters=oncotree:GBM&requestedGranularity=count"), Some(fx.token("doc")));
    assert_eq!((body["responseSummary"]["exists"].clone(), body["responseSummary"]["numTotalResults"].clone()), (false.into(), 0.into()), "{body}");

    // A clinician: exact counts over every patient with clinical-care consent (both hospitals).
    for (filters, cancer, female) in
        [("oncotree:LUAD", "LUAD", None), ("oncotree:LUAD,NCIT:C16576", "LUAD", Some(true)), ("oncotree:COAD,NCIT:C20197", "COAD", Some(false))]
    {
        let (status, body) = get(&format!("{b}?filters={filters}&requestedGranularity=count"), Some(fx.token("doc")));
        assert_eq!(status, 200, "{filters}: {body}");
        check(&dir, "beaconCountResponse.json", &body);
        assert_eq!(body["responseSummary"]["numTotalResults"], expected(cancer, female), "{filters}: {body}");
    }

    // A project member: counts under the project's rules (patient 11, without consent, is
    // outside the project); a cohort below the project's minimum is refused without its size.
    let (status, body) = get(&format!("{b}?requestedGranularity=count&project=P0001"), Some(fx.token("res")));
    assert_eq!(status, 200, "{body}");
    check(&dir, "beaconCountResponse.json", &body);
    assert_eq!(body["responseSummary"]["numTotalResults"], SAMPLES - 1, "{body}");
    let (_, body) = get(&format!("{b}?filters=oncotree:LUAD&requestedGranularity=count&project=P0001"), Some(fx.token("res")));
    assert_eq!(body["responseSummary"]["numTotalResults"], expected("LUAD", None), "{body}");
    assert_eq!(expected("COAD", Some(false)), 1);
    let (status, body) = get(&format!("{b}?filters=oncotree:COAD,NCIT:C20197&requestedGranularity=count&project=P0001"), Some(fx.token("res")));
    assert_eq!(status, 403, "{body}");
    check(&dir, "beaconErrorResponse.json", &body);
    assert!(body["error"]["errorMessage"].as_str().unwrap().contains("minimum of 2"), "{body}");
    // Outside a project a researcher has no scope to count in.
    let (status, body) = get(&format!("{b}?filters=oncotree:LUAD&requestedGranularity=count"), Some(fx.token("res")));
    assert_eq!(status, 403, "{body}");
    check(&dir, "beaconErrorResponse.json", &body);

    // The advertised terms are the ones accepted.
    let (_, terms) = get(&format!("{}/beacon/v2/filtering_terms", srv.url), None);
    check(&dir, "beaconFilteringTermsResponse.json", &terms);
    for t in terms["response"]["filteringTerms"].as_array().unwrap() {
        let (status, body) = get(&format!("{b}?filters={}", t["id"].as_str().unwrap()), None);
        assert_eq!(status, 200, "{t}: {body}");
    }
    srv.stop();

    // Anonymous questions are audited as `exists` by the anonymous principal.
    let log = fx.hub().operator().audit_log(&Default::default()).unwrap();
    assert!(log.iter().any(|e| e.actor == "anonymous" && e.operation == "exists" && e.parameters.to_string().contains("LUAD")));
}
