//! Saved cohorts over the real server, on the clinical repository in the store: a hospital
//! saves a rule once and names it in freq and cohorts/size with the rule's own answers; another
//! hospital gets 404 for it (as for a cohort that does not exist) and may save its own of that
//! name; a researcher's cohort answers only inside its project; an uploader is refused; every
//! call is in the audit log; the OpenAPI document lists the routes.

mod common;

use std::fmt::Write as _;

use common::*;
use genohub_governance::{AccessLevel, Approval, DisclosureRules, Operation, ProjectRequest};
use reqwest::Method;
use serde_json::{json, Value};

/// Patient Pi (sample SIMi+1): hosp-a when i is even, hosp-b when odd; female when i % 4 < 2;
/// lung adenocarcinoma unless i % 3 == 0 (colon then); consent GRU+CC with secondary use.
fn luad(i: usize) -> bool {
    !i.is_multiple_of(3)
}

fn csv(parity: usize) -> String {
    let mut s = String::from("record,patient_id,sex,vital_status,term,onset_age,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact\n");
    for i in (0..SAMPLES).filter(|i| i % 2 == parity) {
        let sex = if i % 4 < 2 { "female" } else { "male" };
        let term = if luad(i) { "oncotree:LUAD|Lung Adenocarcinoma" } else { "oncotree:COAD|Colon Adenocarcinoma" };
        let _ = writeln!(s, "patient,P{i},{sex},alive,,,,,,,,,,,");
        let _ = writeln!(s, "disease,P{i},,,{term},60,,,,,,,,,");
        let _ = writeln!(s, "sample,P{i},,,,,S{i},tumor,{CENTER},{},,,,,", sample_name(i));
        let _ = writeln!(s, "consent,P{i},,,,,,,,,2025-01-10,v3,GRU+CC,yes,yes");
    }
    s
}

fn with(url: &str, params: &[(&str, &str)]) -> String {
    reqwest::Url::parse_with_params(url, params).unwrap().to_string()
}

/// Two approved aggregate projects of `res` (cohort size and freq), small cohorts allowed.
fn projects(fx: &Fixture) -> (String, String) {
    let hub = fx.hub();
    let res = hub.authenticate(fx.token("res")).unwrap();
    let rev = hub.authenticate(fx.token("rev")).unwrap();
    let mut ids = Vec::new();
    for title in ["first", "second"] {
        let req = ProjectRequest {
            title: title.into(),
            research: "HMB".into(),
            disease: None,
            members: vec![],
            analyses: vec![Operation::CohortSize, Operation::Freq],
            cohort_rule: None,
            access: AccessLevel::Aggregate,
            irb: Some("IRB-1".into()),
            accepted_conditions: vec![],
            start: None,
            expires: None,
        };
        let id = res.submit_project(&req).unwrap().id;
        let disclosure = Some(DisclosureRules { k: 2, min_cohort: 2, min_an: 2, daily_budget: 200 });
        rev.approve_project(&id, &Approval { conditions: "aggregates only".into(), disclosure, ..Default::default() }).unwrap();
        ids.push(id);
    }
    (ids.remove(0), ids.remove(0))
}

#[test]
fn saved_cohorts_are_the_organisations_and_answer_like_their_definition() {
    let fx = Fixture::new();
    fx.ingest(&fx.cohort_vcf(3));
    fx.import_clinical(&[("hosp-a", csv(0)), ("hosp-b", csv(1))]);
    let (p1, p2) = projects(&fx);
    let srv = TestServer::start_with_repository(fx.config());
    let api = format!("{}/api/v1", srv.url);
    let (doc, docb, res, up, rev) = (fx.token("doc"), fx.token("docb"), fx.token("res"), fx.token("up"), fx.token("rev"));
    let rule = "cancer_type=LUAD";
    let region = "chr20:1-40000";

    // A hospital saves a rule; by name it answers exactly as the rule does.
    let (status, saved) = send(Method::POST, &format!("{api}/cohorts"), Some(doc), Some(json!({"name": "lung", "rule": rule})));
    assert_eq!(status, 201, "{saved}");
    assert_eq!((&saved["name"], &saved["org"], &saved["kind"]), (&json!("lung"), &json!("hosp-a"), &json!("rule")), "{saved}");
    let size = |token: &str, params: &[(&str, &str)]| get(&with(&format!("{api}/cohorts/size"), params), Some(token));
    let (status, by_name) = size(doc, &[("cohort", "lung")]);
    assert_eq!(status, 200, "{by_name}");
    assert_eq!(by_name, size(doc, &[("rule", rule)]).1);
    assert_eq!(by_name["individuals"], (0..SAMPLES).filter(|&i| luad(i)).count(), "every LUAD patient consents to clinical care: {by_name}");
    let freq = |token: &str, params: &[(&str, &str)]| get(&with(&format!("{api}/freq"), &[&[("region", region)][..], params].concat()), Some(token));
    let (status, rows) = freq(doc, &[("cohort", "lung")]);
    assert_eq!(status, 200, "{rows}");
    assert!(!rows["variants"].as_array().unwrap().is_empty(), "{rows}");
    assert_eq!(rows, freq(doc, &[("rule", rule)]).1);
    let (status, shown) = get(&format!("{api}/cohorts/lung"), Some(doc));
    assert_eq!((status, &shown["rule"], &shown["size"]), (200, &json!(rule), &by_name), "{shown}");

    // Another hospital: 404 for every use, the same answer as for a cohort that does not exist.
    let missing = get(&format!("{api}/cohorts/nosuch"), Some(docb));
    assert_eq!(missing.0, 404, "{}", missing.1);
    let like_missing = |(status, body): (u16, Value), name: &str| {
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["code"], missing.1["code"]);
        assert_eq!(body["message"].as_str().unwrap().replace(name, "X"), missing.1["message"].as_str().unwrap().replace("nosuch", "X"));
    };
    like_missing(get(&format!("{api}/cohorts/lung"), Some(docb)), "lung");
    like_missing(send(Method::DELETE, &format!("{api}/cohorts/lung"), Some(docb), None), "lung");
    like_missing(size(docb, &[("cohort", "lung")]), "lung");
    like_missing(freq(docb, &[("cohort", "lung")]), "lung");
    like_missing(size(docb, &[("cohort", "hosp-a/lung")]), "hosp-a/lung");
    assert_eq!(get(&format!("{api}/cohorts"), Some(docb)).1, json!({"cohorts": []}));
    // ... and saves its own under the same name.
    let (status, theirs) = send(Method::POST, &format!("{api}/cohorts"), Some(docb), Some(json!({"name": "lung", "rule": "cancer_type=COAD"})));
    assert_eq!(status, 201, "{theirs}");
    assert_eq!(size(docb, &[("cohort", "lung")]).1["individuals"], (0..SAMPLES).filter(|&i| !luad(i)).count());
    assert_eq!(size(doc, &[("cohort", "lung")]).1, by_name, "each hospital keeps its own");
    let (_, listed) = get(&format!("{api}/cohorts"), Some(doc));
    assert_eq!(listed["cohorts"].as_array().unwrap().len(), 1, "{listed}");

    // A taken name, bad rules, samples that are not the hospital's, malformed bodies.
    let (status, body) = send(Method::POST, &format!("{api}/cohorts"), Some(doc), Some(json!({"name": "lung", "rule": "sex=male"})));
    assert_eq!((status, body["code"].as_str()), (409, Some("cohort_exists")), "{body}");
    let (status, body) = send(Method::POST, &format!("{api}/cohorts"), Some(doc), Some(json!({"name": "lung", "rule": "sex=female", "replace": true})));
    assert_eq!(status, 201, "{body}");
    let females = (0..SAMPLES).filter(|i| i % 4 < 2).count();
    assert_eq!(size(doc, &[("cohort", "lung")]).1["individuals"], females);
    for (body, what) in [
        (json!({"name": "bad", "rule": "cancer_type="}), "bad rule"),
        (json!({"name": "odd", "samples": [format!("{CENTER}/{}", sample_name(1))]}), "hosp-b's sample"),
        (json!({"name": "odd", "samples": ["NOPE"]}), "unknown sample"),
        (json!({"name": "both", "rule": rule, "samples": ["x"]}), "rule and samples"),
        (json!({"name": "a/b", "rule": rule}), "a name with a slash"),
    ] {
        let (status, answer) = send(Method::POST, &format!("{api}/cohorts"), Some(doc), Some(body));
        assert_eq!(status, 422, "{what}: {answer}");
    }
    let (status, pair) = send(Method::POST, &format!("{api}/cohorts"), Some(doc), Some(json!({"name": "pair", "samples": [sample_name(0), sample_name(2)]})));
    assert_eq!(status, 201, "{pair}");
    let (_, shown) = get(&format!("{api}/cohorts/pair"), Some(doc));
    assert_eq!(shown["members"], json!([format!("{CENTER}/{}", sample_name(0)), format!("{CENTER}/{}", sample_name(2))]), "{shown}");

    // Roles without the right, and no token.
    let (status, body) = send(Method::POST, &format!("{api}/cohorts"), Some(up), Some(json!({"name": "mine", "rule": rule})));
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    assert_eq!(get(&format!("{api}/cohorts"), Some(up)).0, 403);
    assert_eq!(get(&format!("{api}/cohorts"), Some(rev)).0, 403);
    assert_eq!(get(&format!("{api}/cohorts"), None).0, 401);
    assert_eq!(send(Method::POST, &format!("{api}/cohorts"), None, Some(json!({"name": "mine", "rule": rule}))).0, 401);

    // A researcher's cohort belongs to a project and answers only there.
    let (status, body) = send(Method::POST, &format!("{api}/cohorts"), Some(res), Some(json!({"name": "luad", "rule": rule})));
    assert_eq!(status, 403, "a researcher's cohort needs a project: {body}");
    let (status, body) = send(Method::POST, &format!("{api}/cohorts"), Some(res), Some(json!({"name": "luad", "rule": rule, "project": p1})));
    assert_eq!((status, &body["project"]), (201, &json!(p1)), "{body}");
    let (status, in_p1) = size(res, &[("cohort", "luad"), ("project", p1.as_str())]);
    assert_eq!(status, 200, "{in_p1}");
    assert_eq!(in_p1, size(res, &[("rule", rule), ("project", p1.as_str())]).1);
    assert_eq!(freq(res, &[("cohort", "luad"), ("project", p1.as_str())]).1, freq(res, &[("rule", rule), ("project", p1.as_str())]).1);
    let (status, body) = size(res, &[("cohort", "luad"), ("project", p2.as_str())]);
    assert_eq!(status, 403, "only inside its project: {body}");
    let (status, shown) = get(&format!("{api}/cohorts/luad"), Some(res));
    assert_eq!((status, &shown["members"], &shown["size"]), (200, &Value::Null, &in_p1), "an aggregate project: size, no member names: {shown}");
    like_missing(get(&format!("{api}/cohorts/luad"), Some(doc)), "luad");

    // Deleting: then the name is unknown to its own hospital too.
    assert_eq!(send(Method::DELETE, &format!("{api}/cohorts/pair"), Some(doc), None), (200, json!({"deleted": "pair"})));
    like_missing(get(&format!("{api}/cohorts/pair"), Some(doc)), "pair");

    // Every call is in the audit log, refusals too.
    let (status, log) = get(&format!("{api}/audit?limit=100000"), Some(rev));
    assert_eq!(status, 200, "{log}");
    let entries = log["entries"].as_array().unwrap();
    let count =
        |actor: &str, op: &str, decision: &str| entries.iter().filter(|e| e["actor"] == actor && e["operation"] == op && e["decision"] == decision).count();
    assert_eq!(count("doc", "cohort.write", "allowed"), 4, "lung, its replacement, pair, the deletion");
    assert_eq!(count("doc", "cohort.write", "failed"), 5, "the taken name and four bad definitions (the malformed body never reached governance)");
    assert_eq!(count("doc", "cohort.read", "allowed"), 3, "two shows and a listing");
    assert_eq!(count("doc", "cohort.read", "failed"), 2, "the researcher's cohort, and pair once deleted");
    assert_eq!(count("docb", "cohort.read", "failed"), 2, "the unknown cohort and hosp-a's");
    assert_eq!(count("docb", "cohort.write", "failed"), 1, "the refused deletion");
    assert_eq!(count("up", "cohort.write", "forbidden"), 1);
    assert_eq!(count("up", "cohort.read", "forbidden"), 1);
    assert_eq!(count("res", "cohort.write", "forbidden"), 1);
    assert!(entries.iter().any(|e| e["actor"] == "res" && e["operation"] == "cohort.write" && e["project"] == json!(p1) && e["decision"] == "allowed"));

    // The OpenAPI document lists the routes and their methods.
    let (_, doc_) = get(&format!("{api}/openapi.json"), None);
    for (path, methods) in [("/api/v1/cohorts", ["get", "post"]), ("/api/v1/cohorts/{name}", ["get", "delete"])] {
        for m in methods {
            assert!(doc_["paths"][path][m].is_object(), "{m} {path} is not documented");
        }
    }
}
