//! Aggregate queries (cohort size, freq, variant lookup, afdist, assoc): scoped to what the
//! principal may count, gated by the project's minimum cohort, differencing protection and
//! budget, answered through disclosure control, audited.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::json;

use genohub_analysis::{AfDist, AfDistRequest, AssocRequest, FreqRequest, SampleSource};
use genohub_clinical::GenomicSampleRef;
use genohub_duo::Purpose;
use genohub_store::engine::Batch;
use genohub_store::{CohortDefinition, Region, SampleSelection, StoreError};

use crate::cohort_spec::CohortSpec;
use crate::disclosure::{Control, Count, DisclosedAfDist, DisclosedAssocRow, DisclosedFreqRow};
use crate::error::{GovernanceError, Result};
use crate::history::{self, CohortPrint};
use crate::matrix::{Operation, Scope};
use crate::policy::{self, Eligibility};
use crate::project::{AccessLevel, Project, ProjectStatus};
use crate::registry;
use crate::role::Role;
use crate::session::{Done, Session};

/// What a principal may count for one operation, and how its answers are controlled.
pub(crate) struct Reach {
    pub control: Control,
    pub project: Option<Project>,
    /// None: the operator's unrestricted view of the store.
    pub eligibility: Option<Eligibility>,
}

/// One group of a query, resolved within the reach.
pub(crate) struct Group {
    pub source: SampleSource,
    pub names: Vec<String>,
    pub print: Option<CohortPrint>,
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
    pub(crate) fn reach(&self, op: Operation, granted: Scope, project: Option<&str>) -> Result<Reach> {
        let today = self.hub.clock.today();
        match granted {
            Scope::All => Ok(Reach { control: Control::None, project: None, eligibility: None }),
            Scope::ClinicalConsent => {
                let facts = self.hub.clinical.patient_facts(self.store(), &self.hub.key, today)?;
                let is_a = self.hub.is_a();
                Ok(Reach { control: Control::None, project: None, eligibility: Some(policy::eligible(&facts, &Purpose::clinical_care(), today, None, &is_a)) })
            }
            Scope::OwnOrg => {
                // A clinician's own patients: registered by this hospital, not withdrawn.
                let facts = self.hub.clinical.patient_facts(self.store(), &self.hub.key, today)?;
                let mut e = Eligibility::default();
                for p in facts.iter().filter(|p| !p.withdrawn && p.hospitals.contains(&self.principal.org)) {
                    for s in &p.samples {
                        e.samples.insert(s.clone());
                        e.owner.insert(s.clone(), p.pseudonym.clone());
                    }
                }
                Ok(Reach { control: Control::None, project: None, eligibility: Some(e) })
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
                let e = self.eligibility(&p, today)?;
                Ok(Reach { control: Control::Rules(p.disclosure), project: Some(p), eligibility: Some(e) })
            }
            Scope::Denied => Err(GovernanceError::forbidden(format!("a {} may not {}", self.principal.role, op.name()))),
        }
    }

    /// Resolves a cohort within the reach. With `strict`, naming a sample outside the reach is
    /// refused (record-level reads); otherwise the cohort is silently narrowed to the reach, so
    /// the answer never says which samples were left out.
    pub(crate) fn group(&self, reach: &Reach, spec: &CohortSpec, strict: bool) -> Result<Group> {
        let store = self.store();
        let today = self.hub.clock.today();
        // A rule (given, or a stored rule cohort) is evaluated by the clinical source, today.
        let rule_names = |rule: &str| -> Result<Vec<String>> {
            let wanted = self.hub.clinical.rule_samples(store, &self.hub.key, rule, today)?;
            let present = store.resolve_samples(&SampleSelection::All)?;
            Ok(present
                .samples
                .iter()
                .map(|s| GenomicSampleRef { center: s.center.clone(), name: s.name.clone() })
                .filter(|s| wanted.contains(s))
                .map(|s| qualified(&s))
                .collect())
        };
        let cohort_source = |name: &str| -> Result<SampleSource> {
            match store.cohort(name)?.map(|c| c.definition) {
                Some(CohortDefinition::Rule(rule)) => Ok(SampleSource::Names(rule_names(&rule)?)),
                _ => Ok(SampleSource::Cohort(name.to_string())),
            }
        };
        let Some(e) = &reach.eligibility else {
            let source = match spec {
                CohortSpec::Everyone => SampleSource::All,
                CohortSpec::Cohort(c) => cohort_source(c)?,
                CohortSpec::Samples(n) => SampleSource::Names(n.clone()),
                CohortSpec::Rule(r) => SampleSource::Names(rule_names(r)?),
            };
            return Ok(Group { source, names: Vec::new(), print: None });
        };
        let refs = |r: genohub_store::ResolvedSamples| -> BTreeSet<GenomicSampleRef> {
            r.samples.into_iter().map(|s| GenomicSampleRef { center: s.center, name: s.name }).collect()
        };
        let wanted: BTreeSet<GenomicSampleRef> = match spec {
            CohortSpec::Everyone => e.samples.clone(),
            CohortSpec::Cohort(c) => refs(genohub_analysis::resolve(store, &cohort_source(c)?)?),
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
        let present = refs(store.resolve_samples(&SampleSelection::All)?);
        let chosen: Vec<&GenomicSampleRef> = wanted.iter().filter(|s| e.samples.contains(*s) && present.contains(*s)).collect();
        let print = CohortPrint::of(e.individuals(chosen.iter().copied()));
        let names: Vec<String> = chosen.iter().map(|s| qualified(s)).collect();
        if names.is_empty() && reach.project.is_none() {
            return Err(GovernanceError::input("the cohort has no sample you may read"));
        }
        Ok(Group { source: SampleSource::Names(names.clone()), names, print: Some(print) })
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
                let print = g.print.as_ref().expect("scoped groups have a print");
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
                history::remember(&mut b, &p.id, g.print.as_ref().expect("scoped groups have a print"));
            }
        }
        engine.write(b, true)?;
        verdict
    }

    pub fn cohort_size(&self, project: Option<&str>, cohort: &CohortSpec) -> Result<CohortSize> {
        self.run(Operation::CohortSize, project, json!({"cohort": cohort}), |granted| {
            let reach = self.reach(Operation::CohortSize, granted, project)?;
            let g = self.group(&reach, cohort, false)?;
            self.gate(&reach, &[&g])?;
            let size = match &g.print {
                Some(p) => CohortSize { samples: reach.control.count(g.names.len() as u64), individuals: Some(reach.control.count(p.len() as u64)) },
                None => CohortSize { samples: Count::Exact(genohub_analysis::resolve(self.store(), &g.source)?.samples.len() as u64), individuals: None },
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
            let req = FreqRequest { regions, samples: g.source };
            let n = genohub_analysis::freq(self.store(), &req, |row| out.push(DisclosedFreqRow::new(row, &reach.control)))?;
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
            req.samples = g.source;
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
            req.cases = case_group.source;
            req.controls = control_group.source;
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
