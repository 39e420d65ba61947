//! Clinical repository: pseudonymous patients, versioned consent, encrypted clinical records.

pub mod facts;

pub use facts::{ConsentInForce, GenomicSampleRef, PatientFacts};
