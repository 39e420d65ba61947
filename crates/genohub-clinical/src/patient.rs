//! The stored patient entry and the keys of the clinical column families (one place).
//!
//! | family | key | value |
//! |---|---|---|
//! | `patients` | pseudonym | [`PatientRecord`] JSON |
//! | `patient_links` | `h` HMAC(patient:HOSPITAL, local id) / `l` HMAC(linkage, id) | pseudonym |
//! | `clinical_samples` | `g` center \0 name | [`SampleLink`] JSON |
//! | `clinical_samples` | `p` pseudonym \0 center \0 name | — |
//! | `consents` | pseudonym · seq u32 | [`crate::ConsentEvent`] JSON |
//! | `clinical_records` | pseudonym | AEAD(hospital → [`crate::ClinicalRecord`] JSON) |
//! | `patient_keys` | pseudonym | data key wrapped by the hub key |

use serde::{Deserialize, Serialize};
use time::Date;

use crate::facts::GenomicSampleRef;
use crate::record::SampleType;

/// What the hub keeps in clear about a patient: no identifier, no clinical data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRecord {
    pub pseudonym: String,
    /// Hospitals that registered this patient, in registration order.
    pub hospitals: Vec<String>,
    /// Seconds since the Unix epoch.
    pub registered: u64,
    /// Whether a linkage identifier was ever given (its pseudonym is in `patient_links`).
    pub linked: bool,
    #[serde(default, with = "crate::iso_date::option", skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Date>,
    /// When `genohub purge` erased the clinical data and genotypes (seconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purged: Option<u64>,
}

/// Which patient a genomic sample belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleLink {
    pub patient: String,
    pub sample_type: SampleType,
}

pub fn hospital_link(hmac: &str) -> Vec<u8> {
    [b"h".as_slice(), hmac.as_bytes()].concat()
}

pub fn linkage_link(hmac: &str) -> Vec<u8> {
    [b"l".as_slice(), hmac.as_bytes()].concat()
}

pub fn genomic_key(g: &GenomicSampleRef) -> Vec<u8> {
    [b"g".as_slice(), g.center.as_bytes(), &[0], g.name.as_bytes()].concat()
}

pub fn patient_sample_prefix(pseudonym: &str) -> Vec<u8> {
    [b"p".as_slice(), pseudonym.as_bytes(), &[0]].concat()
}

pub fn patient_sample_key(pseudonym: &str, g: &GenomicSampleRef) -> Vec<u8> {
    [patient_sample_prefix(pseudonym).as_slice(), g.center.as_bytes(), &[0], g.name.as_bytes()].concat()
}

pub fn decode_patient_sample(key: &[u8], pseudonym: &str) -> Option<GenomicSampleRef> {
    let rest = key.get(patient_sample_prefix(pseudonym).len()..)?;
    let sep = rest.iter().position(|&b| b == 0)?;
    Some(GenomicSampleRef { center: String::from_utf8(rest[..sep].to_vec()).ok()?, name: String::from_utf8(rest[sep + 1..].to_vec()).ok()? })
}

pub fn consent_key(pseudonym: &str, seq: u32) -> Vec<u8> {
    [pseudonym.as_bytes(), &seq.to_be_bytes()].concat()
}
