//! One (patient, sample) pair as a cohort rule sees it.

use genohub_duo::{Term as DuoTerm, TERMS};

use crate::facts::ConsentInForce;
use crate::record::{Biosample, ClinicalRecord, Term};
use crate::rule::{Subject, Value};

pub struct RuleSubject<'a> {
    pub record: &'a ClinicalRecord,
    pub hospitals: &'a [String],
    pub consent: Option<&'a ConsentInForce>,
    pub sample: &'a Biosample,
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// A term matches by CURIE or by label.
fn term_values(t: &Term, out: &mut Vec<Value>) {
    out.push(text(&t.id));
    if let Some(l) = &t.label {
        out.push(text(l));
    }
}

impl Subject for RuleSubject<'_> {
    fn values(&self, field: &str) -> Vec<Value> {
        let r = self.record;
        let mut out = Vec::new();
        match field {
            "cancer_type" => out.extend(r.cancer_types().map(text)),
            "diagnosis" => out.extend(r.diseases.iter().map(|d| text(&d.term.id))),
            "age_at_diagnosis" => out.extend(r.diseases.iter().filter_map(|d| d.onset.as_ref()).map(|a| Value::Number(a.years()))),
            "stage" => {
                for t in r.diseases.iter().filter_map(|d| d.stage.as_ref()).chain(&self.sample.stage) {
                    term_values(t, &mut out);
                    if let Some(numeral) = t.label.as_deref().and_then(|l| l.strip_prefix("Stage ")) {
                        out.push(text(numeral));
                    }
                }
            }
            "sex" => out.push(text(r.sex.name())),
            "sample_type" => out.push(text(self.sample.sample_type.name())),
            "tissue" => self.sample.tissue.iter().for_each(|t| term_values(t, &mut out)),
            "histology" => self.sample.histology.iter().for_each(|t| term_values(t, &mut out)),
            "center" => out.extend(self.sample.genomic.iter().map(|g| text(&g.center))),
            "hospital" => out.extend(self.hospitals.iter().map(|h| text(h))),
            "drug" => r.medical_actions.iter().for_each(|a| term_values(&a.agent, &mut out)),
            "line" => out.extend(r.medical_actions.iter().filter_map(|a| a.line).map(|l| Value::Number(l as f64))),
            "response" => out.extend(r.medical_actions.iter().filter_map(|a| a.response).map(|x| text(x.name()))),
            "vital_status" => out.extend(r.vital_status.iter().map(|v| text(v.status.name()))),
            "survival_days" => out.extend(r.vital_status.iter().filter_map(|v| v.survival_days).map(|d| Value::Number(d as f64))),
            "consent" => {
                if let Some(c) = self.consent {
                    let curie = c.data_use.permission();
                    out.push(text(curie));
                    if let Some(t) = TERMS.iter().find(|t: &&DuoTerm| t.curie == curie) {
                        out.push(text(t.shorthand));
                    }
                }
            }
            "secondary_use" => out.extend(self.consent.map(|c| Value::Bool(c.secondary_use))),
            "recontact" => out.extend(self.consent.map(|c| Value::Bool(c.recontact))),
            _ => {}
        }
        out
    }
}
