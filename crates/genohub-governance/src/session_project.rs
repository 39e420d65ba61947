//! Projects: submission by researchers, decisions by the committee, reading, and the policy
//! explanation the committee reviews.

use serde::Serialize;
use serde_json::json;
use time::{Date, Duration};

use genohub_duo::Purpose;
use genohub_store::cf;
use genohub_store::engine::Batch;

use crate::clinical_source::ClinicalSource;
use crate::disclosure_rules::DisclosureRules;
use crate::error::{GovernanceError, Result};
use crate::matrix::{Operation, Scope};
use crate::policy::{self, PatientVerdict};
use crate::project::{requestable, AccessLevel, Decision, Project, ProjectStatus};
use crate::registry;
use crate::role::Role;
use crate::session::{Done, Session};

/// What a researcher asks for.
#[derive(Debug, Clone)]
pub struct ProjectRequest {
    pub title: String,
    /// DUO research permission: GRU, HMB, DS (with `disease`) or POA.
    pub research: String,
    pub disease: Option<String>,
    /// Researchers of the submitting organisation; the submitter is always a member.
    pub members: Vec<String>,
    pub analyses: Vec<Operation>,
    pub cohort_rule: Option<String>,
    pub access: AccessLevel,
    pub irb: Option<String>,
    /// DUO modifiers whose conditions the project accepts (PUB, COL, RTN, ...).
    pub accepted_conditions: Vec<String>,
    pub start: Option<Date>,
    pub expires: Option<Date>,
}

/// What the committee decides with an approval.
#[derive(Debug, Clone, Default)]
pub struct Approval {
    pub conditions: String,
    pub start: Option<Date>,
    pub expires: Option<Date>,
    pub disclosure: Option<DisclosureRules>,
}

/// The committee's view of a project's effective sample set, patient by patient.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub project: String,
    #[serde(with = "genohub_clinical::iso_date")]
    pub on: Date,
    pub purpose: String,
    pub patients_included: usize,
    pub patients_excluded: usize,
    pub samples_included: usize,
    pub verdicts: Vec<PatientVerdict>,
}

/// A year later (28 February for 29 February).
pub fn one_year_after(d: Date) -> Date {
    d.replace_year(d.year() + 1).unwrap_or_else(|_| d + Duration::days(365))
}

fn check_dates(start: Date, expires: Date) -> Result<()> {
    if expires <= start {
        return Err(GovernanceError::input(format!("expiry {expires} is not after start {start}")));
    }
    if expires > one_year_after(start) {
        return Err(GovernanceError::input(format!("{start} to {expires} is longer than a year; renew instead")));
    }
    Ok(())
}

impl Session<'_> {
    fn decide(&self, p: &mut Project, action: &str, note: &str) {
        p.history.push(Decision { action: action.into(), by: self.principal.user.clone(), at: self.hub.clock.unix(), note: note.into() });
    }

    fn stage(p: &Project) -> Batch {
        let mut b = Batch::default();
        registry::put(&mut b, cf::PROJECTS, &registry::project_key(&p.id), p);
        b
    }

    pub fn submit_project(&self, req: &ProjectRequest) -> Result<Project> {
        let params = json!({"title": req.title, "research": req.research, "disease": req.disease, "members": req.members, "analyses": req.analyses,
            "cohort_rule": req.cohort_rule, "access": req.access, "irb": req.irb, "accepted_conditions": req.accepted_conditions});
        self.run(Operation::ProjectSubmit, None, params, |_| {
            let engine = self.store().engine();
            let org =
                registry::org(engine, &self.principal.org)?.ok_or_else(|| GovernanceError::Corrupt(format!("organisation {} is gone", self.principal.org)))?;
            if req.title.trim().is_empty() {
                return Err(GovernanceError::input("a project needs a title"));
            }
            let mut purpose = Purpose::research(&req.research, req.disease.as_deref())
                .map_err(|e| GovernanceError::input(format!("purpose: {e}")))?
                .commercial(org.kind.is_commercial());
            if let Some(irb) = req.irb.as_deref().filter(|s| !s.trim().is_empty()) {
                purpose = purpose.with_irb(irb.trim());
            }
            for c in &req.accepted_conditions {
                purpose = purpose.accepting(c).map_err(|e| GovernanceError::input(format!("accepted condition: {e}")))?;
            }
            if req.analyses.is_empty() {
                return Err(GovernanceError::input("a project must request at least one analysis"));
            }
            if let Some(op) = req.analyses.iter().find(|op| !requestable(**op)) {
                return Err(GovernanceError::input(format!("{} is not an analysis a project can request", op.name())));
            }
            if req.analyses.contains(&Operation::Genotypes) && req.access != AccessLevel::Record {
                return Err(GovernanceError::input("genotypes need record-level access"));
            }
            if let Some(rule) = &req.cohort_rule {
                self.hub.clinical.check_rule(rule)?;
            }
            let mut members = vec![self.principal.user.clone()];
            for m in &req.members {
                let u = registry::user(engine, m)?.ok_or_else(|| GovernanceError::input(format!("unknown member {m}")))?;
                if u.role != Role::Researcher || u.org != org.id {
                    return Err(GovernanceError::input(format!("member {m} is not a researcher of {}", org.id)));
                }
                if !members.contains(m) {
                    members.push(m.clone());
                }
            }
            let start = req.start.unwrap_or_else(|| self.hub.clock.today());
            let expires = req.expires.unwrap_or_else(|| one_year_after(start));
            check_dates(start, expires)?;
            let mut b = Batch::default();
            let id = registry::next_project_id(engine, &mut b)?;
            let mut p = Project {
                id,
                title: req.title.trim().to_string(),
                owner_org: org.id.clone(),
                owner_kind: org.kind,
                submitted_by: self.principal.user.clone(),
                members,
                purpose,
                analyses: req.analyses.clone(),
                cohort_rule: req.cohort_rule.clone(),
                access: req.access,
                start,
                expires,
                disclosure: DisclosureRules::default(),
                status: ProjectStatus::Submitted,
                history: Vec::new(),
            };
            self.decide(&mut p, "submitted", "");
            registry::put(&mut b, cf::PROJECTS, &registry::project_key(&p.id), &p);
            Ok((p, Done::write(b)))
        })
    }

    /// Loads a project the principal may act on.
    fn load_project(&self, id: &str, granted: Scope) -> Result<Project> {
        let p = registry::project(self.store().engine(), id)?;
        match p {
            Some(p) if granted != Scope::OwnOrg || p.owner_org == self.principal.org => Ok(p),
            Some(_) => Err(GovernanceError::forbidden(format!("project {id} belongs to another organisation"))),
            None => Err(GovernanceError::NotFound(format!("unknown project {id}"))),
        }
    }

    pub fn approve_project(&self, id: &str, approval: &Approval) -> Result<Project> {
        let params = json!({"conditions": approval.conditions, "start": approval.start, "expires": approval.expires, "disclosure": approval.disclosure});
        self.run(Operation::ProjectDecide, Some(id), params, |granted| {
            let mut p = self.load_project(id, granted)?;
            if p.status != ProjectStatus::Submitted {
                return Err(GovernanceError::input(format!("project {id} is {}, only a submitted project can be approved", p.status.name())));
            }
            if let Some(d) = approval.disclosure {
                d.check()?;
                p.disclosure = d;
            }
            p.start = approval.start.unwrap_or(p.start);
            p.expires = approval.expires.unwrap_or(p.expires);
            check_dates(p.start, p.expires)?;
            p.status = ProjectStatus::Approved;
            let note = format!("{} to {}, k={}, min cohort {}; {}", p.start, p.expires, p.disclosure.k, p.disclosure.min_cohort, approval.conditions);
            self.decide(&mut p, "approved", note.trim_end_matches("; "));
            Ok((p.clone(), Done::write(Self::stage(&p))))
        })
    }

    pub fn reject_project(&self, id: &str, reason: &str) -> Result<Project> {
        self.run(Operation::ProjectDecide, Some(id), json!({"action": "reject", "reason": reason}), |granted| {
            let mut p = self.load_project(id, granted)?;
            if p.status != ProjectStatus::Submitted {
                return Err(GovernanceError::input(format!("project {id} is {}, only a submitted project can be rejected", p.status.name())));
            }
            p.status = ProjectStatus::Rejected;
            self.decide(&mut p, "rejected", reason);
            Ok((p.clone(), Done::write(Self::stage(&p))))
        })
    }

    pub fn revoke_project(&self, id: &str, reason: &str) -> Result<Project> {
        self.run(Operation::ProjectDecide, Some(id), json!({"action": "revoke", "reason": reason}), |granted| {
            let mut p = self.load_project(id, granted)?;
            if p.status != ProjectStatus::Approved {
                return Err(GovernanceError::input(format!("project {id} is {}, only an approved project can be revoked", p.status.name())));
            }
            p.status = ProjectStatus::Revoked;
            self.decide(&mut p, "revoked", reason);
            Ok((p.clone(), Done::write(Self::stage(&p))))
        })
    }

    /// Extends an approved (active or expired) project, by default to a year after today.
    pub fn renew_project(&self, id: &str, until: Option<Date>, note: &str) -> Result<Project> {
        self.run(Operation::ProjectDecide, Some(id), json!({"action": "renew", "until": until, "note": note}), |granted| {
            let mut p = self.load_project(id, granted)?;
            if p.status != ProjectStatus::Approved {
                return Err(GovernanceError::input(format!("project {id} is {}, only an approved project can be renewed", p.status.name())));
            }
            let today = self.hub.clock.today();
            let until = until.unwrap_or_else(|| one_year_after(today));
            if until <= p.expires || until > one_year_after(today) {
                return Err(GovernanceError::input(format!("renewal to {until}: must be after {} and at most a year from today", p.expires)));
            }
            let was = p.expires;
            p.expires = until;
            self.decide(&mut p, "renewed", format!("{was} → {until}; {note}").trim_end_matches("; "));
            Ok((p.clone(), Done::write(Self::stage(&p))))
        })
    }

    pub fn project(&self, id: &str) -> Result<Project> {
        self.run(Operation::ProjectRead, Some(id), json!({}), |granted| Ok((self.load_project(id, granted)?, Done::size(1))))
    }

    pub fn projects(&self) -> Result<Vec<Project>> {
        self.run(Operation::ProjectRead, None, json!({"list": true}), |granted| {
            let all: Vec<Project> =
                registry::projects(self.store().engine())?.into_iter().filter(|p| granted != Scope::OwnOrg || p.owner_org == self.principal.org).collect();
            let n = all.len() as u64;
            Ok((all, Done::size(n)))
        })
    }

    /// Which patients a project's purpose and cohort rule include today, and why each other is
    /// excluded. Committee only: it names patients (by pseudonym).
    pub fn explain_project(&self, id: &str) -> Result<Explanation> {
        self.run(Operation::ProjectExplain, Some(id), json!({}), |granted| {
            let p = self.load_project(id, granted)?;
            let today = self.hub.clock.today();
            let e = self.eligibility(&p, today)?;
            let included = e.included_patients();
            let x = Explanation {
                project: p.id.clone(),
                on: today,
                purpose: p.purpose.describe(),
                patients_included: included,
                patients_excluded: e.verdicts.len() - included,
                samples_included: e.samples.len(),
                verdicts: e.verdicts,
            };
            let n = x.verdicts.len() as u64;
            Ok((x, Done::size(n)))
        })
    }

    pub(crate) fn eligibility(&self, p: &Project, on: Date) -> Result<policy::Eligibility> {
        let facts = self.hub.clinical.shared(self.store(), &self.hub.key, on)?;
        let rule = match &p.cohort_rule {
            Some(r) => Some(self.hub.clinical.rule_samples(self.store(), &self.hub.key, r, on)?),
            None => None,
        };
        let is_a = self.hub.is_a();
        Ok(policy::eligible(&facts, &p.purpose, on, rule.as_ref(), &is_a))
    }
}
