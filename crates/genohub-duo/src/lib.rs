//! The GA4GH Data Use Ontology (DUO) as genohub uses it: what a patient's consent permits
//! ([`DataUse`]: one permission CURIE plus modifier CURIEs), what a project wants to do
//! ([`Purpose`]), and the one function that decides whether the first allows the second
//! ([`check`]), with reasons a review committee can read.
//!
//! Consent is stored as CURIEs (`DUO:0000042`), never shorthand; shorthand (`GRU`) is
//! accepted on input and shown in messages.

mod check;
mod data_use;
mod error;
mod purpose;
mod term;

pub use check::{check, Refusal};
pub use data_use::DataUse;
pub use error::DuoError;
pub use purpose::Purpose;
pub use term::{Kind, Term, TERMS};
