//! The hub's notion of "now": the system clock, or a fixed instant for tests and for replaying
//! decisions (expiry, daily budgets and consent in force all depend on the day).

use time::{Date, OffsetDateTime};

use crate::error::{GovernanceError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(OffsetDateTime),
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(t) => *t,
        }
    }

    pub fn today(&self) -> Date {
        self.now().date()
    }

    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

/// `2026-11-24T09:30:00.123Z`: fixed width, so text order is time order.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second(), t.millisecond())
}

pub fn unix_to_text(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs).map(rfc3339).unwrap_or_else(|_| secs.to_string())
}

/// A date (`2026-11-24`, midnight UTC) or an RFC 3339 instant.
pub fn parse_instant(text: &str) -> Result<OffsetDateTime> {
    let text = text.trim();
    if let Ok(d) = parse_date(text) {
        return Ok(d.midnight().assume_utc());
    }
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| GovernanceError::input(format!("time {text:?}: expected YYYY-MM-DD or RFC 3339 ({e})")))
}

pub fn parse_date(text: &str) -> Result<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format).map_err(|e| GovernanceError::input(format!("date {text:?}: expected YYYY-MM-DD ({e})")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_fixed_width_and_parses_both_forms() {
        let t = datetime!(2026-03-04 05:06:07.089 UTC);
        assert_eq!(rfc3339(t), "2026-03-04T05:06:07.089Z");
        assert_eq!(parse_instant("2026-03-04").unwrap(), datetime!(2026-03-04 00:00 UTC));
        assert_eq!(parse_instant("2026-03-04T05:06:07Z").unwrap(), datetime!(2026-03-04 05:06:07 UTC));
        assert!(parse_instant("yesterday").is_err());
        assert!(parse_date("2026-02-30").is_err());
    }
}
