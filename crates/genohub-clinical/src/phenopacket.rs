//! GA4GH Phenopacket v2 JSON in and out (docs/clinical.md lists the fields used).
//!
//! genohub conventions on top of the schema:
//! - `subject.id` is the hospital's patient ID on import (pseudonymised, never stored) and the
//!   pseudonym on export; `subject.alternateIds` entry `linkage:ID` is the linkage identifier.
//! - `biosamples[].materialSample`: `EFO:0009655` (abnormal sample) = tumour, `EFO:0009654`
//!   (reference sample) = normal, `genohub:germline` = germline.
//! - `biosamples[].files[]`: `fileAttributes.genohubCenter` + `individualToFileIdentifiers`
//!   [biosample id] name the genomic sample (center, name) in the variant store.
//! - `medicalActions[].treatmentIntent` `genohub:line-N` carries the line of therapy.

use serde_json::{json, Map, Value};
use time::Date;

use crate::codes::{OncoTree, Slot};
use crate::facts::GenomicSampleRef;
use crate::record::{Biosample, ClinicalRecord, Disease, MedicalAction, Response, SampleType, Sex, Term, Vital, VitalStatus};
use crate::submission::Submission;
use crate::validate;
use crate::ClinicalError;

pub const TUMOR: &str = "EFO:0009655";
pub const NORMAL: &str = "EFO:0009654";
pub const GERMLINE: &str = "genohub:germline";

/// Reads one Phenopacket; `record` names it in messages (e.g. `line 3`).
pub struct Reader<'a> {
    pub file: &'a str,
    pub record: String,
    pub tree: Option<&'a OncoTree>,
    pub warnings: Vec<String>,
}

type R<T> = Result<T, ClinicalError>;

impl<'a> Reader<'a> {
    fn fail(&self, field: &str, message: impl Into<String>) -> ClinicalError {
        ClinicalError::input(self.file, &self.record, field, message)
    }

    fn str_at<'v>(&self, v: &'v Value, key: &str, path: &str) -> R<Option<&'v str>> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.fail(&format!("{path}.{key}"), "must be a string")),
        }
    }

    fn list<'v>(&self, v: &'v Value, key: &str, path: &str) -> R<&'v [Value]> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(self.fail(&format!("{path}.{key}"), "must be a list")),
        }
    }

    fn term(&self, v: &Value, path: &str, slot: Slot) -> R<Term> {
        if !v.is_object() {
            return Err(self.fail(path, "must be an ontology class {\"id\": ..., \"label\": ...}"));
        }
        let id = self.str_at(v, "id", path)?.ok_or_else(|| self.fail(&format!("{path}.id"), "is required"))?;
        let label = self.str_at(v, "label", path)?;
        validate::term(id, label, slot, self.tree).map_err(|m| self.fail(&format!("{path}.id"), m))
    }

    fn opt_term(&self, v: &Value, key: &str, path: &str, slot: Slot) -> R<Option<Term>> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(t) => self.term(t, &format!("{path}.{key}"), slot).map(Some),
        }
    }

    fn terms(&self, v: &Value, key: &str, path: &str, slot: Slot) -> R<Vec<Term>> {
        self.list(v, key, path)?.iter().enumerate().map(|(i, t)| self.term(t, &format!("{path}.{key}[{i}]"), slot)).collect()
    }

    fn date(&self, text: &str, path: &str) -> R<Date> {
        validate::date(text).map_err(|m| self.fail(path, m))
    }

    /// A TimeElement holding a timestamp.
    fn timestamp(&self, v: &Value, path: &str) -> R<Date> {
        match self.str_at(v, "timestamp", path)? {
            Some(t) => self.date(t, &format!("{path}.timestamp")),
            None => Err(self.fail(path, "genohub needs a timestamp here ({\"timestamp\": \"2021-03-04T00:00:00Z\"})")),
        }
    }

    pub fn read(&mut self, pp: &Value) -> R<Submission> {
        if !pp.is_object() {
            return Err(self.fail("(phenopacket)", "is not a JSON object"));
        }
        let id = self.str_at(pp, "id", "phenopacket")?.ok_or_else(|| self.fail("id", "is required"))?;
        self.record = format!("{} (phenopacket {id})", self.record);
        if let Some(meta) = pp.get("metaData") {
            if let Some(v) = self.str_at(meta, "phenopacketSchemaVersion", "metaData")? {
                if !v.starts_with('2') {
                    return Err(self.fail("metaData.phenopacketSchemaVersion", format!("{v:?}: genohub reads Phenopacket schema v2")));
                }
            }
        }
        let subject = pp.get("subject").ok_or_else(|| self.fail("subject", "is required (subject.id is the hospital's patient ID)"))?;
        let local = self.str_at(subject, "id", "subject")?.filter(|s| !s.trim().is_empty()).ok_or_else(|| self.fail("subject.id", "is required"))?;
        let mut sub = Submission::new(self.file, &self.record, local.trim());
        for (i, alt) in self.list(subject, "alternateIds", "subject")?.iter().enumerate() {
            let alt = alt.as_str().ok_or_else(|| self.fail(&format!("subject.alternateIds[{i}]"), "must be a string"))?;
            if let Some(l) = alt.strip_prefix("linkage:") {
                if l.trim().is_empty() {
                    return Err(self.fail(&format!("subject.alternateIds[{i}]"), "linkage: needs an identifier"));
                }
                sub.linkage_id = Some(l.trim().to_string());
            }
        }
        if subject.get("dateOfBirth").is_some() {
            self.warnings.push(format!("{}: {}: subject.dateOfBirth is not stored (it identifies); give ages instead", self.file, self.record));
        }
        let rec = &mut sub.clinical;
        rec.sex = match self.str_at(subject, "sex", "subject")? {
            None | Some("UNKNOWN_SEX") => Sex::Unknown,
            Some("FEMALE") => Sex::Female,
            Some("MALE") => Sex::Male,
            Some("OTHER_SEX") => Sex::Other,
            Some(other) => return Err(self.fail("subject.sex", format!("{other:?} is not FEMALE, MALE, OTHER_SEX or UNKNOWN_SEX"))),
        };
        if let Some(vs) = subject.get("vitalStatus") {
            rec.vital_status = Some(self.vital_status(vs)?);
        }
        for (i, d) in self.list(pp, "diseases", "phenopacket")?.iter().enumerate() {
            if d.get("excluded").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let disease = self.disease(d, &format!("diseases[{i}]"))?;
            sub.clinical.diseases.push(disease);
        }
        for (i, b) in self.list(pp, "biosamples", "phenopacket")?.iter().enumerate() {
            let sample = self.biosample(b, &format!("biosamples[{i}]"))?;
            if sub.clinical.biosamples.iter().any(|s| s.id == sample.id) {
                return Err(self.fail(&format!("biosamples[{i}].id"), format!("biosample {} appears twice", sample.id)));
            }
            sub.clinical.biosamples.push(sample);
        }
        for (i, a) in self.list(pp, "medicalActions", "phenopacket")?.iter().enumerate() {
            if let Some(action) = self.medical_action(a, &format!("medicalActions[{i}]"))? {
                sub.clinical.medical_actions.push(action);
            }
        }
        Ok(sub)
    }

    fn vital_status(&self, vs: &Value) -> R<VitalStatus> {
        let p = "subject.vitalStatus";
        let status = match self.str_at(vs, "status", p)? {
            Some("ALIVE") => Vital::Alive,
            Some("DECEASED") => Vital::Deceased,
            None | Some("UNKNOWN_STATUS") => Vital::Unknown,
            Some(other) => return Err(self.fail(&format!("{p}.status"), format!("{other:?} is not ALIVE, DECEASED or UNKNOWN_STATUS"))),
        };
        let survival_days = match vs.get("survivalTimeInDays") {
            None | Some(Value::Null) => None,
            Some(v) => {
                let text = v.as_u64().map(|n| n.to_string()).or_else(|| v.as_str().map(str::to_string)).unwrap_or_else(|| v.to_string());
                Some(validate::count(&text, validate::MAX_SURVIVAL_DAYS, "days").map_err(|m| self.fail(&format!("{p}.survivalTimeInDays"), m))?)
            }
        };
        let cause_of_death = self.opt_term(vs, "causeOfDeath", p, Slot::Disease)?;
        if cause_of_death.is_some() && status != Vital::Deceased {
            return Err(self.fail(&format!("{p}.causeOfDeath"), "given for a patient not DECEASED"));
        }
        Ok(VitalStatus { status, survival_days, cause_of_death })
    }

    fn disease(&self, d: &Value, p: &str) -> R<Disease> {
        let term = self.term(d.get("term").unwrap_or(&Value::Null), &format!("{p}.term"), Slot::Disease)?;
        let onset = match d.get("onset") {
            None | Some(Value::Null) => None,
            Some(o) => {
                let text = o.get("age").and_then(|a| a.get("iso8601duration")).and_then(Value::as_str);
                let text = text.ok_or_else(|| self.fail(&format!("{p}.onset"), "genohub needs an age here ({\"age\": {\"iso8601duration\": \"P55Y\"}})"))?;
                Some(validate::age(text).map_err(|m| self.fail(&format!("{p}.onset.age.iso8601duration"), m))?)
            }
        };
        let stages = self.terms(d, "diseaseStage", p, Slot::Finding)?;
        if stages.len() > 1 {
            return Err(self.fail(&format!("{p}.diseaseStage"), "genohub keeps one stage per disease"));
        }
        Ok(Disease {
            term,
            onset,
            stage: stages.into_iter().next(),
            tnm: self.terms(d, "clinicalTnmFinding", p, Slot::Finding)?,
            primary_site: self.opt_term(d, "primarySite", p, Slot::Anatomy)?,
        })
    }

    fn biosample(&self, b: &Value, p: &str) -> R<Biosample> {
        let id = self.str_at(b, "id", p)?.filter(|s| !s.trim().is_empty()).ok_or_else(|| self.fail(&format!("{p}.id"), "is required"))?.trim().to_string();
        let material = b
            .get("materialSample")
            .ok_or_else(|| self.fail(&format!("{p}.materialSample"), format!("is required: {TUMOR} (tumour), {NORMAL} (normal) or {GERMLINE} (germline)")))?;
        let sample_type = match material.get("id").and_then(Value::as_str) {
            Some(TUMOR) => SampleType::Tumor,
            Some(NORMAL) => SampleType::Normal,
            Some(GERMLINE) => SampleType::Germline,
            other => {
                return Err(
                    self.fail(&format!("{p}.materialSample.id"), format!("{other:?} is not {TUMOR} (tumour), {NORMAL} (normal) or {GERMLINE} (germline)"))
                )
            }
        };
        let collected = match b.get("timeOfCollection") {
            None | Some(Value::Null) => None,
            Some(t) => Some(self.timestamp(t, &format!("{p}.timeOfCollection"))?),
        };
        let mut genomic = None;
        for (i, f) in self.list(b, "files", p)?.iter().enumerate() {
            let fp = format!("{p}.files[{i}]");
            let center = f.get("fileAttributes").and_then(|a| a.get("genohubCenter"));
            let Some(center) = center else { continue };
            let center = center
                .as_str()
                .filter(|c| !c.is_empty() && !c.contains(['/', '\0']))
                .ok_or_else(|| self.fail(&format!("{fp}.fileAttributes.genohubCenter"), "must be a sequencing center name (no '/')"))?;
            let name = f.get("individualToFileIdentifiers").and_then(|m| m.get(&id)).and_then(Value::as_str);
            let name = name.filter(|n| !n.is_empty() && !n.contains('\0')).ok_or_else(|| {
                self.fail(&format!("{fp}.individualToFileIdentifiers"), format!("must map the biosample id {id:?} to its sample name in the VCF"))
            })?;
            if genomic.is_some() {
                return Err(self.fail(&fp, "a biosample links to one genomic sample"));
            }
            genomic = Some(GenomicSampleRef { center: center.to_string(), name: name.to_string() });
        }
        Ok(Biosample {
            id,
            sample_type,
            tissue: self.opt_term(b, "sampledTissue", p, Slot::Anatomy)?,
            collected,
            histology: self.opt_term(b, "histologicalDiagnosis", p, Slot::Disease)?,
            grade: self.opt_term(b, "tumorGrade", p, Slot::Finding)?,
            progression: self.opt_term(b, "tumorProgression", p, Slot::Finding)?,
            stage: self.opt_term(b, "pathologicalStage", p, Slot::Finding)?,
            tnm: self.terms(b, "pathologicalTnmFinding", p, Slot::Finding)?,
            genomic,
        })
    }

    fn medical_action(&mut self, a: &Value, p: &str) -> R<Option<MedicalAction>> {
        let Some(t) = a.get("treatment") else {
            self.warnings.push(format!("{}: {}: {p} is not a drug treatment; genohub keeps only treatments", self.file, self.record));
            return Ok(None);
        };
        let tp = format!("{p}.treatment");
        let agent = self.term(t.get("agent").unwrap_or(&Value::Null), &format!("{tp}.agent"), Slot::Drug)?;
        let (mut start, mut end): (Option<Date>, Option<Date>) = (None, None);
        for (i, di) in self.list(t, "doseIntervals", &tp)?.iter().enumerate() {
            let ip = format!("{tp}.doseIntervals[{i}].interval");
            let Some(iv) = di.get("interval") else { continue };
            if let Some(s) = self.str_at(iv, "start", &ip)? {
                let d = self.date(s, &format!("{ip}.start"))?;
                start = Some(start.map_or(d, |x| x.min(d)));
            }
            if let Some(e) = self.str_at(iv, "end", &ip)? {
                let d = self.date(e, &format!("{ip}.end"))?;
                end = Some(end.map_or(d, |x| x.max(d)));
            }
        }
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                return Err(self.fail(&format!("{tp}.doseIntervals"), format!("treatment ends ({e}) before it starts ({s})")));
            }
        }
        let (mut line, mut intent) = (None, None);
        if let Some(ti) = a.get("treatmentIntent") {
            let id = ti.get("id").and_then(Value::as_str).unwrap_or_default();
            match id.strip_prefix("genohub:line-") {
                Some(n) => {
                    let n = validate::count(n, validate::MAX_LINE, "lines").map_err(|m| self.fail(&format!("{p}.treatmentIntent.id"), m))?;
                    if n == 0 {
                        return Err(self.fail(&format!("{p}.treatmentIntent.id"), "lines of therapy count from 1"));
                    }
                    line = Some(n);
                }
                None => intent = Some(self.term(ti, &format!("{p}.treatmentIntent"), Slot::Finding)?),
            }
        }
        let response = match a.get("responseToTreatment") {
            None | Some(Value::Null) => None,
            Some(r) => {
                let id = r.get("id").and_then(Value::as_str).unwrap_or_default();
                Some(Response::ALL.into_iter().find(|x| x.ncit().0 == id).ok_or_else(|| {
                    let known: Vec<String> = Response::ALL.iter().map(|x| format!("{} ({})", x.ncit().0, x.name())).collect();
                    self.fail(&format!("{p}.responseToTreatment.id"), format!("{id:?} is not a RECIST response: {}", known.join(", ")))
                })?)
            }
        };
        Ok(Some(MedicalAction { agent, line, intent, start, end, response, adverse_events: self.terms(a, "adverseEvents", p, Slot::Finding)? }))
    }
}

fn class(t: &Term) -> Value {
    match &t.label {
        Some(l) => json!({"id": t.id, "label": l}),
        None => json!({"id": t.id}),
    }
}

fn timestamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// The merged record of a patient as a Phenopacket v2; `subject.id` is the pseudonym.
pub fn export(pseudonym: &str, rec: &ClinicalRecord, created: &str) -> Value {
    let mut subject = Map::new();
    subject.insert("id".into(), json!(pseudonym));
    let sex = match rec.sex {
        Sex::Female => "FEMALE",
        Sex::Male => "MALE",
        Sex::Other => "OTHER_SEX",
        Sex::Unknown => "UNKNOWN_SEX",
    };
    subject.insert("sex".into(), json!(sex));
    if let Some(vs) = &rec.vital_status {
        let status = match vs.status {
            Vital::Alive => "ALIVE",
            Vital::Deceased => "DECEASED",
            Vital::Unknown => "UNKNOWN_STATUS",
        };
        let mut v = Map::new();
        v.insert("status".into(), json!(status));
        if let Some(d) = vs.survival_days {
            v.insert("survivalTimeInDays".into(), json!(d));
        }
        if let Some(c) = &vs.cause_of_death {
            v.insert("causeOfDeath".into(), class(c));
        }
        subject.insert("vitalStatus".into(), Value::Object(v));
    }
    let diseases: Vec<Value> = rec
        .diseases
        .iter()
        .map(|d| {
            let mut v = Map::new();
            v.insert("term".into(), class(&d.term));
            if let Some(a) = &d.onset {
                v.insert("onset".into(), json!({"age": {"iso8601duration": a.iso8601duration}}));
            }
            if let Some(s) = &d.stage {
                v.insert("diseaseStage".into(), json!([class(s)]));
            }
            if !d.tnm.is_empty() {
                v.insert("clinicalTnmFinding".into(), Value::Array(d.tnm.iter().map(class).collect()));
            }
            if let Some(s) = &d.primary_site {
                v.insert("primarySite".into(), class(s));
            }
            Value::Object(v)
        })
        .collect();
    let biosamples: Vec<Value> = rec
        .biosamples
        .iter()
        .map(|b| {
            let mut v = Map::new();
            v.insert("id".into(), json!(b.id));
            v.insert("individualId".into(), json!(pseudonym));
            let material = match b.sample_type {
                SampleType::Tumor => json!({"id": TUMOR, "label": "abnormal sample"}),
                SampleType::Normal => json!({"id": NORMAL, "label": "reference sample"}),
                SampleType::Germline => json!({"id": GERMLINE, "label": "germline sample"}),
            };
            v.insert("materialSample".into(), material);
            let opt = |v: &mut Map<String, Value>, key: &str, t: &Option<Term>| {
                if let Some(t) = t {
                    v.insert(key.into(), class(t));
                }
            };
            opt(&mut v, "sampledTissue", &b.tissue);
            if let Some(d) = b.collected {
                v.insert("timeOfCollection".into(), json!({"timestamp": timestamp(d)}));
            }
            opt(&mut v, "histologicalDiagnosis", &b.histology);
            opt(&mut v, "tumorGrade", &b.grade);
            opt(&mut v, "tumorProgression", &b.progression);
            opt(&mut v, "pathologicalStage", &b.stage);
            if !b.tnm.is_empty() {
                v.insert("pathologicalTnmFinding".into(), Value::Array(b.tnm.iter().map(class).collect()));
            }
            if let Some(g) = &b.genomic {
                v.insert(
                    "files".into(),
                    json!([{
                        "uri": format!("genohub:{}/{}", g.center, g.name),
                        "individualToFileIdentifiers": {b.id.clone(): g.name},
                        "fileAttributes": {"genohubCenter": g.center, "htsFormat": "VCF"}
                    }]),
                );
            }
            Value::Object(v)
        })
        .collect();
    let actions: Vec<Value> = rec
        .medical_actions
        .iter()
        .map(|a| {
            let mut t = Map::new();
            t.insert("agent".into(), class(&a.agent));
            if a.start.is_some() || a.end.is_some() {
                let mut iv = Map::new();
                if let Some(s) = a.start {
                    iv.insert("start".into(), json!(timestamp(s)));
                }
                if let Some(e) = a.end {
                    iv.insert("end".into(), json!(timestamp(e)));
                }
                t.insert("doseIntervals".into(), json!([{"interval": Value::Object(iv)}]));
            }
            let mut v = Map::new();
            v.insert("treatment".into(), Value::Object(t));
            if let Some(n) = a.line {
                v.insert("treatmentIntent".into(), json!({"id": format!("genohub:line-{n}"), "label": format!("line of therapy {n}")}));
            } else if let Some(i) = &a.intent {
                v.insert("treatmentIntent".into(), class(i));
            }
            if let Some(r) = a.response {
                let (id, label) = r.ncit();
                v.insert("responseToTreatment".into(), json!({"id": id, "label": label}));
            }
            if !a.adverse_events.is_empty() {
                v.insert("adverseEvents".into(), Value::Array(a.adverse_events.iter().map(class).collect()));
            }
            Value::Object(v)
        })
        .collect();
    let mut prefixes: Vec<String> = Vec::new();
    let mut note = |t: &Term| {
        if !prefixes.iter().any(|p| p == t.prefix()) {
            prefixes.push(t.prefix().to_string());
        }
    };
    for d in &rec.diseases {
        std::iter::once(&d.term).chain(&d.stage).chain(&d.tnm).chain(&d.primary_site).for_each(&mut note);
    }
    for b in &rec.biosamples {
        b.tissue.iter().chain(&b.histology).chain(&b.grade).chain(&b.progression).chain(&b.stage).chain(&b.tnm).for_each(&mut note);
    }
    for a in &rec.medical_actions {
        std::iter::once(&a.agent).chain(&a.intent).chain(&a.adverse_events).for_each(&mut note);
    }
    let mut resources: Vec<Value> = prefixes.iter().map(|p| json!({"id": p.to_ascii_lowercase(), "namespacePrefix": p})).collect();
    resources.push(json!({"id": "efo", "namespacePrefix": "EFO"}));
    resources.push(json!({"id": "genohub", "namespacePrefix": "genohub", "name": "genohub conventions (docs/clinical.md)"}));
    json!({
        "id": format!("genohub-{}", &pseudonym[..pseudonym.len().min(16)]),
        "subject": Value::Object(subject),
        "diseases": diseases,
        "biosamples": biosamples,
        "medicalActions": actions,
        "metaData": {"created": created, "createdBy": "genohub", "phenopacketSchemaVersion": "2.0", "resources": resources}
    })
}
