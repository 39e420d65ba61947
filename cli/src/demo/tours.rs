//! What each role does on the demo hub, printed with the hub's real answers.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use genohub_analysis::{AssocRequest, AssocTest, SampleSource};
use genohub_governance::{AuditFilter, CohortSpec, Count, DisclosedFreqRow, Hub};
use genohub_store::Region;

use super::setup::{DemoHub, CONTIG, LENGTH};

fn region(s: &str) -> Result<Region> {
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
    let rows = s.variant_lookup(None, region(&format!("{CONTIG}:100001-110000"))?)?;
    let row = rows.iter().find(|r| r.ac.exact().is_some_and(|n| n > 0)).context("no variant carried near 100 kb")?;
    println!("variant lookup {CONTIG}:100001-110000: {} variants; first carried: {} (over patients consenting to clinical care)", rows.len(), freq_line(row));
    let other = d.patients.iter().find(|p| p.hospital == "kyoto-hosp" && !p.withdrawn).context("kyoto patient")?;
    let at = region(&format!("{}:{}-{}", row.chrom, row.pos, row.pos))?;
    let view = s.genotypes(None, vec![at.clone()], &CohortSpec::Everyone)?;
    let mut text = Vec::new();
    view.write(&mut |b| {
        text.extend_from_slice(b);
        Ok(())
    })?;
    let text = String::from_utf8_lossy(&text);
    let line = text.lines().find(|l| l.split('\t').nth(1) == Some(row.pos.to_string().as_str())).context("the looked-up variant in the view")?;
    let gts: Vec<&str> = line.split('\t').skip(9).collect();
    let carriers: Vec<(&String, &str)> = view.samples.iter().zip(gts.iter().copied()).filter(|(_, g)| g.contains('1')).collect();
    println!("genotypes of own patients at {}:{}: {} patients, {} carriers", row.chrom, row.pos, view.samples.len(), carriers.len());
    if let Some((name, gt)) = carriers.first() {
        let own = d.patients.iter().find(|p| format!("{}/{}", p.center, p.sample) == **name || p.sample == **name).context("carrier's patient")?;
        println!("own patient {} ({}, sample {}/{}): genotype {gt}", own.local_id, own.cancer, own.center, own.sample);
    }
    let other_name = format!("{}/{}", other.center, other.sample);
    refused(&format!("genotype of kyoto-hosp's patient {other_name}"), s.genotypes(None, vec![at], &CohortSpec::Samples(vec![other_name.clone()])))
}

pub fn company(hub: &Hub, d: &DemoHub) -> Result<()> {
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
    refused("freq outside any project", s.freq(None, vec![region(&reg)?], &CohortSpec::Everyone, |_| Ok(())))
}

pub fn committee(hub: &Hub, d: &DemoHub) -> Result<()> {
    println!("\n== review committee (dr-review): the effective set, and the audit log");
    let s = hub.authenticate(d.cast.token("dr-review"))?;
    let x = s.explain_project(&d.approved)?;
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
