//! The clinical subcommands: key, patient, consent, purge. Arguments in, library calls, print.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use genohub_clinical::{consent, Clinical, ConsentAction, OncoTree, PatientRecord};
use genohub_duo::DataUse;
use genohub_keys::HubKey;
use genohub_store::Store;

use crate::clinical_args::{ConsentCommand, KeyCommand, PatientCommand, PatientRef, PurgeArgs};
use crate::clinical_key::{self, today};

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

fn who(c: &Clinical, r: &PatientRef) -> Result<PatientRecord> {
    Ok(c.resolve_patient(&r.patient, r.hospital.as_deref())?)
}

pub fn patient(store_dir: &Path, cmd: PatientCommand) -> Result<()> {
    let key = clinical_key::load()?;
    match cmd {
        PatientCommand::Import { files, hospital, oncotree, json } => {
            let store = Store::open(store_dir)?;
            let mut clinical = Clinical::new(&store, &key)?;
            if let Some(t) = oncotree {
                clinical = clinical.with_oncotree(OncoTree::load(&t)?);
            }
            let report = clinical.import(&hospital, &files).context("nothing was imported")?;
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
            let store = Store::open_read_only(store_dir)?;
            let c = Clinical::new(&store, &key)?;
            let p = who(&c, &r)?;
            let pp = c.export(&p.pseudonym)?;
            if phenopacket {
                println!("{}", serde_json::to_string_pretty(&pp)?);
                return Ok(());
            }
            println!("patient\t{}", p.pseudonym);
            println!("hospitals\t{}", p.hospitals.join(","));
            let history = c.consent_history(&p.pseudonym)?;
            match consent::in_force(&history, today()) {
                Some(cf) => println!(
                    "consent\t{} (form {}, {}; secondary use {}, re-contact {})",
                    cf.data_use.describe(),
                    cf.form_version,
                    cf.date,
                    cf.secondary_use,
                    cf.recontact
                ),
                None => println!("consent\tnone in force"),
            }
            if let Some(w) = p.withdrawn {
                println!("withdrawn\t{w}{}", if p.purged.is_some() { " (purged)" } else { "" });
            }
            for (g, t) in c.samples_of(&p.pseudonym)? {
                let present = store.sample_by_name(&g.center, &g.name)?.is_some();
                println!("sample\t{}/{}\t{}\t{}", g.center, g.name, t.name(), if present { "genomic data in store" } else { "genomic data not yet arrived" });
            }
            println!("{}", serde_json::to_string_pretty(&pp)?);
        }
        PatientCommand::Export { patients, output } => {
            let store = Store::open_read_only(store_dir)?;
            let c = Clinical::new(&store, &key)?;
            let names: Vec<String> =
                if patients.is_empty() { c.patients(None)?.into_iter().filter(|p| p.purged.is_none()).map(|p| p.pseudonym).collect() } else { patients };
            let mut out: Box<dyn Write> = match &output {
                Some(p) => Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?),
                None => Box::new(std::io::stdout()),
            };
            for n in &names {
                let p = c.resolve_patient(n, None)?;
                writeln!(out, "{}", serde_json::to_string(&c.export(&p.pseudonym)?)?)?;
            }
            out.flush()?;
        }
        PatientCommand::List { hospital, json } => {
            let store = Store::open_read_only(store_dir)?;
            let c = Clinical::new(&store, &key)?;
            let patients = c.patients(hospital.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&patients)?);
                return Ok(());
            }
            println!("pseudonym\thospitals\tsamples\tconsent\twithdrawn");
            for p in patients {
                let consent = consent::in_force(&c.consent_history(&p.pseudonym)?, today()).map(|cf| cf.data_use.describe()).unwrap_or_else(|| "-".into());
                let withdrawn = p.withdrawn.map(|d| d.to_string() + if p.purged.is_some() { " purged" } else { "" }).unwrap_or_else(|| "-".into());
                println!("{}\t{}\t{}\t{consent}\t{withdrawn}", p.pseudonym, p.hospitals.join(","), c.samples_of(&p.pseudonym)?.len());
            }
        }
        PatientCommand::Lookup { local_id, hospital } => {
            let store = Store::open_read_only(store_dir)?;
            let c = Clinical::new(&store, &key)?;
            match c.find_patient(&hospital, &local_id)? {
                Some(p) => println!("{p}"),
                None => bail!("hospital {hospital} has registered no patient with that ID"),
            }
        }
    }
    Ok(())
}

pub fn consent(store_dir: &Path, cmd: ConsentCommand) -> Result<()> {
    let key = clinical_key::load()?;
    match cmd {
        ConsentCommand::Record { who: r, date: d, form_version, data_use, secondary_use, recontact } => {
            let store = Store::open(store_dir)?;
            let c = Clinical::new(&store, &key)?;
            let p = who(&c, &r)?;
            let data_use = DataUse::parse(&data_use).with_context(|| format!("--data-use {data_use:?}"))?;
            let action = ConsentAction::Consent {
                data_use,
                form_version,
                secondary_use: yes_no(&secondary_use, "--secondary-use")?,
                recontact: yes_no(&recontact, "--recontact")?,
            };
            let e = c.record_consent(&p.pseudonym, r.hospital.as_deref(), date(&d, "--date")?, action)?;
            eprintln!("consent recorded for {} on {} by {}", p.pseudonym, e.date, e.hospital);
        }
        ConsentCommand::Withdraw { who: r, date: d } => {
            let store = Store::open(store_dir)?;
            let c = Clinical::new(&store, &key)?;
            let p = who(&c, &r)?;
            let day = match d {
                Some(d) => date(&d, "--date")?,
                None => today(),
            };
            let excluded = c.withdraw(&p.pseudonym, r.hospital.as_deref(), day)?;
            eprintln!(
                "withdrawal recorded for {} on {day}: {} genomic sample(s) excluded from every query from now on; `genohub purge` erases them",
                p.pseudonym,
                excluded.len()
            );
            for g in excluded {
                println!("{}/{}", g.center, g.name);
            }
        }
        ConsentCommand::History { who: r, on, json } => {
            let store = Store::open_read_only(store_dir)?;
            let c = Clinical::new(&store, &key)?;
            let p = who(&c, &r)?;
            let history = c.consent_history(&p.pseudonym)?;
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

pub fn purge(store_dir: &Path, a: PurgeArgs) -> Result<()> {
    let key = clinical_key::load()?;
    let store = Store::open(store_dir)?;
    let c = Clinical::new(&store, &key)?;
    let before = store.disk_bytes();
    let summary = c.purge()?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        let s = &summary.store;
        eprintln!(
            "purged {} withdrawn patient(s): {} genomic sample(s) erased, {} batch(es) rewritten ({} blocks, {} private sites dropped), {} removed; store {} -> {} bytes",
            summary.patients.len(),
            s.samples.len(),
            s.rewritten.len(),
            s.blocks_rewritten,
            s.sites_removed,
            s.removed.len(),
            before,
            store.disk_bytes()
        );
    }
    Ok(())
}
