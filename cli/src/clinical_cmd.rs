//! The clinical subcommands: key, patient, consent, purge. Arguments in, library calls, print.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use genohub_clinical::{consent, ConsentAction, OncoTree};
use genohub_duo::DataUse;
use genohub_governance::{Hub, PatientSpec, Session};
use genohub_keys::HubKey;

use crate::clinical_args::{ConsentCommand, KeyCommand, PatientCommand, PatientRef, PurgeArgs};
use crate::clinical_key::{self, today};
use crate::governance_cmd;

fn date(text: &str, what: &str) -> Result<time::Date> {
    genohub_clinical::validate::date(text).map_err(|m| anyhow::anyhow!("{what}: {m}"))
}

fn yes_no(text: &str, what: &str) -> Result<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => bail!("{what}: {text:?} is not yes or no"),
    }
}

pub fn key(store_dir: &Path, cmd: KeyCommand) -> Result<()> {
    let path = clinical_key::path();
    match cmd {
        KeyCommand::Init => {
            let key = HubKey::generate(&path)?;
            eprintln!(
                "hub key {} created at {} (mode 0600): back it up; without it pseudonyms and clinical records are lost",
                key.fingerprint(),
                path.display()
            );
            let _ = store_dir;
        }
        KeyCommand::Fingerprint => println!("{}", clinical_key::load()?.fingerprint()),
    }
    Ok(())
}

fn spec(r: &PatientRef) -> PatientSpec<'_> {
    PatientSpec { patient: &r.patient, hospital: r.hospital.as_deref() }
}

/// The hub for a clinical command, with `--oncotree` when given (codes are then checked).
/// Only an import creates a store: clinical data may arrive before any genomic data.
fn hub(store_dir: &Path, oncotree: Option<&Path>, create: bool) -> Result<Hub> {
    let hub = governance_cmd::open_hub(store_dir, create)?;
    Ok(match oncotree {
        Some(t) => hub.with_oncotree(OncoTree::load(t)?),
        None => hub,
    })
}

/// As the token's user (a clinician: its own hospital's patients), or the local operator.
fn session<'h>(hub: &'h Hub, token: &Option<String>) -> Result<Session<'h>> {
    Ok(match token {
        Some(t) => hub.authenticate(t)?,
        None => hub.operator(),
    })
}

pub fn patient(store_dir: &Path, token: &Option<String>, cmd: PatientCommand) -> Result<()> {
    match cmd {
        PatientCommand::Import { files, hospital, oncotree, json } => {
            let hub = hub(store_dir, oncotree.as_deref(), true)?;
            let report = session(&hub, token)?.import_clinical(&hospital, &files).context("nothing was imported")?;
            for w in &report.warnings {
                eprintln!("genohub: warning: {w}");
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for (record, pseudonym) in &report.patients {
                    println!("{pseudonym}\t{record}");
                }
                eprintln!(
                    "{} patients imported for {hospital} ({} new, {} joined to another hospital's patient), {} genomic samples linked, {} consent events",
                    report.patients.len(),
                    report.new_patients,
                    report.linked_to_existing,
                    report.genomic_samples,
                    report.consents
                );
            }
        }
        PatientCommand::Show { who: r, phenopacket } => {
            let hub = hub(store_dir, None, false)?;
            let p = session(&hub, token)?.patient(spec(&r))?;
            if phenopacket {
                println!("{}", serde_json::to_string_pretty(&p.phenopacket)?);
                return Ok(());
            }
            println!("patient\t{}", p.pseudonym);
            println!("hospitals\t{}", p.hospitals.join(","));
            println!("consent\t{}", p.consent.as_deref().unwrap_or("none in force"));
            if let Some(w) = p.withdrawn {
                println!("withdrawn\t{w}{}", if p.purged { " (purged)" } else { "" });
            }
            for s in &p.samples {
                println!(
                    "sample\t{}/{}\t{}\t{}",
                    s.center,
                    s.name,
                    s.sample_type,
                    if s.in_store { "genomic data in store" } else { "genomic data not yet arrived" }
                );
            }
            println!("{}", serde_json::to_string_pretty(&p.phenopacket)?);
        }
        PatientCommand::Export { patients, output } => {
            let hub = hub(store_dir, None, false)?;
            let specs: Vec<PatientSpec> = patients.iter().map(|p| PatientSpec::pseudonym(p)).collect();
            let packets = session(&hub, token)?.export_patients(&specs)?;
            let mut out: Box<dyn Write> = match &output {
                Some(p) => Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?),
                None => Box::new(std::io::stdout()),
            };
            for pp in &packets {
                writeln!(out, "{}", serde_json::to_string(pp)?)?;
            }
            out.flush()?;
        }
        PatientCommand::List { hospital, json } => {
            let hub = hub(store_dir, None, false)?;
            let patients = session(&hub, token)?.patients(hospital.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&patients)?);
                return Ok(());
            }
            println!("pseudonym\thospitals\tsamples\tconsent\twithdrawn");
            for p in patients {
                let withdrawn = p.withdrawn.map(|d| d.to_string() + if p.purged { " purged" } else { "" }).unwrap_or_else(|| "-".into());
                println!("{}\t{}\t{}\t{}\t{withdrawn}", p.pseudonym, p.hospitals.join(","), p.samples, p.consent.as_deref().unwrap_or("-"));
            }
        }
        PatientCommand::Lookup { local_id, hospital } => {
            let hub = hub(store_dir, None, false)?;
            println!("{}", session(&hub, token)?.patient(PatientSpec::local(&hospital, &local_id))?.pseudonym);
        }
    }
    Ok(())
}

pub fn consent(store_dir: &Path, token: &Option<String>, cmd: ConsentCommand) -> Result<()> {
    let hub = hub(store_dir, None, false)?;
    let s = session(&hub, token)?;
    match cmd {
        ConsentCommand::Record { who: r, date: d, form_version, data_use, secondary_use, recontact } => {
            let data_use = DataUse::parse(&data_use).with_context(|| format!("--data-use {data_use:?}"))?;
            let action = ConsentAction::Consent {
                data_use,
                form_version,
                secondary_use: yes_no(&secondary_use, "--secondary-use")?,
                recontact: yes_no(&recontact, "--recontact")?,
            };
            let e = s.record_consent(spec(&r), date(&d, "--date")?, action)?;
            eprintln!("consent recorded for {} on {} by {}", r.patient, e.date, e.hospital);
        }
        ConsentCommand::Withdraw { who: r, date: d } => {
            let day = match d {
                Some(d) => date(&d, "--date")?,
                None => today(),
            };
            let excluded = s.withdraw_consent(spec(&r), day)?;
            eprintln!(
                "withdrawal recorded for {} on {day}: {} genomic sample(s) excluded from every query from now on; `genohub purge` erases them",
                r.patient,
                excluded.len()
            );
            for g in excluded {
                println!("{}/{}", g.center, g.name);
            }
        }
        ConsentCommand::History { who: r, on, json } => {
            let history = s.consent_history(spec(&r))?;
            let on = match on {
                Some(d) => date(&d, "--on")?,
                None => today(),
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&history)?);
                return Ok(());
            }
            println!("date\thospital\tevent");
            for e in &history {
                match &e.action {
                    ConsentAction::Consent { data_use, form_version, secondary_use, recontact } => println!(
                        "{}\t{}\tconsent {} (form {form_version}; secondary use {secondary_use}, re-contact {recontact})",
                        e.date,
                        e.hospital,
                        data_use.describe()
                    ),
                    ConsentAction::Withdrawal => println!("{}\t{}\twithdrawal", e.date, e.hospital),
                }
            }
            match consent::in_force(&history, on) {
                Some(cf) => println!("# in force on {on}: {} (form {}, signed {})", cf.data_use.describe(), cf.form_version, cf.date),
                None => println!("# in force on {on}: none"),
            }
        }
    }
    Ok(())
}

pub fn purge(store_dir: &Path, token: &Option<String>, a: PurgeArgs) -> Result<()> {
    let hub = hub(store_dir, None, false)?;
    let s = session(&hub, token)?;
    let before = hub.disk_bytes();
    let summary = s.purge_withdrawn()?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        let st = &summary.store;
        eprintln!(
            "purged {} withdrawn patient(s): {} genomic sample(s) erased, {} batch(es) rewritten ({} blocks, {} private sites dropped), {} removed; store {} -> {} bytes",
            summary.patients.len(),
            st.samples.len(),
            st.rewritten.len(),
            st.blocks_rewritten,
            st.sites_removed,
            st.removed.len(),
            before,
            hub.disk_bytes()
        );
    }
    Ok(())
}
