//! Saved cohorts through the facade, on a real store with the real clinical repository: a
//! hospital's rule cohort answers exactly like its rule and stays the hospital's (another
//! hospital gets "unknown" and may reuse the name); a researcher's cohort lives in one project;
//! sample lists name only samples their creator may read; refusals are audited like the rest.

mod common;

use common::{cohort_vcf, request, sample, SAMPLES};
use genohub_governance::audit::Decision;
use genohub_governance::{
    AccessLevel, AuditFilter, Clock, CohortRequest, CohortSpec, Count, GovernanceError, Hub, NewCohort, Operation, OrgKind, Role, Session,
};
use genohub_keys::HubKey;
use genohub_store::{IngestOptions, NoProgress, Region, Store};
use time::macros::datetime;

const HEADER: &str =
    "record,patient_id,linkage_id,sex,term,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact\n";

/// Patient i (sample seqA/SIM{i+1}): H1's when even, H2's when odd; female when i % 3 == 0;
/// lung adenocarcinoma when i % 4 < 2, colon otherwise; consent GRU+CC with secondary use.
fn female(i: usize) -> bool {
    i.is_multiple_of(3)
}

fn luad(i: usize) -> bool {
    i % 4 < 2
}

fn csv(parity: usize) -> String {
    let mut s = String::from(HEADER);
    for i in (0..SAMPLES).filter(|i| i % 2 == parity) {
        let sex = if female(i) { "female" } else { "male" };
        let term = if luad(i) { "oncotree:LUAD|Lung Adenocarcinoma" } else { "oncotree:COAD|Colon Adenocarcinoma" };
        s.push_str(&format!("patient,P{i},,{sex},,,,,,,,,,\n"));
        s.push_str(&format!("disease,P{i},,,{term},,,,,,,,,\n"));
        s.push_str(&format!("sample,P{i},,,,T{i},tumor,seqA,{},,,,,\n", sample(i).name));
        s.push_str(&format!("consent,P{i},,,,,,,,2025-01-10,v3,GRU+CC,yes,yes\n"));
    }
    s
}

const LUAD_F: &str = "cancer_type=LUAD and sex=female";

struct Fx {
    _dir: tempfile::TempDir,
    hub: Hub,
    tokens: Vec<(String, String)>,
}

impl Fx {
    fn new() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let hub = Hub::new(store, HubKey::from_bytes([5; 32])).unwrap().with_clock(Clock::Fixed(datetime!(2026-05-01 10:00 UTC)));
        let op = hub.operator();
        op.ingest(&cohort_vcf(dir.path()), &IngestOptions { center: "seqA".into(), threads: 2, ..Default::default() }, &NoProgress).unwrap();
        let tokens = common::orgs_and_users(
            &op,
            &[
                ("seqA", OrgKind::SequencingCenter),
                ("H1", OrgKind::Hospital),
                ("H2", OrgKind::Hospital),
                ("pharma", OrgKind::Company),
                ("uni", OrgKind::Academic),
                ("irc", OrgKind::Committee),
            ],
            &[
                ("up", "seqA", Role::Uploader),
                ("doc1", "H1", Role::Clinician),
                ("doc1b", "H1", Role::Clinician),
                ("doc2", "H2", Role::Clinician),
                ("res", "pharma", Role::Researcher),
                ("res2", "pharma", Role::Researcher),
                ("aca", "uni", Role::Researcher),
                ("rev", "irc", Role::Committee),
                ("adm", "uni", Role::Admin),
            ],
        );
        drop(op);
        let fx = Fx { _dir: dir, hub, tokens };
        for (user, hospital, parity) in [("doc1", "H1", 0), ("doc2", "H2", 1)] {
            let path = fx._dir.path().join(format!("{hospital}.csv"));
            std::fs::write(&path, csv(parity)).unwrap();
            fx.user(user).import_clinical(hospital, &[path]).unwrap();
        }
        fx
    }

    fn user(&self, name: &str) -> Session<'_> {
        self.hub.authenticate(&self.tokens.iter().find(|(u, _)| u == name).unwrap().1).unwrap()
    }

    /// Approved by the committee with default disclosure rules.
    fn project(&self, researcher: &str, analyses: &[Operation], access: AccessLevel) -> String {
        let p = self.user(researcher).submit_project(&request("saved cohorts", "HMB", None, analyses, access)).unwrap();
        self.user("rev").approve_project(&p.id, &Default::default()).unwrap();
        p.id
    }
}

fn rule(name: &str, rule: &str, project: Option<&str>) -> CohortRequest {
    CohortRequest { name: name.into(), definition: NewCohort::Rule(rule.into()), project: project.map(String::from), replace: false }
}

fn list(name: &str, samples: &[usize], project: Option<&str>) -> CohortRequest {
    let names = samples.iter().map(|&i| format!("seqA/{}", sample(i).name)).collect();
    CohortRequest { name: name.into(), definition: NewCohort::Samples(names), project: project.map(String::from), replace: false }
}

fn cohort(name: &str) -> CohortSpec {
    CohortSpec::Cohort(name.into())
}

fn region() -> Vec<Region> {
    vec!["chr20:1-30000".parse().unwrap()]
}

fn freq(s: &Session, project: Option<&str>, spec: &CohortSpec) -> Result<serde_json::Value, GovernanceError> {
    let mut rows = Vec::new();
    s.freq(project, region(), spec, |r| {
        rows.push(r);
        Ok(())
    })?;
    Ok(serde_json::to_value(rows).unwrap())
}

fn individuals(s: &Session, project: Option<&str>, spec: &CohortSpec) -> Count {
    s.cohort_size(project, spec).unwrap().individuals.unwrap()
}

fn not_found<T: std::fmt::Debug>(r: Result<T, GovernanceError>) -> String {
    match r {
        Err(GovernanceError::NotFound(m)) => m,
        other => panic!("expected not found, got {other:?}"),
    }
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, GovernanceError>, needle: &str) {
    match r {
        Err(GovernanceError::Forbidden(m)) => assert!(m.contains(needle), "{m:?} lacks {needle:?}"),
        other => panic!("expected forbidden ({needle}), got {other:?}"),
    }
}

fn input<T: std::fmt::Debug>(r: Result<T, GovernanceError>) -> String {
    match r {
        Err(GovernanceError::Input(m)) => m,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[test]
fn a_hospitals_rule_cohort_answers_like_its_rule_and_stays_the_hospitals() {
    let fx = Fx::new();
    let (doc1, doc2) = (fx.user("doc1"), fx.user("doc2"));
    let saved = doc1.create_cohort(&rule("lung", LUAD_F, None)).unwrap();
    assert_eq!((saved.name.as_str(), saved.org.as_deref(), saved.kind.as_str(), saved.rule.as_deref()), ("lung", Some("H1"), "rule", Some(LUAD_F)));

    // Used by name: the same answers as the rule itself, for every clinician of the hospital.
    let expected = (0..SAMPLES).filter(|&i| luad(i) && female(i)).count() as u64;
    for user in ["doc1", "doc1b"] {
        let s = fx.user(user);
        assert_eq!(individuals(&s, None, &cohort("lung")), Count::Exact(expected), "{user}");
        assert_eq!(individuals(&s, None, &CohortSpec::Rule(LUAD_F.into())), Count::Exact(expected), "{user}");
        let by_name = freq(&s, None, &cohort("lung")).unwrap();
        assert!(by_name.as_array().is_some_and(|r| !r.is_empty()));
        assert_eq!(by_name, freq(&s, None, &CohortSpec::Rule(LUAD_F.into())).unwrap(), "{user}");
    }

    // Another hospital: exactly the answer for a cohort that does not exist, by plain or stored name.
    let same_as_missing = |m: String, name: &str| assert_eq!(m.replace(name, "X"), not_found(doc2.saved_cohort("nosuch")).replace("nosuch", "X"));
    same_as_missing(not_found(doc2.saved_cohort("lung")), "lung");
    same_as_missing(not_found(doc2.delete_cohort("lung")), "lung");
    same_as_missing(not_found(doc2.cohort_size(None, &cohort("lung"))), "lung");
    same_as_missing(not_found(doc2.freq(None, region(), &cohort("lung"), |_| Ok(()))), "lung");
    same_as_missing(not_found(doc2.cohort_size(None, &cohort("H1/lung"))), "H1/lung");
    same_as_missing(not_found(doc2.saved_cohort("H1/lung")), "H1/lung");
    assert!(doc2.cohorts().unwrap().is_empty());

    // ... and may save its own of the same name; each hospital keeps its own.
    doc2.create_cohort(&rule("lung", "cancer_type=COAD", None)).unwrap();
    let coad = (0..SAMPLES).filter(|&i| !luad(i)).count() as u64;
    assert_eq!(individuals(&doc2, None, &cohort("lung")), Count::Exact(coad));
    assert_eq!(individuals(&doc1, None, &cohort("lung")), Count::Exact(expected));

    // A taken name is refused unless replaced; replacing redefines it.
    let taken = doc1.try_create_cohort(&rule("lung", "cancer_type=COAD", None)).unwrap().unwrap_err();
    assert!(taken.0.contains("already exists"), "{taken:?}");
    assert_eq!(individuals(&doc1, None, &cohort("lung")), Count::Exact(expected), "the refused creation changed nothing");
    doc1.create_cohort(&CohortRequest { replace: true, ..rule("lung", "cancer_type=LUAD", None) }).unwrap();
    let all_luad = (0..SAMPLES).filter(|&i| luad(i)).count() as u64;
    assert_eq!(individuals(&doc1, None, &cohort("lung")), Count::Exact(all_luad));

    // Bad input names the problem; nothing is stored.
    assert!(input(doc1.create_cohort(&rule("bad", "cancer_type=", None))).contains("column"));
    input(doc1.create_cohort(&rule("a/b", LUAD_F, None)));
    input(doc1.create_cohort(&rule("p", LUAD_F, Some("P0001"))));
    assert_eq!(doc1.cohorts().unwrap().iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["lung"]);

    // The operator sees every cohort by its stored name and keeps global names of its own.
    let op = fx.hub.operator();
    op.create_cohort(&rule("lung", "cancer_type=COAD and sex=female", None)).unwrap();
    let names: Vec<String> = op.cohorts().unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, vec!["H1/lung", "H2/lung", "lung"]);
    assert_eq!(op.cohort_size(None, &cohort("H1/lung")).unwrap().samples, Count::Exact(all_luad));
    let coad_f = (0..SAMPLES).filter(|&i| !luad(i) && female(i)).count() as u64;
    assert_eq!(op.cohort_size(None, &cohort("lung")).unwrap().samples, Count::Exact(coad_f), "the global cohort, unchanged");
    assert_eq!(individuals(&doc1, None, &cohort("lung")), Count::Exact(all_luad), "the hospital's own comes first");

    // Deleting: the hospital's own only; then its plain name reaches the global cohort again.
    doc1.delete_cohort("lung").unwrap();
    not_found(doc1.saved_cohort("lung"));
    assert_eq!(individuals(&doc1, None, &cohort("lung")), Count::Exact(coad_f));
    assert_eq!(individuals(&doc2, None, &cohort("lung")), Count::Exact(coad));
}

#[test]
fn roles_without_a_cell_are_refused_and_every_call_is_audited() {
    let fx = Fx::new();
    fx.user("doc1").create_cohort(&rule("lung", LUAD_F, None)).unwrap();
    for user in ["up", "rev", "adm"] {
        let s = fx.user(user);
        forbidden(s.create_cohort(&rule("mine", LUAD_F, None)), "may not cohort.write");
        forbidden(s.cohorts(), "may not cohort.read");
        forbidden(s.saved_cohort("lung"), "may not cohort.read");
        forbidden(s.delete_cohort("lung"), "may not cohort.write");
    }
    let anon = fx.hub.anonymous();
    forbidden(anon.cohorts(), "may not cohort.read");
    forbidden(anon.create_cohort(&rule("mine", LUAD_F, None)), "may not cohort.write");
    fx.user("doc2").saved_cohort("lung").unwrap_err();
    fx.user("doc1").saved_cohort("lung").unwrap();

    let log = fx.hub.operator().audit_log(&AuditFilter::default()).unwrap();
    let count = |actor: &str, op: &str, d: Decision| log.iter().filter(|e| e.actor == actor && e.operation == op && e.decision == d).count();
    assert_eq!(count("doc1", "cohort.write", Decision::Allowed), 1);
    assert_eq!(count("doc1", "cohort.read", Decision::Allowed), 1);
    assert_eq!(count("doc1", "cohort.size", Decision::Allowed), 1, "the size shown is a cohort.size query of its own");
    assert_eq!(count("doc2", "cohort.read", Decision::Failed), 1, "unknown to another hospital, and audited");
    for user in ["up", "rev", "adm"] {
        assert_eq!(count(user, "cohort.write", Decision::Forbidden), 2, "{user}");
        assert_eq!(count(user, "cohort.read", Decision::Forbidden), 2, "{user}");
    }
    assert_eq!(count("anonymous", "cohort.read", Decision::Forbidden) + count("anonymous", "cohort.write", Decision::Forbidden), 2);
    let created = log.iter().find(|e| e.actor == "doc1" && e.operation == "cohort.write").unwrap();
    assert_eq!(created.parameters["definition"]["rule"], LUAD_F);
    assert!(fx.hub.operator().audit_verify().unwrap().is_ok());
}

#[test]
fn sample_lists_name_only_samples_their_creator_may_read() {
    let fx = Fx::new();
    let doc1 = fx.user("doc1");
    // Patients 0 and 2 are H1's; 1 is H2's. Unknown and someone else's get the same answer.
    let theirs = input(doc1.create_cohort(&list("pair", &[0, 1], None)));
    let unknown = input(doc1.create_cohort(&CohortRequest { definition: NewCohort::Samples(vec!["seqA/NOPE".into()]), ..list("pair", &[], None) }));
    assert_eq!(theirs.replace(&sample(1).name, "X"), unknown.replace("NOPE", "X"));
    input(doc1.create_cohort(&list("none", &[], None)));
    let saved = doc1.create_cohort(&list("pair", &[0, 2, 0], None)).unwrap();
    assert_eq!(saved.listed_samples, Some(2), "duplicates are listed once");

    let shown = doc1.saved_cohort("pair").unwrap();
    let want: Vec<String> = [0, 2].iter().map(|&i| format!("seqA/{}", sample(i).name)).collect();
    assert_eq!(shown.members.as_deref(), Some(&want[..]));
    assert_eq!(shown.size.unwrap().samples, Count::Exact(2));
    assert_eq!(freq(&doc1, None, &cohort("pair")).unwrap(), freq(&doc1, None, &CohortSpec::Samples(want.clone())).unwrap());
    not_found(fx.user("doc2").saved_cohort("pair"));
}

#[test]
fn a_researchers_cohort_lives_in_one_project() {
    let fx = Fx::new();
    let agg = fx.project("res", &[Operation::CohortSize, Operation::Freq], AccessLevel::Aggregate);
    let other = fx.project("res", &[Operation::CohortSize, Operation::Freq], AccessLevel::Aggregate);
    let records = fx.project("res", &[Operation::CohortSize, Operation::Genotypes], AccessLevel::Record);
    let uni = fx.project("aca", &[Operation::CohortSize], AccessLevel::Aggregate);
    let res = fx.user("res");

    forbidden(res.create_cohort(&rule("lung", "cancer_type=LUAD", None)), "give the project");
    forbidden(res.create_cohort(&rule("lung", "cancer_type=LUAD", Some(&uni))), "is not a member");
    let saved = res.create_cohort(&rule("lung", "cancer_type=LUAD", Some(&agg))).unwrap();
    assert_eq!((saved.org.as_deref(), saved.project.as_deref()), (Some("pharma"), Some(agg.as_str())));

    // Inside its project: the rule's answers (30 LUAD patients, above the minimum cohort of 20).
    let by_name = res.cohort_size(Some(&agg), &cohort("lung")).unwrap();
    assert_eq!(by_name, res.cohort_size(Some(&agg), &CohortSpec::Rule("cancer_type=LUAD".into())).unwrap());
    assert_eq!(by_name.individuals, Some(Count::Exact((0..SAMPLES).filter(|&i| luad(i)).count() as u64)));
    assert_eq!(freq(&res, Some(&agg), &cohort("lung")).unwrap(), freq(&res, Some(&agg), &CohortSpec::Rule("cancer_type=LUAD".into())).unwrap());
    // Anywhere else: refused, and the name stays taken across the organisation's projects.
    forbidden(res.cohort_size(Some(&other), &cohort("lung")), "evaluated only inside that project");
    let taken = res.try_create_cohort(&CohortRequest { replace: true, ..rule("lung", "sex=male", Some(&other)) }).unwrap().unwrap_err();
    assert!(taken.0.contains(&format!("in project {agg}")), "{taken:?}");

    // Shown to members: the definition and the project's disclosure-controlled size, no members.
    let shown = res.saved_cohort("lung").unwrap();
    assert_eq!((shown.members.as_ref(), shown.size.as_ref().map(|s| s.individuals)), (None, Some(by_name.individuals)));
    // A colleague outside the project: unknown; another organisation: free to use the name.
    assert!(fx.user("res2").cohorts().unwrap().is_empty());
    not_found(fx.user("res2").saved_cohort("lung"));
    not_found(fx.user("aca").saved_cohort("lung"));
    fx.user("aca").create_cohort(&rule("lung", "sex=female", Some(&uni))).unwrap();

    // Sample lists: not in an aggregate project; in a record-level one, its samples only.
    forbidden(res.create_cohort(&list("few", &[0, 1], Some(&agg))), "save a rule instead");
    res.create_cohort(&list("few", &[0, 1, 2], Some(&records))).unwrap();
    let shown = res.saved_cohort("few").unwrap();
    assert_eq!(shown.members.map(|m| m.len()), Some(3));
    assert!(shown.size_withheld.is_some_and(|w| w.contains("minimum")), "3 individuals are below the project's minimum cohort");
    let names: Vec<String> = res.cohorts().unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, vec!["few", "lung"]);
}
