//! Property: whatever the patients, consents, withdrawals, organisations and projects, the
//! effective sample set never holds a sample whose patient's consent does not allow the
//! project's purpose, nor a withdrawn patient's sample, nor one outside the cohort rule; and it
//! holds every sample that all of these allow (so the property is not met by answering nothing).
//! The oracle is written from the rules, patient by patient, and asks genohub-duo's `check` only
//! for the DUO term semantics.

use std::collections::BTreeSet;

use genohub_clinical::{ConsentInForce, GenomicSampleRef, PatientFacts};
use genohub_duo::{DataUse, Purpose};
use genohub_governance::policy::eligible;
use proptest::prelude::*;
use time::{Date, Duration};

const DISEASES: [&str; 4] = ["oncotree:LUNG", "oncotree:NSCLC", "oncotree:LUAD", "oncotree:COAD"];

fn is_a(child: &str, parent: &str) -> bool {
    let chain = ["oncotree:LUAD", "oncotree:NSCLC", "oncotree:LUNG"];
    match (chain.iter().position(|c| *c == child), chain.iter().position(|c| *c == parent)) {
        (Some(c), Some(p)) => c < p,
        _ => false,
    }
}

fn day(offset: i64) -> Date {
    Date::from_calendar_date(2026, time::Month::January, 1).unwrap() + Duration::days(offset)
}

fn sample(i: usize) -> GenomicSampleRef {
    GenomicSampleRef { center: format!("c{}", i % 3), name: format!("s{}", i / 3) }
}

fn data_use() -> impl Strategy<Value = DataUse> {
    let permission = prop_oneof![
        Just("NRES".to_string()),
        Just("GRU".to_string()),
        Just("HMB".to_string()),
        Just("POA".to_string()),
        (0..4usize).prop_map(|d| format!("DS:{}", DISEASES[d]))
    ];
    let modifiers = proptest::sample::subsequence(vec!["NCU", "NPU", "NPUNCU", "IRB", "TS", "NPOA", "CC", "PUB", "GSO", "COL"], 0..4);
    (permission, modifiers, -400i64..400).prop_map(|(p, mods, ts)| {
        let text: Vec<String> = std::iter::once(p).chain(mods.iter().map(|m| if *m == "TS" { format!("TS={}", day(ts)) } else { m.to_string() })).collect();
        DataUse::parse(&text.join("+")).expect("generated consents are well-formed")
    })
}

fn patient(index: usize) -> impl Strategy<Value = PatientFacts> {
    let consent = proptest::option::weighted(
        0.85,
        (data_use(), any::<bool>(), -300i64..0).prop_map(|(data_use, secondary_use, d)| ConsentInForce {
            data_use,
            date: day(d),
            form_version: "v2".into(),
            secondary_use,
            recontact: false,
        }),
    );
    (consent, proptest::bool::weighted(0.15), proptest::collection::btree_set(0..18usize, 0..4), proptest::sample::subsequence(vec!["H1", "H2"], 1..=2))
        .prop_map(move |(consent, withdrawn, samples, hospitals)| PatientFacts {
            pseudonym: format!("p{index}"),
            hospitals: hospitals.into_iter().map(String::from).collect(),
            consent,
            withdrawn,
            samples: samples.into_iter().map(sample).collect(),
        })
}

fn purpose() -> impl Strategy<Value = Purpose> {
    let research = prop_oneof![Just(("GRU", None)), Just(("HMB", None)), Just(("POA", None)), (0..4usize).prop_map(|d| ("DS", Some(DISEASES[d])))];
    (research, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|((r, d), company, irb, pub_)| {
        let mut p = Purpose::research(r, d).unwrap().commercial(company);
        if irb {
            p = p.with_irb("IRB-2026-7");
        }
        if pub_ {
            p = p.accepting("PUB").unwrap();
        }
        p
    })
}

fn patients() -> impl Strategy<Value = Vec<PatientFacts>> {
    (0..10usize).prop_flat_map(|n| (0..n).map(patient).collect::<Vec<_>>())
}

/// One patient may contribute to the project: every rule, restated.
fn allowed(p: &PatientFacts, purpose: &Purpose, on: Date) -> bool {
    let Some(c) = &p.consent else { return false };
    !p.withdrawn && c.secondary_use && genohub_duo::check(&c.data_use, purpose, on, &is_a).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_sample_counts_without_consent_or_after_withdrawal(
        facts in patients(),
        purpose in purpose(),
        on in (-200i64..600).prop_map(day),
        rule in proptest::option::of(proptest::collection::btree_set((0..18usize).prop_map(sample), 0..18)),
    ) {
        let e = eligible(&facts, &purpose, on, rule.as_ref(), &is_a);
        for s in &e.samples {
            let owners: Vec<&PatientFacts> = facts.iter().filter(|p| p.samples.contains(s)).collect();
            prop_assert!(!owners.is_empty(), "{s:?} belongs to no patient");
            for p in owners {
                prop_assert!(!p.withdrawn, "{s:?} of withdrawn {}", p.pseudonym);
                prop_assert!(allowed(p, &purpose, on), "{s:?} of {} whose consent {:?} does not allow {}", p.pseudonym, p.consent, purpose.describe());
            }
            prop_assert!(rule.as_ref().is_none_or(|r| r.contains(s)), "{s:?} outside the rule");
        }
        // Completeness: a sample every owner allows and the rule selects is counted.
        let all: BTreeSet<&GenomicSampleRef> = facts.iter().flat_map(|p| &p.samples).collect();
        for s in all {
            let ok = facts.iter().filter(|p| p.samples.contains(s)).all(|p| allowed(p, &purpose, on)) && rule.as_ref().is_none_or(|r| r.contains(s));
            prop_assert_eq!(ok, e.samples.contains(s), "{:?}", s);
        }
        // Every verdict explains itself.
        for v in &e.verdicts {
            prop_assert_eq!(v.included, v.reasons.is_empty());
        }
    }
}
