//! Governance through the `genohub` binary: bootstrap by the local operator, tokens, a
//! project's lifecycle, researchers' disclosure-controlled answers over the real clinical
//! repository's consents, refusals, and the audit log.

use std::path::Path;
use std::process::{Command, Output};

fn genohub(store: &Path, token: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_genohub"));
    c.arg("--store").arg(store).arg("-q").args(args).env_remove("GENOHUB_TOKEN").env_remove("GENOHUB_PROJECT").env_remove("GENOHUB_KEY_FILE");
    if let Some(t) = token {
        c.env("GENOHUB_TOKEN", t);
    }
    c.output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fails(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "expected failure containing {needle:?}, got {}", String::from_utf8_lossy(&o.stdout));
    assert!(err.contains(needle), "stderr {err:?} lacks {needle:?}");
    assert!(o.stdout.is_empty(), "nothing printed on refusal");
}

/// 40 patients of hospital H1, one germline sample each (seqA/SIM000NN): 1-30 GRU with
/// secondary use, 31-35 GRU+NCU, 36-40 GRU without secondary use.
fn clinical_csv(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("record,patient_id,linkage_id,sex,vital_status,survival_days,term,onset_age,stage,tnm,primary_site,sample_id,sample_type,tissue,collected,histology,grade,center,genomic_sample,drug,line,start,end,response,adverse_events,consent_date,form_version,data_use,secondary_use,recontact\n");
    for i in 1..=40 {
        let (data_use, secondary) = match i {
            1..=30 => ("GRU", "yes"),
            31..=35 => ("GRU+NCU", "yes"),
            _ => ("GRU", "no"),
        };
        text.push_str(&format!("patient,H1-{i:03},,female,alive,100,,,,,,,,,,,,,,,,,,,,,,,,\n"));
        text.push_str(&format!("sample,H1-{i:03},,,,,,,,,,H1-{i:03}-B1,germline,UBERON:0000178|blood,2024-01-10,,,seqA,SIM{i:05},,,,,,,,,,,\n"));
        text.push_str(&format!("consent,H1-{i:03},,,,,,,,,,,,,,,,,,,,,,,,2024-01-01,v1,{data_use},{secondary},no\n"));
    }
    let path = dir.join("clinical.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_project_from_bootstrap_to_audited_disclosure_controlled_answers() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("store");
    let vcf = dir.path().join("cohort.vcf.gz");
    ok(&genohub(&s, None, &["simulate", "cohort", "--samples", "40", "--length", "30000", "--seed", "3", "-o", vcf.to_str().unwrap()]));
    ok(&genohub(&s, None, &["ingest", "--center", "seqA", vcf.to_str().unwrap()]));
    assert!(dir.path().join("store.hub-key").exists(), "the operator's first audited call creates the key beside the store");
    ok(&genohub(&s, None, &["patient", "import", "--hospital", "H1", clinical_csv(dir.path()).to_str().unwrap()]));

    for (id, kind) in [("seqA", "sequencing-center"), ("H1", "hospital"), ("pharma", "company"), ("irc", "committee")] {
        ok(&genohub(&s, None, &["org", "create", id, "--name", id, "--kind", kind]));
    }
    fails(&genohub(&s, None, &["user", "create", "x", "--org", "pharma", "--role", "clinician"]), "cannot have a clinician");
    let mut tokens = std::collections::HashMap::new();
    for (user, org, role) in [("res", "pharma", "researcher"), ("rev", "irc", "committee"), ("up", "seqA", "uploader")] {
        ok(&genohub(&s, None, &["user", "create", user, "--org", org, "--role", role]));
        let secret = ok(&genohub(&s, None, &["token", "create", user, "--days", "30"])).trim().to_string();
        assert!(secret.starts_with("genohub_") && secret.len() == 72, "{secret}");
        tokens.insert(user, secret);
    }
    let (res, rev, up) = (Some(tokens["res"].as_str()), Some(tokens["rev"].as_str()), Some(tokens["up"].as_str()));

    let id = ok(&genohub(&s, res, &["project", "submit", "--title", "germline HMB", "--purpose", "HMB", "--analyses", "freq,cohort-size", "--irb", "IRB-1"]))
        .trim()
        .to_string();
    assert_eq!(id, "P0001");
    fails(&genohub(&s, res, &["freq", "--project", &id]), "project P0001 is submitted");
    fails(&genohub(&s, res, &["project", "approve", &id]), "a researcher may not project.decide");
    ok(&genohub(&s, rev, &["project", "approve", &id, "--conditions", "aggregate publication only"]));
    let show = ok(&genohub(&s, res, &["project", "show", &id]));
    assert!(show.contains("status\tactive") && show.contains("commercial"), "{show}");

    // The researcher's answer counts patients 1-30 only (NCU excludes a company, 36-40 did not
    // allow secondary use): AN agrees with the operator's exact answer over SIM00001-30.
    let mine: serde_json::Value = serde_json::from_str(&ok(&genohub(&s, res, &["freq", "--project", &id, "--format", "json"]))).unwrap();
    let eligible: Vec<String> = (1..=30).map(|i| format!("SIM{i:05}")).collect();
    let exact: serde_json::Value = serde_json::from_str(&ok(&genohub(&s, None, &["freq", "-s", &eligible.join(","), "--format", "json"]))).unwrap();
    let (mine, exact) = (mine.as_array().unwrap(), exact.as_array().unwrap());
    assert_eq!(mine.len(), exact.len());
    let mut masked = 0;
    for (m, e) in mine.iter().zip(exact) {
        assert_eq!(m["pos"], e["pos"]);
        if m["an"].is_u64() {
            assert_eq!(m["an"], e["an"]);
        }
        match (&m["ac"], e["ac"].as_u64().unwrap()) {
            (serde_json::Value::String(t), ac) => {
                assert!(t == "<5" && (1..5).contains(&ac) || t == "withheld", "{t} for AC {ac}");
                masked += 1;
            }
            (v, ac) => assert_eq!(v.as_u64(), Some(ac)),
        }
    }
    assert!(masked > 0, "rare variants are masked");

    // Differencing: the same cohort minus one person is refused; budget and refusals audited.
    fails(&genohub(&s, res, &["freq", "--project", &id, "-s", &eligible[1..].join(",")]), "differencing protection");
    fails(&genohub(&s, res, &["freq"]), "only inside an approved project");
    fails(&genohub(&s, up, &["ingest", "--center", "seqB", vcf.to_str().unwrap()]), "only for its own organisation");
    fails(&genohub(&s, res, &["samples"]), "runs only as the local operator");
    fails(&genohub(&s, res, &["audit", "log"]), "a researcher may not audit.read");
    fails(&genohub(&s, Some("genohub_0123"), &["freq", "--project", &id]), "malformed token");

    let log = ok(&genohub(&s, rev, &["audit", "log", "--project", &id, "--json"]));
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let decisions: Vec<(&str, &str)> = log.as_array().unwrap().iter().map(|e| (e["operation"].as_str().unwrap(), e["decision"].as_str().unwrap())).collect();
    assert_eq!(
        decisions,
        [
            ("freq", "forbidden"),
            ("project.decide", "forbidden"),
            ("project.decide", "allowed"),
            ("project.read", "allowed"),
            ("freq", "allowed"),
            ("freq", "refused")
        ]
    );
    let all = ok(&genohub(&s, None, &["audit", "log"]));
    assert!(all.lines().any(|l| l.contains("operator:") && l.contains("\tingest\t")), "the operator's ingest is audited");
    let explain = ok(&genohub(&s, rev, &["project", "explain", &id]));
    assert_eq!(explain.lines().filter(|l| l.contains("\tfalse\t")).count(), 10, "{explain}");
    ok(&genohub(&s, rev, &["audit", "verify"]));
}
