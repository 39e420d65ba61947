//! What each role does on the demo hub, printed with the hub's real answers.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use genohub_analysis::{AssocRequest, AssocTest, SampleSource};
use genohub_governance::{AuditFilter, CohortSpec, Count, DisclosedFreqRow, Hub};
use genohub_store::Region;

use super::patients::ConsentKind;
use super::setup::{DemoHub, COMPANY, CONTIG, LENGTH, UNIVERSITY};

pub fn region(s: &str) -> Result<Region> {
    s.parse().map_err(|e| anyhow::anyhow!("region {s}: {e}"))
}

fn refused<T>(what: &str, r: genohub_governance::error::Result<T>) -> Result<()> {
    match r {
        Ok(_) => anyhow::bail!("{what}: expected a refusal, got an answer"),
        Err(e) => {
            println!("{what}: REFUSED ({e})");
            Ok(())
        }
    }
}

fn freq_line(r: &DisclosedFreqRow) -> String {
    format!("{}:{} {}>{}  AC={} AN={} het={} hom_alt={}", r.chrom, r.pos, r.reference, r.alternate, r.ac, r.an, r.het, r.hom_alt)
}

pub fn clinician(hub: &Hub, d: &DemoHub) -> Result<()> {
    println!("\n== clinician (dr-todai, todai-hosp): a variant, then its own patient");
    let s = hub.authenticate(d.cast.token("dr-todai"))?;
    let reg = region(&format!("{CONTIG}:100001-110000"))?;
    let rows = s.variant_lookup(None, reg.clone())?;
    let view = s.genotypes(None, vec![reg], &CohortSpec::Everyone)?;
    let mut text = Vec::new();
    view.write(&mut |b| {
        text.extend_from_slice(b);
        Ok(())
    })?;
    let text = String::from_utf8_lossy(&text);
    let own_line = |r: &DisclosedFreqRow| {
        text.lines().map(|l| l.split('\t').collect::<Vec<_>>()).find(|f| f.len() > 9 && f[1] == r.pos.to_string() && f[3] == r.reference && f[4] == r.alternate)
    };
    // The first variant some of this hospital's own patients carry (others may be carried only
    // by other hospitals' patients).
    let (row, gts) = rows
        .iter()
        .filter(|r| r.ac.exact().is_some_and(|n| n > 0))
        .find_map(|r| own_line(r).filter(|f| f[9..].iter().any(|g| g.contains('1'))).map(|f| (r, f[9..].to_vec())))
        .context("no variant near 100 kb carried by the hospital's own patients")?;
    println!(
        "variant lookup {CONTIG}:100001-110000: {} variants; one its patients carry: {} (over patients consenting to clinical care)",
        rows.len(),
        freq_line(row)
    );
    let other = d.patients.iter().find(|p| p.hospital == "kyoto-hosp" && !p.withdrawn).context("kyoto patient")?;
    let at = region(&format!("{}:{}-{}", row.chrom, row.pos, row.pos))?;
    let carriers: Vec<(&String, &str)> = view.samples.iter().zip(gts.iter().copied()).filter(|(_, g)| g.contains('1')).collect();
    println!("genotypes of own patients at {}:{}: {} patients, {} carriers", row.chrom, row.pos, view.samples.len(), carriers.len());
    if let Some((name, gt)) = carriers.first() {
        let own = d.patients.iter().find(|p| format!("{}/{}", p.center, p.sample) == **name || p.sample == **name).context("carrier's patient")?;
        println!("own patient {} ({}, sample {}/{}): genotype {gt}", own.local_id, own.cancer, own.center, own.sample);
    }
    let other_name = format!("{}/{}", other.center, other.sample);
    refused(&format!("genotype of kyoto-hosp's patient {other_name}"), s.genotypes(None, vec![at], &CohortSpec::Samples(vec![other_name.clone()])))
}

/// Returns the approved project's effective set (individuals), for the academic comparison.
pub fn company(hub: &Hub, d: &DemoHub) -> Result<Option<u64>> {
    println!("\n== company (analyst, pharma-co): aggregates inside approved project {}", d.approved);
    let s = hub.authenticate(d.cast.token("analyst"))?;
    let p = Some(d.approved.as_str());
    let size = s.cohort_size(p, &CohortSpec::Everyone)?;
    println!(
        "project {} effective set: {} individuals of {} registered patients (samples {})",
        d.approved,
        size.individuals.map_or("?".into(), |c| c.to_string()),
        d.patients.len(),
        size.samples
    );

    let reg = format!("{CONTIG}:200001-260000");
    let mut rows = Vec::new();
    let n = s.freq(p, vec![region(&reg)?], &CohortSpec::Everyone, |r| {
        rows.push(r);
        Ok(())
    })?;
    let small = rows.iter().filter(|r| matches!(r.ac, Count::Below(_))).count();
    println!("freq {reg}: {n} variants, {small} with an allele count shown as <5 (disclosure control); excerpt:");
    let mut shown: Vec<&DisclosedFreqRow> = rows.iter().filter(|r| matches!(r.ac, Count::Below(_))).take(3).collect();
    shown.extend(rows.iter().filter(|r| matches!(r.ac, Count::Exact(_))).take(3));
    shown.sort_by_key(|r| r.pos);
    for r in shown {
        println!("  {}  AF={}", freq_line(r), r.af.map_or("withheld".into(), |f| format!("{f:.3}")));
    }

    let cases = CohortSpec::Rule("response in (CR, PR)".into());
    let controls = CohortSpec::Rule("response in (SD, PD)".into());
    let req = AssocRequest {
        regions: vec![region(&format!("{CONTIG}:1-{LENGTH}"))?],
        cases: SampleSource::All,
        controls: SampleSource::All,
        test: AssocTest::Fisher,
        covariates: None,
    };
    let mut arows = Vec::new();
    let n = s.assoc(p, req, &cases, &controls, |r| {
        arows.push(r);
        Ok(())
    })?;
    arows.retain(|r| r.p.is_some());
    arows.sort_by(|a, b| a.p.partial_cmp(&b.p).unwrap_or(std::cmp::Ordering::Equal));
    println!("assoc (Fisher) responders (CR/PR) vs non-responders (SD/PD): {n} variants tested, {} with a disclosed p; top 3:", arows.len());
    for r in arows.iter().take(3) {
        println!(
            "  {}:{} {}>{}  cases AC={} controls AC={}  OR={}  p={:.3e}",
            r.chrom,
            r.pos,
            r.reference,
            r.alternate,
            r.case_ac,
            r.control_ac,
            r.odds_ratio.map_or("-".into(), |o| format!("{o:.2}")),
            r.p.unwrap_or(1.0)
        );
    }

    refused("cohort of stage IV PAAD complete responders", s.cohort_size(p, &CohortSpec::Rule("cancer_type = PAAD and stage = IV and response = CR".into())))?;
    let luad = s.cohort_size(p, &CohortSpec::Rule("cancer_type = LUAD".into()))?;
    println!("LUAD patients in the project: {}", luad.individuals.map_or("?".into(), |c| c.to_string()));
    let age = d.patients.iter().find(|p| p.cancer == "LUAD" && p.fits_commercial_hmb()).context("a LUAD patient")?.age;
    refused(
        &format!("LUAD patients except those diagnosed at {age} (a differencing attempt)"),
        s.cohort_size(p, &CohortSpec::Rule(format!("cancer_type = LUAD and age_at_diagnosis != {age}"))),
    )?;
    refused(&format!("cohort size in rejected project {}", d.rejected), s.cohort_size(Some(&d.rejected), &CohortSpec::Everyone))?;
    refused("freq outside any project", s.freq(None, vec![region(&reg)?], &CohortSpec::Everyone, |_| Ok(())))?;
    Ok(size.individuals.and_then(|c| c.exact()))
}

/// The university's non-commercial project reaches patients whose consent excludes commercial
/// use (DUO NCU), which the company's never does.
pub fn academic(hub: &Hub, d: &DemoHub, company: Option<u64>) -> Result<()> {
    println!("\n== university (prof-tohoku, {UNIVERSITY}, academic): inside its non-commercial project {}", d.academic);
    let s = hub.authenticate(d.cast.token("prof-tohoku"))?;
    let size = s.cohort_size(Some(&d.academic), &CohortSpec::Everyone)?;
    let ours = size.individuals.and_then(|c| c.exact());
    let show = |c: Option<u64>| c.map_or("?".to_string(), |c| c.to_string());
    println!("project {} effective set: {} individuals; company project {} ({COMPANY}): {}", d.academic, show(ours), d.approved, show(company));
    let ncu = d.patients.iter().filter(|p| p.consent == ConsentKind::HmbNcu && !p.withdrawn).count();
    if let (Some(a), Some(c)) = (ours, company) {
        println!(
            "difference {}: {ncu} patients consented HMB+NCU (health research, non-commercial use only): eligible for an academic organisation, never for a company",
            a as i64 - c as i64
        );
    }
    Ok(())
}

pub fn committee(hub: &Hub, d: &DemoHub) -> Result<()> {
    println!("\n== review committee (dr-review): the effective sets, and the audit log");
    let s = hub.authenticate(d.cast.token("dr-review"))?;
    for project in [&d.approved, &d.academic] {
        let x = s.explain_project(project)?;
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for v in x.verdicts.iter().filter(|v| !v.included) {
            // One line per kind of reason (DS of another disease, NCU, withdrawn), not per disease.
            let first = v.reasons.first().cloned().unwrap_or_default();
            let kind = match first.split_once("): ") {
                Some((term, _)) if term.starts_with("DS") => format!("{term}): consent limited to another disease"),
                Some((term, why)) => format!("{term}): {why}"),
                None => first,
            };
            *reasons.entry(kind).or_default() += 1;
        }
        println!("explain {} ({}): {} patients included, {} excluded", x.project, x.purpose, x.patients_included, x.patients_excluded);
        for (r, n) in &reasons {
            println!("  {n:>4} excluded: {r}");
        }
    }
    let log = s.audit_log(&AuditFilter::default())?;
    let refusals = log.iter().filter(|e| format!("{:?}", e.decision) != "Allowed").count();
    println!("audit log: {} entries, {refusals} of them refusals or failures", log.len());
    let v = s.audit_verify()?;
    if v.is_ok() {
        println!("audit verify: OK, {} entries, chain and signatures intact", v.entries);
    } else {
        println!("audit verify: FAILED, {} problems", v.problems.len());
    }
    Ok(())
}
