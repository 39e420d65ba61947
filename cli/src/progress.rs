//! A progress bar on a terminal, silence otherwise.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Bar {
    bar: Option<ProgressBar>,
    label: String,
    records: Mutex<u64>,
}

impl Bar {
    pub fn new(file: &Path, quiet: bool) -> Bar {
        let show = !quiet && std::io::stderr().is_terminal();
        let bar = show.then(|| {
            let b = ProgressBar::new(0);
            b.enable_steady_tick(Duration::from_millis(200));
            b
        });
        Bar { bar, label: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), records: Mutex::new(0) }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl genohub_store::Progress for Bar {
    fn phase(&self, name: &str, total_bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_length(total_bytes);
            b.set_position(0);
            b.reset_eta();
            let style = ProgressStyle::with_template(&format!(
                "{{spinner}} {name} {} [{{bar:30}}] {{bytes}}/{{total_bytes}} {{bytes_per_sec}} ETA {{eta}} {{msg}}",
                self.label
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            b.set_style(style);
        }
    }

    fn update(&self, bytes: u64, records: u64) {
        if let Some(b) = &self.bar {
            b.set_position(bytes);
            let mut r = self.records.lock().unwrap();
            if records != *r {
                *r = records;
                b.set_message(format!("{records} records"));
            }
        }
    }
}

/// Seconds since the epoch as an RFC 3339 UTC timestamp.
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant), proleptic Gregorian.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(super::utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::utc(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
