//! The clinical repository through the facade. A hospital's clinician imports, reads and
//! records consent only for patients its own hospital registered, and sees only its own
//! hospital's part of a patient's record (another hospital's contribution to a linked patient
//! stays with that hospital); the operator acts on every patient. Each call is one audit entry
//! naming the patient by pseudonym: the audit log never holds a hospital's patient ID.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::json;
use time::Date;

use genohub_clinical::{
    consent, phenopacket, Clinical, ClinicalError, ClinicalRecord, ConsentAction, ConsentEvent, GenomicSampleRef, ImportReport, PatientRecord, PurgeSummary,
};

use crate::clinical_source::clinical_error;
use crate::error::{GovernanceError, Result};
use crate::matrix::{Operation, Scope};
use crate::session::{Done, Session};

/// One line of a patient list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientSummary {
    pub pseudonym: String,
    pub hospitals: Vec<String>,
    /// Genomic samples linked to the patient (whether or not their data has arrived).
    pub samples: usize,
    /// The consent in force today, described (None when none is).
    pub consent: Option<String>,
    #[serde(with = "genohub_clinical::iso_date::option", skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Date>,
    pub purged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientSample {
    pub center: String,
    pub name: String,
    pub sample_type: String,
    /// Whether genotypes or reads for it are in the store yet.
    pub in_store: bool,
}

/// One patient as the caller may see them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientView {
    pub pseudonym: String,
    pub hospitals: Vec<String>,
    pub consent: Option<String>,
    #[serde(with = "genohub_clinical::iso_date::option", skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Date>,
    pub purged: bool,
    pub samples: Vec<PatientSample>,
    /// The record as a Phenopacket v2 (subject.id = pseudonym): for a clinician, its own
    /// hospital's contribution only.
    pub phenopacket: serde_json::Value,
}

/// A patient named as the CLI and the API accept: a pseudonym, or a hospital's own patient ID
/// together with that hospital.
#[derive(Debug, Clone, Copy)]
pub struct PatientSpec<'a> {
    pub patient: &'a str,
    pub hospital: Option<&'a str>,
}

impl<'a> PatientSpec<'a> {
    pub fn pseudonym(p: &'a str) -> PatientSpec<'a> {
        PatientSpec { patient: p, hospital: None }
    }

    pub fn local(hospital: &'a str, id: &'a str) -> PatientSpec<'a> {
        PatientSpec { patient: id, hospital: Some(hospital) }
    }
}

/// An import error as the audit log may keep it: the file, line or record number and field,
/// without the record's name (which carries the hospital's patient ID) or the message (which
/// may quote it).
fn redacted(e: &ClinicalError) -> GovernanceError {
    match e {
        ClinicalError::Input { at, .. } => {
            let record = at.record.split(" (").next().unwrap_or_default();
            GovernanceError::input(format!("import refused: {}: {record}: field {}", at.file, at.field))
        }
        ClinicalError::Rule(_) | ClinicalError::NotFound(_) | ClinicalError::Refused(_) => {
            GovernanceError::input("import refused (details to the importer only)")
        }
        other => clinical_error(ClinicalError::Corrupt(other.to_string())),
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

impl<'h> Session<'h> {
    fn clinical(&self) -> Result<Clinical<'_>> {
        let c = Clinical::new(self.store(), &self.hub.key).map_err(clinical_error)?;
        Ok(match &self.hub.oncotree {
            Some(t) => c.with_oncotree(t.clone()),
            None => c,
        })
    }

    /// Who the spec names, before any authorisation: resolving reads only the pseudonym index,
    /// so a refused caller learns nothing from the error beyond the refusal.
    fn resolve(&self, c: &Clinical, spec: PatientSpec) -> Result<PatientRecord> {
        c.resolve_patient(spec.patient, spec.hospital).map_err(clinical_error)
    }

    /// The audit parameters for a patient: the pseudonym once resolved, never the hospital ID.
    fn patient_params(resolved: &Result<PatientRecord>, spec: PatientSpec) -> serde_json::Value {
        match resolved {
            Ok(p) => json!({"patient": p.pseudonym, "hospital": spec.hospital}),
            Err(_) => json!({"patient": null, "hospital": spec.hospital, "resolved": false}),
        }
    }

    /// A clinician only for patients its own hospital registered (and only that hospital's
    /// ID as a spec); the same refusal whether or not the patient exists elsewhere.
    fn check_patient(&self, granted: Scope, spec: PatientSpec, resolved: Result<PatientRecord>) -> Result<PatientRecord> {
        if granted != Scope::OwnOrg {
            return resolved;
        }
        let org = self.principal.org.as_str();
        let refuse = || GovernanceError::forbidden(format!("a {} may see only patients registered at its own hospital ({org})", self.principal.role));
        if spec.hospital.is_some_and(|h| h != org) {
            return Err(refuse());
        }
        match resolved {
            Ok(p) if p.hospitals.iter().any(|h| h == org) => Ok(p),
            Ok(_) => Err(refuse()),
            Err(GovernanceError::NotFound(_)) => Err(refuse()),
            Err(e) => Err(e),
        }
    }

    fn consent_today(&self, c: &Clinical, pseudonym: &str) -> Result<Option<String>> {
        let history = c.consent_history(pseudonym).map_err(clinical_error)?;
        Ok(consent::in_force(&history, self.hub.clock.today()).map(|cf| {
            format!(
                "{} (form {}, signed {}; secondary use {}, re-contact {})",
                cf.data_use.describe(),
                cf.form_version,
                cf.date,
                cf.secondary_use,
                cf.recontact
            )
        }))
    }

    /// Imports Phenopacket/CSV files for `hospital` (all or nothing): a clinician only for its
    /// own hospital.
    pub fn import_clinical(&self, hospital: &str, paths: &[PathBuf]) -> Result<ImportReport> {
        let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let full_error = std::cell::RefCell::new(None);
        let result = self.run(Operation::ClinicalWrite, None, json!({"import": files, "hospital": hospital}), |granted| {
            if granted == Scope::OwnOrg && hospital != self.principal.org {
                return Err(GovernanceError::forbidden(format!(
                    "a {} may import clinical data only for its own hospital {}, not {hospital}",
                    self.principal.role, self.principal.org
                )));
            }
            match self.clinical()?.import(hospital, paths) {
                Ok(report) => {
                    let n = report.patients.len() as u64;
                    Ok((report, Done::size(n)))
                }
                Err(e) => {
                    let audited = redacted(&e);
                    *full_error.borrow_mut() = Some(e);
                    Err(audited)
                }
            }
        });
        // The importing hospital gets the error naming its own patient; the audit log keeps only
        // where in which file, so no hospital ID is stored in clear.
        match (result, full_error.into_inner()) {
            (Err(_), Some(e)) => Err(clinical_error(e)),
            (r, _) => r,
        }
    }

    /// Patients of one hospital (a clinician: its own, whatever it asks), or all (operator).
    pub fn patients(&self, hospital: Option<&str>) -> Result<Vec<PatientSummary>> {
        self.run(Operation::ClinicalRead, None, json!({"patients": hospital}), |granted| {
            let hospital = match granted {
                Scope::OwnOrg if hospital.is_some_and(|h| h != self.principal.org) => {
                    return Err(GovernanceError::forbidden(format!("a {} may list only its own hospital's patients", self.principal.role)))
                }
                Scope::OwnOrg => Some(self.principal.org.as_str()),
                _ => hospital,
            };
            let c = self.clinical()?;
            let mut out = Vec::new();
            for p in c.patients(hospital).map_err(clinical_error)? {
                out.push(PatientSummary {
                    samples: c.samples_of(&p.pseudonym).map_err(clinical_error)?.len(),
                    consent: self.consent_today(&c, &p.pseudonym)?,
                    withdrawn: p.withdrawn,
                    purged: p.purged.is_some(),
                    hospitals: p.hospitals,
                    pseudonym: p.pseudonym,
                });
            }
            let n = out.len() as u64;
            Ok((out, Done::size(n)))
        })
    }

    /// One patient: samples, consent and the clinical record.
    pub fn patient(&self, spec: PatientSpec) -> Result<PatientView> {
        let c = self.clinical()?;
        let resolved = self.resolve(&c, spec);
        self.run(Operation::ClinicalRead, None, Self::patient_params(&resolved, spec), |granted| {
            let p = self.check_patient(granted, spec, resolved)?;
            let by_hospital = c.clinical_by_hospital(&p.pseudonym).map_err(clinical_error)?;
            let record = match granted {
                Scope::OwnOrg => ClinicalRecord::merged(by_hospital.get(&self.principal.org)),
                _ => ClinicalRecord::merged(by_hospital.values()),
            };
            let mut samples = Vec::new();
            for (g, t) in c.samples_of(&p.pseudonym).map_err(clinical_error)? {
                // A clinician sees the samples its own hospital's record names.
                if granted == Scope::OwnOrg && !record.biosamples.iter().any(|b| b.genomic.as_ref() == Some(&g)) {
                    continue;
                }
                let in_store = self.store().sample_by_name(&g.center, &g.name)?.is_some() || self.store().read_sample(&g.center, &g.name)?.is_some();
                samples.push(PatientSample { center: g.center, name: g.name, sample_type: t.name().to_string(), in_store });
            }
            let view = PatientView {
                consent: self.consent_today(&c, &p.pseudonym)?,
                phenopacket: phenopacket::export(&p.pseudonym, &record, &now_rfc3339()),
                withdrawn: p.withdrawn,
                purged: p.purged.is_some(),
                hospitals: p.hospitals,
                pseudonym: p.pseudonym,
                samples,
            };
            Ok((view, Done::size(1)))
        })
    }

    /// Every consent event of a patient, oldest first.
    pub fn consent_history(&self, spec: PatientSpec) -> Result<Vec<ConsentEvent>> {
        let c = self.clinical()?;
        let resolved = self.resolve(&c, spec);
        self.run(Operation::ClinicalRead, None, Self::patient_params(&resolved, spec), |granted| {
            let p = self.check_patient(granted, spec, resolved)?;
            let history = c.consent_history(&p.pseudonym).map_err(clinical_error)?;
            let n = history.len() as u64;
            Ok((history, Done::size(n)))
        })
    }

    /// The hospital a clinician's consent event is recorded by: always its own.
    fn recording_hospital<'s>(&'s self, granted: Scope, spec: PatientSpec<'s>) -> Option<&'s str> {
        if granted == Scope::OwnOrg {
            Some(self.principal.org.as_str())
        } else {
            spec.hospital
        }
    }

    /// Records a consent (or a re-consent on a new form).
    pub fn record_consent(&self, spec: PatientSpec, date: Date, action: ConsentAction) -> Result<ConsentEvent> {
        let c = self.clinical()?;
        let resolved = self.resolve(&c, spec);
        let mut params = Self::patient_params(&resolved, spec);
        params["consent"] = serde_json::to_value(&action).unwrap_or_default();
        params["date"] = json!(date.to_string());
        self.run(Operation::ClinicalWrite, None, params, |granted| {
            let p = self.check_patient(granted, spec, resolved)?;
            let e = c.record_consent(&p.pseudonym, self.recording_hospital(granted, spec), date, action).map_err(clinical_error)?;
            Ok((e, Done::size(1)))
        })
    }

    /// Records a withdrawal; in the same write the patient's genomic samples leave every query.
    pub fn withdraw_consent(&self, spec: PatientSpec, date: Date) -> Result<Vec<GenomicSampleRef>> {
        let c = self.clinical()?;
        let resolved = self.resolve(&c, spec);
        let mut params = Self::patient_params(&resolved, spec);
        params["withdrawal"] = json!(date.to_string());
        self.run(Operation::ClinicalWrite, None, params, |granted| {
            let p = self.check_patient(granted, spec, resolved)?;
            let excluded = c.withdraw(&p.pseudonym, self.recording_hospital(granted, spec), date).map_err(clinical_error)?;
            let n = excluded.len() as u64;
            Ok((excluded, Done::size(n)))
        })
    }

    /// Phenopackets of patients (all not purged when `specs` is empty): the operator only, since
    /// an export carries every hospital's contribution.
    pub fn export_patients(&self, specs: &[PatientSpec]) -> Result<Vec<serde_json::Value>> {
        let c = self.clinical()?;
        let names: Vec<&str> = specs.iter().map(|s| s.patient).collect();
        self.run(Operation::ClinicalRead, None, json!({"export": names}), |granted| {
            if granted != Scope::All {
                return Err(GovernanceError::forbidden(format!("a {} may not export patients in bulk (the operator may)", self.principal.role)));
            }
            let pseudonyms: Vec<String> = if specs.is_empty() {
                c.patients(None).map_err(clinical_error)?.into_iter().filter(|p| p.purged.is_none()).map(|p| p.pseudonym).collect()
            } else {
                specs.iter().map(|s| self.resolve(&c, *s).map(|p| p.pseudonym)).collect::<Result<_>>()?
            };
            let out = pseudonyms.iter().map(|p| c.export(p).map_err(clinical_error)).collect::<Result<Vec<_>>>()?;
            let n = out.len() as u64;
            Ok((out, Done::size(n)))
        })
    }

    /// Erases every withdrawn patient's records and genotypes (docs/operations.md): the operator
    /// only, since it rewrites the whole store.
    pub fn purge_withdrawn(&self) -> Result<PurgeSummary> {
        self.run(Operation::ClinicalWrite, None, json!({"purge": "withdrawn"}), |granted| {
            if granted != Scope::All {
                return Err(GovernanceError::forbidden(format!("a {} may not purge the store (the operator may)", self.principal.role)));
            }
            let summary = self.clinical()?.purge().map_err(clinical_error)?;
            let n = summary.patients.len() as u64;
            Ok((summary, Done::size(n)))
        })
    }
}
