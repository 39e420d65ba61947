//! Clinical repository: pseudonymous patients, versioned consent, encrypted Phenopacket-shaped
//! clinical records, cohort rules, withdrawal and purge (docs/clinical.md).
//!
//! Patients are known only by a keyed pseudonym of a hospital's patient ID (HMAC-SHA256 with
//! the hub key, which lives outside the store); clinical records are sealed with a per-patient
//! data key wrapped by the hub key. Everything is kept in the store's RocksDB, in the clinical
//! column families, so a withdrawal and the exclusion of the patient's genomic samples commit
//! in one atomic write.

pub mod clinical;
pub mod codes;
pub mod consent;
pub mod crypto;
pub mod csv_template;
pub mod error;
pub mod facts;
pub mod input;
pub mod iso_date;
pub mod patient;
pub mod phenopacket;
pub mod record;
pub mod rule;
pub mod subject;
pub mod submission;
pub mod validate;

pub use clinical::{ByHospital, Clinical, ImportReport, PurgeSummary};
pub use codes::OncoTree;
pub use consent::{ConsentAction, ConsentEvent};
pub use error::{ClinicalError, Location};
pub use facts::{ConsentInForce, GenomicSampleRef, PatientFacts};
pub use patient::PatientRecord;
pub use record::{Age, Biosample, ClinicalRecord, Disease, MedicalAction, Response, SampleType, Sex, Term, Vital, VitalStatus};
pub use rule::{parse_rule, Rule, RuleError};
pub use submission::Submission;
