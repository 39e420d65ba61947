//! The hospitals register their patients, each through its own clinician's session: the CSV
//! template import (Phenopacket-shaped records, consents, links to genomic samples), then the
//! withdrawals some patients asked for.

use std::path::Path;

use anyhow::Result;

use genohub_governance::{Hub, PatientSpec};

use super::patients::{self, ConsentKind, DemoPatient, HOSPITALS};
use super::setup::Cast;

/// The demo user of a hospital's clinician.
pub fn clinician(hospital: &str) -> String {
    format!("dr-{}", hospital.trim_end_matches("-hosp"))
}

pub fn register(hub: &Hub, cast: &Cast, dir: &Path, patients: &[DemoPatient]) -> Result<()> {
    println!("\n== hospitals register their patients (Phenopacket-shaped records via the CSV template, as their clinicians)");
    for (h, _) in HOSPITALS {
        let csv = dir.join(format!("{h}.csv"));
        let n = patients::write_csv(&csv, h, patients)?;
        let r = hub.authenticate(cast.token(&clinician(h)))?.import_clinical(h, std::slice::from_ref(&csv))?;
        println!(
            "{h}: imported {n} patients from {}: {} new, {} genomic samples linked, {} consents, {} warnings",
            csv.display(),
            r.new_patients,
            r.genomic_samples,
            r.consents,
            r.warnings.len()
        );
    }
    let today = time::OffsetDateTime::now_utc().date();
    let mut withdrawn = 0;
    for p in patients.iter().filter(|p| p.withdrawn) {
        hub.authenticate(cast.token(&clinician(p.hospital)))?.withdraw_consent(PatientSpec::local(p.hospital, &p.local_id), today)?;
        withdrawn += 1;
    }
    let count = |kind: ConsentKind| patients.iter().filter(|p| p.consent == kind).count();
    println!(
        "consents: {} GRU, {} GRU+CC, {} HMB, {} HMB+NCU, {} disease-specific; {withdrawn} withdrawn (their samples excluded at once)",
        count(ConsentKind::Gru),
        count(ConsentKind::GruCc),
        count(ConsentKind::Hmb),
        count(ConsentKind::HmbNcu),
        count(ConsentKind::DiseaseSpecific),
    );
    Ok(())
}
