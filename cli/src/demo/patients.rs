//! The demo's clinical data, generated from a seed: patients of three hospitals with a cancer
//! type, stage, one treatment and its RECIST response, vital status and a consent, each linked
//! to one simulated genomic sample. Written as the CSV template hospitals submit.

// The clinical repository's CSV template: the demo writes exactly what hospitals would.
use genohub_clinical::csv_template::COLUMNS;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

pub const HOSPITALS: [(&str, &str); 3] = [("todai-hosp", "TDH"), ("kyoto-hosp", "KYH"), ("osaka-hosp", "OSH")];

/// (OncoTree code, label, primary site, drug CURIE|label).
const CANCERS: [(&str, &str, &str, &str); 6] = [
    ("LUAD", "Lung Adenocarcinoma", "UBERON:0002048|lung", "NCIT:C116377|Osimertinib"),
    ("LUSC", "Lung Squamous Cell Carcinoma", "UBERON:0002048|lung", "NCIT:C106432|Pembrolizumab"),
    ("COAD", "Colon Adenocarcinoma", "UBERON:0001155|colon", "NCIT:C11197|FOLFOX Regimen"),
    ("BRCA", "Invasive Breast Carcinoma", "UBERON:0000310|breast", "NCIT:C1647|Trastuzumab"),
    ("STAD", "Stomach Adenocarcinoma", "UBERON:0000945|stomach", "NCIT:C1282|Carboplatin"),
    ("PAAD", "Pancreatic Adenocarcinoma", "UBERON:0001264|pancreas", "NCIT:C1326|Gemcitabine"),
];

const STAGES: [&str; 4] = ["NCIT:C27966|Stage I", "NCIT:C28054|Stage II", "NCIT:C27970|Stage III", "NCIT:C27971|Stage IV"];
const RESPONSES: [&str; 4] = ["CR", "PR", "SD", "PD"];

/// The consent kinds of the demo, as `data_use` shorthand (the DS one names the patient's own
/// cancer type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentKind {
    Gru,
    GruCc,
    Hmb,
    HmbNcu,
    DiseaseSpecific,
}

#[derive(Debug, Clone)]
pub struct DemoPatient {
    pub hospital: &'static str,
    pub local_id: String,
    pub center: &'static str,
    pub sample: String,
    pub cancer: &'static str,
    pub age: u32,
    pub consent: ConsentKind,
    pub withdrawn: bool,
}

impl DemoPatient {
    pub fn data_use(&self) -> String {
        match self.consent {
            ConsentKind::Gru => "GRU".into(),
            ConsentKind::GruCc => "GRU+CC".into(),
            ConsentKind::Hmb => "HMB".into(),
            ConsentKind::HmbNcu => "HMB+NCU".into(),
            ConsentKind::DiseaseSpecific => format!("DS:oncotree:{}", self.cancer),
        }
    }

    /// Whether a commercial health/medical (HMB) project may use this patient.
    pub fn fits_commercial_hmb(&self) -> bool {
        !self.withdrawn && matches!(self.consent, ConsentKind::Gru | ConsentKind::GruCc | ConsentKind::Hmb)
    }
}

/// splitmix64: enough for reproducible demo data, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `cohort` patients sequenced by `cohort_center` as `SIM00001…`, then `extra` sequenced by
/// `extra_center` as `OSK00001…` (registered by the third hospital).
pub fn generate(seed: u64, cohort: usize, cohort_center: &'static str, extra: usize, extra_center: &'static str) -> Vec<DemoPatient> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(cohort + extra);
    for i in 0..cohort + extra {
        let (hospital, center, sample) = if i < cohort {
            (HOSPITALS[rng.below(3) as usize], cohort_center, format!("SIM{:05}", i + 1))
        } else {
            (HOSPITALS[2], extra_center, format!("OSK{:05}", i - cohort + 1))
        };
        let cancer = CANCERS[rng.below(CANCERS.len() as u64) as usize].0;
        let consent = match rng.below(100) {
            0..=34 => ConsentKind::Gru,
            35..=54 => ConsentKind::GruCc,
            55..=72 => ConsentKind::Hmb,
            73..=87 => ConsentKind::HmbNcu,
            _ => ConsentKind::DiseaseSpecific,
        };
        out.push(DemoPatient {
            hospital: hospital.0,
            local_id: format!("{}-{:04}", hospital.1, 1000 + i),
            center,
            sample,
            cancer,
            age: 35 + rng.below(50) as u32,
            consent,
            withdrawn: rng.below(100) < 3,
        });
    }
    out
}

fn row(out: &mut String, cells: &[(&str, String)]) {
    let line: Vec<&str> = COLUMNS.iter().map(|c| cells.iter().find(|(k, _)| k == c).map_or("", |(_, v)| v.as_str())).collect();
    let _ = writeln!(out, "{}", line.join(","));
}

/// One hospital's CSV template file; the non-genomic details (sex, stage, treatment, response,
/// survival) are drawn here from a stream seeded per patient, so they are reproducible too.
pub fn write_csv(path: &Path, hospital: &str, patients: &[DemoPatient]) -> Result<usize> {
    let mut text = COLUMNS.join(",") + "\n";
    let mut n = 0;
    for (i, p) in patients.iter().enumerate().filter(|(_, p)| p.hospital == hospital) {
        n += 1;
        let mut rng = Rng(0xC0FFEE ^ (i as u64).wrapping_mul(0x9E37_79B9));
        let (code, label, site, drug) = CANCERS.iter().find(|c| c.0 == p.cancer).copied().expect("generated cancer");
        let sex = if p.cancer == "BRCA" || rng.below(2) == 0 { "female" } else { "male" };
        let stage = rng.below(4) as usize;
        let deceased = rng.below(10) < 2 + 2 * stage as u64;
        let id = p.local_id.clone();
        let year = 2020 + rng.below(4);
        let month = 1 + rng.below(9);
        row(
            &mut text,
            &[
                ("record", "patient".into()),
                ("patient_id", id.clone()),
                ("sex", sex.into()),
                ("vital_status", (if deceased { "deceased" } else { "alive" }).into()),
                ("survival_days", (90 + rng.below(1500)).to_string()),
            ],
        );
        row(
            &mut text,
            &[
                ("record", "disease".into()),
                ("patient_id", id.clone()),
                ("term", format!("oncotree:{code}|{label}")),
                ("onset_age", p.age.to_string()),
                ("stage", STAGES[stage].into()),
                ("primary_site", site.into()),
            ],
        );
        row(
            &mut text,
            &[
                ("record", "sample".into()),
                ("patient_id", id.clone()),
                ("sample_id", format!("{id}-T1")),
                ("sample_type", "tumor".into()),
                ("tissue", site.into()),
                ("collected", format!("{year}-{month:02}-10")),
                ("center", p.center.into()),
                ("genomic_sample", p.sample.clone()),
            ],
        );
        row(
            &mut text,
            &[
                ("record", "treatment".into()),
                ("patient_id", id.clone()),
                ("drug", drug.into()),
                ("line", "1".into()),
                ("start", format!("{year}-{:02}-01", month + 1)),
                ("end", format!("{year}-{:02}-28", month + 3)),
                ("response", RESPONSES[rng.below(4) as usize].into()),
            ],
        );
        row(
            &mut text,
            &[
                ("record", "consent".into()),
                ("patient_id", id),
                ("consent_date", format!("{year}-{month:02}-01")),
                ("form_version", "ccat-v3.2".into()),
                ("data_use", p.data_use()),
                ("secondary_use", "yes".into()),
                ("recontact", "no".into()),
            ],
        );
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(n)
}
