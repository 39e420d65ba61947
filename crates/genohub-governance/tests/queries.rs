//! Governed queries end to end on a real store: who is counted (consent policy), what is shown
//! (disclosure control), what is refused (minimum cohort, differencing, budget), project
//! lifecycle and token checks, and what the audit log records.

mod common;

use common::*;
use genohub_governance::audit::Decision;
use genohub_governance::{
    AccessLevel, Approval, AuditFilter, Clock, CohortSpec, Count, DisclosedFreqRow, DisclosureRules, GovernanceError, Operation, ProjectStatus,
};
use genohub_store::cf;
use genohub_store::Region;
use time::Duration;

fn region() -> Vec<Region> {
    vec!["chr20:1-30000".parse().unwrap()]
}

fn names(ids: impl IntoIterator<Item = usize>) -> CohortSpec {
    CohortSpec::Samples(ids.into_iter().map(|i| format!("seqA/{}", sample(i).name)).collect())
}

fn freq_rows(s: &genohub_governance::Session, project: Option<&str>, cohort: &CohortSpec) -> Result<Vec<DisclosedFreqRow>, GovernanceError> {
    let mut rows = Vec::new();
    s.freq(project, region(), cohort, |r| {
        rows.push(r);
        Ok(())
    })?;
    Ok(rows)
}

fn refused(r: Result<impl std::fmt::Debug, GovernanceError>, needle: &str) -> String {
    match r {
        Err(GovernanceError::Refused(m)) => {
            assert!(m.contains(needle), "{m:?} lacks {needle:?}");
            m
        }
        other => panic!("expected a refusal ({needle}), got {other:?}"),
    }
}

fn individuals(s: &genohub_governance::Session, project: Option<&str>, cohort: &CohortSpec) -> u64 {
    s.cohort_size(project, cohort).unwrap().individuals.unwrap().exact().unwrap()
}

#[test]
fn only_consenting_patients_count_and_the_purpose_decides_which() {
    let fx = fixture();
    let company = approved_project(&fx, "res", &request("company HMB", "HMB", None, &[Operation::Freq], AccessLevel::Aggregate));
    let academic_hmb = approved_project(&fx, "aca", &request("academic HMB", "HMB", None, &[Operation::Freq], AccessLevel::Aggregate));
    let academic_gru = approved_project(&fx, "aca", &request("academic GRU", "GRU", None, &[Operation::Freq], AccessLevel::Aggregate));
    // Patients 0-39 GRU+CC, 40-47 HMB+NCU (not for a company), 48-51 withdrawn, 52-55 no
    // secondary use, 56-59 no consent.
    assert_eq!(individuals(&fx.session("res"), Some(&company), &CohortSpec::Everyone), 40);
    assert_eq!(individuals(&fx.session("aca"), Some(&academic_hmb), &CohortSpec::Everyone), 48);
    assert_eq!(individuals(&fx.session("aca"), Some(&academic_gru), &CohortSpec::Everyone), 40, "HMB consent does not cover GRU");
    // Clinicians count patients whose consent includes clinical care (0-39), exactly.
    assert_eq!(individuals(&fx.session("doc2"), None, &CohortSpec::Everyone), 40);

    // The governed answer counts exactly the eligible samples: AN and AC agree with the
    // operator's exact answer over patients 0-47 wherever they are shown.
    let mine = freq_rows(&fx.session("aca"), Some(&academic_hmb), &CohortSpec::Everyone).unwrap();
    let exact = freq_rows(&fx.hub.operator(), None, &names(0..48)).unwrap();
    assert_eq!(mine.len(), exact.len());
    let mut compared = 0;
    for (m, e) in mine.iter().zip(&exact) {
        assert_eq!((m.pos, &m.alternate), (e.pos, &e.alternate));
        if let (Some(a), Some(b)) = (m.an.exact(), e.an.exact()) {
            assert_eq!(a, b, "AN at {}", m.pos);
        }
        if let Some(ac) = m.ac.exact() {
            assert_eq!(Some(ac), e.ac.exact(), "AC at {}", m.pos);
            compared += 1;
        }
    }
    assert!(compared > 10, "{compared} rows compared");
    // Naming excluded samples changes nothing: they are dropped silently.
    let with_excluded = freq_rows(&fx.session("aca"), Some(&academic_hmb), &names(0..60)).unwrap();
    assert_eq!(with_excluded, mine);
}

#[test]
fn disclosure_control_follows_the_rules_on_every_row() {
    let fx = fixture();
    let p = approved_project(&fx, "res", &request("freq", "HMB", None, &[Operation::Freq], AccessLevel::Aggregate));
    let shown = freq_rows(&fx.session("res"), Some(&p), &CohortSpec::Everyone).unwrap();
    let exact = freq_rows(&fx.hub.operator(), None, &names(0..40)).unwrap();
    let (k, min_an) = (5, 20);
    let small = |n: u64| n > 0 && n < k;
    let mut hidden = 0;
    for (s, e) in shown.iter().zip(&exact) {
        let (ac, an) = (e.ac.exact().unwrap(), e.an.exact().unwrap());
        let want_ac = if small(ac) {
            Count::Below(5)
        } else if small(an - ac) {
            Count::Withheld
        } else {
            Count::Exact(ac)
        };
        assert_eq!(s.ac, want_ac, "AC at {}", e.pos);
        assert_eq!(s.af.is_some(), an >= min_an && want_ac.exact().is_some(), "AF at {}", e.pos);
        let classes = [e.hom_ref, e.het, e.hom_alt].map(|c| c.exact().unwrap());
        if classes.iter().any(|&c| small(c)) {
            assert!(s.hwe_p.is_none());
            for (got, n) in [s.hom_ref, s.het, s.hom_alt].into_iter().zip(classes) {
                assert!(got.exact().is_none_or(|x| x == 0 && n == 0), "class {n} shown as {got} at {}", e.pos);
            }
            hidden += 1;
        } else {
            assert_eq!([s.hom_ref, s.het, s.hom_alt].map(|c| c.exact()), classes.map(Some));
        }
    }
    assert!(hidden > 10, "the simulated cohort has rare variants: {hidden} rows hidden");
}

#[test]
fn differencing_two_cohorts_differing_by_one_person_cannot_both_be_answered() {
    let fx = fixture();
    let p = approved_project(&fx, "res", &request("diff", "HMB", None, &[Operation::Freq, Operation::CohortSize], AccessLevel::Aggregate));
    let s = fx.session("res");
    assert_eq!(individuals(&s, Some(&p), &names(0..30)), 30);
    // One more, one fewer, or one swapped: refused, whichever operation asks.
    let m = refused(freq_rows(&s, Some(&p), &names(0..31)), "differencing protection");
    assert!(!m.contains(" 1 "), "the refusal does not say by how many: {m}");
    refused(s.cohort_size(Some(&p), &names(1..30)), "differencing protection");
    refused(freq_rows(&s, Some(&p), &names((0..29).chain([35]))), "differencing protection");
    // A withdrawn or non-consenting addition changes nothing, so it is the same cohort.
    assert_eq!(individuals(&s, Some(&p), &names((0..30).chain([45, 50, 53]))), 30);
    // Five or more apart is another cohort.
    assert_eq!(individuals(&s, Some(&p), &names(0..35)), 35);
    // The same protection holds across members of the project.
    approved_project(&fx, "res", &request("other project", "HMB", None, &[Operation::CohortSize], AccessLevel::Aggregate));
    refused(fx.session("res").cohort_size(Some(&p), &names(0..34)), "differencing protection");
    // Refusals are audited with the project and the cohort asked.
    let log = fx.session("rev").audit_log(&AuditFilter { project: Some(p.clone()), ..Default::default() }).unwrap();
    let refusals: Vec<_> = log.iter().filter(|e| e.decision == Decision::Refused).collect();
    assert_eq!(refusals.len(), 4);
    assert!(refusals.iter().all(|e| e.actor == "res" && e.reason.as_deref().unwrap().contains("differencing") && e.parameters["cohort"]["samples"].is_array()));
}

#[test]
fn small_cohorts_are_refused_without_saying_how_small() {
    let fx = fixture();
    let p = approved_project(&fx, "res", &request("small", "HMB", None, &[Operation::Freq], AccessLevel::Aggregate));
    // 25 samples named, 19 of them eligible (40-47 are HMB+NCU: not for a company... and the
    // withdrawn 48-51 are left out).
    let m = refused(freq_rows(&fx.session("res"), Some(&p), &names((21..40).chain(40..46))), "minimum of 20 individuals");
    assert!(!m.contains("19"), "{m}");
}

#[test]
fn the_daily_budget_counts_every_attempt_and_renews_each_day() {
    let mut fx = fixture();
    let req = request("budget", "HMB", None, &[Operation::CohortSize], AccessLevel::Aggregate);
    let id = fx.session("res").submit_project(&req).unwrap().id;
    let rules = DisclosureRules { daily_budget: 3, ..Default::default() };
    fx.session("rev").approve_project(&id, &Approval { disclosure: Some(rules), ..Default::default() }).unwrap();
    let s = fx.session("res");
    assert_eq!(individuals(&s, Some(&id), &CohortSpec::Everyone), 40);
    refused(s.cohort_size(Some(&id), &names(0..10)), "minimum");
    assert_eq!(individuals(&s, Some(&id), &CohortSpec::Everyone), 40);
    refused(s.cohort_size(Some(&id), &CohortSpec::Everyone), "used its 3 queries");
    drop(s);
    fx.hub.set_clock(Clock::Fixed(NOW + Duration::days(1)));
    assert_eq!(individuals(&fx.session("res"), Some(&id), &CohortSpec::Everyone), 40);
}

#[test]
fn project_lifecycle_with_dates_and_history() {
    let mut fx = fixture();
    let s = fx.session("res");
    let p = s.submit_project(&request("life", "DS", Some("oncotree:LUAD"), &[Operation::Freq], AccessLevel::Aggregate)).unwrap();
    assert_eq!((p.status, p.owner_org.as_str(), p.purpose.commercial), (ProjectStatus::Submitted, "pharma", true), "commercial follows from the company");
    assert_eq!(p.expires, genohub_governance::one_year_after(NOW.date()));
    let rev = fx.session("rev");
    let start = NOW.date() + Duration::days(10);
    let approved = rev
        .approve_project(
            &p.id,
            &Approval { conditions: "no re-identification".into(), start: Some(start), expires: Some(start + Duration::days(100)), disclosure: None },
        )
        .unwrap();
    assert_eq!(approved.status_on(NOW.date()), ProjectStatus::Approved, "not active before its start");
    assert!(rev.approve_project(&p.id, &Approval::default()).is_err(), "decided once");
    assert!(matches!(s.freq(Some(&p.id), region(), &CohortSpec::Everyone, |_| Ok(())), Err(GovernanceError::Forbidden(m)) if m.contains("is approved")));
    drop((s, rev));
    fx.hub.set_clock(Clock::Fixed(NOW + Duration::days(10)));
    assert_eq!(fx.session("res").project(&p.id).unwrap().status_on(start), ProjectStatus::Active);
    fx.hub.set_clock(Clock::Fixed(NOW + Duration::days(111)));
    let s = fx.session("res");
    assert!(matches!(s.cohort_size(Some(&p.id), &CohortSpec::Everyone), Err(GovernanceError::Forbidden(m)) if m.contains("is expired")));
    let renewed = fx.session("rev").renew_project(&p.id, None, "second year").unwrap();
    assert_eq!(renewed.status_on(fx.hub.clock().today()), ProjectStatus::Active);
    // The DS LUAD purpose: GRU and HMB consents cover it (no disease-specific consents here).
    assert_eq!(s.cohort_size(Some(&p.id), &CohortSpec::Everyone).unwrap().individuals, Some(Count::Exact(40)));
    let revoked = fx.session("rev").revoke_project(&p.id, "breach of conditions").unwrap();
    let steps: Vec<(&str, &str)> = revoked.history.iter().map(|d| (d.action.as_str(), d.by.as_str())).collect();
    assert_eq!(steps, [("submitted", "res"), ("approved", "rev"), ("renewed", "rev"), ("revoked", "rev")]);
    assert!(revoked.history[1].note.contains("no re-identification"));
    let rejected = s.submit_project(&request("no", "GRU", None, &[Operation::Freq], AccessLevel::Aggregate)).unwrap();
    fx.session("rev").reject_project(&rejected.id, "scope too broad").unwrap();
    assert!(fx.session("rev").approve_project(&rejected.id, &Approval::default()).is_err());
    // Bad requests are refused before anything is stored.
    for bad in [
        request("", "HMB", None, &[Operation::Freq], AccessLevel::Aggregate),
        request("x", "NCU", None, &[Operation::Freq], AccessLevel::Aggregate),
        request("x", "DS", None, &[Operation::Freq], AccessLevel::Aggregate),
        request("x", "HMB", None, &[], AccessLevel::Aggregate),
        request("x", "HMB", None, &[Operation::Genotypes], AccessLevel::Aggregate),
        request("x", "HMB", None, &[Operation::AuditRead], AccessLevel::Aggregate),
    ] {
        assert!(matches!(s.submit_project(&bad), Err(GovernanceError::Input(_))), "{bad:?}");
    }
    assert_eq!(fx.session("rev").projects().unwrap().len(), 2);
}

#[test]
fn the_committee_sees_why_each_patient_is_in_or_out() {
    let fx = fixture();
    let p = approved_project(&fx, "res", &request("explain", "HMB", None, &[Operation::Freq], AccessLevel::Aggregate));
    let x = fx.session("rev").explain_project(&p).unwrap();
    assert_eq!((x.patients_included, x.patients_excluded, x.samples_included), (40, 20, 40));
    let why = |pt: &str| x.verdicts.iter().find(|v| v.pseudonym == pt).unwrap().reasons.join("; ");
    assert!(why("pt045").contains("NCU"), "{}", why("pt045"));
    assert!(why("pt050").contains("withdrawn"));
    assert!(why("pt053").contains("secondary use"));
    assert!(why("pt058").contains("no consent"));
    assert!(why("pt001").is_empty());
}

#[test]
fn tokens_expire_are_revoked_and_are_never_stored_or_logged() {
    let mut fx = fixture();
    let op = fx.hub.operator();
    let short = op.create_token("aca", 1, "short").unwrap();
    let revoked = op.create_token("aca", 10, "soon revoked").unwrap();
    op.revoke_token(&revoked.record.id).unwrap();
    op.disable_user("adm").unwrap();
    assert!(fx.hub.authenticate(&short.secret).is_ok());
    let unauth = |r: Result<genohub_governance::Session, GovernanceError>, needle: &str| match r {
        Err(GovernanceError::Unauthenticated(m)) => assert!(m.contains(needle), "{m}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("authenticated ({needle})"),
    };
    unauth(fx.hub.authenticate(&revoked.secret), "revoked");
    unauth(fx.hub.authenticate(fx.token("adm")), "disabled");
    unauth(fx.hub.authenticate("genohub_0000000000000000000000000000000000000000000000000000000000000000"), "unknown token");
    unauth(fx.hub.authenticate("hunter2"), "malformed");
    drop(op);
    fx.hub.set_clock(Clock::Fixed(NOW + Duration::days(1)));
    unauth(fx.hub.authenticate(&short.secret), "expired");
    // Neither the tokens family nor the audit log holds any secret.
    let store = genohub_store::Store::open(&fx.dir.path().join("store"));
    assert!(store.is_err(), "the hub holds the store open");
    let log = fx.hub.operator().audit_log(&AuditFilter::default()).unwrap();
    let text = serde_json::to_string(&log).unwrap();
    for (_, secret) in &fx.tokens {
        assert!(!text.contains(&secret[8..]), "a token secret is in the audit log");
    }
    assert!(!text.contains(&short.secret[8..]));
    let failures: Vec<_> = log.iter().filter(|e| e.decision == Decision::Unauthenticated).collect();
    assert_eq!(failures.len(), 5);
    assert_eq!(failures[0].token.as_deref(), Some(revoked.record.id.as_str()));
    drop(fx.hub);
    let store = genohub_store::Store::open(&fx.dir.path().join("store")).unwrap();
    let mut hashes = 0;
    for item in store.engine().scan(cf::TOKENS, &[], None) {
        let (k, v) = item.unwrap();
        for (_, secret) in &fx.tokens {
            assert!(!String::from_utf8_lossy(&v).contains(&secret[8..]) && !String::from_utf8_lossy(&k).contains(&secret[8..]));
        }
        hashes += 1;
    }
    assert_eq!(hashes, fx.tokens.len() + 2);
}
