//! [`Clinical`]: the clinical repository over the store's clinical column families.
//!
//! Every logical change is one atomic write: an import (all its patients, links, records,
//! keys and consents), a consent event, a withdrawal together with the exclusion of the
//! patient's genomic samples.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use genohub_keys::HubKey;
use genohub_store::engine::{Batch, Engine};
use genohub_store::{cf, Exclusion, PurgeReport, SampleKey, Store};
use time::Date;

use crate::codes::OncoTree;
use crate::consent::{self, ConsentAction, ConsentEvent};
use crate::crypto::{self, DataKey};
use crate::facts::{GenomicSampleRef, PatientFacts};
use crate::input::{self, Parsed};
use crate::patient::{self as keys, PatientRecord, SampleLink};
use crate::record::{ClinicalRecord, SampleType};
use crate::rule::{self, Rule, RuleError};
use crate::subject::RuleSubject;
use crate::{phenopacket, validate, ClinicalError};

type R<T> = Result<T, ClinicalError>;

const FINGERPRINT: &[u8] = b"clinical_key_fingerprint";

/// A patient's clinical data, one record per contributing hospital.
pub type ByHospital = BTreeMap<String, ClinicalRecord>;

pub struct Clinical<'a> {
    store: &'a Store,
    key: &'a HubKey,
    oncotree: Option<OncoTree>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// (record as named in its file, pseudonym) of every patient imported.
    pub patients: Vec<(String, String)>,
    pub new_patients: usize,
    /// Patients another hospital had registered, joined by the linkage identifier.
    pub linked_to_existing: usize,
    pub genomic_samples: usize,
    pub consents: usize,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PurgeSummary {
    /// Pseudonyms of the patients whose clinical data and genotypes were erased.
    pub patients: Vec<String>,
    pub store: PurgeReport,
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> R<T> {
    serde_json::from_slice(bytes).map_err(|e| ClinicalError::Corrupt(format!("{what}: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("clinical records serialise")
}

fn refs_of(map: &ByHospital) -> Vec<(GenomicSampleRef, SampleType)> {
    map.values().flat_map(|r| r.biosamples.iter()).filter_map(|b| b.genomic.clone().map(|g| (g, b.sample_type))).collect()
}

/// What an import has staged but not yet written, so later records of the same import see it.
#[derive(Default)]
struct Staged {
    links: HashMap<Vec<u8>, String>,
    patients: HashMap<String, PatientRecord>,
    clinical: HashMap<String, ByHospital>,
    keys: HashMap<String, DataKey>,
    genomic: HashMap<Vec<u8>, Option<String>>,
    consent_seq: HashMap<String, u32>,
}

impl<'a> Clinical<'a> {
    /// Refuses a key other than the one this store's clinical data was written with.
    pub fn new(store: &'a Store, key: &'a HubKey) -> R<Clinical<'a>> {
        if let Some(stored) = store.engine().get(cf::META, FINGERPRINT)? {
            let stored = String::from_utf8_lossy(&stored).into_owned();
            if stored != key.fingerprint() {
                return Err(ClinicalError::Refused(format!(
                    "wrong hub key: this store's clinical data was written with key {stored}, the key given is {} (see --key / GENOHUB_KEY_FILE)",
                    key.fingerprint()
                )));
            }
        }
        Ok(Clinical { store, key, oncotree: None })
    }

    /// OncoTree codes are then checked against this tree, not only by syntax.
    pub fn with_oncotree(mut self, tree: OncoTree) -> Self {
        self.oncotree = Some(tree);
        self
    }

    pub fn store(&self) -> &Store {
        self.store
    }

    fn engine(&self) -> &Engine {
        self.store.engine()
    }

    /// Writes synchronously, recording the key fingerprint with the first write.
    fn commit(&self, mut b: Batch) -> R<()> {
        if self.engine().get(cf::META, FINGERPRINT)?.is_none() {
            b.put(cf::META, FINGERPRINT, self.key.fingerprint().as_bytes());
        }
        Ok(self.engine().write(b, true)?)
    }

    // ---- reading ----

    /// Parses a cohort rule without evaluating it.
    pub fn parse_rule(text: &str) -> Result<Rule, RuleError> {
        rule::parse_rule(text)
    }

    /// The pseudonym of a hospital's patient, if registered.
    pub fn find_patient(&self, hospital: &str, local_id: &str) -> R<Option<String>> {
        let hmac = self.key.pseudonym(&format!("patient:{hospital}"), local_id.trim());
        Ok(self.engine().get(cf::PATIENT_LINKS, &keys::hospital_link(&hmac))?.map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// A patient named by pseudonym, or (with `hospital`) by that hospital's local ID.
    pub fn resolve_patient(&self, spec: &str, hospital: Option<&str>) -> R<PatientRecord> {
        let pseudonym = match hospital {
            Some(h) => self.find_patient(h, spec)?.ok_or_else(|| ClinicalError::NotFound(format!("hospital {h} has registered no patient with that ID")))?,
            None => spec.trim().to_ascii_lowercase(),
        };
        self.patient(&pseudonym)?
            .ok_or_else(|| ClinicalError::NotFound(format!("no patient {pseudonym} (give a pseudonym, or --hospital H with the hospital's patient ID)")))
    }

    pub fn patient(&self, pseudonym: &str) -> R<Option<PatientRecord>> {
        self.engine().get(cf::PATIENTS, pseudonym.as_bytes())?.map(|v| json(&v, "patient record")).transpose()
    }

    /// Every patient, or those a hospital registered.
    pub fn patients(&self, hospital: Option<&str>) -> R<Vec<PatientRecord>> {
        let mut out = Vec::new();
        for item in self.engine().scan(cf::PATIENTS, &[], None) {
            let (_, v) = item?;
            let p: PatientRecord = json(&v, "patient record")?;
            if hospital.is_none_or(|h| p.hospitals.iter().any(|x| x == h)) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// The patient's genomic samples (linked whether or not their data has arrived).
    pub fn samples_of(&self, pseudonym: &str) -> R<Vec<(GenomicSampleRef, SampleType)>> {
        let mut out = Vec::new();
        for item in self.engine().scan_prefix(cf::CLINICAL_SAMPLES, &keys::patient_sample_prefix(pseudonym)) {
            let (k, _) = item?;
            let g = keys::decode_patient_sample(&k, pseudonym).ok_or_else(|| ClinicalError::Corrupt("clinical sample key".into()))?;
            let link: SampleLink = self
                .engine()
                .get(cf::CLINICAL_SAMPLES, &keys::genomic_key(&g))?
                .map(|v| json(&v, "sample link"))
                .transpose()?
                .ok_or_else(|| ClinicalError::Corrupt(format!("sample {}/{} has no link record", g.center, g.name)))?;
            out.push((g, link.sample_type));
        }
        Ok(out)
    }

    /// The patient whose sample this is, if any.
    pub fn patient_of_sample(&self, g: &GenomicSampleRef) -> R<Option<String>> {
        Ok(self.engine().get(cf::CLINICAL_SAMPLES, &keys::genomic_key(g))?.map(|v| json::<SampleLink>(&v, "sample link")).transpose()?.map(|l| l.patient))
    }

    fn data_key(&self, pseudonym: &str) -> R<Option<DataKey>> {
        self.engine().get(cf::PATIENT_KEYS, pseudonym.as_bytes())?.map(|w| crypto::unwrap(self.key, pseudonym, &w)).transpose()
    }

    /// Decrypted clinical data, by contributing hospital (empty when none, or purged).
    pub fn clinical_by_hospital(&self, pseudonym: &str) -> R<ByHospital> {
        let Some(sealed) = self.engine().get(cf::CLINICAL_RECORDS, pseudonym.as_bytes())? else { return Ok(ByHospital::new()) };
        let key = self.data_key(pseudonym)?.ok_or_else(|| ClinicalError::Corrupt(format!("patient {pseudonym}: records without a data key")))?;
        let plain = crypto::open(&key, pseudonym.as_bytes(), &sealed, &format!("clinical record of patient {pseudonym}"))?;
        json(&plain, "clinical record")
    }

    /// The patient's record with every hospital's contribution merged.
    pub fn record(&self, pseudonym: &str) -> R<ClinicalRecord> {
        Ok(ClinicalRecord::merged(self.clinical_by_hospital(pseudonym)?.values()))
    }

    pub fn consent_history(&self, pseudonym: &str) -> R<Vec<ConsentEvent>> {
        self.engine()
            .scan_prefix(cf::CONSENTS, pseudonym.as_bytes())
            .map(|r| r.map_err(ClinicalError::from).and_then(|(_, v)| json(&v, "consent event")))
            .collect()
    }

    /// The patient as a Phenopacket v2 (subject.id = pseudonym).
    pub fn export(&self, pseudonym: &str) -> R<serde_json::Value> {
        let created = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        Ok(phenopacket::export(pseudonym, &self.record(pseudonym)?, &created))
    }

    // ---- the seam to governance ----

    /// What the policy needs about every patient on a day.
    pub fn patient_facts(&self, on: Date) -> R<Vec<PatientFacts>> {
        let mut out = Vec::new();
        for p in self.patients(None)? {
            let history = self.consent_history(&p.pseudonym)?;
            let samples = self.samples_of(&p.pseudonym)?.into_iter().map(|(g, _)| g).collect();
            out.push(PatientFacts {
                consent: consent::in_force(&history, on),
                withdrawn: p.withdrawn.is_some() || history.iter().any(ConsentEvent::is_withdrawal),
                pseudonym: p.pseudonym,
                hospitals: p.hospitals,
                samples,
            });
        }
        Ok(out)
    }

    /// Genomic samples matching a rule (docs/clinical.md), whether or not their data is in the
    /// store yet; withdrawn patients and excluded samples never match. `on` decides the
    /// consent in force for the `consent`, `secondary_use` and `recontact` fields.
    pub fn evaluate_rule(&self, rule: &str, on: Date) -> R<Vec<GenomicSampleRef>> {
        let rule = rule::parse_rule(rule)?;
        let excluded = self.store.exclusions()?;
        let mut out = BTreeSet::new();
        for p in self.patients(None)? {
            if p.withdrawn.is_some() || p.purged.is_some() {
                continue;
            }
            let linked = self.samples_of(&p.pseudonym)?;
            if linked.is_empty() {
                continue;
            }
            let record = self.record(&p.pseudonym)?;
            let consent = consent::in_force(&self.consent_history(&p.pseudonym)?, on);
            for sample in &record.biosamples {
                let Some(g) = &sample.genomic else { continue };
                if excluded.contains_key(&SampleKey { center: g.center.clone(), name: g.name.clone() }) {
                    continue;
                }
                let subject = RuleSubject { record: &record, hospitals: &p.hospitals, consent: consent.as_ref(), sample };
                if rule.matches(&subject) {
                    out.insert(g.clone());
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    // ---- writing ----

    /// Imports Phenopacket JSON / JSON lines / CSV files or directories for one hospital:
    /// everything is validated first, then stored in one atomic write, or nothing is.
    pub fn import(&self, hospital: &str, paths: &[PathBuf]) -> R<ImportReport> {
        let parsed = input::read_sources(paths, self.oncotree.as_ref())?;
        self.import_parsed(hospital, parsed)
    }

    pub fn import_parsed(&self, hospital: &str, parsed: Parsed) -> R<ImportReport> {
        if hospital.trim().is_empty() || hospital.contains('\0') {
            return Err(ClinicalError::Refused("a hospital name is required".into()));
        }
        let mut report = ImportReport { warnings: parsed.warnings, ..Default::default() };
        let mut st = Staged::default();
        let mut b = Batch::default();
        let mut seen: HashMap<String, String> = HashMap::new();
        for sub in parsed.submissions {
            let fail = |field: &str, m: String| ClinicalError::input(&sub.file, &sub.record, field, m);
            let hid = self.key.pseudonym(&format!("patient:{hospital}"), &sub.local_id);
            let lid = sub.linkage_id.as_deref().map(|l| self.key.pseudonym("linkage", l.trim()));
            let by_h = self.link(&st, &keys::hospital_link(&hid))?;
            let by_l = match &lid {
                Some(l) => self.link(&st, &keys::linkage_link(l))?,
                None => None,
            };
            let pseudonym = match (&by_h, &by_l) {
                (Some(a), Some(b)) if a != b => {
                    return Err(fail(
                        "linkage_id",
                        "this linkage identifier belongs to another patient than this hospital's patient ID; nothing was stored".into(),
                    ))
                }
                (Some(a), _) => a.clone(),
                (None, Some(b)) => b.clone(),
                (None, None) => hid.clone(),
            };
            if let Some(first) = seen.insert(pseudonym.clone(), sub.record.clone()) {
                return Err(fail("subject.id", format!("the same patient as {first} (one record per patient per import)")));
            }
            let existing = match st.patients.get(&pseudonym) {
                Some(p) => Some(p.clone()),
                None => self.patient(&pseudonym)?,
            };
            let mut patient = match existing {
                Some(p) => {
                    if !p.hospitals.iter().any(|h| h == hospital) {
                        report.linked_to_existing += 1;
                    }
                    p
                }
                None => {
                    report.new_patients += 1;
                    PatientRecord { pseudonym: pseudonym.clone(), hospitals: Vec::new(), registered: now(), linked: false, withdrawn: None, purged: None }
                }
            };
            if let Some(d) = patient.withdrawn {
                return Err(fail("subject.id", format!("patient withdrew consent on {d}; no data is accepted for them; nothing was stored")));
            }
            if !patient.hospitals.iter().any(|h| h == hospital) {
                patient.hospitals.push(hospital.to_string());
            }
            if by_h.is_none() {
                b.put(cf::PATIENT_LINKS, &keys::hospital_link(&hid), pseudonym.as_bytes());
                st.links.insert(keys::hospital_link(&hid), pseudonym.clone());
            }
            if let (Some(l), None) = (&lid, &by_l) {
                b.put(cf::PATIENT_LINKS, &keys::linkage_link(l), pseudonym.as_bytes());
                st.links.insert(keys::linkage_link(l), pseudonym.clone());
            }
            patient.linked |= lid.is_some();

            let mut map = match st.clinical.remove(&pseudonym) {
                Some(m) => m,
                None => self.clinical_by_hospital(&pseudonym)?,
            };
            let old: BTreeSet<GenomicSampleRef> = refs_of(&map).into_iter().map(|(g, _)| g).collect();
            map.insert(hospital.to_string(), sub.clinical.clone());
            let new = refs_of(&map);
            let mut new_set = BTreeSet::new();
            for (g, sample_type) in &new {
                let qualified = format!("{}/{}", g.center, g.name);
                if !new_set.insert(g.clone()) {
                    return Err(fail("biosamples", format!("genomic sample {qualified} is linked to two biosamples of this patient")));
                }
                let gk = keys::genomic_key(g);
                let owner = match st.genomic.get(&gk) {
                    Some(o) => o.clone(),
                    None => self.patient_of_sample(g)?,
                };
                if let Some(o) = owner.filter(|o| *o != pseudonym) {
                    return Err(fail("biosamples", format!("genomic sample {qualified} is already linked to another patient ({o}); nothing was stored")));
                }
                if let Some(ex) = self.store.exclusion(&g.center, &g.name)? {
                    return Err(fail("biosamples", format!("genomic sample {qualified} is excluded ({} since {}); nothing was stored", ex.reason, ex.since)));
                }
                b.put(cf::CLINICAL_SAMPLES, &gk, &to_json(&SampleLink { patient: pseudonym.clone(), sample_type: *sample_type }));
                b.put(cf::CLINICAL_SAMPLES, &keys::patient_sample_key(&pseudonym, g), &[]);
                st.genomic.insert(gk, Some(pseudonym.clone()));
            }
            for g in old.difference(&new_set) {
                b.delete(cf::CLINICAL_SAMPLES, &keys::genomic_key(g));
                b.delete(cf::CLINICAL_SAMPLES, &keys::patient_sample_key(&pseudonym, g));
                st.genomic.insert(keys::genomic_key(g), None);
            }
            report.genomic_samples += sub.clinical.biosamples.iter().filter(|s| s.genomic.is_some()).count();

            let data_key = match st.keys.remove(&pseudonym) {
                Some(k) => k,
                None => match self.data_key(&pseudonym)? {
                    Some(k) => k,
                    None => {
                        let k = crypto::new_data_key();
                        b.put(cf::PATIENT_KEYS, pseudonym.as_bytes(), &crypto::wrap(self.key, &pseudonym, &k));
                        k
                    }
                },
            };
            b.put(cf::CLINICAL_RECORDS, pseudonym.as_bytes(), &crypto::seal(&data_key, pseudonym.as_bytes(), &zeroize::Zeroizing::new(to_json(&map))));
            st.keys.insert(pseudonym.clone(), data_key);
            st.clinical.insert(pseudonym.clone(), map);

            for (date, action) in &sub.consents {
                let seq = self.next_consent_seq(&mut st, &pseudonym)?;
                let event = ConsentEvent { date: *date, hospital: hospital.to_string(), recorded: now(), action: action.clone() };
                b.put(cf::CONSENTS, &keys::consent_key(&pseudonym, seq), &to_json(&event));
                report.consents += 1;
            }
            b.put(cf::PATIENTS, pseudonym.as_bytes(), &to_json(&patient));
            st.patients.insert(pseudonym.clone(), patient);
            report.patients.push((sub.record.clone(), pseudonym));
        }
        self.commit(b)?;
        Ok(report)
    }

    fn link(&self, st: &Staged, key: &[u8]) -> R<Option<String>> {
        if let Some(p) = st.links.get(key) {
            return Ok(Some(p.clone()));
        }
        Ok(self.engine().get(cf::PATIENT_LINKS, key)?.map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    fn next_consent_seq(&self, st: &mut Staged, pseudonym: &str) -> R<u32> {
        let next = match st.consent_seq.get(pseudonym) {
            Some(n) => *n,
            None => self.engine().scan_prefix(cf::CONSENTS, pseudonym.as_bytes()).count() as u32,
        };
        st.consent_seq.insert(pseudonym.to_string(), next + 1);
        Ok(next)
    }

    /// Records a consent event (a first consent, or a re-consent on a new form).
    pub fn record_consent(&self, pseudonym: &str, hospital: Option<&str>, date: Date, action: ConsentAction) -> R<ConsentEvent> {
        let patient = self.patient(pseudonym)?.ok_or_else(|| ClinicalError::NotFound(format!("no patient {pseudonym}")))?;
        validate::date(&date.to_string()).map_err(ClinicalError::Refused)?;
        if let Some(w) = patient.withdrawn {
            return Err(ClinicalError::Refused(format!(
                "patient {pseudonym} withdrew consent on {w}; a withdrawal is final (register anew with a new consent)"
            )));
        }
        if matches!(action, ConsentAction::Withdrawal) {
            return Err(ClinicalError::Refused("use withdraw to record a withdrawal".into()));
        }
        let hospital = self.hospital_for(&patient, hospital)?;
        let mut st = Staged::default();
        let seq = self.next_consent_seq(&mut st, pseudonym)?;
        let event = ConsentEvent { date, hospital, recorded: now(), action };
        let mut b = Batch::default();
        b.put(cf::CONSENTS, &keys::consent_key(pseudonym, seq), &to_json(&event));
        self.commit(b)?;
        Ok(event)
    }

    fn hospital_for(&self, patient: &PatientRecord, hospital: Option<&str>) -> R<String> {
        match hospital {
            Some(h) if patient.hospitals.iter().any(|x| x == h) => Ok(h.to_string()),
            Some(h) => Err(ClinicalError::Refused(format!("hospital {h} has not registered patient {}", patient.pseudonym))),
            None => Ok(patient.hospitals.first().cloned().unwrap_or_default()),
        }
    }

    /// Records a withdrawal and, in the same write, excludes every genomic sample of the
    /// patient from all later queries. Returns the samples excluded.
    pub fn withdraw(&self, pseudonym: &str, hospital: Option<&str>, date: Date) -> R<Vec<GenomicSampleRef>> {
        let mut patient = self.patient(pseudonym)?.ok_or_else(|| ClinicalError::NotFound(format!("no patient {pseudonym}")))?;
        validate::date(&date.to_string()).map_err(ClinicalError::Refused)?;
        if let Some(w) = patient.withdrawn {
            return Err(ClinicalError::Refused(format!("patient {pseudonym} already withdrew consent on {w}")));
        }
        let hospital = self.hospital_for(&patient, hospital)?;
        let mut st = Staged::default();
        let seq = self.next_consent_seq(&mut st, pseudonym)?;
        let mut b = Batch::default();
        b.put(cf::CONSENTS, &keys::consent_key(pseudonym, seq), &to_json(&ConsentEvent { date, hospital, recorded: now(), action: ConsentAction::Withdrawal }));
        patient.withdrawn = Some(date);
        b.put(cf::PATIENTS, pseudonym.as_bytes(), &to_json(&patient));
        let samples: Vec<GenomicSampleRef> = self.samples_of(pseudonym)?.into_iter().map(|(g, _)| g).collect();
        let keys: Vec<SampleKey> = samples.iter().map(|g| SampleKey { center: g.center.clone(), name: g.name.clone() }).collect();
        let exclusion = Exclusion { reason: "consent withdrawn".into(), since: date.to_string(), patient: Some(pseudonym.to_string()) };
        self.store.stage_exclusions(&mut b, &keys, &exclusion)?;
        self.commit(b)?;
        Ok(samples)
    }

    /// Physically erases every withdrawn patient's clinical records, data key and genotypes,
    /// then compacts the store so no file keeps them. What stays: the pseudonym, the consent
    /// history (the withdrawal is the record of why), and the exclusions (so data arriving
    /// later is still refused).
    pub fn purge(&self) -> R<PurgeSummary> {
        let mut summary = PurgeSummary::default();
        let mut b = Batch::default();
        let mut done = Vec::new();
        for mut p in self.patients(None)? {
            if p.withdrawn.is_none() || p.purged.is_some() {
                continue;
            }
            for (g, _) in self.samples_of(&p.pseudonym)? {
                b.delete(cf::CLINICAL_SAMPLES, &keys::genomic_key(&g));
                b.delete(cf::CLINICAL_SAMPLES, &keys::patient_sample_key(&p.pseudonym, &g));
            }
            b.delete(cf::CLINICAL_RECORDS, p.pseudonym.as_bytes());
            b.delete(cf::PATIENT_KEYS, p.pseudonym.as_bytes());
            summary.patients.push(p.pseudonym.clone());
            p.purged = Some(now());
            done.push(p);
        }
        // Sample links and records go first: from then on nothing can decrypt or find them.
        if !b.is_empty() {
            self.commit(b)?;
        }
        // The exclusions name the samples even if an earlier purge stopped after the write above.
        let purging: BTreeSet<&str> = done.iter().map(|p| p.pseudonym.as_str()).collect();
        let samples: Vec<SampleKey> =
            self.store.exclusions()?.into_iter().filter(|(_, ex)| ex.patient.as_deref().is_some_and(|p| purging.contains(p))).map(|(k, _)| k).collect();
        summary.store = self.store.purge_samples(&samples)?;
        let mut b = Batch::default();
        for p in &done {
            b.put(cf::PATIENTS, p.pseudonym.as_bytes(), &to_json(p));
        }
        if !b.is_empty() {
            self.commit(b)?;
        }
        Ok(summary)
    }
}
