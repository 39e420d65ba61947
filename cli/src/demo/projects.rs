//! Research projects: the company submits two (one approved, one rejected), the academic
//! organisation one (approved); the committee decides each.

use anyhow::Result;

use genohub_governance::{AccessLevel, Approval, Hub, Operation, Project, ProjectRequest};

use super::setup::Cast;

pub struct Decided {
    pub approved: String,
    pub rejected: String,
    pub academic: String,
}

fn request(title: &str, analyses: Vec<Operation>, access: AccessLevel) -> ProjectRequest {
    ProjectRequest {
        title: title.into(),
        research: "HMB".into(),
        disease: None,
        members: vec![],
        analyses,
        cohort_rule: None,
        access,
        irb: Some("IRB-2026-114".into()),
        accepted_conditions: vec![],
        start: None,
        expires: None,
    }
}

fn show(p: &Project) {
    if p.status.name() == "approved" {
        println!("{}: \"{}\" -> {} (k={}, min cohort {})", p.id, p.title, p.status.name(), p.disclosure.k, p.disclosure.min_cohort);
    } else {
        println!("{}: \"{}\" -> {}", p.id, p.title, p.status.name());
    }
}

pub fn decide(hub: &Hub, cast: &Cast) -> Result<Decided> {
    println!("\n== the company submits two projects, the university one; the committee decides");
    let analyst = hub.authenticate(cast.token("analyst"))?;
    let professor = hub.authenticate(cast.token("prof-tohoku"))?;
    let committee = hub.authenticate(cast.token("dr-review"))?;
    let aggregates = vec![Operation::CohortSize, Operation::Freq, Operation::Assoc, Operation::VariantLookup, Operation::AfDist];
    let ok = analyst.submit_project(&request("Germline modifiers of response across solid tumours", aggregates.clone(), AccessLevel::Aggregate))?;
    let bad = analyst.submit_project(&request("Individual genotypes of all LUAD patients", vec![Operation::Genotypes], AccessLevel::Record))?;
    let academic = professor.submit_project(&request("Germline architecture of cancer risk (non-commercial)", aggregates, AccessLevel::Aggregate))?;
    let approval = Approval { conditions: "aggregate results only".into(), ..Default::default() };
    show(&committee.approve_project(&ok.id, &approval)?);
    show(&committee.reject_project(&bad.id, "record-level genotypes are not justified for this aim")?);
    show(&committee.approve_project(&academic.id, &approval)?);
    Ok(Decided { approved: ok.id, rejected: bad.id, academic: academic.id })
}
