//! A real hub for facade tests: a RocksDB store in a tempdir holding a simulated 60-sample
//! cohort from center `seqA` (SIM00001…SIM00060), one patient per sample, organisations and
//! users of every role with their tokens.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use genohub_clinical::{ConsentInForce, GenomicSampleRef, PatientFacts};
use genohub_duo::DataUse;
use genohub_governance::{Clock, FactsTable, Hub, OrgKind, Role, Session};
use genohub_keys::HubKey;
use genohub_store::{IngestOptions, NoProgress, Store};
use time::macros::{date, datetime};

pub const SAMPLES: usize = 60;

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub hub: Hub,
    /// Token secret per user name.
    pub tokens: Vec<(String, String)>,
    pub facts: Vec<PatientFacts>,
}

pub fn sample(i: usize) -> GenomicSampleRef {
    GenomicSampleRef { center: "seqA".into(), name: format!("SIM{:05}", i + 1) }
}

/// Patient i: hospital H1 when even, H2 when odd. Consents: 0–39 GRU + CC with secondary use;
/// 40–47 HMB + NCU; 48–51 withdrawn; 52–55 GRU without secondary use; 56–59 none.
pub fn default_facts() -> Vec<PatientFacts> {
    (0..SAMPLES)
        .map(|i| {
            let consent = |text: &str, secondary_use: bool| {
                Some(ConsentInForce {
                    data_use: DataUse::parse(text).unwrap(),
                    date: date!(2025 - 06 - 01),
                    form_version: "v3".into(),
                    secondary_use,
                    recontact: true,
                })
            };
            let (consent, withdrawn) = match i {
                0..=39 => (consent("GRU+CC", true), false),
                40..=47 => (consent("HMB+NCU", true), false),
                48..=51 => (None, true),
                52..=55 => (consent("GRU", false), false),
                _ => (None, false),
            };
            PatientFacts {
                pseudonym: format!("pt{i:03}"),
                hospitals: vec![if i % 2 == 0 { "H1" } else { "H2" }.into()],
                consent,
                withdrawn,
                samples: vec![sample(i)],
            }
        })
        .collect()
}

pub fn cohort_vcf(dir: &Path) -> PathBuf {
    let path = dir.join("cohort.vcf");
    let params = genohub_sim::CohortParams { samples: SAMPLES, length: 30_000, seed: 7, contig: "chr20".into(), ..Default::default() };
    genohub_sim::write_cohort_vcf(&params, std::fs::File::create(&path).unwrap()).unwrap();
    path
}

pub const NOW: time::OffsetDateTime = datetime!(2026-05-01 10:00 UTC);

pub fn hub_at(dir: &Path, facts: Vec<PatientFacts>) -> Hub {
    let store = Store::open(&dir.join("store")).unwrap();
    Hub::new(store, HubKey::from_bytes([3; 32])).unwrap().with_clock(Clock::Fixed(NOW)).with_clinical(Box::new(FactsTable { facts }))
}

pub fn fixture() -> Fixture {
    fixture_with(default_facts())
}

pub fn fixture_with(facts: Vec<PatientFacts>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_at(dir.path(), facts.clone());
    let vcf = cohort_vcf(dir.path());
    let op = hub.operator();
    op.ingest(&vcf, &IngestOptions { center: "seqA".into(), threads: 2, ..Default::default() }, &NoProgress).unwrap();
    let tokens = orgs_and_users(
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
            ("doc2", "H2", Role::Clinician),
            ("res", "pharma", Role::Researcher),
            ("res2", "pharma", Role::Researcher),
            ("aca", "uni", Role::Researcher),
            ("rev", "irc", Role::Committee),
            ("adm", "uni", Role::Admin),
        ],
    );
    Fixture { dir, hub, tokens, facts }
}

/// Organisations and users created by the operator `op`; (user, token secret) per user.
pub fn orgs_and_users(op: &Session<'_>, orgs: &[(&str, OrgKind)], users: &[(&str, &str, Role)]) -> Vec<(String, String)> {
    for &(id, kind) in orgs {
        op.create_org(id, &format!("{id} organisation"), kind).unwrap();
    }
    users
        .iter()
        .map(|&(user, org, role)| {
            op.create_user(user, org, role).unwrap();
            (user.to_string(), op.create_token(user, 300, "test").unwrap().secret.to_string())
        })
        .collect()
}

impl Fixture {
    pub fn token(&self, user: &str) -> &str {
        &self.tokens.iter().find(|(u, _)| u == user).unwrap().1
    }

    pub fn session(&self, user: &str) -> genohub_governance::Session<'_> {
        self.hub.authenticate(self.token(user)).unwrap()
    }
}

pub fn request(
    title: &str,
    research: &str,
    disease: Option<&str>,
    analyses: &[genohub_governance::Operation],
    access: genohub_governance::AccessLevel,
) -> genohub_governance::ProjectRequest {
    genohub_governance::ProjectRequest {
        title: title.into(),
        research: research.into(),
        disease: disease.map(String::from),
        members: vec![],
        analyses: analyses.to_vec(),
        cohort_rule: None,
        access,
        irb: Some("IRB-2026-001".into()),
        accepted_conditions: vec![],
        start: None,
        expires: None,
    }
}

/// Submitted by `researcher`, approved by `rev` with default disclosure rules; returns its id.
pub fn approved_project(fx: &Fixture, researcher: &str, req: &genohub_governance::ProjectRequest) -> String {
    let p = fx.session(researcher).submit_project(req).unwrap();
    fx.session("rev")
        .approve_project(&p.id, &genohub_governance::Approval { conditions: "publish aggregate results only".into(), ..Default::default() })
        .unwrap();
    p.id
}

/// A small VCF with new sample names, unique content per `tag`.
pub fn small_vcf(dir: &Path, tag: &str) -> PathBuf {
    let path = dir.join(format!("{tag}.vcf"));
    let text = format!("##fileformat=VCFv4.2\n##contig=<ID=chr20,length=30000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tX{tag}\n chr20\t100\t.\tA\tG\t.\t.\t.\tGT\t0/1\n").replace("\n chr20", "\nchr20");
    std::fs::write(&path, text).unwrap();
    path
}
