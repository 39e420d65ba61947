//! Saved cohort definitions through a session: create (a clinical rule or a sample list),
//! list, show, delete — each one audited through [`Session::run`], refusals too.
//!
//! Ownership (docs/security-model.md): a clinician's cohort belongs to its hospital and is
//! stored as `ORG/NAME`; a researcher's belongs to one active project it is a member of and is
//! stored as `ORG/PROJECT/NAME`, so it is only ever evaluated inside that project's scope; the
//! operator's are the global ones of `genohub cohort create`, unchanged. A name is unique within
//! an organisation (across its projects too), so queries find it by its plain name; two
//! organisations may use the same name. Another organisation's cohort, or a project cohort of a
//! project the caller is not a member of, is answered exactly like one that does not exist.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::json;

use genohub_clinical::GenomicSampleRef;
use genohub_store::cohort::check_name;
use genohub_store::cohort_namespace::{namespaced_name, segments};
use genohub_store::engine::Batch;
use genohub_store::{CohortDefinition, CohortRecord, SampleKey, SampleSelection};

use crate::clinical_source::ClinicalSource;
use crate::clock::unix_to_text;
use crate::cohort_spec::CohortSpec;
use crate::error::{GovernanceError, Result};
use crate::matrix::{Operation, Scope};
use crate::project::{Project, ProjectStatus};
use crate::registry;
use crate::role::Role;
use crate::session::{Done, Session};
use crate::session_query::CohortSize;

/// Serialises check-then-write of cohort names: the write commits with the audit entry, after
/// the check, so two concurrent creations could otherwise both pass it.
static WRITES: Mutex<()> = Mutex::new(());

/// What a new cohort is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewCohort {
    /// A genohub-clinical rule, evaluated whenever the cohort is used.
    Rule(String),
    /// Samples, `NAME` or `CENTER/NAME` each, which the creator may read.
    Samples(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortRequest {
    pub name: String,
    pub definition: NewCohort,
    /// The project a researcher's cohort belongs to (required for researchers; none otherwise).
    pub project: Option<String>,
    /// Redefine an existing cohort of this name in the same place.
    pub replace: bool,
}

/// A saved cohort's definition, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedCohort {
    /// The name queries use: plain for its owner; the operator sees the stored name
    /// (`ORG/NAME`, `ORG/PROJECT/NAME`, or a global name).
    pub name: String,
    /// The owner organisation; none for the operator's global cohorts.
    pub org: Option<String>,
    pub project: Option<String>,
    /// `rule` or `samples`.
    pub kind: String,
    pub rule: Option<String>,
    /// How many samples a sample list holds.
    pub listed_samples: Option<usize>,
    pub created: String,
}

/// One cohort shown: its definition, the members the caller may read anyway, and its size in
/// the caller's scope as a `cohort.size` query answers it (disclosure-controlled, audited).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortDetails {
    #[serde(flatten)]
    pub cohort: SavedCohort,
    pub members: Option<Vec<String>>,
    pub members_withheld: Option<String>,
    pub size: Option<CohortSize>,
    pub size_withheld: Option<String>,
}

/// A creation refused because the name is taken in the caller's organisation (HTTP 409).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortExists(pub String);

/// A stored cohort and where it belongs, read from its stored name.
struct Found {
    record: CohortRecord,
    org: Option<String>,
    project: Option<String>,
}

impl Found {
    fn of(record: CohortRecord) -> Found {
        let (org, project) = match segments(&record.name).as_slice() {
            [org, _] => (Some(org.to_string()), None),
            [org, project, _] => (Some(org.to_string()), Some(project.to_string())),
            _ => (None, None),
        };
        Found { record, org, project }
    }

    fn plain(&self) -> &str {
        self.record.name.rsplit('/').next().unwrap_or(&self.record.name)
    }

    fn summary(&self, stored_names: bool) -> SavedCohort {
        let (kind, rule, listed) = match &self.record.definition {
            CohortDefinition::Rule(r) => ("rule", Some(r.clone()), None),
            CohortDefinition::Samples(s) => ("samples", None, Some(s.len())),
            #[allow(unreachable_patterns)]
            _ => ("unknown", None, None),
        };
        SavedCohort {
            name: if stored_names { self.record.name.clone() } else { self.plain().to_string() },
            org: self.org.clone(),
            project: self.project.clone(),
            kind: kind.into(),
            rule,
            listed_samples: listed,
            created: unix_to_text(self.record.created as i64),
        }
    }
}

fn unknown(name: &str) -> GovernanceError {
    GovernanceError::NotFound(format!("unknown cohort {name}"))
}

impl Session<'_> {
    /// Saves a cohort for the caller's organisation (a researcher's: inside `req.project`).
    pub fn create_cohort(&self, req: &CohortRequest) -> Result<SavedCohort> {
        self.try_create_cohort(req)?.map_err(|e| GovernanceError::input(e.0))
    }

    /// [`create_cohort`](Self::create_cohort), telling a taken name apart from other failures
    /// (both audited as failed).
    pub fn try_create_cohort(&self, req: &CohortRequest) -> Result<std::result::Result<SavedCohort, CohortExists>> {
        let _one = WRITES.lock().unwrap_or_else(|e| e.into_inner());
        let taken = RefCell::new(None);
        let definition = match &req.definition {
            NewCohort::Rule(r) => json!({"rule": r}),
            // Names are the caller's to give; the log keeps how many, the store keeps which.
            NewCohort::Samples(s) => json!({"samples": s.len()}),
        };
        let params = json!({"name": req.name, "definition": definition, "replace": req.replace});
        let outcome = self.run(Operation::CohortWrite, req.project.as_deref(), params, |granted| {
            check_name(&req.name).map_err(|e| GovernanceError::input(e.to_string()))?;
            let stored = self.home(granted, &req.name, req.project.as_deref())?;
            if let Some(existing) = self.find_own(&req.name)? {
                let elsewhere = existing.record.name != stored;
                if elsewhere || !req.replace {
                    let where_ = match (&existing.project, elsewhere) {
                        (Some(p), true) => format!(" in project {p}"),
                        (None, true) => format!(" for all of {}", self.principal.org),
                        _ => String::new(),
                    };
                    let hint = if elsewhere { "delete it there first" } else { "give replace to redefine it" };
                    let m = format!("cohort {} already exists{where_} ({hint})", req.name);
                    *taken.borrow_mut() = Some(CohortExists(m.clone()));
                    return Err(GovernanceError::input(m));
                }
            }
            let definition = match &req.definition {
                NewCohort::Rule(rule) => {
                    self.hub.clinical.check_rule(rule)?;
                    CohortDefinition::Rule(rule.trim().to_string())
                }
                NewCohort::Samples(names) => CohortDefinition::Samples(self.listable_samples(req.project.as_deref(), names)?),
            };
            let record = CohortRecord { name: stored, created: self.hub.clock.unix().max(0) as u64, definition };
            let mut batch = Batch::default();
            self.store().stage_cohort(&mut batch, &record)?;
            Ok((Found::of(record).summary(granted == Scope::All), Done::write(batch)))
        });
        match (outcome, taken.into_inner()) {
            (Err(_), Some(exists)) => Ok(Err(exists)),
            (outcome, _) => outcome.map(Ok),
        }
    }

    /// The caller's organisation's cohorts it may use (the operator: every cohort), by name.
    pub fn cohorts(&self) -> Result<Vec<SavedCohort>> {
        self.run(Operation::CohortRead, None, json!({"list": true}), |granted| {
            let all = granted == Scope::All;
            let records = if all { self.store().cohorts()? } else { self.store().cohorts_in(&self.principal.org)? };
            let mut out = Vec::new();
            for f in records.into_iter().map(Found::of) {
                if all || self.visible(&f)? {
                    out.push(f.summary(all));
                }
            }
            out.sort_by(|a, b| a.name.cmp(&b.name));
            let n = out.len() as u64;
            Ok((out, Done::size(n)))
        })
    }

    /// One cohort: its definition, members where the caller could read those samples anyway,
    /// and its size as a (separately audited) `cohort.size` query in its scope.
    pub fn saved_cohort(&self, name: &str) -> Result<CohortDetails> {
        let (cohort, members, members_withheld, project) = self.run(Operation::CohortRead, None, json!({"name": name}), |granted| {
            let f = self.find_visible(name)?;
            let (members, withheld) = match &f.record.definition {
                CohortDefinition::Samples(keys) => self.readable_members(&f, keys)?,
                _ => (None, Some("a rule's members are decided when a query uses it".to_string())),
            };
            let n = members.as_ref().map_or(1, |m| m.len() as u64);
            Ok(((f.summary(granted == Scope::All), members, withheld, f.project.clone()), Done::size(n)))
        })?;
        let project = if self.principal.role == Role::Operator { None } else { project };
        let (size, size_withheld) = match self.cohort_size(project.as_deref(), &CohortSpec::Cohort(cohort.name.clone())) {
            Ok(s) => (Some(s), None),
            Err(e @ (GovernanceError::Forbidden(_) | GovernanceError::Refused(_) | GovernanceError::Input(_) | GovernanceError::NotFound(_))) => {
                (None, Some(e.to_string()))
            }
            Err(e) => return Err(e),
        };
        Ok(CohortDetails { cohort, members, members_withheld, size, size_withheld })
    }

    /// Deletes one of the caller's organisation's cohorts (the operator: any).
    pub fn delete_cohort(&self, name: &str) -> Result<()> {
        let _one = WRITES.lock().unwrap_or_else(|e| e.into_inner());
        self.run(Operation::CohortWrite, None, json!({"name": name, "delete": true}), |_| {
            let f = self.find_visible(name)?;
            let mut batch = Batch::default();
            self.store().stage_cohort_delete(&mut batch, &f.record.name);
            Ok(((), Done::write(batch)))
        })
    }

    /// The stored name a query's `CohortSpec::Cohort(name)` reads, asked inside `project`:
    /// the caller's organisation's cohort of that plain name, else the operator's global one
    /// (as before cohorts could be saved through a session). The group is then narrowed to the
    /// caller's scope like every other.
    pub(crate) fn stored_cohort_name(&self, name: &str, project: Option<&Project>) -> Result<String> {
        if self.principal.role == Role::Operator {
            return Ok(name.to_string());
        }
        if let Some(f) = self.find_own(name)? {
            return match &f.project {
                None => Ok(f.record.name),
                Some(p) if project.is_some_and(|q| &q.id == p) => Ok(f.record.name),
                Some(p) if self.is_member(p)? => {
                    Err(GovernanceError::forbidden(format!("cohort {name} belongs to project {p}: it is evaluated only inside that project")))
                }
                Some(_) => Err(unknown(name)),
            };
        }
        if check_name(name).is_ok() && self.store().cohort(name)?.is_some() {
            return Ok(name.to_string());
        }
        Err(unknown(name))
    }

    /// Where a new cohort of the caller goes (its stored name).
    fn home(&self, granted: Scope, name: &str, project: Option<&str>) -> Result<String> {
        let org = self.principal.org.as_str();
        let named = |parts: &[&str]| namespaced_name(parts).map_err(|e| GovernanceError::input(e.to_string()));
        match (granted, project) {
            (Scope::All, None) => Ok(name.to_string()),
            (Scope::OwnOrg, None) => named(&[org, name]),
            (Scope::Project, Some(id)) => {
                let p = self.member_project(id)?;
                let status = p.status_on(self.hub.clock.today());
                if status != ProjectStatus::Active {
                    return Err(GovernanceError::forbidden(format!("project {id} is {}", status.name())));
                }
                named(&[org, id, name])
            }
            (Scope::Project, None) => Err(GovernanceError::forbidden("a researcher's cohort belongs to one of its projects (give the project)")),
            (_, Some(_)) => Err(GovernanceError::input(format!("a {}'s cohorts belong to its organisation, not to a project", self.principal.role))),
            (_, None) => Err(GovernanceError::forbidden(format!("a {} may not {}", self.principal.role, Operation::CohortWrite.name()))),
        }
    }

    /// The caller's organisation's cohort of this plain name, wherever in it (the operator: the
    /// cohort stored under this name).
    fn find_own(&self, name: &str) -> Result<Option<Found>> {
        let store = self.store();
        if self.principal.role == Role::Operator {
            return Ok(store.cohort(name)?.map(Found::of));
        }
        if check_name(name).is_err() {
            return Ok(None);
        }
        let org = &self.principal.org;
        if org.is_empty() {
            return Ok(None);
        }
        if let Some(r) = store.cohort(&format!("{org}/{name}"))? {
            return Ok(Some(Found::of(r)));
        }
        Ok(store.cohorts_in(org)?.into_iter().map(Found::of).find(|f| f.project.is_some() && f.plain() == name))
    }

    /// As [`find_own`](Self::find_own), answering "unknown" for what the caller may not see.
    fn find_visible(&self, name: &str) -> Result<Found> {
        match self.find_own(name)? {
            Some(f) if self.visible(&f)? => Ok(f),
            _ => Err(unknown(name)),
        }
    }

    fn visible(&self, f: &Found) -> Result<bool> {
        if self.principal.role == Role::Operator {
            return Ok(true);
        }
        Ok(f.org.as_deref() == Some(self.principal.org.as_str())
            && match &f.project {
                None => true,
                Some(p) => self.is_member(p)?,
            })
    }

    fn is_member(&self, project: &str) -> Result<bool> {
        Ok(self.member_project(project).is_ok())
    }

    fn member_project(&self, id: &str) -> Result<Project> {
        match registry::project(self.store().engine(), id)? {
            Some(p) if p.owner_org == self.principal.org && p.members.contains(&self.principal.user) => Ok(p),
            _ => Err(GovernanceError::forbidden(format!("{} is not a member of a project {id}", self.principal.user))),
        }
    }

    /// A sample list's samples: the operator's any current sample; anyone else's only samples
    /// it may read individually (a clinician its own patients', a researcher a record-level
    /// project's). An unknown sample and someone else's get the same answer.
    fn listable_samples(&self, project: Option<&str>, names: &[String]) -> Result<Vec<SampleKey>> {
        if names.is_empty() {
            return Err(GovernanceError::input("a sample-list cohort needs at least one sample"));
        }
        let store = self.store();
        let mut keys: Vec<SampleKey> = Vec::new();
        let mut push = |k: SampleKey| {
            if !keys.contains(&k) {
                keys.push(k);
            }
        };
        let granted = self.scope(Operation::Genotypes);
        if granted == Scope::All {
            let resolved = store.resolve_samples(&SampleSelection::Names(names.to_vec())).map_err(|e| GovernanceError::input(format!("sample list: {e}")))?;
            resolved.samples.into_iter().for_each(|s| push(SampleKey { center: s.center, name: s.name }));
            return Ok(keys);
        }
        let reach = self.reach(Operation::Genotypes, granted, project).map_err(|e| match e {
            GovernanceError::Forbidden(m) => {
                GovernanceError::forbidden(format!("a sample list names samples, which needs the right to read them ({m}); save a rule instead"))
            }
            other => other,
        })?;
        let eligible = reach.eligibility().map(|e| &e.samples).ok_or_else(|| GovernanceError::Corrupt("a scoped reach without eligibility".into()))?;
        let all = self.hub.scopes.all_samples(store)?;
        let present: HashSet<(&str, &str)> = all.samples.iter().map(|s| (s.center.as_str(), s.name.as_str())).collect();
        let whose = match project {
            Some(p) => format!("one of project {p}'s samples"),
            None => format!("a sample of a patient of {}", self.principal.org),
        };
        for name in names {
            let wanted = |s: &&GenomicSampleRef| match name.split_once('/') {
                Some((c, n)) => s.center == c && s.name == n,
                None => s.name == *name,
            };
            let hits: Vec<&GenomicSampleRef> = eligible.iter().filter(wanted).filter(|s| present.contains(&(s.center.as_str(), s.name.as_str()))).collect();
            match hits.as_slice() {
                [one] => push(SampleKey { center: one.center.clone(), name: one.name.clone() }),
                [] => return Err(GovernanceError::input(format!("sample {name} is not {whose} with genomic data"))),
                _ => return Err(GovernanceError::input(format!("sample {name} is ambiguous: write CENTER/NAME"))),
            }
        }
        Ok(keys)
    }

    /// A sample list's members the caller may read individually anyway; for anyone else (a
    /// researcher of an aggregate project) none, with the reason.
    fn readable_members(&self, f: &Found, keys: &[SampleKey]) -> Result<(Option<Vec<String>>, Option<String>)> {
        let granted = self.scope(Operation::Genotypes);
        if granted == Scope::All {
            return Ok((Some(keys.iter().map(SampleKey::qualified).collect()), None));
        }
        let reach = match self.reach(Operation::Genotypes, granted, f.project.as_deref()) {
            Ok(r) => r,
            Err(e @ (GovernanceError::Forbidden(_) | GovernanceError::Refused(_))) => return Ok((None, Some(format!("members are not shown: {e}")))),
            Err(e) => return Err(e),
        };
        let Some(e) = reach.eligibility() else { return Ok((None, Some("members are not shown".into()))) };
        let shown = keys
            .iter()
            .filter(|k| e.samples.contains(&GenomicSampleRef { center: k.center.clone(), name: k.name.clone() }))
            .map(SampleKey::qualified)
            .collect();
        Ok((Some(shown), None))
    }
}
