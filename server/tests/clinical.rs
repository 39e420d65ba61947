//! Patients and consent over the real server, on the clinical repository in the store: a
//! clinician lists, reads and records consent for its own hospital's patients only; other
//! roles and other hospitals are refused; a withdrawal takes the patient's samples out of
//! the answers at once.

mod common;

use std::fmt::Write as _;

use common::*;
use serde_json::json;

/// Patient Pi (sample SIM0000{i+1}) of hosp-a when i is even, hosp-b when odd, consent GRU+CC.
fn csv(parity: usize) -> String {
    let mut s = String::from("record,patient_id,sex,vital_status,term,onset_age,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact\n");
    for i in (0..6).filter(|i| i % 2 == parity) {
        let _ = writeln!(s, "patient,P{i},female,alive,,,,,,,,,,,");
        let _ = writeln!(s, "disease,P{i},,,oncotree:LUAD|x,60,,,,,,,,,");
        let _ = writeln!(s, "sample,P{i},,,,,S{i},germline,{CENTER},{},,,,,", sample_name(i));
        let _ = writeln!(s, "consent,P{i},,,,,,,,,2025-01-10,v3,GRU+CC,yes,yes");
    }
    s
}

#[test]
fn hospitals_see_and_change_only_their_own_patients() {
    let fx = Fixture::new();
    fx.ingest(&fx.cohort_vcf(2));
    fx.import_clinical(&[("hosp-a", csv(0)), ("hosp-b", csv(1))]);
    let srv = TestServer::start_with_repository(fx.config());
    let api = format!("{}/api/v1", srv.url);

    // The list: a clinician's own hospital only; other roles refused; anonymous 401.
    let (status, body) = get(&format!("{api}/patients"), Some(fx.token("doc")));
    assert_eq!(status, 200, "{body}");
    let list = body["patients"].as_array().unwrap();
    assert_eq!(list.len(), 3, "{body}");
    assert!(list.iter().all(|p| p["hospitals"] == json!(["hosp-a"])), "{body}");
    assert!(list.iter().all(|p| !p["pseudonym"].as_str().unwrap().starts_with('P')), "pseudonyms, not hospital IDs: {body}");
    assert_eq!(get(&format!("{api}/patients?hospital=hosp-b"), Some(fx.token("doc"))).0, 403);
    for user in ["res", "up", "rev"] {
        let (status, body) = get(&format!("{api}/patients"), Some(fx.token(user)));
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{user}: {body}");
    }
    assert_eq!(get(&format!("{api}/patients"), None).0, 401);

    // One patient, by the hospital's ID or by pseudonym; another hospital's patient refused.
    let (status, p0) = get(&format!("{api}/patients/P0?hospital=hosp-a"), Some(fx.token("doc")));
    assert_eq!(status, 200, "{p0}");
    let pseudonym = p0["pseudonym"].as_str().unwrap().to_string();
    assert!(list.iter().any(|p| p["pseudonym"] == pseudonym.as_str()));
    assert_eq!(p0["samples"][0]["name"], sample_name(0), "{p0}");
    let (status, same) = get(&format!("{api}/patients/{pseudonym}"), Some(fx.token("doc")));
    assert_eq!((status, &same["pseudonym"]), (200, &p0["pseudonym"]), "{same}");
    assert_eq!(get(&format!("{api}/patients/P1?hospital=hosp-b"), Some(fx.token("doc"))).0, 403);
    assert_eq!(get(&format!("{api}/patients/{pseudonym}"), Some(fx.token("docb"))).0, 403);
    assert_eq!(get(&format!("{api}/patients/P1?hospital=hosp-b"), Some(fx.token("docb"))).0, 200);

    // Consent: history, a new consent, refusals for another hospital and bad input.
    let consent_url = format!("{api}/patients/{pseudonym}/consent");
    let (status, h) = get(&consent_url, Some(fx.token("doc")));
    assert_eq!((status, h["events"].as_array().unwrap().len()), (200, 1), "{h}");
    let cc_scope = |label: &str| {
        let (status, size) = get(&format!("{api}/cohorts/size"), Some(fx.token("doc")));
        assert_eq!(status, 200, "{label}: {size}");
        size["individuals"].as_u64().unwrap_or_else(|| panic!("{label}: {size}"))
    };
    assert_eq!(cc_scope("before"), 6, "every patient consents to clinical care");
    let new = json!({"date": "2026-01-02", "data_use": "HMB+NCU", "form_version": "v4", "secondary_use": true, "recontact": false});
    assert_eq!(send(reqwest::Method::POST, &consent_url, Some(fx.token("docb")), Some(new.clone())).0, 403);
    assert_eq!(send(reqwest::Method::POST, &consent_url, Some(fx.token("res")), Some(new.clone())).0, 403);
    let mut bad = new.clone();
    bad["date"] = "2026-13-40".into();
    assert_eq!(send(reqwest::Method::POST, &consent_url, Some(fx.token("doc")), Some(bad)).0, 422);
    let (status, event) = send(reqwest::Method::POST, &consent_url, Some(fx.token("doc")), Some(new));
    assert_eq!(status, 201, "{event}");
    assert_eq!(event["hospital"], "hosp-a");
    let (_, h) = get(&consent_url, Some(fx.token("doc")));
    assert_eq!(h["events"].as_array().unwrap().len(), 2, "{h}");
    assert_eq!(cc_scope("after HMB+NCU"), 5, "the new consent (no CC) is in force from its date");

    // Withdrawal: refused for another hospital; then the sample leaves the clinician's scope.
    let withdraw_url = format!("{api}/patients/{pseudonym}/withdrawal");
    assert_eq!(send(reqwest::Method::POST, &withdraw_url, Some(fx.token("docb")), Some(json!({"date": "2026-02-01"}))).0, 403);
    let genotypes = format!("{api}/genotypes?region=chr20:1-40000&samples={CENTER}/{}", sample_name(0));
    let resp = client().get(&genotypes).bearer_auth(fx.token("doc")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200, "the clinician's own patient, before the withdrawal");
    let (status, w) = send(reqwest::Method::POST, &withdraw_url, Some(fx.token("doc")), Some(json!({"date": "2026-02-01"})));
    assert_eq!(status, 200, "{w}");
    assert_eq!(w["excluded_samples"], json!([format!("{CENTER}/{}", sample_name(0))]), "{w}");
    let resp = client().get(&genotypes).bearer_auth(fx.token("doc")).send().unwrap();
    // Refused (outside the scope) or unknown (the store no longer returns the sample): never shown.
    assert!(matches!(resp.status().as_u16(), 403 | 422), "a withdrawn patient's genotypes are no longer shown: {}", resp.status());
    let (_, list) = get(&format!("{api}/patients"), Some(fx.token("doc")));
    assert!(
        list["patients"].as_array().unwrap().iter().any(|p| p["pseudonym"] == pseudonym.as_str() && !p["withdrawn"].is_null() && p["consent"].is_null()),
        "{list}"
    );
}
