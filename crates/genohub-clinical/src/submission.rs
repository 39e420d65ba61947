//! One patient as a hospital submits it, parsed and validated, before it touches the store.

use time::Date;

use crate::consent::ConsentAction;
use crate::record::ClinicalRecord;

#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// Where it came from, for messages: the file and the record in it.
    pub file: String,
    pub record: String,
    /// The hospital's own patient identifier: pseudonymised on import, never stored.
    pub local_id: String,
    /// A cross-hospital identifier (e.g. an insurance number): pseudonymised, never stored.
    pub linkage_id: Option<String>,
    pub clinical: ClinicalRecord,
    /// Consent events given with the record (CSV `consent` rows).
    pub consents: Vec<(Date, ConsentAction)>,
}

impl Submission {
    pub fn new(file: &str, record: &str, local_id: &str) -> Submission {
        Submission {
            file: file.to_string(),
            record: record.to_string(),
            local_id: local_id.to_string(),
            linkage_id: None,
            clinical: ClinicalRecord::default(),
            consents: Vec::new(),
        }
    }
}
