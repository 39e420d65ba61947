#![allow(dead_code)]
//! Helpers shared by the reads tests: scanning into memory, per-base expansion, and running
//! mosdepth / samtools as oracles when installed.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;

use genohub_reads::{rle, FinishedBin, ReadsScan, ScanOptions, ScanOutcome};

pub struct Scanned {
    pub outcome: ScanOutcome,
    pub bins: Vec<FinishedBin>,
}

pub fn scan(path: &Path, opts: ScanOptions) -> Result<Scanned, genohub_reads::ReadsError> {
    let s = ReadsScan::open(path, opts)?;
    let mut bins = Vec::new();
    let outcome = s.run(
        &mut |b| {
            bins.push(b);
            Ok(())
        },
        &|_, _| {},
    )?;
    Ok(Scanned { outcome, bins })
}

impl Scanned {
    /// Per-base depth of every contig (index = 0-based position).
    pub fn per_base(&self) -> BTreeMap<String, Vec<u32>> {
        let mut out = BTreeMap::new();
        for (i, c) in self.outcome.header.contigs.iter().enumerate() {
            let mut v = vec![0u32; c.length as usize];
            for b in self.bins.iter().filter(|b| b.contig == i) {
                let runs = rle::decode(&b.encoded).expect("decodable bin");
                let mut pos = (b.bin as usize) << genohub_reads::BIN_SHIFT;
                for r in runs {
                    v[pos..pos + r.len as usize].fill(r.depth);
                    pos += r.len as usize;
                }
            }
            out.insert(c.name.clone(), v);
        }
        out
    }
}

/// Depth as maximal runs `(start, end, depth)` covering each contig (0-based, end exclusive).
pub type Runs = BTreeMap<String, Vec<(u64, u64, u32)>>;

fn push_run(v: &mut Vec<(u64, u64, u32)>, start: u64, end: u64, depth: u32) {
    if start >= end {
        return;
    }
    match v.last_mut() {
        Some(last) if last.2 == depth && last.1 == start => last.1 = end,
        _ => v.push((start, end, depth)),
    }
}

impl Scanned {
    /// Depth of every contig as maximal runs, without expanding to bases.
    pub fn runs(&self) -> Runs {
        let mut out = Runs::new();
        for (i, c) in self.outcome.header.contigs.iter().enumerate() {
            let mut v = Vec::new();
            let mut pos = 0u64;
            for b in self.bins.iter().filter(|b| b.contig == i) {
                let start = (b.bin as u64) << genohub_reads::BIN_SHIFT;
                push_run(&mut v, pos, start, 0);
                pos = start;
                for r in rle::decode(&b.encoded).expect("decodable bin") {
                    push_run(&mut v, pos, pos + r.len as u64, r.depth);
                    pos += r.len as u64;
                }
            }
            push_run(&mut v, pos, c.length, 0);
            out.insert(c.name.clone(), v);
        }
        out
    }
}

/// mosdepth's per-base.bed.gz as maximal runs.
pub fn mosdepth_runs(bam: &Path, dir: &Path, extra: &[&str]) -> Runs {
    let prefix = run_mosdepth(bam, dir, extra);
    let f = std::fs::File::open(format!("{}.per-base.bed.gz", prefix.display())).unwrap();
    let mut out = Runs::new();
    for line in BufReader::new(flate2::read::MultiGzDecoder::new(f)).lines() {
        let line = line.unwrap();
        let f: Vec<&str> = line.split('\t').collect();
        push_run(out.entry(f[0].to_string()).or_default(), f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap());
    }
    out
}

fn run_mosdepth(bam: &Path, dir: &Path, extra: &[&str]) -> PathBuf {
    let is_cram = bam.extension().is_some_and(|e| e == "cram");
    let index = if is_cram { format!("{}.crai", bam.display()) } else { format!("{}.bai", bam.display()) };
    if !Path::new(&index).exists() {
        let st = Command::new("samtools").arg("index").arg(bam).status().expect("samtools runs");
        assert!(st.success(), "samtools index {}", bam.display());
    }
    let prefix = dir.join("mosdepth-out");
    let st = Command::new("mosdepth").args(["-t", "2"]).args(extra).arg(&prefix).arg(bam).status().expect("mosdepth runs");
    assert!(st.success(), "mosdepth on {}", bam.display());
    prefix
}

pub fn has_tool(name: &str) -> bool {
    Command::new(name).arg("--version").output().is_ok()
}

pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// Runs mosdepth (default mode) on `bam` (indexed first with samtools when needed) and returns
/// its per-base depth by contig.
pub fn mosdepth_per_base(bam: &Path, dir: &Path, extra: &[&str]) -> BTreeMap<String, Vec<u32>> {
    let prefix = run_mosdepth(bam, dir, extra);
    read_bed_gz(&PathBuf::from(format!("{}.per-base.bed.gz", prefix.display())))
}

pub fn read_bed_gz(path: &Path) -> BTreeMap<String, Vec<u32>> {
    let f = std::fs::File::open(path).unwrap();
    let r = BufReader::new(flate2::read::MultiGzDecoder::new(f));
    let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for line in r.lines() {
        let line = line.unwrap();
        let f: Vec<&str> = line.split('\t').collect();
        let (s, e, d): (usize, usize, u32) = (f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap());
        let v = out.entry(f[0].to_string()).or_default();
        if v.len() < e {
            v.resize(e, 0);
        }
        v[s..e].fill(d);
    }
    out
}

/// `samtools depth -a` per-base depth (1-based positions) for the contigs that have reads.
pub fn samtools_depth(bam: &Path, extra: &[&str]) -> BTreeMap<String, Vec<u32>> {
    let out = Command::new("samtools").args(["depth", "-a"]).args(extra).arg(bam).output().expect("samtools runs");
    assert!(out.status.success(), "samtools depth: {}", String::from_utf8_lossy(&out.stderr));
    let mut m: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for line in out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let line = std::str::from_utf8(line).unwrap();
        let f: Vec<&str> = line.split('\t').collect();
        let (p, d): (usize, u32) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        let v = m.entry(f[0].to_string()).or_default();
        if v.len() < p {
            v.resize(p, 0);
        }
        v[p - 1] = d;
    }
    m
}

/// First position where two depth tracks differ, for a readable failure.
pub fn first_difference(a: &[u32], b: &[u32]) -> Option<(usize, u32, u32)> {
    let n = a.len().max(b.len());
    (0..n).map(|i| (i, a.get(i).copied().unwrap_or(0), b.get(i).copied().unwrap_or(0))).find(|(_, x, y)| x != y)
}
