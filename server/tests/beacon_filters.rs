//! Beacon `/individuals` with filters (sex, cancer type) over a real clinical repository:
//! anonymous callers get a yes/no, a clinician the exact count of its clinical-care scope, a
//! project member the project's disclosure-controlled count (small counts as a boolean). Every
//! answer validates against the Beacon v2 response schemas and is checked against the
//! patients that were imported.

mod common;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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

/// Patient i (sample SIM0000{i+1}): disease term `term(i)`, female when i is even, of hosp-a
/// when even and hosp-b when odd; consent GRU+CC with secondary use, except patient 11 (no
/// consent recorded).
fn clinical_csv(hospital_parity: usize, term: &dyn Fn(usize) -> String) -> String {
    let mut s = String::from("record,patient_id,sex,vital_status,term,onset_age,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact\n");
    for i in (0..SAMPLES).filter(|i| i % 2 == hospital_parity) {
        let sex = if i % 2 == 0 { "female" } else { "male" };
        let _ = writeln!(s, "patient,P{i},{sex},alive,,,,,,,,,,,");
        let _ = writeln!(s, "disease,P{i},,,{}|x,60,,,,,,,,,", term(i));
        let _ = writeln!(s, "sample,P{i},,,,,S{i},germline,{CENTER},{},,,,,", sample_name(i));
        if i != 11 {
            let _ = writeln!(s, "consent,P{i},,,,,,,,,2025-01-10,v3,GRU+CC,yes,yes");
        }
    }
    s
}

/// A hub with the cohort ingested, the patients imported into the store's clinical repository
/// (as `genohub patient import` does) and a company project P0001 (cohort size only, k = 2,
/// minimum cohort 2).
fn hub_with_patients(term: impl Fn(usize) -> String) -> Fixture {
    let fx = Fixture::new();
    fx.ingest(&fx.cohort_vcf(4));
    fx.import_clinical(&[("hosp-a", clinical_csv(0, &term)), ("hosp-b", clinical_csv(1, &term))]);
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
    drop(hub);
    fx
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
    let fx = hub_with_patients(|i| format!("oncotree:{}", cancer(i)));
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

    // Without an OncoTree: exact codes only (no patient is recorded as NSCLC itself), NCIT
    // cancer terms refused, and the terms response says so.
    let (status, body) = get(&format!("{b}?filters=oncotree:NSCLC&requestedGranularity=count"), Some(fx.token("doc")));
    assert_eq!((status, body["responseSummary"]["numTotalResults"].clone()), (200, 0.into()), "{body}");
    let (status, body) = get(&format!("{b}?filters=NCIT:C2926"), None);
    assert_eq!(status, 400, "{body}");
    check(&dir, "beaconErrorResponse.json", &body);
    let message = body["error"]["errorMessage"].as_str().unwrap();
    assert!(message.contains("no OncoTree is loaded") && message.contains("NCIT:C16576") && message.contains("oncotree:CODE"), "{message}");

    // The advertised terms are the ones accepted.
    let (_, terms) = get(&format!("{}/beacon/v2/filtering_terms", srv.url), None);
    check(&dir, "beaconFilteringTermsResponse.json", &terms);
    assert!(terms["info"]["cancerTypeMatching"].as_str().unwrap().contains("exact code only"), "{terms}");
    for t in terms["response"]["filteringTerms"].as_array().unwrap() {
        let (status, body) = get(&format!("{b}?filters={}", t["id"].as_str().unwrap()), None);
        assert_eq!(status, 200, "{t}: {body}");
    }
    srv.stop();

    // Anonymous questions are audited as `exists` by the anonymous principal.
    let log = fx.hub().operator().audit_log(&Default::default()).unwrap();
    assert!(log.iter().any(|e| e.actor == "anonymous" && e.operation == "exists" && e.parameters.to_string().contains("LUAD")));
}

/// The shared OncoTree, read here on its own (not through genohub's loader): code → (parent,
/// name, NCI ids).
struct Tree {
    path: PathBuf,
    nodes: HashMap<String, (Option<String>, String, Vec<String>)>,
}

impl Tree {
    fn shared() -> Option<Tree> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/oncotree/oncotree_2025_10_03.json");
        if !path.exists() {
            return None;
        }
        let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut nodes = HashMap::new();
        let mut stack: Vec<&Value> = json.as_object().unwrap().values().collect();
        while let Some(n) = stack.pop() {
            let text = |k: &str| n[k].as_str().map(String::from);
            let nci = n["externalReferences"]["NCI"].as_array().map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect()).unwrap_or_default();
            nodes.insert(text("code").unwrap(), (text("parent"), text("name").unwrap(), nci));
            stack.extend(n["children"].as_object().into_iter().flat_map(|c| c.values()));
        }
        Some(Tree { path, nodes })
    }

    /// Whether `code` is `top` or lies below it.
    fn below(&self, code: &str, top: &str) -> bool {
        let mut c = Some(code.to_string());
        while let Some(code) = c {
            if code == top {
                return true;
            }
            c = self.nodes[&code].0.clone();
        }
        false
    }

    fn nci(&self, code: &str) -> String {
        format!("NCIT:{}", self.nodes[code].2[0])
    }

    /// The codes carrying an NCI id.
    fn with_nci(&self, id: &str) -> Vec<&str> {
        self.nodes.iter().filter(|(_, n)| n.2.iter().any(|i| format!("NCIT:{i}") == id)).map(|(c, _)| c.as_str()).collect()
    }
}

/// Patient i's cancer as an OncoTree node: lung subtypes under NSCLC, a small-cell lung cancer
/// (under LUNG, not NSCLC), breast (IDC below BRCA), colorectal. Patient 8's LUAD is recorded by
/// its NCIT id (`term`), as some hospitals code it; patient 11 has no consent.
const NODES: [&str; SAMPLES] = ["LUAD", "LUSC", "LUAD", "COAD", "BRCA", "LUSC", "IDC", "SCLC", "LUAD", "LUAD", "READ", "LUAD"];

fn term(tree: &Tree, i: usize) -> String {
    if i == 8 {
        tree.nci(NODES[i])
    } else {
        format!("oncotree:{}", NODES[i])
    }
}

/// Consenting patients whose cancer lies under one of `tops`, of the given sex.
fn expected_under(tree: &Tree, tops: &[&str], female: Option<bool>) -> usize {
    (0..SAMPLES).filter(|i| *i != 11 && tops.iter().any(|t| tree.below(NODES[*i], t)) && female.is_none_or(|f| (i % 2 == 0) == f)).count()
}

/// The server as `genohub serve` runs it with GENOHUB_ONCOTREE set.
struct TreeServer {
    url: String,
    rt: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TreeServer {
    fn start(fx: &Fixture, tree: &Path) -> TreeServer {
        let tree = genohub_governance::OncoTree::load(tree).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let server = rt.block_on(genohub_server::Server::bind_with(fx.config(), Box::new(move |hub| hub.with_oncotree(tree)))).unwrap();
        let url = server.url();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let done = rt.spawn(server.run(async move {
            let _ = rx.await;
        }));
        TreeServer { url, rt, stop: Some(tx), done: Some(done) }
    }
}

impl Drop for TreeServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(done) = self.done.take() {
            self.rt.block_on(done).unwrap().unwrap();
        }
    }
}

#[test]
fn cancer_types_with_subtypes_and_ncit_terms() {
    let Some(tree) = Tree::shared() else {
        eprintln!("skipping: shared/data/oncotree/oncotree_2025_10_03.json is absent");
        return;
    };
    let dir = schemas();
    if dir.is_none() {
        eprintln!("skipping schema validation: shared/data/beacon-v2 is absent");
    }
    // The patient table covers what the test claims: subtypes under NSCLC, one outside it.
    assert!(tree.below("LUAD", "NSCLC") && tree.below("LUSC", "NSCLC") && !tree.below("SCLC", "NSCLC") && tree.below("SCLC", "LUNG"));
    assert!(tree.below("IDC", "BRCA") && tree.below("READ", "COADREAD"));
    let fx = hub_with_patients(|i| term(&tree, i));
    genohub_server::logging::init();
    let srv = TreeServer::start(&fx, &tree.path);
    let b = format!("{}/beacon/v2/individuals", srv.url);
    let doc = Some(fx.token("doc"));
    let count = |filters: &str, token: Option<&str>, project: &str| -> Value {
        let (status, body) = get(&format!("{b}?filters={filters}&requestedGranularity=count{project}"), token);
        assert_eq!(status, 200, "{filters}: {body}");
        check(&dir, if token.is_some() { "beaconCountResponse.json" } else { "beaconBooleanResponse.json" }, &body);
        body
    };

    // A parent code counts its subtypes' patients (and the LUAD patient coded by NCIT).
    let nsclc = expected_under(&tree, &["NSCLC"], None);
    let luad = expected_under(&tree, &["LUAD"], None);
    assert_eq!((nsclc, luad), (6, 4));
    for (filters, tops, female) in [
        ("oncotree:NSCLC".to_string(), vec!["NSCLC"], None),
        ("oncotree:nsclc".to_string(), vec!["NSCLC"], None),
        ("oncotree:LUAD".to_string(), vec!["LUAD"], None),
        ("oncotree:LUNG".to_string(), vec!["LUNG"], None),
        ("oncotree:BRCA".to_string(), vec!["BRCA"], None),
        ("oncotree:COADREAD".to_string(), vec!["COADREAD"], None),
        ("oncotree:NSCLC,NCIT:C16576".to_string(), vec!["NSCLC"], Some(true)),
        ("oncotree:LUNG,NCIT:C20197".to_string(), vec!["LUNG"], Some(false)),
    ] {
        let body = count(&filters, doc, "");
        assert_eq!(body["responseSummary"]["numTotalResults"], expected_under(&tree, &tops, female), "{filters}: {body}");
    }

    // An NCIT term counts the same as the OncoTree code(s) carrying its NCI id (read from the
    // file here), subtypes included.
    for code in ["NSCLC", "LUAD", "BRCA", "LUSC"] {
        let id = tree.nci(code);
        let tops = tree.with_nci(&id);
        let by_ncit = count(&id, doc, "");
        let by_code = count(&format!("oncotree:{code}"), doc, "");
        assert_eq!(by_ncit["responseSummary"], by_code["responseSummary"], "{id} vs oncotree:{code}");
        assert_eq!(by_ncit["responseSummary"]["numTotalResults"], expected_under(&tree, &tops, None), "{id}");
    }
    let body = count(&format!("{},NCIT:C16576", tree.nci("NSCLC")), doc, "");
    assert_eq!(body["responseSummary"]["numTotalResults"], expected_under(&tree, &["NSCLC"], Some(true)));

    // A project member: the same subtypes under the project's disclosure rules.
    let body = count("oncotree:NSCLC", Some(fx.token("res")), "&project=P0001");
    assert_eq!(body["responseSummary"]["numTotalResults"], nsclc, "{body}");

    // Anonymous: still one bit, whatever was asked.
    for (filters, exists) in [("oncotree:NSCLC".to_string(), true), (tree.nci("NSCLC"), true), ("oncotree:SKCM".into(), false), ("oncotree:GB".into(), false)] {
        let body = count(&filters, None, "");
        assert_eq!(body["meta"]["returnedGranularity"], "boolean", "{filters}: {body}");
        assert_eq!(body["responseSummary"]["exists"], exists, "{filters}: {body}");
        assert!(body["responseSummary"].get("numTotalResults").is_none(), "{filters}: {body}");
    }

    // Unknown codes: a 400 naming the term and what this beacon filters on.
    let organ = tree.nci("LUNG");
    assert!(!tree.nodes.values().any(|n| n.2.iter().any(|i| i == "C9999999")));
    for (filters, names) in
        [("NCIT:C9999999", "NCIT:C9999999"), (organ.as_str(), organ.as_str()), ("oncotree:NOTACODE", "NOTACODE"), ("MONDO:0005061", "MONDO:0005061")]
    {
        for token in [None, doc] {
            let (status, body) = get(&format!("{b}?filters={filters}"), token);
            assert_eq!(status, 400, "{filters}: {body}");
            check(&dir, "beaconErrorResponse.json", &body);
            let message = body["error"]["errorMessage"].as_str().unwrap();
            assert!(message.contains(names) && message.contains("NCIT:C16576") && message.contains("NCIT:Cnnnn"), "{message}");
        }
    }

    // filtering_terms: the tree's whole vocabulary (every OncoTree code, the NCI ids of its
    // disease nodes), each accepted.
    let (status, terms) = get(&format!("{}/beacon/v2/filtering_terms", srv.url), None);
    assert_eq!(status, 200);
    check(&dir, "beaconFilteringTermsResponse.json", &terms);
    let list = terms["response"]["filteringTerms"].as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|t| t["id"].as_str().unwrap()).collect();
    let distinct: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "no term twice");
    assert_eq!(ids.iter().filter(|i| i.starts_with("oncotree:")).count(), tree.nodes.len());
    assert!(list.iter().any(|t| t["id"] == "oncotree:NSCLC" && t["label"] == tree.nodes["NSCLC"].1.as_str()));
    assert!(list.iter().any(|t| t["id"] == tree.nci("LUAD") && t["label"] == tree.nodes["LUAD"].1.as_str()));
    assert!(!ids.contains(&organ.as_str()), "an organ's NCI id is no cancer term");
    assert!(ids.contains(&"NCIT:C16576") && ids.contains(&"NCIT:C20197"));
    assert!(terms["info"]["cancerTypeMatching"].as_str().unwrap().contains("subtype"), "{}", terms["info"]);
    let http = client();
    for id in &ids {
        let resp = http.get(format!("{b}?filters={id}")).send().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{id}: {}", resp.text().unwrap());
    }
    eprintln!("filtering_terms: {} terms, each accepted", ids.len());
    drop(srv);

    // Anonymous questions are audited with the filters as asked.
    let log = fx.hub().operator().audit_log(&Default::default()).unwrap();
    assert!(log.iter().any(|e| e.actor == "anonymous" && e.operation == "exists" && e.parameters.to_string().contains("NSCLC")));
    // Counts too: the filters as asked, not the rule they expand to (every subtype's code and
    // NCIT id; kilobytes for a broad term).
    let sizes: Vec<_> = log.iter().filter(|e| e.operation == "cohort.size" && e.parameters.to_string().contains("NSCLC")).collect();
    assert!(!sizes.is_empty(), "the counted NSCLC questions are audited");
    for e in sizes {
        let p = e.parameters.to_string();
        assert!(p.contains("\"individuals\"") && !p.contains("LUAD") && p.len() < 300, "audited as asked: {p}");
    }
}
