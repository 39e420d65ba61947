//! Dates in JSON as `YYYY-MM-DD`, the form API users, Phenopackets and DUO tools expect
//! (`time`'s own serde form is `[year, day of year]`). Records stored before read back too:
//! both forms are accepted. Use with `#[serde(with = "genohub_clinical::iso_date")]`, or
//! `iso_date::option` for an `Option<Date>`.

use serde::{Deserialize, Deserializer, Serializer};
use time::Date;

const FORMAT: &[time::format_description::FormatItem<'static>] = time::macros::format_description!("[year]-[month]-[day]");

#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Text(String),
    /// `time`'s default serde form, as records written before this module have it.
    YearOrdinal(i32, u16),
}

fn from_stored<E: serde::de::Error>(s: Stored) -> Result<Date, E> {
    match s {
        Stored::Text(t) => Date::parse(&t, FORMAT).map_err(|e| E::custom(format!("date {t:?}: {e} (expected YYYY-MM-DD)"))),
        Stored::YearOrdinal(y, d) => Date::from_ordinal_date(y, d).map_err(|e| E::custom(format!("date [{y}, {d}]: {e}"))),
    }
}

pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.format(FORMAT).map_err(serde::ser::Error::custom)?)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    from_stored(Stored::deserialize(d)?)
}

pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<Stored>::deserialize(d)?.map(from_stored).transpose()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Event {
        #[serde(with = "super")]
        day: time::Date,
        #[serde(default, with = "super::option", skip_serializing_if = "Option::is_none")]
        until: Option<time::Date>,
    }

    #[test]
    fn writes_iso_and_reads_both_forms() {
        let e = Event { day: date!(2026 - 02 - 01), until: Some(date!(2026 - 12 - 31)) };
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(text, r#"{"day":"2026-02-01","until":"2026-12-31"}"#);
        assert_eq!(serde_json::from_str::<Event>(&text).unwrap(), e);
        // As `time` wrote it: day 32 of 2026 is 1 February.
        let old: Event = serde_json::from_str(r#"{"day":[2026,32],"until":[2026,365]}"#).unwrap();
        assert_eq!(old, e);
        let none: Event = serde_json::from_str(r#"{"day":"2026-02-01"}"#).unwrap();
        assert_eq!(none.until, None);
        assert_eq!(serde_json::to_string(&none).unwrap(), r#"{"day":"2026-02-01"}"#);
        let bad = serde_json::from_str::<Event>(r#"{"day":"2026-02-30"}"#).unwrap_err().to_string();
        assert!(bad.contains("2026-02-30"), "{bad}");
    }
}
