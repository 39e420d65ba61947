//! Aggregate queries (cohort size, freq, variant lookup, afdist, assoc): scoped to what the
//! principal may count, gated by the project's minimum cohort, differencing protection and
//! budget, answered through disclosure control, audited.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde::Serialize;
use serde_json::json;

use genohub_analysis::{AfDist, AfDistRequest, AssocRequest, SampleSource};
use genohub_clinical::GenomicSampleRef;
use genohub_duo::Purpose;
use genohub_store::engine::Batch;
use genohub_store::{CohortDefinition, Region, ResolvedSamples, SampleSelection, StoreError};

use crate::clinical_source::ClinicalSource;
use crate::cohort_spec::CohortSpec;
use crate::disclosure::{Control, Count, DisclosedAfDist, DisclosedAssocRow, DisclosedFreqRow};
use crate::error::{GovernanceError, Result};
use crate::history::{self, CohortPrint};
use crate::matrix::{Operation, Scope};
use crate::policy::{self, Eligibility};
use crate::project::{AccessLevel, Project, ProjectStatus};
use crate::registry;
use crate::role::Role;
use crate::scope_cache::{Freshness, ScopeKind, Scoped};
use crate::session::{Done, Session};
use genohub_analysis::freq_resolved;

/// What a principal may count for one operation, and how its answers are controlled.
pub(crate) struct Reach {
    pub control: Control,
    pub project: Option<Project>,
    /// None: the operator's unrestricted view of the store. Kept between calls (scope_cache).
    pub scoped: Option<Arc<Scoped>>,
}

impl Reach {
    /// The effective samples; None for the operator's unrestricted view.
    pub fn eligibility(&self) -> Option<&Eligibility> {
        self.scoped.as_deref().map(|s| &s.eligibility)
    }
}

/// One group of a query, resolved within the reach. Cheap to clone: the whole scope's group is
/// kept between calls.
#[derive(Clone)]
pub(crate) struct Group {
    /// What to read when the group is not scoped (the operator): a stored cohort, everyone.
    unscoped: Option<SampleSource>,
    /// The scoped group's samples, `CENTER/NAME`.
    pub names: Arc<Vec<String>>,
    pub print: Option<Arc<CohortPrint>>,
    /// The samples already resolved, when known: analyses then skip resolving them again.
    pub resolved: Option<Arc<ResolvedSamples>>,
}

impl Group {
    pub fn source(&self) -> SampleSource {
        match &self.unscoped {
            Some(s) => s.clone(),
            None => SampleSource::Names(self.names.to_vec()),
        }
    }

    /// The group's samples, resolved (and refused, for unknown or withdrawn names).
    pub fn resolve(&self, store: &genohub_store::Store) -> Result<Arc<ResolvedSamples>> {
        match &self.resolved {
            Some(r) => Ok(r.clone()),
            None => Ok(Arc::new(genohub_analysis::resolve(store, &self.source())?)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortSize {
    pub samples: Count,
    /// Distinct patients (unknown for the operator, who counts store samples).
    pub individuals: Option<Count>,
}

/// An allele-frequency spectrum as disclosed, with the exact one when no control applies
/// (for plotting).
pub struct GovernedAfDist {
    pub disclosed: DisclosedAfDist,
    pub exact: Option<AfDist>,
}

pub(crate) fn qualified(s: &GenomicSampleRef) -> String {
    format!("{}/{}", s.center, s.name)
}

fn regions_json(regions: &[Region]) -> serde_json::Value {
    json!(regions.iter().map(|r| r.to_string()).collect::<Vec<_>>())
}

impl Session<'_> {
    /// What the data a scope is computed from looks like now; read before computing it.
    fn freshness(&self) -> Result<Freshness> {
        Ok(Freshness {
            day: self.hub.clock.today(),
            clinical: self.hub.clinical_generation.load(Ordering::SeqCst),
            samples: self.store().engine().samples_generation(),
            exclusions: self.store().exclusion_epoch()?,
        })
    }

    pub(crate) fn reach(&self, op: Operation, granted: Scope, project: Option<&str>) -> Result<Reach> {
        if granted == Scope::All {
            return Ok(Reach { control: Control::None, project: None, scoped: None });
        }
        // One reading of the day for the key and the computation (a scope computed just before
        // midnight must not be kept under the next day).
        let fresh = self.freshness()?;
        let today = fresh.day;
        match granted {
            Scope::All => Ok(Reach { control: Control::None, project: None, scoped: None }),
            Scope::ClinicalConsent => {
                let scoped = self.hub.scopes.scope(ScopeKind::ClinicalConsent, fresh, || {
                    let facts = self.hub.clinical.shared(self.store(), &self.hub.key, today)?;
                    let is_a = self.hub.is_a();
                    Ok(policy::eligible(&facts, &Purpose::clinical_care(), today, None, &is_a))
                })?;
                Ok(Reach { control: Control::None, project: None, scoped: Some(scoped) })
            }
            Scope::OwnOrg => {
                // A clinician's own patients: registered by this hospital, not withdrawn.
                let org = &self.principal.org;
                let scoped = self.hub.scopes.scope(ScopeKind::OwnOrg(org.clone()), fresh, || {
                    let facts = self.hub.clinical.shared(self.store(), &self.hub.key, today)?;
                    let mut e = Eligibility::default();
                    for p in facts.iter().filter(|p| !p.withdrawn && p.hospitals.contains(org)) {
                        for s in &p.samples {
                            e.samples.insert(s.clone());
                            e.owner.insert(s.clone(), p.pseudonym.clone());
                        }
                    }
                    Ok(e)
                })?;
                Ok(Reach { control: Control::None, project: None, scoped: Some(scoped) })
            }
            Scope::Project => {
                let id = project
                    .ok_or_else(|| GovernanceError::forbidden(format!("a researcher may {} only inside an approved project (give the project)", op.name())))?;
                let p = registry::project(self.store().engine(), id)?;
                let p = match p {
                    Some(p) if p.owner_org == self.principal.org && p.members.contains(&self.principal.user) => p,
                    _ => return Err(GovernanceError::forbidden(format!("{} is not a member of a project {id}", self.principal.user))),
                };
                let status = p.status_on(today);
                if status != ProjectStatus::Active {
                    return Err(GovernanceError::forbidden(format!("project {id} is {}", status.name())));
                }
                if !p.allows(op) {
                    return Err(GovernanceError::forbidden(format!("project {id} was not approved for {}", op.name())));
                }
                if op == Operation::Genotypes && p.access != AccessLevel::Record {
                    return Err(GovernanceError::forbidden(format!("project {id} has aggregate access only")));
                }
                // Keyed by the whole record: any change to the project is a new scope.
                let scoped = self.hub.scopes.scope(ScopeKind::Project(Box::new(p.clone())), fresh, || self.eligibility(&p, today))?;
                Ok(Reach { control: Control::Rules(p.disclosure), project: Some(p), scoped: Some(scoped) })
            }
            Scope::Denied => Err(GovernanceError::forbidden(format!("a {} may not {}", self.principal.role, op.name()))),
        }
    }

    /// Resolves a cohort within the reach. With `strict`, naming a sample outside the reach is
    /// refused (record-level reads); otherwise the cohort is silently narrowed to the reach, so
    /// the answer never says which samples were left out.
    pub(crate) fn group(&self, reach: &Reach, spec: &CohortSpec, strict: bool) -> Result<Group> {
        let store = self.store();
        if let (Some(scoped), CohortSpec::Everyone) = (&reach.scoped, spec) {
            // The whole scope: computed once per scope (it is what Beacon counts and variant
            // lookups ask every time), then shared.
            if let Some(g) = scoped.everyone.get() {
                return Ok(g.clone());
            }
            let mut g = self.scoped_group(reach, &scoped.eligibility, spec, strict)?;
            // Resolved in the store's column order (a scan plan sorts its columns on every
            // call; presorted that is linear). An empty group stays unresolved, so the
            // analysis refuses it as before.
            let all = self.hub.scopes.all_samples(store)?;
            let members: std::collections::HashSet<&str> = g.names.iter().map(String::as_str).collect();
            let ordered: Vec<String> = all.samples.iter().map(|s| format!("{}/{}", s.center, s.name)).filter(|q| members.contains(q.as_str())).collect();
            g.resolved = if !ordered.is_empty() && ordered.len() == all.samples.len() {
                Some(all.clone())
            } else {
                genohub_analysis::resolve(store, &SampleSource::Names(ordered)).ok().map(Arc::new)
            };
            let _ = scoped.everyone.set(g.clone());
            return Ok(g);
        }
        match reach.eligibility() {
            Some(e) => self.scoped_group(reach, e, spec, strict),
            None => {
                let (source, resolved) = match spec {
                    CohortSpec::Everyone => {
                        let all = self.hub.scopes.all_samples(store)?;
                        (SampleSource::All, (!all.samples.is_empty()).then_some(all))
                    }
                    CohortSpec::Cohort(c) => (self.cohort_source(c, reach.project.as_ref())?, None),
                    CohortSpec::Samples(n) => (SampleSource::Names(n.clone()), None),
                    CohortSpec::Rule(r) => (SampleSource::Names(self.rule_names(r)?), None),
                };
                Ok(Group { unscoped: Some(source), names: Arc::new(Vec::new()), print: None, resolved })
            }
        }
    }

    /// A rule (given, or a stored rule cohort), evaluated by the clinical source today: the
    /// store's current samples it selects.
    fn rule_names(&self, rule: &str) -> Result<Vec<String>> {
        let wanted = self.hub.clinical.rule_samples(self.store(), &self.hub.key, rule, self.hub.clock.today())?;
        let present = self.hub.scopes.all_samples(self.store())?;
        Ok(present
            .samples
            .iter()
            .map(|s| GenomicSampleRef { center: s.center.clone(), name: s.name.clone() })
            .filter(|s| wanted.contains(s))
            .map(|s| qualified(&s))
            .collect())
    }

    /// A stored cohort by the name the caller gave (its organisation's first: session_cohorts.rs).
    fn cohort_source(&self, name: &str, project: Option<&Project>) -> Result<SampleSource> {
        let stored = self.stored_cohort_name(name, project)?;
        match self.store().cohort(&stored)?.map(|c| c.definition) {
            Some(CohortDefinition::Rule(rule)) => Ok(SampleSource::Names(self.rule_names(&rule)?)),
            _ => Ok(SampleSource::Cohort(stored)),
        }
    }

    fn scoped_group(&self, reach: &Reach, e: &Eligibility, spec: &CohortSpec, strict: bool) -> Result<Group> {
        let store = self.store();
        let today = self.hub.clock.today();
        let refs = |r: genohub_store::ResolvedSamples| -> BTreeSet<GenomicSampleRef> {
            r.samples.into_iter().map(|s| GenomicSampleRef { center: s.center, name: s.name }).collect()
        };
        let wanted: BTreeSet<GenomicSampleRef> = match spec {
            CohortSpec::Everyone => e.samples.clone(),
            CohortSpec::Cohort(c) => refs(genohub_analysis::resolve(store, &self.cohort_source(c, reach.project.as_ref())?)?),
            CohortSpec::Samples(n) => refs(store.resolve_samples(&SampleSelection::Names(n.clone())).map_err(|e| GovernanceError::input(e.to_string()))?),
            CohortSpec::Rule(r) => self.hub.clinical.rule_samples(store, &self.hub.key, r, today)?,
        };
        if strict {
            if let Some(outside) = wanted.iter().find(|s| !e.samples.contains(*s)) {
                let whose = match &reach.project {
                    Some(p) => format!("project {}'s samples", p.id),
                    None => format!("the patients of {}", self.principal.org),
                };
                return Err(GovernanceError::forbidden(format!("sample {} is not one of {whose}", qualified(outside))));
            }
        }
        let all = self.hub.scopes.all_samples(store)?;
        let present: std::collections::HashSet<(&str, &str)> = all.samples.iter().map(|s| (s.center.as_str(), s.name.as_str())).collect();
        let chosen: Vec<&GenomicSampleRef> =
            wanted.iter().filter(|s| e.samples.contains(*s) && present.contains(&(s.center.as_str(), s.name.as_str()))).collect();
        let print = CohortPrint::of(e.individuals(chosen.iter().copied()));
        let names: Vec<String> = chosen.iter().map(|s| qualified(s)).collect();
        if names.is_empty() && reach.project.is_none() {
            return Err(GovernanceError::input("the cohort has no sample you may read"));
        }
        Ok(Group { unscoped: None, names: Arc::new(names), print: Some(Arc::new(print)), resolved: None })
    }

    /// A project's gate: budget (every attempt counts), minimum cohort, differencing. The
    /// cohorts are remembered before the analysis runs, so concurrent queries cannot both pass.
    pub(crate) fn gate(&self, reach: &Reach, groups: &[&Group]) -> Result<()> {
        let Some(p) = &reach.project else { return Ok(()) };
        let rules = p.disclosure;
        let engine = self.store().engine();
        let _lock = self.hub.gate.lock().unwrap_or_else(|e| e.into_inner());
        let today = self.hub.clock.today();
        let used = history::queries_on(engine, &p.id, today)?;
        if used >= rules.daily_budget {
            return Err(GovernanceError::refused(format!("project {} has used its {} queries for {today}", p.id, rules.daily_budget)));
        }
        let mut b = Batch::default();
        history::count_query(&mut b, &p.id, today, used);
        let verdict = (|| {
            let mut earlier: Vec<&CohortPrint> = Vec::new();
            for g in groups {
                let print: &CohortPrint = g.print.as_deref().expect("scoped groups have a print");
                if print.len() < rules.min_cohort as usize {
                    return Err(GovernanceError::refused(format!("the cohort is smaller than project {}'s minimum of {} individuals", p.id, rules.min_cohort)));
                }
                let near_earlier = earlier.iter().any(|e| (1..rules.k as usize).contains(&e.difference(print)));
                if near_earlier || history::differs_slightly(engine, &p.id, print, rules.k)? {
                    return Err(GovernanceError::refused(format!(
                        "the cohort differs from one already answered in project {} by fewer than {} individuals (differencing protection)",
                        p.id, rules.k
                    )));
                }
                earlier.push(print);
            }
            Ok(())
        })();
        if verdict.is_ok() {
            for g in groups {
                history::remember(&mut b, &p.id, g.print.as_deref().expect("scoped groups have a print"));
            }
        }
        engine.write(b, true)?;
        verdict
    }

    pub fn cohort_size(&self, project: Option<&str>, cohort: &CohortSpec) -> Result<CohortSize> {
        self.cohort_size_audited_as(project, cohort, json!({"cohort": cohort}))
    }

    /// [`cohort_size`](Self::cohort_size) with the audit entry's parameters given: a rule
    /// expanded from a few filters (a cancer type and its ~900 subtypes) is recorded as asked.
    pub(crate) fn cohort_size_audited_as(&self, project: Option<&str>, cohort: &CohortSpec, parameters: serde_json::Value) -> Result<CohortSize> {
        self.run(Operation::CohortSize, project, parameters, |granted| {
            let reach = self.reach(Operation::CohortSize, granted, project)?;
            let g = self.group(&reach, cohort, false)?;
            self.gate(&reach, &[&g])?;
            let size = match &g.print {
                Some(p) => CohortSize { samples: reach.control.count(g.names.len() as u64), individuals: Some(reach.control.count(p.len() as u64)) },
                None => CohortSize { samples: Count::Exact(g.resolve(self.store())?.samples.len() as u64), individuals: None },
            };
            Ok((size, Done::size(1)))
        })
    }

    fn freq_as(
        &self,
        op: Operation,
        project: Option<&str>,
        regions: Vec<Region>,
        cohort: &CohortSpec,
        sink: &mut dyn FnMut(DisclosedFreqRow) -> Result<(), StoreError>,
    ) -> Result<u64> {
        let mut out = Release::new(self.principal.role == Role::Operator, sink);
        let n = self.run(op, project, json!({"regions": regions_json(&regions), "cohort": cohort}), |granted| {
            let reach = self.reach(op, granted, project)?;
            let g = self.group(&reach, cohort, false)?;
            self.gate(&reach, &[&g])?;
            let samples = g.resolve(self.store())?;
            // Only a kept resolution (a scope's, shared between calls) identifies its samples.
            if let (Operation::VariantLookup, [region], Some(_)) = (op, regions.as_slice(), &g.resolved) {
                let rows = self.hub.lookups.rows(self.store(), &samples, region)?;
                for row in rows.iter() {
                    out.push(DisclosedFreqRow::new(row.clone(), &reach.control))?;
                }
                let n = rows.len() as u64;
                return Ok((n, Done::size(n)));
            }
            let n = freq_resolved(self.store(), &samples, &regions, |row| out.push(DisclosedFreqRow::new(row, &reach.control)))?;
            Ok((n, Done::size(n)))
        })?;
        out.finish()?;
        Ok(n)
    }

    /// Per-variant counts over a cohort, each row disclosure-controlled.
    pub fn freq(
        &self,
        project: Option<&str>,
        regions: Vec<Region>,
        cohort: &CohortSpec,
        mut sink: impl FnMut(DisclosedFreqRow) -> Result<(), StoreError>,
    ) -> Result<u64> {
        self.freq_as(Operation::Freq, project, regions, cohort, &mut sink)
    }

    /// The variants at a region (typically one position) with their counts in scope.
    pub fn variant_lookup(&self, project: Option<&str>, region: Region) -> Result<Vec<DisclosedFreqRow>> {
        let mut rows = Vec::new();
        self.freq_as(Operation::VariantLookup, project, vec![region], &CohortSpec::Everyone, &mut |r| {
            rows.push(r);
            Ok(())
        })?;
        Ok(rows)
    }

    /// The allele-frequency spectrum; `req.samples` is replaced by the scoped `cohort`.
    pub fn afdist(&self, project: Option<&str>, mut req: AfDistRequest, cohort: &CohortSpec) -> Result<GovernedAfDist> {
        self.run(Operation::AfDist, project, json!({"regions": regions_json(&req.regions), "cohort": cohort}), |granted| {
            let reach = self.reach(Operation::AfDist, granted, project)?;
            let g = self.group(&reach, cohort, false)?;
            self.gate(&reach, &[&g])?;
            req.samples = g.source();
            let d = genohub_analysis::afdist(self.store(), &req)?;
            let disclosed = DisclosedAfDist::new(&d, &reach.control);
            let exact = (reach.control == Control::None).then_some(d);
            let n = disclosed.sites;
            Ok((GovernedAfDist { disclosed, exact }, Done::size(n)))
        })
    }

    /// Case/control association; `req.cases`/`req.controls` are replaced by the scoped cohorts.
    pub fn assoc(
        &self,
        project: Option<&str>,
        mut req: AssocRequest,
        cases: &CohortSpec,
        controls: &CohortSpec,
        mut sink: impl FnMut(DisclosedAssocRow) -> Result<(), StoreError>,
    ) -> Result<u64> {
        let mut out = Release::new(self.principal.role == Role::Operator, &mut sink);
        let params = json!({"regions": regions_json(&req.regions), "cases": cases, "controls": controls, "test": format!("{:?}", req.test), "covariates": req.covariates.as_ref().map(|c| c.names.clone())});
        let n = self.run(Operation::Assoc, project, params, |granted| {
            let reach = self.reach(Operation::Assoc, granted, project)?;
            let (case_group, control_group) = (self.group(&reach, cases, false)?, self.group(&reach, controls, false)?);
            if let Some(p) = &reach.project {
                // Per-sample covariates and overlap errors would name samples of the effective set.
                if req.covariates.is_some() && p.access != AccessLevel::Record {
                    return Err(GovernanceError::forbidden(format!("per-sample covariates need record-level access (project {} is aggregate)", p.id)));
                }
                if case_group.names.iter().any(|n| control_group.names.contains(n)) {
                    return Err(GovernanceError::input("cases and controls overlap"));
                }
            }
            self.gate(&reach, &[&case_group, &control_group])?;
            req.cases = case_group.source();
            req.controls = control_group.source();
            let n = genohub_analysis::assoc(self.store(), &req, |row| out.push(DisclosedAssocRow::new(row, &reach.control)))?;
            Ok((n, Done::size(n)))
        })?;
        out.finish()?;
        Ok(n)
    }
}

/// Where the rows of an answer go. Only audited answers leave the hub, so the rows of a
/// controlled query are held until its audit entry is written; the local operator's stream.
struct Release<'s, T> {
    stream: bool,
    sink: &'s mut dyn FnMut(T) -> Result<(), StoreError>,
    held: Vec<T>,
}

impl<'s, T> Release<'s, T> {
    fn new(stream: bool, sink: &'s mut dyn FnMut(T) -> Result<(), StoreError>) -> Self {
        Release { stream, sink, held: Vec::new() }
    }

    fn push(&mut self, row: T) -> Result<(), StoreError> {
        if self.stream {
            (self.sink)(row)
        } else {
            self.held.push(row);
            Ok(())
        }
    }

    fn finish(self) -> Result<(), StoreError> {
        self.held.into_iter().try_for_each(self.sink)
    }
}
