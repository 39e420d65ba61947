//! Consent scopes are kept between calls (scope_cache.rs); these tests prove that nothing kept
//! outlives the data it came from. On a real store with the real clinical repository, each
//! change made through the facade counts from the very next call: a withdrawal, a new consent
//! that no longer covers the purpose, genomic data arriving for a linked sample, a project
//! revoked. Expected counts come from the operator's unscoped answers over explicit sample
//! lists, computed independently of any kept scope.

mod common;

use common::{cohort_vcf, sample, small_vcf};
use genohub_clinical::ConsentAction;
use genohub_duo::DataUse;
use genohub_governance::{
    AccessLevel, Approval, Clock, CohortSpec, Count, DisclosedFreqRow, GovernanceError, Hub, Operation, OrgKind, PatientSpec, Role, Session,
};
use genohub_keys::HubKey;
use genohub_store::{IngestOptions, NoProgress, Region, Store};
use time::macros::{date, datetime};

const HEADER: &str =
    "record,patient_id,linkage_id,sex,term,sample_id,sample_type,center,genomic_sample,consent_date,form_version,data_use,secondary_use,recontact\n";
const PATIENTS: usize = 60;

struct Fx {
    dir: tempfile::TempDir,
    hub: Hub,
    tokens: Vec<(String, String)>,
}

impl Fx {
    /// 60 genotyped samples (seqA/SIM00001…), one H1 patient P-i each consenting GRU+CC with
    /// secondary use, plus P-X at H1 whose sample seqA/Xlate has no genotypes yet.
    fn new() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let hub = Hub::new(store, HubKey::from_bytes([5; 32])).unwrap().with_clock(Clock::Fixed(datetime!(2026-05-01 10:00 UTC)));
        let op = hub.operator();
        op.ingest(&cohort_vcf(dir.path()), &IngestOptions { center: "seqA".into(), threads: 2, ..Default::default() }, &NoProgress).unwrap();
        let tokens = common::orgs_and_users(
            &op,
            &[("seqA", OrgKind::SequencingCenter), ("H1", OrgKind::Hospital), ("uni", OrgKind::Academic), ("irc", OrgKind::Committee)],
            &[("doc1", "H1", Role::Clinician), ("aca", "uni", Role::Researcher), ("rev", "irc", Role::Committee)],
        );
        drop(op);
        let mut csv = HEADER.to_string();
        let mut patient = |id: &str, sample: &str| {
            csv += &format!("patient,{id},,female,,,,,,,,,,\n");
            csv += &format!("sample,{id},,,,{id}-N,germline,seqA,{sample},,,,,\n");
            csv += &format!("consent,{id},,,,,,,,2025-01-10,v3,GRU+CC,yes,yes\n");
        };
        for i in 0..PATIENTS {
            patient(&format!("P-{i}"), &sample(i).name);
        }
        patient("P-X", "Xlate");
        std::fs::write(dir.path().join("h1.csv"), csv).unwrap();
        let fx = Fx { dir, hub, tokens };
        fx.as_user("doc1").import_clinical("H1", &[fx.dir.path().join("h1.csv")]).unwrap();
        fx
    }

    fn as_user(&self, user: &str) -> Session<'_> {
        self.hub.authenticate(&self.tokens.iter().find(|(u, _)| u == user).unwrap().1).unwrap()
    }
}

fn region() -> Region {
    "chr20:1-30000".parse().unwrap()
}

fn exact(c: Count) -> u64 {
    c.exact().unwrap_or_else(|| panic!("expected an exact count, got {c:?}"))
}

fn individuals(s: &Session, project: Option<&str>) -> Result<u64, GovernanceError> {
    Ok(exact(s.cohort_size(project, &CohortSpec::Everyone)?.individuals.expect("scoped")))
}

/// (pos, ref, alt, AC, AN) of every variant in the region carried by someone counted. (Once
/// withdrawn, a sample's private variants are not shown at all, while an explicit cohort
/// without it shows them with AC 0: the same counts either way.)
type Counts = Vec<(u64, String, String, u64, u64)>;

fn counts(rows: Vec<DisclosedFreqRow>) -> Counts {
    rows.into_iter().map(|r| (r.pos, r.reference, r.alternate, exact(r.ac), exact(r.an))).filter(|c| c.3 > 0).collect()
}

/// The operator's exact counts over the named samples of the 60 (unscoped, nothing kept).
fn expected(hub: &Hub, samples: impl IntoIterator<Item = usize>) -> Counts {
    let names = CohortSpec::Samples(samples.into_iter().map(|i| format!("seqA/{}", sample(i).name)).collect());
    let mut rows = Vec::new();
    hub.operator()
        .freq(None, vec![region()], &names, |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
    counts(rows)
}

#[test]
fn a_withdrawal_or_a_consent_change_counts_from_the_next_call() {
    let fx = Fx::new();
    let doc = fx.as_user("doc1");
    let all = expected(&fx.hub, 0..PATIENTS);
    let without_0 = expected(&fx.hub, 1..PATIENTS);
    let without_0_1 = expected(&fx.hub, 2..PATIENTS);
    assert_ne!(all, without_0, "sample 0 carries variants of the region, so its withdrawal must show");
    assert_ne!(without_0, without_0_1);

    // Twice each: the second answer comes from the kept scope.
    for _ in 0..2 {
        assert_eq!(counts(doc.variant_lookup(None, region()).unwrap()), all);
        assert_eq!(individuals(&doc, None).unwrap(), PATIENTS as u64);
    }

    doc.withdraw_consent(PatientSpec::local("H1", "P-0"), date!(2026 - 04 - 03)).unwrap();
    assert_eq!(counts(doc.variant_lookup(None, region()).unwrap()), without_0, "the very next count excludes the withdrawn patient");
    assert_eq!(individuals(&doc, None).unwrap(), PATIENTS as u64 - 1);

    // A new consent without clinical-care use takes P-1 out of the clinicians' (CC) scope.
    let hmb = ConsentAction::Consent { data_use: DataUse::parse("HMB").unwrap(), form_version: "v4".into(), secondary_use: true, recontact: false };
    doc.record_consent(PatientSpec::local("H1", "P-1"), date!(2026 - 04 - 05), hmb).unwrap();
    assert_eq!(individuals(&doc, None).unwrap(), PATIENTS as u64 - 2);
    assert_eq!(counts(doc.variant_lookup(None, region()).unwrap()), without_0_1);
    // A fresh session of the same user (the server makes one per request) sees the same.
    assert_eq!(counts(fx.as_user("doc1").variant_lookup(None, region()).unwrap()), without_0_1);
}

#[test]
fn genomic_data_arriving_for_a_linked_sample_counts_from_the_next_call() {
    let fx = Fx::new();
    let doc = fx.as_user("doc1");
    // P-X is linked to seqA/Xlate, which has no genotypes yet: not counted.
    assert_eq!(individuals(&doc, None).unwrap(), PATIENTS as u64);
    let pos100 = |doc: &Session| counts(doc.variant_lookup(None, "chr20:100-100".parse().unwrap()).unwrap());
    let before = pos100(&doc);
    fx.hub
        .operator()
        .ingest(&small_vcf(fx.dir.path(), "late"), &IngestOptions { center: "seqA".into(), threads: 1, ..Default::default() }, &NoProgress)
        .unwrap();
    assert_eq!(individuals(&doc, None).unwrap(), PATIENTS as u64 + 1, "the sample registry changed: the scope is recomputed");
    let after = pos100(&doc);
    let ac = |c: &Counts| c.iter().find(|v| v.1 == "A" && v.2 == "G").map_or(0, |v| v.3);
    assert_eq!(ac(&after), ac(&before) + 1, "Xlate is heterozygous A>G at 100: {before:?} → {after:?}");
}

#[test]
fn a_projects_scope_follows_withdrawals_and_its_own_record() {
    let fx = Fx::new();
    let req = common::request("GRU study", "GRU", None, &[Operation::CohortSize, Operation::Freq], AccessLevel::Aggregate);
    let aca = fx.as_user("aca");
    let id = aca.submit_project(&req).unwrap().id;
    fx.as_user("rev").approve_project(&id, &Approval { conditions: "aggregate only".into(), ..Default::default() }).unwrap();
    assert_eq!(individuals(&aca, Some(&id)).unwrap(), PATIENTS as u64);

    // Five withdrawals (differencing protection refuses cohorts 1–4 apart from an answered one).
    let doc = fx.as_user("doc1");
    for i in 0..5 {
        doc.withdraw_consent(PatientSpec::local("H1", &format!("P-{i}")), date!(2026 - 04 - 03)).unwrap();
    }
    assert_eq!(individuals(&aca, Some(&id)).unwrap(), PATIENTS as u64 - 5);

    fx.as_user("rev").revoke_project(&id, "consent problem").unwrap();
    match individuals(&aca, Some(&id)) {
        Err(GovernanceError::Forbidden(m)) => assert!(m.contains("revoked"), "{m}"),
        other => panic!("a revoked project must be refused at once, got {other:?}"),
    }
}

#[test]
fn kept_position_lookups_follow_a_withdrawal() {
    let fx = Fx::new();
    let doc = fx.as_user("doc1");
    let all = expected(&fx.hub, 0..PATIENTS);
    let without_0 = expected(&fx.hub, 1..PATIENTS);
    // Single positions are what the lookup cache keeps: those where sample 0 changes the counts.
    let changed: Vec<u64> = all.iter().filter(|v| !without_0.contains(v)).map(|v| v.0).take(6).collect();
    assert!(!changed.is_empty(), "sample 0 carries variants of the region");
    let at = |s: &Session, pos: u64| counts(s.variant_lookup(None, format!("chr20:{pos}-{pos}").parse().unwrap()).unwrap());
    let only = |c: &Counts, pos: u64| c.iter().filter(|v| v.0 == pos).cloned().collect::<Counts>();
    // A variant only sample 0 carries: anonymous callers learn it exists, until the withdrawal.
    let private = all.iter().find(|v| !without_0.iter().any(|w| (w.0, &w.1, &w.2) == (v.0, &v.1, &v.2))).cloned();
    assert!(private.is_some(), "sample 0 has a private variant in the region");
    let exists = |v: &(u64, String, String, u64, u64)| {
        let (pos, r, a) = (v.0, v.1.clone(), v.2.clone());
        fx.hub
            .anonymous()
            .variant_exists(format!("chr20:{pos}-{pos}").parse().unwrap(), serde_json::json!({}), move |p, rr, aa| p == pos && rr == r && aa == a)
            .unwrap()
    };
    for _ in 0..2 {
        for &p in &changed {
            assert_eq!(at(&doc, p), only(&all, p));
        }
        if let Some(v) = &private {
            assert!(exists(v));
        }
    }
    doc.withdraw_consent(PatientSpec::local("H1", "P-0"), date!(2026 - 04 - 03)).unwrap();
    for &p in &changed {
        assert_eq!(at(&doc, p), only(&without_0, p), "position {p}: the kept count must not outlive the withdrawal");
    }
    if let Some(v) = &private {
        assert!(!exists(v), "{v:?} was carried only by the withdrawn sample");
    }
}
