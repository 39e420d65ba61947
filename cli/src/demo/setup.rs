//! Building the demo hub: organisations, users and tokens, then the centers' uploads
//! (`uploads`), the hospitals' clinical imports and withdrawals (`hospitals`), and the projects
//! and the committee's decisions (`projects`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use genohub_governance::{Hub, OrgKind, Role};
use genohub_keys::HubKey;
use genohub_store::Store;

use super::patients::{self, DemoPatient, HOSPITALS};
use super::uploads::GVCF_SAMPLES;
use super::{hospitals, projects, uploads};

pub const COHORT_CENTER: &str = "tokyo-seq";
pub const SMALL_CENTER: &str = "osaka-seq";
pub const COMPANY: &str = "pharma-co";
pub const UNIVERSITY: &str = "tohoku-univ";
pub const COMMITTEE: &str = "review-board";
pub const LENGTH: u64 = 500_000;
pub const CONTIG: &str = "chr20";
pub const SEED: u64 = 42;

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
    /// The university's approved non-commercial project.
    pub academic: String,
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

    println!("== setup: a hub with 2 sequencing centers, 3 hospitals, a review committee, a company and a university");
    let patients = patients::generate(SEED, 500, COHORT_CENTER, GVCF_SAMPLES, SMALL_CENTER);
    let hub = hub(dir, &key_file)?;
    let cast = create_cast(&hub)?;
    uploads::run(&hub, &cast, dir, threads, &patients)?;
    hospitals::register(&hub, &cast, dir, &patients)?;
    let decided = projects::decide(&hub, &cast)?;
    drop(hub);
    Ok(DemoHub { dir: dir.to_path_buf(), key_file, patients, cast, approved: decided.approved, rejected: decided.rejected, academic: decided.academic })
}

/// Organisations, one user each (hospitals: a clinician), and a token per user.
fn create_cast(hub: &Hub) -> Result<Cast> {
    let op = hub.operator();
    let mut orgs: Vec<(&str, &str, OrgKind, String, Role)> = vec![
        (COHORT_CENTER, "Tokyo Sequencing Center", OrgKind::SequencingCenter, "tokyo-pipeline".into(), Role::Uploader),
        (SMALL_CENTER, "Osaka Sequencing Center", OrgKind::SequencingCenter, "osaka-pipeline".into(), Role::Uploader),
    ];
    for (id, _) in HOSPITALS {
        orgs.push((id, id, OrgKind::Hospital, hospitals::clinician(id), Role::Clinician));
    }
    orgs.push((COMMITTEE, "C-CAT Review Committee", OrgKind::Committee, "dr-review".into(), Role::Committee));
    orgs.push((COMPANY, "Pharma Co.", OrgKind::Company, "analyst".into(), Role::Researcher));
    orgs.push((UNIVERSITY, "Tohoku University", OrgKind::Academic, "prof-tohoku".into(), Role::Researcher));
    let mut tokens = Vec::new();
    for (id, name, kind, user, role) in orgs {
        op.create_org(id, name, kind)?;
        op.create_user(&user, id, role)?;
        let t = op.create_token(&user, 30, "demo")?;
        tokens.push((user, role, id.to_string(), t.secret.as_str().to_string()));
    }
    Ok(Cast { tokens })
}

/// Reopens the hub the demo built (tokens persist in the store).
pub fn reopen(d: &DemoHub) -> Result<Hub> {
    hub(&d.dir, &d.key_file)
}
