//! The CSV template (docs/clinical.md, example in test_data/clinical/): one row per fact, the
//! `record` column saying which kind (`patient`, `disease`, `sample`, `treatment`, `consent`),
//! rows grouped into patients by `patient_id`. Term cells are `CURIE` or `CURIE|label`;
//! list cells separate items with `;`.

use std::collections::BTreeMap;

use genohub_duo::DataUse;

use crate::codes::{OncoTree, Slot};
use crate::consent::ConsentAction;
use crate::facts::GenomicSampleRef;
use crate::record::{Biosample, Disease, MedicalAction, Response, SampleType, Sex, Term, Vital, VitalStatus};
use crate::submission::Submission;
use crate::validate;
use crate::ClinicalError;

pub const COLUMNS: &[&str] = &[
    "record",
    "patient_id",
    "linkage_id",
    "sex",
    "vital_status",
    "survival_days",
    "term",
    "onset_age",
    "stage",
    "tnm",
    "primary_site",
    "sample_id",
    "sample_type",
    "tissue",
    "collected",
    "histology",
    "grade",
    "center",
    "genomic_sample",
    "drug",
    "line",
    "start",
    "end",
    "response",
    "adverse_events",
    "consent_date",
    "form_version",
    "data_use",
    "secondary_use",
    "recontact",
];

struct Row<'a> {
    file: &'a str,
    record: String,
    cells: BTreeMap<&'static str, String>,
    tree: Option<&'a OncoTree>,
}

type R<T> = Result<T, ClinicalError>;

impl Row<'_> {
    fn fail(&self, field: &str, m: impl Into<String>) -> ClinicalError {
        ClinicalError::input(self.file, &self.record, field, m)
    }

    fn get(&self, col: &str) -> Option<&str> {
        self.cells.get(col).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    fn required(&self, col: &str) -> R<&str> {
        self.get(col).ok_or_else(|| self.fail(col, "is required for this record kind"))
    }

    fn term_text(&self, col: &str, text: &str, slot: Slot) -> R<Term> {
        let (id, label) = match text.split_once('|') {
            Some((i, l)) => (i, Some(l)),
            None => (text, None),
        };
        validate::term(id, label, slot, self.tree).map_err(|m| self.fail(col, m))
    }

    fn term(&self, col: &str, slot: Slot) -> R<Option<Term>> {
        self.get(col).map(|t| self.term_text(col, t, slot)).transpose()
    }

    fn terms(&self, col: &str, slot: Slot) -> R<Vec<Term>> {
        self.get(col).map(|t| t.split(';').map(str::trim).filter(|s| !s.is_empty()).map(|s| self.term_text(col, s, slot)).collect()).unwrap_or(Ok(Vec::new()))
    }

    fn date(&self, col: &str) -> R<Option<time::Date>> {
        self.get(col).map(|t| validate::date(t).map_err(|m| self.fail(col, m))).transpose()
    }

    fn yes_no(&self, col: &str) -> R<bool> {
        match self.required(col)?.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" => Ok(true),
            "no" | "n" | "false" => Ok(false),
            other => Err(self.fail(col, format!("{other:?} is not yes or no"))),
        }
    }

    /// Fails on cells filled in that this record kind does not use (a value in the wrong column
    /// would otherwise be lost silently).
    fn only(&self, kind: &str, used: &[&str]) -> R<()> {
        for (col, v) in &self.cells {
            if !v.trim().is_empty() && !["record", "patient_id"].contains(col) && !used.contains(col) {
                return Err(self.fail(col, format!("is not used by {kind} records (used: {})", used.join(", "))));
            }
        }
        Ok(())
    }
}

/// Reads a CSV template file into one submission per patient, in order of first appearance.
pub fn read(file: &str, text: &str, tree: Option<&OncoTree>) -> R<Vec<Submission>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::None).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| ClinicalError::input(file, "line 1", "(header)", e.to_string()))?.clone();
    let mut columns: Vec<&'static str> = Vec::with_capacity(headers.len());
    for h in headers.iter() {
        let known = COLUMNS
            .iter()
            .find(|c| c.eq_ignore_ascii_case(h.trim()))
            .ok_or_else(|| ClinicalError::input(file, "line 1", h, format!("unknown column (the template's columns: {})", COLUMNS.join(", "))))?;
        columns.push(known);
    }
    for needed in ["record", "patient_id"] {
        if !columns.contains(&needed) {
            return Err(ClinicalError::input(file, "line 1", needed, "column is missing"));
        }
    }
    let mut out: Vec<Submission> = Vec::new();
    let mut seen_patient_row: Vec<String> = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| ClinicalError::input(file, &format!("line {line}"), "(row)", e.to_string()))?;
        let cells: BTreeMap<&'static str, String> = columns.iter().copied().zip(row.iter().map(str::to_string)).collect();
        let patient = cells.get("patient_id").map(|s| s.trim().to_string()).unwrap_or_default();
        let r = Row { file, record: format!("line {line} (patient {patient})"), cells, tree };
        if patient.is_empty() {
            return Err(r.fail("patient_id", "is required"));
        }
        let at = match out.iter().position(|s| s.local_id == patient) {
            Some(p) => p,
            None => {
                out.push(Submission::new(file, &format!("line {line} (patient {patient})"), &patient));
                out.len() - 1
            }
        };
        let sub = &mut out[at];
        let kind = r.required("record")?.to_ascii_lowercase();
        match kind.as_str() {
            "patient" => {
                r.only("patient", &["linkage_id", "sex", "vital_status", "survival_days"])?;
                if seen_patient_row.contains(&patient) {
                    return Err(r.fail("record", format!("a second patient row for {patient}")));
                }
                seen_patient_row.push(patient.clone());
                sub.linkage_id = r.get("linkage_id").map(str::to_string);
                sub.clinical.sex = match r.get("sex").map(str::to_ascii_lowercase).as_deref() {
                    None | Some("unknown") => Sex::Unknown,
                    Some("female") => Sex::Female,
                    Some("male") => Sex::Male,
                    Some("other") => Sex::Other,
                    Some(o) => return Err(r.fail("sex", format!("{o:?} is not female, male, other or unknown"))),
                };
                let status = match r.get("vital_status").map(str::to_ascii_lowercase).as_deref() {
                    None => None,
                    Some("alive") => Some(Vital::Alive),
                    Some("deceased") => Some(Vital::Deceased),
                    Some("unknown") => Some(Vital::Unknown),
                    Some(o) => return Err(r.fail("vital_status", format!("{o:?} is not alive, deceased or unknown"))),
                };
                let survival_days = r
                    .get("survival_days")
                    .map(|d| validate::count(d, validate::MAX_SURVIVAL_DAYS, "days").map_err(|m| r.fail("survival_days", m)))
                    .transpose()?;
                if survival_days.is_some() && status.is_none() {
                    return Err(r.fail("survival_days", "needs a vital_status"));
                }
                sub.clinical.vital_status = status.map(|status| VitalStatus { status, survival_days, cause_of_death: None });
            }
            "disease" => {
                r.only("disease", &["term", "onset_age", "stage", "tnm", "primary_site"])?;
                let term = r.term_text("term", r.required("term")?, Slot::Disease)?;
                let onset = match r.get("onset_age") {
                    None => None,
                    Some(a) => {
                        let iso = if a.starts_with('P') { a.to_string() } else { format!("P{a}Y") };
                        Some(validate::age(&iso).map_err(|m| r.fail("onset_age", m))?)
                    }
                };
                let disease = Disease {
                    term,
                    onset,
                    stage: r.term("stage", Slot::Finding)?,
                    tnm: r.terms("tnm", Slot::Finding)?,
                    primary_site: r.term("primary_site", Slot::Anatomy)?,
                };
                sub.clinical.diseases.push(disease);
            }
            "sample" => {
                r.only("sample", &["sample_id", "sample_type", "tissue", "collected", "histology", "grade", "center", "genomic_sample"])?;
                let id = r.required("sample_id")?.to_string();
                if sub.clinical.biosamples.iter().any(|b| b.id == id) {
                    return Err(r.fail("sample_id", format!("sample {id} appears twice for patient {patient}")));
                }
                let st = r.required("sample_type")?;
                let sample_type = SampleType::parse(st).ok_or_else(|| r.fail("sample_type", format!("{st:?} is not tumor, normal or germline")))?;
                let genomic = match (r.get("center"), r.get("genomic_sample")) {
                    (Some(c), Some(n)) if !c.contains('/') => Some(GenomicSampleRef { center: c.to_string(), name: n.to_string() }),
                    (Some(_), Some(_)) => return Err(r.fail("center", "a center name has no '/'")),
                    (None, None) => None,
                    (None, Some(_)) => return Err(r.fail("center", "genomic_sample needs the sequencing center")),
                    (Some(_), None) => return Err(r.fail("genomic_sample", "center needs the genomic sample name")),
                };
                sub.clinical.biosamples.push(Biosample {
                    id,
                    sample_type,
                    tissue: r.term("tissue", Slot::Anatomy)?,
                    collected: r.date("collected")?,
                    histology: r.term("histology", Slot::Disease)?,
                    grade: r.term("grade", Slot::Finding)?,
                    progression: None,
                    stage: None,
                    tnm: Vec::new(),
                    genomic,
                });
            }
            "treatment" => {
                r.only("treatment", &["drug", "line", "start", "end", "response", "adverse_events"])?;
                let agent = r.term_text("drug", r.required("drug")?, Slot::Drug)?;
                let line = r.get("line").map(|l| validate::count(l, validate::MAX_LINE, "lines").map_err(|m| r.fail("line", m))).transpose()?;
                if line == Some(0) {
                    return Err(r.fail("line", "lines of therapy count from 1"));
                }
                let (start, end) = (r.date("start")?, r.date("end")?);
                if let (Some(s), Some(e)) = (start, end) {
                    if e < s {
                        return Err(r.fail("end", format!("treatment ends ({e}) before it starts ({s})")));
                    }
                }
                let response =
                    r.get("response").map(|x| Response::parse(x).ok_or_else(|| r.fail("response", format!("{x:?} is not CR, PR, SD or PD")))).transpose()?;
                sub.clinical.medical_actions.push(MedicalAction {
                    agent,
                    line,
                    intent: None,
                    start,
                    end,
                    response,
                    adverse_events: r.terms("adverse_events", Slot::Finding)?,
                });
            }
            "consent" => {
                r.only("consent", &["consent_date", "form_version", "data_use", "secondary_use", "recontact"])?;
                let date = r.date("consent_date")?.ok_or_else(|| r.fail("consent_date", "is required for this record kind"))?;
                let data_use = DataUse::parse(r.required("data_use")?).map_err(|e| r.fail("data_use", e.to_string()))?;
                let action = ConsentAction::Consent {
                    data_use,
                    form_version: r.required("form_version")?.to_string(),
                    secondary_use: r.yes_no("secondary_use")?,
                    recontact: r.yes_no("recontact")?,
                };
                sub.consents.push((date, action));
            }
            other => return Err(r.fail("record", format!("{other:?} is not patient, disease, sample, treatment or consent"))),
        }
    }
    Ok(out)
}
