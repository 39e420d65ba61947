//! Building the demo hub: organisations, users and tokens; the centers' uploads; the hospitals'
//! clinical imports and withdrawals; the company's projects and the committee's decisions.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use genohub_clinical::Clinical;
use genohub_governance::{AccessLevel, Approval, Hub, Operation, OrgKind, ProjectRequest, Role};
use genohub_keys::HubKey;
use genohub_store::{IngestOptions, NoProgress, RefCheck, Store};

use super::patients::{self, DemoPatient, HOSPITALS};

pub const COHORT_CENTER: &str = "tokyo-seq";
pub const SMALL_CENTER: &str = "osaka-seq";
pub const COMPANY: &str = "pharma-co";
pub const COMMITTEE: &str = "review-board";
pub const LENGTH: u64 = 500_000;
pub const CONTIG: &str = "chr20";
const SEED: u64 = 42;

/// Who is who, with a token each (secrets shown only by the demo).
pub struct Cast {
    pub tokens: Vec<(String, Role, String, String)>,
}

impl Cast {
    pub fn token(&self, user: &str) -> &str {
        &self.tokens.iter().find(|t| t.0 == user).expect("demo user").3
    }
}

pub struct DemoHub {
    pub dir: PathBuf,
    pub key_file: PathBuf,
    pub patients: Vec<DemoPatient>,
    pub cast: Cast,
    pub approved: String,
    pub rejected: String,
}

pub fn store_dir(dir: &Path) -> PathBuf {
    dir.join("store")
}

fn hub(dir: &Path, key_file: &Path) -> Result<Hub> {
    let store = Store::open(&store_dir(dir))?;
    Ok(Hub::new(store, HubKey::load(key_file)?)?)
}

pub fn build(dir: &Path, threads: usize) -> Result<DemoHub> {
    let sdir = store_dir(dir);
    if sdir.exists() {
        std::fs::remove_dir_all(&sdir).with_context(|| format!("clearing {}", sdir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let key_file = dir.join("hub-key");
    let _ = std::fs::remove_file(&key_file);
    HubKey::generate(&key_file)?;

    println!("== setup: a hub with 2 sequencing centers, 3 hospitals, a review committee and a company");
    let cohort = dir.join("cohort.vcf.gz");
    let small = dir.join("osaka.vcf.gz");
    let fasta = dir.join("reference.fa");
    let base = genohub_sim::CohortParams { samples: 500, length: LENGTH, seed: SEED, contig: CONTIG.into(), ..Default::default() };
    let sim = genohub_sim::write_cohort(&base, &cohort, Some(&fasta))?;
    // Same seed and length: the same reference; other founders: other genotypes.
    let small_params = genohub_sim::CohortParams { samples: 4, founders: 16, sample_prefix: "OSK".into(), ..base.clone() };
    genohub_sim::write_cohort(&small_params, &small, None)?;
    println!("simulated {} samples x {} bp ({} records) for {COHORT_CENTER}, 4 samples for {SMALL_CENTER}", sim.samples, LENGTH, sim.records);

    let patients = patients::generate(SEED, 500, COHORT_CENTER, 4, SMALL_CENTER);
    let mut tokens = Vec::new();
    {
        let hub = hub(dir, &key_file)?;
        let op = hub.operator();
        let mut orgs: Vec<(&str, &str, OrgKind, &str, Role)> = vec![
            (COHORT_CENTER, "Tokyo Sequencing Center", OrgKind::SequencingCenter, "tokyo-pipeline", Role::Uploader),
            (SMALL_CENTER, "Osaka Sequencing Center", OrgKind::SequencingCenter, "osaka-pipeline", Role::Uploader),
        ];
        for (id, _) in HOSPITALS {
            orgs.push((id, id, OrgKind::Hospital, "", Role::Clinician));
        }
        orgs.push((COMMITTEE, "C-CAT Review Committee", OrgKind::Committee, "dr-review", Role::Committee));
        orgs.push((COMPANY, "Pharma Co.", OrgKind::Company, "analyst", Role::Researcher));
        for (id, name, kind, user, role) in orgs {
            op.create_org(id, name, kind)?;
            let user = if user.is_empty() { format!("dr-{}", id.trim_end_matches("-hosp")) } else { user.to_string() };
            op.create_user(&user, id, role)?;
            let t = op.create_token(&user, 30, "demo")?;
            tokens.push((user, role, id.to_string(), t.secret.as_str().to_string()));
        }
        let cast = Cast { tokens };

        println!("\n== sequencing centers upload (as their uploader tokens)");
        for (user, file, center, reference) in
            [("tokyo-pipeline", &cohort, COHORT_CENTER, Some(fasta.clone())), ("osaka-pipeline", &small, SMALL_CENTER, Some(fasta.clone()))]
        {
            let s = hub.authenticate(cast.token(user))?;
            let opts = IngestOptions { center: center.into(), reference, check_ref: RefCheck::Error, replace: false, threads };
            let m = s.ingest(file, &opts, &NoProgress)?;
            println!("{user}: ingested batch {} for {center}: {} records, {} variants, {} samples", m.id, m.records_read, m.variants, m.samples.len());
        }
        println!("\n== {COHORT_CENTER} deposits a few BAMs (as tokyo-pipeline)");
        let with_bam: Vec<&str> = patients.iter().filter(|p| !p.withdrawn && p.center == COHORT_CENTER).take(3).map(|p| p.sample.as_str()).collect();
        super::bams::ingest(&hub.authenticate(cast.token("tokyo-pipeline"))?, dir, &base, COHORT_CENTER, &with_bam)?;
        let s = hub.authenticate(cast.token("osaka-pipeline"))?;
        let opts = IngestOptions { center: COHORT_CENTER.into(), ..Default::default() };
        match s.ingest(&small, &opts, &NoProgress) {
            Ok(_) => anyhow::bail!("an upload for another center was accepted"),
            Err(e) => println!("osaka-pipeline uploading as {COHORT_CENTER}: REFUSED ({e})"),
        }
        for (h, _) in HOSPITALS {
            let user = format!("dr-{}", h.trim_end_matches("-hosp"));
            hub.authenticate(cast.token(&user))?.authorize(Operation::ClinicalWrite, Some(h), serde_json::json!({"import": "demo csv"}))?;
        }
        tokens = cast.tokens;
    }

    println!("\n== hospitals register their patients (Phenopacket-shaped records via the CSV template)");
    {
        let store = Store::open(&sdir)?;
        let key = HubKey::load(&key_file)?;
        let clinical = Clinical::new(&store, &key)?;
        for (h, _) in HOSPITALS {
            let csv = dir.join(format!("{h}.csv"));
            let n = patients::write_csv(&csv, h, &patients)?;
            let r = clinical.import(h, std::slice::from_ref(&csv))?;
            println!(
                "{h}: imported {n} patients from {}: {} new, {} genomic samples linked, {} consents, {} warnings",
                csv.display(),
                r.new_patients,
                r.genomic_samples,
                r.consents,
                r.warnings.len()
            );
        }
        let today = time::OffsetDateTime::now_utc().date();
        let mut withdrawn = 0;
        for p in patients.iter().filter(|p| p.withdrawn) {
            let pseudonym = clinical.find_patient(p.hospital, &p.local_id)?.context("demo patient not registered")?;
            clinical.withdraw(&pseudonym, Some(p.hospital), today)?;
            withdrawn += 1;
        }
        let count = |f: &dyn Fn(&DemoPatient) -> bool| patients.iter().filter(|p| f(p)).count();
        println!(
            "consents: {} GRU, {} GRU+CC, {} HMB, {} HMB+NCU, {} disease-specific; {withdrawn} withdrawn (their samples excluded at once)",
            count(&|p| p.consent == patients::ConsentKind::Gru),
            count(&|p| p.consent == patients::ConsentKind::GruCc),
            count(&|p| p.consent == patients::ConsentKind::Hmb),
            count(&|p| p.consent == patients::ConsentKind::HmbNcu),
            count(&|p| p.consent == patients::ConsentKind::DiseaseSpecific),
        );
    }

    println!("\n== the company submits two projects; the committee decides");
    let hub = hub(dir, &key_file)?;
    let cast = Cast { tokens };
    let analyst = hub.authenticate(cast.token("analyst"))?;
    let committee = hub.authenticate(cast.token("dr-review"))?;
    let request = |title: &str, research: &str, disease: Option<&str>, analyses: Vec<Operation>, access| ProjectRequest {
        title: title.into(),
        research: research.into(),
        disease: disease.map(String::from),
        members: vec![],
        analyses,
        cohort_rule: None,
        access,
        irb: Some("IRB-2026-114".into()),
        accepted_conditions: vec![],
        start: None,
        expires: None,
    };
    let ok = analyst.submit_project(&request(
        "Germline modifiers of response across solid tumours",
        "HMB",
        None,
        vec![Operation::CohortSize, Operation::Freq, Operation::Assoc, Operation::VariantLookup, Operation::AfDist],
        AccessLevel::Aggregate,
    ))?;
    let bad = analyst.submit_project(&request("Individual genotypes of all LUAD patients", "HMB", None, vec![Operation::Genotypes], AccessLevel::Record))?;
    let a = committee.approve_project(&ok.id, &Approval { conditions: "aggregate results only".into(), ..Default::default() })?;
    let r = committee.reject_project(&bad.id, "record-level genotypes are not justified for this aim")?;
    println!("{}: \"{}\" -> {} (k={}, min cohort {})", a.id, a.title, a.status.name(), a.disclosure.k, a.disclosure.min_cohort);
    println!("{}: \"{}\" -> {}", r.id, r.title, r.status.name());
    drop((analyst, committee));
    drop(hub);
    Ok(DemoHub { dir: dir.to_path_buf(), key_file, patients, cast, approved: a.id, rejected: r.id })
}

/// Reopens the hub the demo built (tokens persist in the store).
pub fn reopen(d: &DemoHub) -> Result<Hub> {
    hub(&d.dir, &d.key_file)
}
