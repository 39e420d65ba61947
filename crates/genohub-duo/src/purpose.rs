//! What a project (or a clinician's aggregate query) wants to do with the data.

use serde::{Deserialize, Serialize};

use crate::data_use::check_disease;
use crate::term::{self, Kind, Term};
use crate::DuoError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purpose {
    /// The research the project does, as a DUO permission CURIE: GRU (any research,
    /// including methods), HMB, DS (with `disease`) or POA.
    pub research: String,
    pub disease: Option<String>,
    /// Commercial use: follows from the requesting organisation (a company), not a choice.
    pub commercial: bool,
    /// For-profit organisation.
    pub for_profit: bool,
    /// The IRB/ethics approval reference, when the project has one.
    pub irb_approval: Option<String>,
    /// Modifier CURIEs whose conditions the project has agreed to (PUB, COL, RTN, MOR, US,
    /// PS, IS, GS, NMDS): consents carrying them are usable only if the project accepted them.
    pub accepted_conditions: Vec<String>,
    /// Use in clinical care (a clinician's aggregate query), rather than research.
    pub clinical_care: bool,
}

impl Purpose {
    pub fn research(research: &str, disease: Option<&str>) -> Result<Purpose, DuoError> {
        let research = Term::of_kind(research, Kind::Permission)?.curie;
        if research == term::NRES {
            return Err(DuoError::Invalid("NRES describes consent, not a purpose; use GRU for general research".into()));
        }
        match (research == term::DS, disease) {
            (true, None) => return Err(DuoError::Invalid("a disease-specific purpose needs a disease term".into())),
            (false, Some(d)) => return Err(DuoError::Invalid(format!("a disease ({d}) only goes with a DS purpose"))),
            (true, Some(d)) => check_disease(d)?,
            _ => {}
        }
        Ok(Purpose {
            research: research.to_string(),
            disease: disease.map(str::to_string),
            commercial: false,
            for_profit: false,
            irb_approval: None,
            accepted_conditions: Vec::new(),
            clinical_care: false,
        })
    }

    /// A clinician's aggregate query over all patients: allowed where consent says CC.
    pub fn clinical_care() -> Purpose {
        Purpose {
            research: term::HMB.to_string(),
            disease: None,
            commercial: false,
            for_profit: false,
            irb_approval: None,
            accepted_conditions: Vec::new(),
            clinical_care: true,
        }
    }

    pub fn commercial(mut self, commercial: bool) -> Purpose {
        self.commercial = commercial;
        self.for_profit = commercial;
        self
    }

    pub fn with_irb(mut self, reference: &str) -> Purpose {
        self.irb_approval = Some(reference.to_string());
        self
    }

    pub fn accepting(mut self, modifier: &str) -> Result<Purpose, DuoError> {
        let curie = Term::of_kind(modifier, Kind::Modifier)?.curie.to_string();
        if !self.accepted_conditions.contains(&curie) {
            self.accepted_conditions.push(curie);
        }
        Ok(self)
    }

    pub fn describe(&self) -> String {
        if self.clinical_care {
            return "clinical care".into();
        }
        let mut s = Term::describe(&self.research);
        if let Some(d) = &self.disease {
            s.push(' ');
            s.push_str(d);
        }
        s.push_str(if self.commercial { ", commercial" } else { ", non-commercial" });
        if let Some(irb) = &self.irb_approval {
            s.push_str(&format!(", IRB {irb}"));
        }
        s
    }
}
