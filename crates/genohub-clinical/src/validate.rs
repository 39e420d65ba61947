//! Checks shared by the Phenopacket and CSV readers: terms, dates, ages, counts. Each returns
//! a message; the reader adds the file, record and field.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::codes::{self, OncoTree, Slot};
use crate::record::{duration_years, Age, Term};

pub const MAX_AGE_YEARS: f64 = 130.0;
pub const MAX_SURVIVAL_DAYS: u64 = 130 * 366;
pub const MAX_LINE: u64 = 30;

pub fn term(id: &str, label: Option<&str>, slot: Slot, tree: Option<&OncoTree>) -> Result<Term, String> {
    let id = codes::check(id.trim(), slot, tree)?;
    Ok(Term { id, label: label.map(str::trim).filter(|l| !l.is_empty()).map(str::to_string) })
}

/// `YYYY-MM-DD` or an RFC 3339 timestamp; not before 1900, not after today.
pub fn date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = match Date::parse(text, format) {
        Ok(d) => d,
        Err(_) => match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(t) => t.date(),
            Err(_) if text.len() >= 10 && Date::parse(&text[..10], format).is_err() && text.as_bytes().get(4) == Some(&b'-') => {
                return Err(format!("{text:?} is not a valid date (no such day)"));
            }
            Err(e) => return Err(format!("{text:?} is not a date (YYYY-MM-DD or an RFC 3339 timestamp): {e}")),
        },
    };
    if d.year() < 1900 {
        return Err(format!("{d} is before 1900"));
    }
    let today = OffsetDateTime::now_utc().date();
    if d > today {
        return Err(format!("{d} is in the future (today is {today})"));
    }
    Ok(d)
}

/// An ISO 8601 duration age (`P55Y`, `P61Y3M`, `P40Y2M10D`, `P3W`), 0 to 130 years.
pub fn age(text: &str) -> Result<Age, String> {
    let text = text.trim();
    let years = duration_years(text).ok_or_else(|| format!("{text:?} is not an ISO 8601 age such as P55Y or P61Y3M"))?;
    if !(0.0..=MAX_AGE_YEARS).contains(&years) {
        return Err(format!("age {text} ({years:.1} years) is out of range (0 to {MAX_AGE_YEARS} years)"));
    }
    Ok(Age { iso8601duration: text.to_string() })
}

pub fn count(text: &str, max: u64, what: &str) -> Result<u32, String> {
    let n: u64 = text.trim().parse().map_err(|_| format!("{text:?} is not a whole number of {what}"))?;
    if n > max {
        return Err(format!("{n} {what} is out of range (at most {max})"));
    }
    Ok(n as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ages() {
        assert_eq!(date("2020-02-29").unwrap().to_string(), "2020-02-29");
        assert_eq!(date("2021-03-04T10:00:00Z").unwrap().to_string(), "2021-03-04");
        assert!(date("2021-02-29").unwrap_err().contains("no such day"));
        assert!(date("2021-13-01").is_err());
        assert!(date("1850-01-01").unwrap_err().contains("before 1900"));
        assert!(date("2999-01-01").unwrap_err().contains("future"));
        assert!(date("yesterday").is_err());
        assert_eq!(age("P55Y").unwrap().years(), 55.0);
        assert!((age("P61Y6M").unwrap().years() - 61.5).abs() < 1e-9);
        assert!(age("P140Y").unwrap_err().contains("out of range"));
        assert!(age("55").is_err());
        assert!(age("P6M55Y").is_err(), "units out of order");
        assert!(age("P").is_err());
        assert_eq!(count("3", 30, "lines").unwrap(), 3);
        assert!(count("-1", 30, "lines").is_err());
        assert!(count("31", 30, "lines").is_err());
    }
}
