//! The governance subcommands (org, user, token, project, audit), and how every other command
//! meets governance: with `--token` the query commands run through the governed facade as that
//! user (governance_query.rs); without one, data commands run as the local operator and are
//! audited first.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::json;

use genohub_governance::{AccessLevel, Approval, AuditFilter, DisclosureRules, Hub, OncoTree, Operation, OrgKind, Project, ProjectRequest, Role, Session};
use genohub_keys::HubKey;
use genohub_store::Store;

use crate::analysis_args::CohortCommand;
use crate::args::{Cli, Command};
use crate::governance_args::{oncotree_path, ApproveArgs, AuditCommand, OrgCommand, ProjectCommand, SubmitArgs, TokenCommand, UserCommand};

fn store_exists(store_dir: &Path) -> bool {
    store_dir.join("db").join("CURRENT").exists()
}

/// The hub over this store, with the key file (created beside the store on first use). Only
/// bootstrap commands and ingest create a store.
pub fn open_hub(store_dir: &Path, create: bool) -> Result<Hub> {
    let fresh = !store_exists(store_dir);
    if !create && fresh {
        bail!("no genohub store at {} (run `genohub ingest` or `genohub org create` first)", store_dir.display());
    }
    // A key is created only with a new store: an existing store whose key file is missing has
    // lost its key (or was given the wrong path), and a new key would only hide that.
    let path = crate::clinical_key::path();
    let key = HubKey::load_or_generate(&path, fresh).with_context(|| format!("hub key {}", path.display()))?;
    let store = Store::open(store_dir)?;
    let mut hub = Hub::new(store, key)?;
    if let Some(p) = oncotree_path() {
        hub = hub.with_oncotree(OncoTree::load(&p)?);
    }
    Ok(hub)
}

/// Runs `f` as the token's user, or as the local operator without one.
pub fn with_session<T>(store_dir: &Path, token: &Option<String>, f: impl FnOnce(&Session) -> Result<T>) -> Result<T> {
    with_hub(store_dir, false, token, f)
}

fn with_hub<T>(store_dir: &Path, create: bool, token: &Option<String>, f: impl FnOnce(&Session) -> Result<T>) -> Result<T> {
    let hub = open_hub(store_dir, create)?;
    let session = match token {
        Some(t) => hub.authenticate(t)?,
        None => hub.operator(),
    };
    f(&session)
}

/// What is left to do once governance has seen the command.
pub enum Next {
    /// Governance answered it entirely (token queries).
    Done,
    /// The command runs, on the store its audit entry was written through when there was one:
    /// opening the store again would pay a second read-write (or read-only) open.
    Run(Option<Store>),
}

/// Before the command runs: authorises and audits it, or answers it entirely.
pub fn intercept(cli: &Cli) -> Result<Next> {
    let dir = &cli.store;
    let project = cli.project.as_deref();
    let Some(token) = &cli.token else {
        // A read of a store that does not exist fails in the command itself, creating nothing.
        if let Some((op, params)) = operator_action(&cli.command).filter(|(op, _)| *op == Operation::Ingest || store_exists(dir)) {
            let hub = open_hub(dir, true)?;
            hub.operator().authorize(op, None, params)?;
            return Ok(Next::Run(Some(hub.into_store())));
        }
        return Ok(Next::Run(None));
    };
    let t = &Some(token.clone());
    match &cli.command {
        Command::Freq(a) => with_session(dir, t, |s| crate::governance_query::freq(s, project, a))?,
        Command::Afdist(a) => with_session(dir, t, |s| crate::governance_query::afdist(s, project, a))?,
        Command::Assoc(a) => with_session(dir, t, |s| crate::governance_query::assoc(s, project, a))?,
        Command::View(a) => with_session(dir, t, |s| crate::governance_query::view(s, project, a, cli.threads.unwrap_or(2)))?,
        Command::Batches { json } => with_session(dir, t, |s| crate::governance_query::batches(s, *json))?,
        Command::Cohort(c) => with_session(dir, t, |s| crate::governance_query::cohort(s, project, c))?,
        Command::Ingest(a) => {
            // An uploader may ingest only for its own center; the ingest itself then runs below.
            let hub = open_hub(dir, false)?;
            hub.authenticate(token)?.authorize(Operation::Ingest, Some(&a.center), json!({"files": a.files, "center": a.center}))?;
            return Ok(Next::Run(Some(hub.into_store())));
        }
        // These act through the governed session themselves (token or operator).
        Command::Org(_)
        | Command::User(_)
        | Command::Token(_)
        | Command::Project(_)
        | Command::Audit(_)
        | Command::Patient(_)
        | Command::Consent(_)
        | Command::Purge(_) => return Ok(Next::Run(None)),
        _ => bail!("this command runs only as the local operator (without --token / GENOHUB_TOKEN)"),
    }
    Ok(Next::Done)
}

/// What a token-less command does, for the operator's audit entry.
fn operator_action(cmd: &Command) -> Option<(Operation, serde_json::Value)> {
    Some(match cmd {
        Command::Ingest(a) => (Operation::Ingest, json!({"files": a.files, "center": a.center})),
        Command::View(a) => (Operation::Genotypes, json!({"regions": a.regions, "samples": a.samples, "samples_file": a.samples_file})),
        Command::Freq(a) => (Operation::Freq, json!({"regions": a.regions, "cohort": a.samples.cohort, "samples": a.samples.samples})),
        Command::Afdist(a) => (Operation::AfDist, json!({"regions": a.regions, "cohort": a.samples.cohort, "samples": a.samples.samples})),
        Command::Assoc(a) => (Operation::Assoc, json!({"regions": a.regions, "cases": a.cases, "controls": a.controls, "burden": a.burden})),
        Command::Backup { dest } => (Operation::Backup, json!({"dest": dest})),
        Command::Cohort(c) => match c {
            CohortCommand::Create { name, samples, samples_file, rule, replace } => {
                (Operation::CohortWrite, json!({"name": name, "rule": rule, "samples": samples, "samples_file": samples_file, "replace": replace}))
            }
            CohortCommand::Delete { name } => (Operation::CohortWrite, json!({"name": name, "delete": true})),
            CohortCommand::List { .. } => (Operation::CohortRead, json!({"list": true})),
            CohortCommand::Show { name, .. } => (Operation::CohortRead, json!({"name": name})),
        },
        _ => return None,
    })
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn date(text: &Option<String>) -> Result<Option<time::Date>> {
    text.as_deref().map(genohub_governance::clock::parse_date).transpose().map_err(Into::into)
}

fn list(text: &Option<String>) -> Vec<String> {
    text.as_deref().map(|t| t.split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()).unwrap_or_default()
}

pub fn org(dir: &Path, token: &Option<String>, cmd: OrgCommand) -> Result<()> {
    with_hub(dir, matches!(cmd, OrgCommand::Create { .. }), token, |s| {
        match cmd {
            OrgCommand::Create { id, name, kind } => {
                let o = s.create_org(&id, &name, kind.parse::<OrgKind>()?)?;
                eprintln!("organisation {} ({}) created", o.id, o.kind);
            }
            OrgCommand::List { json } => {
                let all = s.orgs()?;
                if json {
                    return print_json(&all);
                }
                println!("org\tkind\tname");
                for o in all {
                    println!("{}\t{}\t{}", o.id, o.kind, o.name);
                }
            }
        }
        Ok(())
    })
}

pub fn user(dir: &Path, token: &Option<String>, cmd: UserCommand) -> Result<()> {
    with_hub(dir, matches!(cmd, UserCommand::Create { .. }), token, |s| {
        match cmd {
            UserCommand::Create { name, org, role } => {
                let u = s.create_user(&name, &org, role.parse::<Role>()?)?;
                eprintln!("user {} ({} of {}) created", u.name, u.role, u.org);
            }
            UserCommand::List { json } => {
                let all = s.users()?;
                if json {
                    return print_json(&all);
                }
                println!("user\torg\trole\tdisabled");
                for u in all {
                    println!("{}\t{}\t{}\t{}", u.name, u.org, u.role, u.disabled);
                }
            }
            UserCommand::Disable { name } => {
                s.disable_user(&name)?;
                eprintln!("user {name} disabled");
            }
        }
        Ok(())
    })
}

pub fn token(dir: &Path, token: &Option<String>, cmd: TokenCommand) -> Result<()> {
    with_session(dir, token, |s| {
        match cmd {
            TokenCommand::Create { user, days, label } => {
                let t = s.create_token(&user, days, &label)?;
                println!("{}", &*t.secret);
                eprintln!(
                    "token {} for {user}, expires {}: shown once, keep it secret (GENOHUB_TOKEN or --token)",
                    t.record.id,
                    genohub_governance::clock::unix_to_text(t.record.expires)
                );
            }
            TokenCommand::List { user, json } => {
                let all = s.tokens(user.as_deref())?;
                if json {
                    return print_json(&all);
                }
                println!("token\tuser\tcreated\texpires\trevoked\tlabel");
                for t in all {
                    let revoked =
                        t.revoked.as_ref().map_or_else(|| "-".to_string(), |r| format!("{} by {}", genohub_governance::clock::unix_to_text(r.at), r.by));
                    let text = genohub_governance::clock::unix_to_text;
                    println!("{}\t{}\t{}\t{}\t{revoked}\t{}", t.id, t.user, text(t.created), text(t.expires), t.label);
                }
            }
            TokenCommand::Revoke { id } => {
                s.revoke_token(&id)?;
                eprintln!("token {id} revoked");
            }
        }
        Ok(())
    })
}

fn parse_analyses(text: &str) -> Result<Vec<Operation>> {
    text.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|name| {
            let dotted = name.replace('-', ".");
            Operation::ALL
                .into_iter()
                .find(|op| op.name() == dotted)
                .with_context(|| format!("unknown analysis {name:?} (cohort-size, freq, variant-lookup, afdist, assoc, genotypes)"))
        })
        .collect()
}

fn request(a: &SubmitArgs) -> Result<ProjectRequest> {
    let (research, disease) = match a.purpose.split_once(':') {
        Some((r, d)) => (r.to_string(), Some(d.to_string())),
        None => (a.purpose.clone(), None),
    };
    let access = match a.access.as_str() {
        "aggregate" => AccessLevel::Aggregate,
        "record" => AccessLevel::Record,
        other => bail!("--access {other:?}: aggregate or record"),
    };
    Ok(ProjectRequest {
        title: a.title.clone(),
        research,
        disease,
        members: list(&a.members),
        analyses: parse_analyses(&a.analyses)?,
        cohort_rule: a.rule.clone(),
        access,
        irb: a.irb.clone(),
        accepted_conditions: list(&a.accept),
        start: date(&a.start)?,
        expires: date(&a.expires)?,
    })
}

fn approval(a: &ApproveArgs) -> Result<Approval> {
    let d = DisclosureRules::default();
    let custom = a.k.is_some() || a.min_cohort.is_some() || a.min_an.is_some() || a.budget.is_some();
    let disclosure = custom.then(|| DisclosureRules {
        k: a.k.unwrap_or(d.k),
        min_cohort: a.min_cohort.unwrap_or(d.min_cohort),
        min_an: a.min_an.unwrap_or(d.min_an),
        daily_budget: a.budget.unwrap_or(d.daily_budget),
    });
    Ok(Approval { conditions: a.conditions.clone(), start: date(&a.start)?, expires: date(&a.expires)?, disclosure })
}

fn show(p: &Project, today: time::Date) {
    let analyses: Vec<&str> = p.analyses.iter().map(|o| o.name()).collect();
    println!(
        "project\t{}\ntitle\t{}\nstatus\t{}\nowner\t{} ({})\nmembers\t{}",
        p.id,
        p.title,
        p.status_on(today).name(),
        p.owner_org,
        p.owner_kind,
        p.members.join(",")
    );
    println!("purpose\t{}\nanalyses\t{}\naccess\t{:?}\nrule\t{}", p.purpose.describe(), analyses.join(","), p.access, p.cohort_rule.as_deref().unwrap_or("-"));
    println!("dates\t{} to {}", p.start, p.expires);
    let d = p.disclosure;
    println!("disclosure\tk={} min_cohort={} min_an={} budget={}/day", d.k, d.min_cohort, d.min_an, d.daily_budget);
    for h in &p.history {
        println!("history\t{}\t{}\t{}\t{}", genohub_governance::clock::unix_to_text(h.at), h.action, h.by, h.note);
    }
}

pub fn project(dir: &Path, token: &Option<String>, cmd: ProjectCommand) -> Result<()> {
    with_session(dir, token, |s| {
        let today = time::OffsetDateTime::now_utc().date();
        let done = |p: Project| {
            eprintln!("project {}: {}", p.id, p.status_on(today).name());
            Ok(())
        };
        match cmd {
            ProjectCommand::Submit(a) => {
                let p = s.submit_project(&request(&a)?)?;
                println!("{}", p.id);
                done(p)
            }
            ProjectCommand::Approve(a) => done(s.approve_project(&a.id, &approval(&a)?)?),
            ProjectCommand::Reject { id, reason } => done(s.reject_project(&id, &reason)?),
            ProjectCommand::Revoke { id, reason } => done(s.revoke_project(&id, &reason)?),
            ProjectCommand::Renew { id, until, note } => done(s.renew_project(&id, date(&until)?, &note)?),
            ProjectCommand::Show { id, json } => {
                let p = s.project(&id)?;
                if json {
                    return print_json(&p);
                }
                show(&p, today);
                Ok(())
            }
            ProjectCommand::List { json } => {
                let all = s.projects()?;
                if json {
                    return print_json(&all);
                }
                println!("project\tstatus\towner\tstart\texpires\ttitle");
                for p in all {
                    println!("{}\t{}\t{}\t{}\t{}\t{}", p.id, p.status_on(today).name(), p.owner_org, p.start, p.expires, p.title);
                }
                Ok(())
            }
            ProjectCommand::Explain { id, json } => {
                let x = s.explain_project(&id)?;
                if json {
                    return print_json(&x);
                }
                println!(
                    "# project {} on {}: {}; {} patients in ({} samples), {} out",
                    x.project, x.on, x.purpose, x.patients_included, x.samples_included, x.patients_excluded
                );
                println!("patient\tincluded\tsamples\treasons");
                for v in &x.verdicts {
                    let samples: Vec<String> = v.samples.iter().map(|g| format!("{}/{}", g.center, g.name)).collect();
                    println!("{}\t{}\t{}\t{}", v.pseudonym, v.included, samples.join(","), v.reasons.join("; "));
                }
                Ok(())
            }
        }
    })
}

pub fn audit(dir: &Path, token: &Option<String>, project: Option<String>, cmd: AuditCommand) -> Result<()> {
    with_session(dir, token, |s| {
        match cmd {
            AuditCommand::Log { since, actor, limit, json } => {
                let since = since.as_deref().map(genohub_governance::clock::parse_instant).transpose()?;
                let entries = s.audit_log(&AuditFilter { project, since, actor, limit })?;
                if json {
                    return print_json(&entries);
                }
                println!("seq\ttime\tactor\trole\tproject\toperation\tdecision\tresult_size\tparameters\treason");
                for e in entries {
                    let role = e.role.map_or("-".to_string(), |r| r.to_string());
                    let size = e.result_size.map_or("-".to_string(), |n| n.to_string());
                    println!(
                        "{}\t{}\t{}\t{role}\t{}\t{}\t{:?}\t{size}\t{}\t{}",
                        e.seq,
                        e.time,
                        e.actor,
                        e.project.as_deref().unwrap_or("-"),
                        e.operation,
                        e.decision,
                        e.parameters,
                        e.reason.as_deref().unwrap_or("")
                    );
                }
            }
            AuditCommand::Verify { json } => {
                let r = s.audit_verify()?;
                if json {
                    print_json(&r)?;
                }
                if !r.is_ok() {
                    for p in &r.problems {
                        eprintln!("genohub: audit: {p}");
                    }
                    bail!("the audit log has been tampered with: {} problem(s)", r.problems.len());
                }
                eprintln!("audit log intact: {} entries, {} checkpoints, head signed", r.entries, r.checkpoints);
            }
            AuditCommand::Checkpoint => match s.audit_checkpoint()? {
                Some(c) => print_json(&c)?,
                None => eprintln!("the audit log is empty"),
            },
            AuditCommand::PublicKey => println!("{}", s.audit_public_key()),
        }
        Ok(())
    })
}
