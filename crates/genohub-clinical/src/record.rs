//! A patient's clinical record, shaped like a GA4GH Phenopacket v2 (diseases, biosamples,
//! medical actions, vital status) but holding only what genohub validates and queries. Stored
//! encrypted (see [`crate::crypto`]); the raw hospital identifier is never part of it.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::facts::GenomicSampleRef;

/// An ontology term as a CURIE (`oncotree:LUAD`, `NCIT:C4870`, `UBERON:0002048`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Term {
    pub fn new(id: &str, label: Option<&str>) -> Term {
        Term { id: id.to_string(), label: label.map(str::to_string) }
    }

    pub fn prefix(&self) -> &str {
        self.id.split_once(':').map(|(p, _)| p).unwrap_or("")
    }

    pub fn code(&self) -> &str {
        self.id.split_once(':').map(|(_, c)| c).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    #[default]
    Unknown,
}

impl Sex {
    pub fn name(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }
}

/// Tumour, matched normal tissue, or a germline (blood/saliva) sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleType {
    Tumor,
    Normal,
    Germline,
}

impl SampleType {
    pub fn name(self) -> &'static str {
        match self {
            SampleType::Tumor => "tumor",
            SampleType::Normal => "normal",
            SampleType::Germline => "germline",
        }
    }

    pub fn parse(s: &str) -> Option<SampleType> {
        match s.to_ascii_lowercase().as_str() {
            "tumor" | "tumour" => Some(SampleType::Tumor),
            "normal" => Some(SampleType::Normal),
            "germline" => Some(SampleType::Germline),
            _ => None,
        }
    }
}

/// An age as an ISO 8601 duration (`P55Y`, `P61Y3M`), kept as given and checked on input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Age {
    pub iso8601duration: String,
}

impl Age {
    pub fn of_years(y: u32) -> Age {
        Age { iso8601duration: format!("P{y}Y") }
    }

    /// Whole and fractional years, for comparisons in rules.
    pub fn years(&self) -> f64 {
        duration_years(&self.iso8601duration).unwrap_or(f64::NAN)
    }
}

/// Years of an ISO 8601 duration with Y, M, W, D parts in that order (time parts ignored).
pub fn duration_years(text: &str) -> Option<f64> {
    let body = text.trim().strip_prefix('P')?.split('T').next()?;
    if body.is_empty() {
        return None;
    }
    let (mut years, mut number, mut last_unit) = (0.0, String::new(), 0);
    for c in body.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let (order, per_year) = match c {
            'Y' => (1, 1.0),
            'M' => (2, 12.0),
            'W' => (3, 365.25 / 7.0),
            'D' => (4, 365.25),
            _ => return None,
        };
        if order <= last_unit || number.is_empty() {
            return None;
        }
        last_unit = order;
        years += number.parse::<f64>().ok()? / per_year;
        number.clear();
    }
    number.is_empty().then_some(years)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disease {
    /// OncoTree code for a cancer type (`oncotree:LUAD`), or ICD-10 / MONDO / NCIT.
    pub term: Term,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<Age>,
    /// Clinical stage (e.g. `NCIT:C27971` Stage IV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Term>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tnm: Vec<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_site: Option<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Biosample {
    /// The hospital's biosample identifier (kept only inside the encrypted record).
    pub id: String,
    pub sample_type: SampleType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tissue: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histology: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progression: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Term>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tnm: Vec<Term>,
    /// The sequenced sample in the variant store, whether or not its data has arrived yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genomic: Option<GenomicSampleRef>,
}

/// Best response per RECIST 1.1, as NCIT terms in Phenopackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    CR,
    PR,
    SD,
    PD,
}

impl Response {
    pub const ALL: [Response; 4] = [Response::CR, Response::PR, Response::SD, Response::PD];

    pub fn ncit(self) -> (&'static str, &'static str) {
        match self {
            Response::CR => ("NCIT:C4870", "Complete Response"),
            Response::PR => ("NCIT:C18213", "Partial Response"),
            Response::SD => ("NCIT:C18058", "Stable Disease"),
            Response::PD => ("NCIT:C35571", "Progressive Disease"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Response::CR => "CR",
            Response::PR => "PR",
            Response::SD => "SD",
            Response::PD => "PD",
        }
    }

    /// `CR`, or its NCIT CURIE.
    pub fn parse(s: &str) -> Option<Response> {
        Response::ALL.into_iter().find(|r| r.name().eq_ignore_ascii_case(s) || r.ncit().0.eq_ignore_ascii_case(s))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicalAction {
    /// The drug (e.g. `DrugCentral:4999`, `NCIT:C66939` osimertinib).
    pub agent: Term,
    /// 1 = first-line therapy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Curative, palliative, ... when the source gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Response>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adverse_events: Vec<Term>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vital {
    Alive,
    Deceased,
    Unknown,
}

impl Vital {
    pub fn name(self) -> &'static str {
        match self {
            Vital::Alive => "alive",
            Vital::Deceased => "deceased",
            Vital::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VitalStatus {
    pub status: Vital,
    /// Days from diagnosis to death or last follow-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survival_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause_of_death: Option<Term>,
}

/// What one hospital contributed about a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClinicalRecord {
    #[serde(default)]
    pub sex: Sex,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diseases: Vec<Disease>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub biosamples: Vec<Biosample>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub medical_actions: Vec<MedicalAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vital_status: Option<VitalStatus>,
}

impl ClinicalRecord {
    /// Several hospitals' records of one patient as one record (their contributions in
    /// hospital order; the first known sex; the most informative vital status).
    pub fn merged<'a>(parts: impl IntoIterator<Item = &'a ClinicalRecord>) -> ClinicalRecord {
        let mut out = ClinicalRecord::default();
        for r in parts {
            if out.sex == Sex::Unknown {
                out.sex = r.sex;
            }
            out.diseases.extend(r.diseases.iter().cloned());
            out.biosamples.extend(r.biosamples.iter().cloned());
            out.medical_actions.extend(r.medical_actions.iter().cloned());
            let rank = |v: &Option<VitalStatus>| match v {
                Some(VitalStatus { status: Vital::Deceased, .. }) => 3,
                Some(VitalStatus { status: Vital::Alive, survival_days, .. }) => 1 + i32::from(survival_days.is_some()),
                Some(_) => 0,
                None => -1,
            };
            if rank(&r.vital_status) > rank(&out.vital_status) {
                out.vital_status = r.vital_status.clone();
            }
        }
        out
    }

    /// OncoTree codes of the patient's diseases (`LUAD`).
    pub fn cancer_types(&self) -> impl Iterator<Item = &str> {
        self.diseases.iter().filter(|d| d.term.prefix().eq_ignore_ascii_case("oncotree")).map(|d| d.term.code())
    }
}
