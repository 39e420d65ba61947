//! Every role × every operation through the facade: what the matrix denies is refused as
//! forbidden (and audited), what it allows is carried out; then the scoped cells are refused
//! outside their scope (another center, another hospital's patient, another organisation's
//! project, no project, an inactive project, an analysis the project was not approved for).

mod common;

use common::*;
use genohub_analysis::{AfDistRequest, AssocRequest, AssocTest, Bins};
use genohub_governance::audit::Decision;
use genohub_governance::matrix::scope;
use genohub_governance::{AccessLevel, AuditFilter, CohortSpec, GovernanceError, Operation, Role, Scope, Session};
use genohub_store::{IngestOptions, NoProgress, Region};

const AGGREGATES: [Operation; 6] =
    [Operation::CohortSize, Operation::Freq, Operation::AfDist, Operation::Assoc, Operation::VariantLookup, Operation::Genotypes];

fn region() -> Vec<Region> {
    vec!["chr20:1-30000".parse().unwrap()]
}

fn bins() -> Bins {
    Bins::parse(genohub_analysis::bins::DEFAULT_EDGES).unwrap()
}

fn names(range: std::ops::Range<usize>) -> CohortSpec {
    CohortSpec::Samples(range.map(|i| format!("seqA/{}", sample(i).name)).collect())
}

struct Ctx<'a> {
    fx: &'a Fixture,
    project: String,
    submitted: String,
    own_org: String,
    tag: String,
    token_to_revoke: String,
}

/// Performs `op` as the session would for its own objects. Ok(()) = carried out.
fn attempt(s: &Session, op: Operation, c: &Ctx) -> Result<(), GovernanceError> {
    let project = (s.principal().role == Role::Researcher).then_some(c.project.as_str());
    let tag = &c.tag;
    match op {
        Operation::OrgCreate => s.create_org(&format!("org-{tag}"), "x", genohub_governance::OrgKind::Academic).map(drop),
        Operation::OrgList => s.orgs().map(drop),
        Operation::UserCreate => s.create_user(&format!("user-{tag}"), "uni", Role::Researcher).map(drop),
        Operation::UserList => s.users().map(drop),
        Operation::UserDisable => s.disable_user(&format!("victim-{tag}")).map(drop),
        Operation::TokenCreate => s.create_token("aca", 1, "").map(drop),
        Operation::TokenList => s.tokens(None).map(drop),
        Operation::TokenRevoke => s.revoke_token(&c.token_to_revoke).map(drop),
        Operation::Ingest => {
            let opts = IngestOptions { center: "seqA".into(), threads: 1, ..Default::default() };
            s.ingest(&small_vcf(c.fx.dir.path(), tag), &opts, &NoProgress).map(drop)
        }
        Operation::BatchList => s.batches().map(drop),
        Operation::ClinicalWrite => s.authorize(op, Some(&c.own_org), serde_json::json!({"what": "consent"})),
        Operation::ClinicalRead => s.authorize(op, Some(&c.own_org), serde_json::json!({"patient": "pt000"})),
        Operation::Genotypes => {
            let v = s.genotypes(project, region(), &CohortSpec::Everyone)?;
            let mut n = 0;
            v.write(&mut |t| {
                n += t.len();
                Ok(())
            })?;
            assert!(n > 0);
            Ok(())
        }
        Operation::CohortSize => s.cohort_size(project, &CohortSpec::Everyone).map(drop),
        Operation::Freq => s.freq(project, region(), &CohortSpec::Everyone, |_| Ok(())).map(drop),
        Operation::AfDist => {
            let req = AfDistRequest { regions: region(), samples: genohub_analysis::SampleSource::All, prob_bins: bins(), dev_bins: bins(), af_bins: bins() };
            s.afdist(project, req, &CohortSpec::Everyone).map(drop)
        }
        Operation::Assoc => {
            let req = AssocRequest {
                regions: region(),
                cases: genohub_analysis::SampleSource::All,
                controls: genohub_analysis::SampleSource::All,
                test: AssocTest::Fisher,
                covariates: None,
            };
            s.assoc(project, req, &names(0..20), &names(20..40), |_| Ok(())).map(drop)
        }
        Operation::VariantLookup => s.variant_lookup(project, "chr20:1-5000".parse().unwrap()).map(drop),
        Operation::ProjectSubmit => s.submit_project(&request("another", "HMB", None, &[Operation::Freq], AccessLevel::Aggregate)).map(drop),
        Operation::ProjectDecide => s.approve_project(&c.submitted, &Default::default()).map(drop),
        Operation::ProjectRead => s.project(&c.project).map(drop),
        Operation::ProjectExplain => s.explain_project(&c.project).map(drop),
        Operation::AuditRead => s.audit_log(&AuditFilter::default()).map(drop),
        Operation::AuditVerify => s.audit_verify().map(|r| assert!(r.is_ok(), "{:?}", r.problems)),
        Operation::Backup => {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dest = c.fx.dir.path().join(format!("backup-{tag}-{n}"));
            let summary = s.backup(&dest)?;
            assert!(dest.join("db").join("CURRENT").exists(), "{summary:?}");
            Ok(())
        }
        Operation::Exists => {
            let carried = s.variant_exists("chr20:1-30000".parse().unwrap(), serde_json::json!({}), |_, _, _| true)?;
            assert!(carried, "the cohort carries variants in its region");
            assert!(s.individuals_exist(&Default::default())?);
            Ok(())
        }
        Operation::Stats => s.store_stats().map(|st| assert!(st.samples >= SAMPLES, "{} samples", st.samples)),
        Operation::CohortRead => s.cohorts().map(drop),
        Operation::CohortWrite => {
            // Patient 0 is H1's, consents GRU+CC: the clinician's own and the project's.
            let definition = genohub_governance::NewCohort::Samples(vec![format!("seqA/{}", sample(0).name)]);
            s.create_cohort(&genohub_governance::CohortRequest { name: format!("c-{tag}"), definition, project: project.map(String::from), replace: false })
                .map(drop)
        }
    }
}

fn denied_by_matrix(r: &Result<(), GovernanceError>) -> bool {
    matches!(r, Err(GovernanceError::Forbidden(m)) if m.contains("may not"))
}

#[test]
fn every_role_and_operation_follows_the_matrix() {
    let fx = fixture();
    let project = approved_project(&fx, "res", &request("main", "HMB", None, &AGGREGATES, AccessLevel::Record));
    let users: Vec<(Role, Option<&str>, &str)> = vec![
        (Role::Uploader, Some("up"), "seqA"),
        (Role::Clinician, Some("doc1"), "H1"),
        (Role::Researcher, Some("res"), "pharma"),
        (Role::Committee, Some("rev"), "irc"),
        (Role::Admin, Some("adm"), "uni"),
        (Role::Operator, None, ""),
        (Role::Anonymous, None, "anonymous"),
    ];
    let mut allowed_cells = 0;
    for (role, user, org) in users {
        let s = match (user, role) {
            (Some(u), _) => fx.session(u),
            (None, Role::Anonymous) => fx.hub.anonymous(),
            (None, _) => fx.hub.operator(),
        };
        assert_eq!(s.principal().role, role);
        let op_session = fx.hub.operator();
        let tag = role.name().to_string();
        op_session.create_user(&format!("victim-{tag}"), "uni", Role::Researcher).unwrap();
        let token_to_revoke = op_session.create_token("aca", 5, &tag).unwrap().record.id;
        let submitted = fx.session("aca").submit_project(&request(&format!("for {tag}"), "GRU", None, &[Operation::Freq], AccessLevel::Aggregate)).unwrap().id;
        let c = Ctx { fx: &fx, project: project.clone(), submitted, own_org: org.to_string(), tag, token_to_revoke };
        for op in Operation::ALL {
            let before = fx.hub.operator().audit_log(&AuditFilter::default()).unwrap().len();
            let r = attempt(&s, op, &c);
            let denied = scope(role, op) == Scope::Denied;
            assert_eq!(denied_by_matrix(&r), denied, "{role} × {}: {r:?}", op.name());
            if !denied {
                assert!(r.is_ok(), "{role} × {} is allowed but failed: {r:?}", op.name());
                allowed_cells += 1;
            }
            // Exactly one entry per attempt, with the decision (the listing adds its own after).
            let log = fx.hub.operator().audit_log(&AuditFilter::default()).unwrap();
            let entry =
                log.iter().rev().find(|e| e.operation == op.name() && e.seq as usize > before).unwrap_or_else(|| panic!("{role} × {} not audited", op.name()));
            assert_eq!(entry.decision, if denied { Decision::Forbidden } else { Decision::Allowed }, "{role} × {}", op.name());
            assert_eq!(entry.role, Some(role));
        }
    }
    let expected = Role::ALL.iter().flat_map(|r| Operation::ALL.iter().map(move |o| scope(*r, *o))).filter(|s| *s != Scope::Denied).count();
    assert_eq!(allowed_cells, expected);
    assert!(fx.hub.operator().audit_verify().unwrap().is_ok());
}

fn forbidden(r: Result<impl std::fmt::Debug, GovernanceError>, needle: &str) {
    match r {
        Err(GovernanceError::Forbidden(m)) => assert!(m.contains(needle), "{m:?} lacks {needle:?}"),
        other => panic!("expected forbidden ({needle}), got {other:?}"),
    }
}

#[test]
fn scoped_cells_are_refused_outside_their_scope() {
    let fx = fixture();
    let hmb_freq = request("freq only", "HMB", None, &[Operation::Freq], AccessLevel::Aggregate);
    let project = approved_project(&fx, "res", &hmb_freq);

    // Uploader: another center.
    let opts = IngestOptions { center: "seqB".into(), threads: 1, ..Default::default() };
    forbidden(fx.session("up").ingest(&small_vcf(fx.dir.path(), "other"), &opts, &NoProgress), "only for its own center");
    assert!(fx.session("up").batches().unwrap().iter().all(|b| b.center == "seqA"));

    // Clinician: a patient of the other hospital (odd patients are H2's), by name.
    forbidden(fx.session("doc1").genotypes(None, region(), &names(1..2)), "is not one of the patients of H1");
    let own = fx.session("doc1").genotypes(None, region(), &CohortSpec::Everyone).unwrap();
    // H1's patients are the even ones, minus the withdrawn 48, 50.
    assert_eq!(own.samples.len(), 28, "{:?}", own.samples);
    assert!(own.samples.iter().all(|n| n[3..].parse::<usize>().unwrap() % 2 == 1), "SIM numbers start at 1: even patients have odd numbers");
    forbidden(fx.session("doc1").authorize(Operation::ClinicalRead, Some("H2"), serde_json::json!({})), "only for its own organisation");

    // Researcher: no project, another organisation's project, an analysis not approved,
    // genotypes with aggregate access, not a member.
    forbidden(fx.session("res").freq(None, region(), &CohortSpec::Everyone, |_| Ok(())), "only inside an approved project");
    forbidden(fx.session("aca").freq(Some(&project), region(), &CohortSpec::Everyone, |_| Ok(())), "is not a member");
    forbidden(fx.session("aca").project(&project), "belongs to another organisation");
    forbidden(
        fx.session("res")
            .cohort_size(Some(&project), &CohortSpec::Everyone)
            .map(drop)
            .and_then(|_| fx.session("res").assoc(Some(&project), assoc_req(), &names(0..20), &names(20..40), |_| Ok(()))),
        "was not approved for assoc",
    );
    forbidden(fx.session("res").genotypes(Some(&project), region(), &CohortSpec::Everyone), "was not approved for genotypes");
    forbidden(fx.session("res2").freq(Some(&project), region(), &CohortSpec::Everyone, |_| Ok(())), "is not a member");

    // A submitted (not yet approved) project and a revoked one.
    let pending = fx.session("res").submit_project(&hmb_freq).unwrap().id;
    forbidden(fx.session("res").freq(Some(&pending), region(), &CohortSpec::Everyone, |_| Ok(())), "is submitted");
    fx.session("rev").revoke_project(&project, "misuse").unwrap();
    forbidden(fx.session("res").freq(Some(&project), region(), &CohortSpec::Everyone, |_| Ok(())), "is revoked");

    // A record-level project shows genotypes of its effective samples only.
    let record = approved_project(&fx, "res", &request("records", "HMB", None, &[Operation::Genotypes], AccessLevel::Record));
    let v = fx.session("res").genotypes(Some(&record), region(), &CohortSpec::Everyone).unwrap();
    assert_eq!(v.samples.len(), 40, "GRU+CC patients 0-39; HMB+NCU excluded for a company");
    forbidden(fx.session("res").genotypes(Some(&record), region(), &names(45..46)), "is not one of project");
}

fn assoc_req() -> AssocRequest {
    AssocRequest {
        regions: region(),
        cases: genohub_analysis::SampleSource::All,
        controls: genohub_analysis::SampleSource::All,
        test: AssocTest::Fisher,
        covariates: None,
    }
}

#[test]
fn the_security_model_document_shows_this_matrix() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/security-model.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let start = doc.find("<!-- matrix:start -->\n").unwrap() + "<!-- matrix:start -->\n".len();
    let end = doc.find("<!-- matrix:end -->").unwrap();
    assert_eq!(&doc[start..end], genohub_governance::matrix::markdown_table(), "regenerate the table in {}", path.display());
}
