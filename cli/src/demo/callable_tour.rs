//! The callable rule seen by osaka-hosp's clinician: its gVCF-sequenced patients at a variant
//! one of them carries. The others are hom-ref where their reference blocks cover the site and
//! missing where they had no block (too little coverage), so AN is less than twice the samples.

use anyhow::{Context, Result};

use genohub_governance::{CohortSpec, Hub};

use super::hospitals::clinician;
use super::setup::{DemoHub, COHORT_CENTER, CONTIG, LENGTH, SMALL_CENTER};
use super::tours::region;

const HOSPITAL: &str = "osaka-hosp";

pub fn osaka_clinician(hub: &Hub, d: &DemoHub) -> Result<()> {
    let user = clinician(HOSPITAL);
    println!("\n== clinician ({user}, {HOSPITAL}): per-sample gVCFs and the callable rule");
    let names: Vec<String> = d
        .patients
        .iter()
        .filter(|p| p.hospital == HOSPITAL && p.center == SMALL_CENTER && !p.withdrawn)
        .map(|p| format!("{}/{}", p.center, p.sample))
        .collect();
    let s = hub.authenticate(d.cast.token(&user))?;
    let view = s.genotypes(None, vec![region(&format!("{CONTIG}:1-{LENGTH}"))?], &CohortSpec::Samples(names.clone()))?;
    let mut text = Vec::new();
    view.write(&mut |b| {
        text.extend_from_slice(b);
        Ok(())
    })?;
    let text = String::from_utf8_lossy(&text);
    let rows: Vec<Vec<&str>> = text.lines().filter(|l| !l.starts_with('#')).map(|l| l.split('\t').collect()).collect();
    let short = |r: &Vec<&str>| r[9..].iter().any(|g| g.starts_with('.'));
    let with_gaps = rows.iter().filter(|r| short(r)).count();
    // An SNV (indels may be moved by left-alignment) one sample carries, others hom-ref, others
    // not callable; the only record at its position (so a sample without a call there had no
    // block, rather than a call of another allele).
    let single = |r: &Vec<&str>| r[3].len() == 1 && r[4].len() == 1 && rows.iter().filter(|o| o[1] == r[1]).count() == 1;
    let row = rows
        .iter()
        .find(|r| short(r) && r[9..].iter().any(|g| g.contains('1')) && r[9..].iter().any(|g| g.starts_with("0/0")) && single(r))
        .context("no osaka-seq site with both hom-ref and uncallable samples")?;
    let sample_name = |i: usize| view.samples[i].rsplit('/').next().unwrap_or_default().to_string();
    let group = |keep: &dyn Fn(&str) -> bool| -> Vec<String> {
        row[9..]
            .iter()
            .enumerate()
            .filter(|(_, g)| keep(g))
            .map(|(i, g)| if g.contains('1') { format!("{} {}", sample_name(i), g.split(':').next().unwrap_or(g)) } else { sample_name(i) })
            .collect()
    };
    let carriers = group(&|g| g.contains('1'));
    let hom_ref = group(&|g| g.starts_with("0/0"));
    let uncallable = group(&|g| g.starts_with('.'));
    let n = view.samples.len();
    println!(
        "genotypes of its {n} gVCF-sequenced patients at {}:{} {}>{}: {} carrier(s), {} hom-ref, {} not callable -> AN {} of {}",
        row[0],
        row[1],
        row[3],
        row[4],
        carriers.len(),
        hom_ref.len(),
        uncallable.len(),
        2 * (carriers.len() + hom_ref.len()),
        2 * n
    );
    println!("  carrier: {}", carriers.join(", "));
    println!("  hom-ref (their reference blocks cover the site): {}", hom_ref.join(" "));
    println!("  ./. (no reference block there: too little coverage to call): {}", uncallable.join(" "));
    println!("{with_gaps} of the {} sites of these patients have some of them not callable", rows.len());
    println!("(a VCF without reference blocks, like {COHORT_CENTER}'s cohort, says nothing about sites it omits: at sites only these");
    println!(" gVCFs hold, its samples count as not callable, which is why some AN values in the company's freq below are small)");
    Ok(())
}
