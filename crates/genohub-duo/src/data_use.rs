//! What a patient's consent permits: one DUO permission, modifiers, and the disease or time
//! limit some of them need.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::term::{self, Kind, Term};
use crate::DuoError;

/// Validated on construction and on deserialisation, so a stored `DataUse` is always
/// well-formed: CURIEs only, DS carries a disease, TS carries a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawDataUse", into = "RawDataUse")]
pub struct DataUse {
    permission: &'static str,
    disease: Option<String>,
    modifiers: Vec<&'static str>,
    until: Option<Date>,
}

#[derive(Serialize, Deserialize)]
struct RawDataUse {
    permission: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    disease: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    modifiers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<Date>,
}

impl TryFrom<RawDataUse> for DataUse {
    type Error = DuoError;
    fn try_from(raw: RawDataUse) -> Result<DataUse, DuoError> {
        let modifiers: Vec<&str> = raw.modifiers.iter().map(String::as_str).collect();
        DataUse::new(&raw.permission, raw.disease.as_deref(), &modifiers, raw.until)
    }
}

impl From<DataUse> for RawDataUse {
    fn from(d: DataUse) -> RawDataUse {
        RawDataUse { permission: d.permission.to_string(), disease: d.disease, modifiers: d.modifiers.iter().map(|m| m.to_string()).collect(), until: d.until }
    }
}

/// A disease term is a CURIE from a code system genohub knows.
pub fn check_disease(disease: &str) -> Result<(), DuoError> {
    const SYSTEMS: [&str; 5] = ["oncotree", "MONDO", "ICD10", "DOID", "NCIT"];
    match disease.split_once(':') {
        Some((system, code)) if SYSTEMS.iter().any(|s| s.eq_ignore_ascii_case(system)) && !code.is_empty() && !code.contains(char::is_whitespace) => Ok(()),
        _ => Err(DuoError::Invalid(format!("disease {disease:?} is not a CURIE of a known code system ({})", SYSTEMS.join(", ")))),
    }
}

impl DataUse {
    /// `permission` and `modifiers` as CURIEs or shorthand; stored as CURIEs.
    pub fn new(permission: &str, disease: Option<&str>, modifiers: &[&str], until: Option<Date>) -> Result<DataUse, DuoError> {
        let permission = Term::of_kind(permission, Kind::Permission)?.curie;
        match (permission == term::DS, disease) {
            (true, None) => return Err(DuoError::Invalid("DS (DUO:0000007) needs a disease term".into())),
            (false, Some(d)) => return Err(DuoError::Invalid(format!("a disease ({d}) only goes with DS (DUO:0000007), not {}", Term::describe(permission)))),
            (true, Some(d)) => check_disease(d)?,
            (false, None) => {}
        }
        let mut mods = Vec::with_capacity(modifiers.len());
        for m in modifiers {
            let curie = Term::of_kind(m, Kind::Modifier)?.curie;
            if !mods.contains(&curie) {
                mods.push(curie);
            }
        }
        mods.sort_unstable();
        match (mods.contains(&term::TS), until) {
            (true, None) => return Err(DuoError::Invalid("TS (DUO:0000025) needs an end date".into())),
            (false, Some(d)) => return Err(DuoError::Invalid(format!("an end date ({d}) only goes with the TS (DUO:0000025) modifier"))),
            _ => {}
        }
        Ok(DataUse { permission, disease: disease.map(str::to_string), modifiers: mods, until })
    }

    /// Parses the CLI form: `PERMISSION[:DISEASE][+MODIFIER...]`, TS as `TS=YYYY-MM-DD`,
    /// e.g. `HMB+NCU`, `DS:oncotree:LUAD+IRB`, `GRU+TS=2030-12-31`.
    pub fn parse(text: &str) -> Result<DataUse, DuoError> {
        let mut parts = text.split('+').map(str::trim);
        let first = parts.next().unwrap_or_default();
        let (permission, disease) = match first.split_once(':') {
            // A CURIE permission (`DUO:0000007:MONDO:1`) or shorthand with a disease (`DS:MONDO:1`).
            Some((p, rest)) if p.eq_ignore_ascii_case("DUO") => match rest.split_once(':') {
                Some((num, d)) => (&first[..4 + num.len()], Some(d)),
                None => (first, None),
            },
            Some((p, d)) => (p, Some(d)),
            None => (first, None),
        };
        let mut modifiers = Vec::new();
        let mut until = None;
        for m in parts {
            match m.split_once('=') {
                Some((ts, date)) => {
                    let format = time::macros::format_description!("[year]-[month]-[day]");
                    until = Some(Date::parse(date, format).map_err(|e| DuoError::Invalid(format!("{ts} date {date:?}: {e}")))?);
                    modifiers.push(ts);
                }
                None => modifiers.push(m),
            }
        }
        DataUse::new(permission, disease, &modifiers, until)
    }

    pub fn permission(&self) -> &'static str {
        self.permission
    }

    pub fn disease(&self) -> Option<&str> {
        self.disease.as_deref()
    }

    pub fn modifiers(&self) -> &[&'static str] {
        &self.modifiers
    }

    pub fn until(&self) -> Option<Date> {
        self.until
    }

    pub fn has(&self, curie: &str) -> bool {
        self.modifiers.contains(&curie)
    }

    /// `DS (DUO:0000007) oncotree:LUAD + NCU (DUO:0000046)`.
    pub fn describe(&self) -> String {
        let mut s = Term::describe(self.permission);
        if let Some(d) = &self.disease {
            s.push(' ');
            s.push_str(d);
        }
        for m in &self.modifiers {
            s.push_str(" + ");
            s.push_str(&Term::describe(m));
            if *m == term::TS {
                if let Some(u) = self.until {
                    s.push_str(&format!(" until {u}"));
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shorthand_and_stores_curies() {
        let d = DataUse::parse("DS:oncotree:LUAD+ncu+IRB").unwrap();
        assert_eq!(d.permission(), term::DS);
        assert_eq!(d.disease(), Some("oncotree:LUAD"));
        assert_eq!(d.modifiers(), &[term::IRB, term::NCU]);
        let json = serde_json_like(&d);
        assert!(json.contains("DUO:0000007") && json.contains("DUO:0000046") && !json.contains("NCU"), "{json}");
        assert_eq!(DataUse::parse("DUO:0000007:MONDO:0005061").unwrap().disease(), Some("MONDO:0005061"));
        let ts = DataUse::parse("GRU+TS=2030-12-31").unwrap();
        assert_eq!(ts.until().unwrap().year(), 2030);
    }

    #[test]
    fn rejects_malformed_consents() {
        assert!(DataUse::parse("DS").is_err(), "DS without disease");
        assert!(DataUse::parse("HMB:oncotree:LUAD").is_err(), "disease without DS");
        assert!(DataUse::parse("DS:foo:1").is_err(), "unknown code system");
        assert!(DataUse::parse("GRU+TS").is_err(), "TS without date");
        assert!(DataUse::parse("GRU+TS=2030-02-30").is_err(), "impossible date");
        assert!(DataUse::parse("NCU").is_err(), "modifier as permission");
        assert!(DataUse::parse("GRU+HMB").is_err(), "permission as modifier");
    }

    fn serde_json_like(d: &DataUse) -> String {
        // serde_json is not a dependency of this crate; Debug of the raw form is enough here.
        format!("{:?}", RawDataUse::from(d.clone()).modifiers) + &format!("{:?}", RawDataUse::from(d.clone()).permission)
    }
}
