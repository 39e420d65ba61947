//! Per-sample gVCFs: they carry exactly the cohort's genotypes where the sample was callable,
//! tile the callable stretches with reference blocks and leave realistic gaps; and after
//! ingest, genohub's allele counts equal `bcftools merge --gvcf` + `+fill-tags` on the same
//! files (a sample with no call counts as hom-ref only inside its reference blocks).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::process::Command;

use genohub_sim::{reference_sequence, write_sample_gvcfs, CohortParams, CoverageParams, GvcfSummary};

/// One data line of a single-sample gVCF.
#[derive(Debug)]
enum Entry {
    Block { start: u64, end: u64, base: String, min_dp: u64 },
    Variant { pos: u64, reference: String, alts: Vec<String>, gt: [usize; 2] },
}

impl Entry {
    fn span(&self) -> (u64, u64) {
        match self {
            Entry::Block { start, end, .. } => (*start, *end),
            Entry::Variant { pos, reference, .. } => (*pos, pos + reference.len() as u64 - 1),
        }
    }
}

fn read_bgzf(path: &Path) -> String {
    let mut text = String::new();
    noodles_bgzf::io::Reader::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    text
}

fn parse_gvcf(text: &str) -> (String, Vec<Entry>) {
    let mut sample = String::new();
    let mut entries = Vec::new();
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("#CHROM") {
            let columns: Vec<&str> = header.split('\t').collect();
            assert_eq!(columns.len(), 10, "one sample column: {line}");
            sample = columns[9].to_string();
        }
        if line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 10, "{line}");
        let pos: u64 = f[1].parse().unwrap();
        let format: Vec<&str> = f[8].split(':').collect();
        let values: Vec<&str> = f[9].split(':').collect();
        let field = |k: &str| values[format.iter().position(|x| *x == k).unwrap_or_else(|| panic!("no {k} in {line}"))];
        if f[4] == "<NON_REF>" {
            let end = f[7].strip_prefix("END=").unwrap_or_else(|| panic!("block without END: {line}")).parse().unwrap();
            assert_eq!(field("GT"), "0/0", "{line}");
            entries.push(Entry::Block { start: pos, end, base: f[3].to_string(), min_dp: field("MIN_DP").parse().unwrap() });
        } else {
            let alts: Vec<String> = f[4].split(',').map(str::to_string).collect();
            assert_eq!(alts.last().map(String::as_str), Some("<NON_REF>"), "{line}");
            let gt: Vec<usize> = field("GT").split('/').map(|a| a.parse().unwrap()).collect();
            let ad: u64 = field("AD").split(',').map(|a| a.parse::<u64>().unwrap()).sum();
            assert_eq!(ad, field("DP").parse::<u64>().unwrap(), "AD sums to DP: {line}");
            entries.push(Entry::Variant { pos, reference: f[3].to_string(), alts: alts[..alts.len() - 1].to_vec(), gt: [gt[0], gt[1]] });
        }
    }
    (sample, entries)
}

/// An allele as (REF, ALT) with the common suffix removed, so one variant written with
/// different REF paddings compares equal.
fn minimal(reference: &str, alt: &str) -> (String, String) {
    let (mut r, mut a) = (reference.as_bytes(), alt.as_bytes());
    while r.len() > 1 && a.len() > 1 && r.last() == a.last() {
        r = &r[..r.len() - 1];
        a = &a[..a.len() - 1];
    }
    (String::from_utf8(r.to_vec()).unwrap(), String::from_utf8(a.to_vec()).unwrap())
}

/// A genotype as the sorted list of its alleles (None = REF), position-independent.
fn genotype(reference: &str, alts: &[String], gt: [usize; 2]) -> Vec<Option<(String, String)>> {
    let mut g: Vec<Option<(String, String)>> = gt.iter().map(|&a| (a > 0).then(|| minimal(reference, &alts[a - 1]))).collect();
    g.sort();
    g
}

fn params(samples: usize, length: u64, multiallelic_fraction: f64) -> CohortParams {
    CohortParams { samples, length, seed: 11, missing_rate: 0.0, multiallelic_fraction, sample_prefix: "G".into(), ..CohortParams::default() }
}

fn write(dir: &Path, p: &CohortParams, fasta: bool) -> Vec<GvcfSummary> {
    let fasta_path = dir.join("ref.fa");
    write_sample_gvcfs(p, &CoverageParams::default(), dir, fasta.then_some(fasta_path.as_path())).unwrap()
}

#[test]
fn gvcfs_hold_the_cohort_genotypes_where_callable_and_tile_the_rest_with_blocks() {
    let p = params(8, 300_000, 0.05);
    let tmp = tempfile::tempdir().unwrap();
    let summaries = write(tmp.path(), &p, false);
    let cohort = common::simulate(&p);
    let reference = reference_sequence(&p);
    assert_eq!(summaries.len(), 8);

    let mut covered_by: Vec<Vec<bool>> = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        let (name, entries) = parse_gvcf(&read_bgzf(&s.path));
        assert_eq!(name, cohort.samples[i]);
        assert_eq!(s.sample, name);
        // Sorted, disjoint, inside the contig; blocks name the reference base they start on.
        let mut covered = vec![false; p.length as usize + 1];
        let mut last_end = 0;
        for e in &entries {
            let (start, end) = e.span();
            assert!(start > last_end && end >= start && end <= p.length, "{name}: {e:?} after {last_end}");
            last_end = end;
            covered[start as usize..=end as usize].iter_mut().for_each(|c| *c = true);
            if let Entry::Block { base, min_dp, .. } = e {
                assert_eq!(base.as_bytes(), &reference[start as usize - 1..start as usize], "{name}: {e:?}");
                assert!(*min_dp >= 10, "a block is callable depth: {e:?}");
            }
        }
        let blocks = entries.iter().filter(|e| matches!(e, Entry::Block { .. })).count() as u64;
        let variants: BTreeMap<u64, Vec<Option<(String, String)>>> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Variant { pos, reference, alts, gt } => Some((*pos, genotype(reference, alts, *gt))),
                _ => None,
            })
            .collect();
        let callable_bp = covered.iter().filter(|&&c| c).count() as u64;
        assert_eq!((s.blocks, s.variants, s.callable_bp), (blocks, variants.len() as u64, callable_bp), "{name}: summary");
        // Realistic gaps: a few percent of the genome, never everything.
        let uncallable = p.length - callable_bp;
        assert!(uncallable > p.length / 200 && uncallable < p.length / 8, "{name}: {uncallable} bp uncallable");

        // Every carried genotype of the multi-sample VCF is in the gVCF, or the sample was
        // not callable there; nothing else is.
        let mut expected = BTreeMap::new();
        let mut dropped = 0;
        for r in &cohort.records {
            let gt = [r.haplotypes[2 * i] as usize, r.haplotypes[2 * i + 1] as usize];
            if gt == [0, 0] {
                continue;
            }
            if covered[r.position as usize] {
                expected.insert(r.position, genotype(&r.reference, &r.alts, gt));
            } else {
                dropped += 1;
            }
        }
        assert_eq!(variants, expected, "{name}: variant records");
        assert_eq!(s.uncalled_variants, dropped, "{name}");
        covered_by.push(covered);
    }
    // Gaps are partly shared (hard regions): some position is uncallable for several samples
    // while others are callable there.
    let mixed = (1..=p.length as usize).filter(|&pos| (2..=6).contains(&covered_by.iter().filter(|c| !c[pos]).count())).count();
    assert!(mixed > 100, "{mixed} positions where 2-6 of 8 samples are uncallable");
}

#[test]
fn gvcfs_are_deterministic() {
    let p = params(3, 60_000, 0.02);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (sa, sb) = (write(a.path(), &p, false), write(b.path(), &p, false));
    for (x, y) in sa.iter().zip(&sb) {
        assert_eq!(std::fs::read(&x.path).unwrap(), std::fs::read(&y.path).unwrap(), "{}", x.sample);
    }
    let c = tempfile::tempdir().unwrap();
    let sc = write(c.path(), &CohortParams { seed: 12, ..p }, false);
    assert_ne!(read_bgzf(&sa[0].path), read_bgzf(&sc[0].path));
}

#[test]
fn invalid_coverage_is_refused_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = CoverageParams { hard_region_dropout: 1.5, ..CoverageParams::default() };
    let err = write_sample_gvcfs(&params(2, 10_000, 0.0), &bad, tmp.path(), None).unwrap_err().to_string();
    assert!(err.contains("hard_region_dropout"), "{err}");
    let bad = CoverageParams { mean_block_bp: 0.0, ..CoverageParams::default() };
    let err = write_sample_gvcfs(&params(2, 10_000, 0.0), &bad, tmp.path(), None).unwrap_err().to_string();
    assert!(err.contains("mean_block_bp"), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing written");
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

type Counts = BTreeMap<(u64, String, String), (u64, u64)>;

fn genohub_counts(dir: &Path, files: &[GvcfSummary]) -> Counts {
    let store = genohub_store::Store::open(&dir.join("store")).unwrap();
    for f in files {
        let opts = genohub_store::IngestOptions { center: "sim".into(), ..Default::default() };
        store.ingest(&f.path, &opts, &genohub_store::NoProgress).unwrap();
    }
    let req = genohub_analysis::FreqRequest { regions: vec![], samples: genohub_analysis::SampleSource::All };
    let mut counts = Counts::new();
    genohub_analysis::freq(&store, &req, |r| {
        counts.insert((r.pos, r.reference, r.alternate), (r.ac, r.an));
        Ok(())
    })
    .unwrap();
    counts
}

/// `bcftools merge --gvcf REF` (reference blocks become 0/0 where they cover another sample's
/// site, `./.` where the sample has neither block nor record), `norm -m-`, `+fill-tags`.
fn bcftools_counts(dir: &Path, files: &[GvcfSummary]) -> Counts {
    for f in files {
        run(Command::new("bcftools").args(["index", "-t", "-f"]).arg(&f.path));
    }
    let merged = dir.join("merged.bcf");
    run(Command::new("bcftools").args(["merge", "--gvcf"]).arg(dir.join("ref.fa")).args(["-Ob", "-o"]).arg(&merged).args(files.iter().map(|f| &f.path)));
    let split = dir.join("split.bcf");
    run(Command::new("bcftools").args(["norm", "-m-", "-Ob", "-o"]).arg(&split).arg(&merged));
    let tagged = run(Command::new("bcftools").args(["+fill-tags", "-Ov"]).arg(&split).args(["--", "-t", "AN,AC"]));
    let mut counts = Counts::new();
    for line in String::from_utf8(tagged).unwrap().lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        if f[4].starts_with('<') {
            continue; // reference blocks and the split-off <NON_REF> alleles
        }
        let info = |k: &str| -> u64 { f[7].split(';').find_map(|x| x.strip_prefix(k)).unwrap_or_else(|| panic!("{k} in {line}")).parse().unwrap() };
        counts.insert((f[1].parse().unwrap(), f[3].to_string(), f[4].to_string()), (info("AC="), info("AN=")));
    }
    counts
}

#[test]
fn freq_over_ingested_gvcfs_equals_bcftools_merge_gvcf() {
    if Command::new("bcftools").arg("--version").output().is_err() {
        eprintln!("skipping: bcftools not installed");
        return;
    }
    // Biallelic sites: two samples' records of one site then always name the same alleles.
    let p = params(12, 250_000, 0.0);
    let tmp = tempfile::tempdir().unwrap();
    let files = write(tmp.path(), &p, true);
    let ours = genohub_counts(tmp.path(), &files);
    let theirs = bcftools_counts(tmp.path(), &files);
    assert!(ours.len() > 500, "{} variants", ours.len());
    let differ: Vec<_> = ours.iter().filter(|(k, v)| theirs.get(*k) != Some(*v)).take(5).map(|(k, v)| (k, v, theirs.get(k))).collect();
    assert!(differ.is_empty(), "genohub vs bcftools (AC, AN): {differ:?}");
    assert_eq!(ours.keys().collect::<BTreeSet<_>>(), theirs.keys().collect::<BTreeSet<_>>());
    // The rule matters: many sites have samples that were not callable there.
    let full = 2 * p.samples as u64;
    let short = ours.values().filter(|(_, an)| *an < full).count();
    eprintln!("{} variants agree with bcftools; {short} have AN < {full}", ours.len());
    assert!(short > ours.len() / 50, "{short} of {} sites with AN < {full}", ours.len());
}

#[test]
fn several_alts_at_one_position_from_different_gvcfs_count_as_bcftools_merge_counts_them() {
    if Command::new("bcftools").arg("--version").output().is_err() {
        eprintln!("skipping: bcftools not installed");
        return;
    }
    // One sample's A>G and another's A>T at the same position: bcftools merges them into one
    // record where each sample is hom-ref for the other's allele, and so does genohub (a sample
    // called at a position by another ALT of the same REF is called for this one).
    let p = params(12, 250_000, 0.3);
    let tmp = tempfile::tempdir().unwrap();
    let files = write(tmp.path(), &p, true);
    // Positions where every allele is a SNV: there REF is one base in both tools' output, so
    // records compare key for key (indels of different lengths at one position are written
    // with different REFs by the two tools, and genohub leaves those to blocks alone).
    let snv_only = |m: &Counts| -> BTreeSet<u64> {
        let mut bad = BTreeSet::new();
        for (pos, r, a) in m.keys() {
            if r.len() != 1 || a.len() != 1 {
                bad.insert(*pos);
            }
        }
        m.keys().map(|k| k.0).filter(|p| !bad.contains(p)).collect()
    };
    let (ours, theirs) = (genohub_counts(tmp.path(), &files), bcftools_counts(tmp.path(), &files));
    let keep: BTreeSet<u64> = snv_only(&ours).intersection(&snv_only(&theirs)).copied().collect();
    let ours: BTreeMap<_, _> = ours.into_iter().filter(|(k, _)| keep.contains(&k.0)).collect();
    let theirs: BTreeMap<_, _> = theirs.into_iter().filter(|(k, _)| keep.contains(&k.0)).collect();
    let mut by_pos: BTreeMap<u64, usize> = Default::default();
    for (pos, _, _) in ours.keys() {
        *by_pos.entry(*pos).or_default() += 1;
    }
    let multi = by_pos.values().filter(|&&n| n > 1).count();
    assert!(multi > 20, "{multi} positions with several ALTs");
    let differ: Vec<_> = ours.iter().filter(|(k, v)| theirs.get(*k) != Some(*v)).take(5).map(|(k, v)| (k, v, theirs.get(k))).collect();
    assert!(differ.is_empty(), "genohub vs bcftools (AC, AN): {differ:?}");
    assert_eq!(ours.keys().collect::<BTreeSet<_>>(), theirs.keys().collect::<BTreeSet<_>>());
    eprintln!("{} variants ({multi} positions with several ALTs) agree with bcftools", ours.len());
}
