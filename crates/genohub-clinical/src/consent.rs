//! Consent events: each consent (or re-consent with a new form) and each withdrawal is kept; the
//! consent in force on a day is derived from the history, never overwritten.

use genohub_duo::DataUse;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::facts::ConsentInForce;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConsentAction {
    Consent {
        /// Stored as DUO CURIEs.
        #[serde(deserialize_with = "data_use_from_json")]
        data_use: DataUse,
        form_version: String,
        secondary_use: bool,
        recontact: bool,
    },
    Withdrawal,
}

/// `DataUse`'s derived `Deserialize` only exists for `'static` input (its fields are
/// `&'static str`), so it is read through an owned JSON value.
fn data_use_from_json<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DataUse, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    DataUse::deserialize(v).map_err(serde::de::Error::custom)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEvent {
    /// The day the patient signed (or withdrew).
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    /// Which hospital recorded it.
    pub hospital: String,
    /// Seconds since the Unix epoch when the hub recorded it.
    pub recorded: u64,
    #[serde(flatten)]
    pub action: ConsentAction,
}

impl ConsentEvent {
    pub fn is_withdrawal(&self) -> bool {
        matches!(self.action, ConsentAction::Withdrawal)
    }
}

/// The latest event on or before `on` (events of one day in recording order); None when there
/// is none or it is a withdrawal.
pub fn in_force(history: &[ConsentEvent], on: Date) -> Option<ConsentInForce> {
    let latest = history.iter().enumerate().filter(|(_, e)| e.date <= on).max_by_key(|(i, e)| (e.date, *i))?.1;
    match &latest.action {
        ConsentAction::Withdrawal => None,
        ConsentAction::Consent { data_use, form_version, secondary_use, recontact } => Some(ConsentInForce {
            data_use: data_use.clone(),
            date: latest.date,
            form_version: form_version.clone(),
            secondary_use: *secondary_use,
            recontact: *recontact,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn consent(d: Date, du: &str, form: &str) -> ConsentEvent {
        ConsentEvent {
            date: d,
            hospital: "H".into(),
            recorded: 0,
            action: ConsentAction::Consent { data_use: DataUse::parse(du).unwrap(), form_version: form.into(), secondary_use: true, recontact: false },
        }
    }

    #[test]
    fn the_consent_in_force_follows_the_dates_not_the_recording_order() {
        let mut h = vec![consent(date!(2021 - 06 - 01), "HMB", "v2"), consent(date!(2020 - 01 - 10), "GRU", "v1")];
        assert_eq!(in_force(&h, date!(2019 - 12 - 31)), None, "before any consent");
        assert_eq!(in_force(&h, date!(2020 - 01 - 10)).unwrap().form_version, "v1");
        assert_eq!(in_force(&h, date!(2021 - 05 - 31)).unwrap().data_use.permission(), genohub_duo::Term::find("GRU").unwrap().curie);
        assert_eq!(in_force(&h, date!(2021 - 06 - 01)).unwrap().form_version, "v2");
        h.push(ConsentEvent { date: date!(2022 - 03 - 03), hospital: "H".into(), recorded: 0, action: ConsentAction::Withdrawal });
        assert_eq!(in_force(&h, date!(2022 - 03 - 02)).unwrap().form_version, "v2");
        assert_eq!(in_force(&h, date!(2022 - 03 - 03)), None);
        let json = serde_json::to_string(&h[0]).unwrap();
        assert!(json.contains("DUO:0000006") && !json.contains("HMB"), "CURIEs stored: {json}");
        assert_eq!(serde_json::from_str::<ConsentEvent>(&json).unwrap(), h[0]);
    }
}
