//! Oracle test: `normalize()` must give exactly what `bcftools norm -f ref.fa -m- --check-ref e`
//! gives (pos, REF, ALT) for thousands of random SNPs, MNPs, indels and complex records placed
//! anywhere on a random reference full of repeats, with a plain and a bgzip-compressed FASTA.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use common::{run, tool_available, write_fasta, TestRng};
use genohub_reference::{normalize, ReferenceFasta};

const RECORDS_PER_RUN: usize = 6_000;

/// A reference made of repeats: homopolymers (some longer than bcftools' 100-base padding
/// step), short tandem repeats, copies of earlier sequence, N runs, IUPAC codes and
/// soft-masked (lowercase) stretches.
fn random_reference(rng: &mut TestRng, length: usize) -> Vec<u8> {
    let mut seq: Vec<u8> = Vec::with_capacity(length + 400);
    while seq.len() < length {
        let mut segment: Vec<u8> = match rng.range(0, 99) {
            0..=29 => (0..rng.range(1, 30)).map(|_| rng.base()).collect(),
            30..=49 => {
                let base = rng.base();
                let run = if rng.chance(3) { rng.range(100, 260) } else { rng.range(2, 25) };
                vec![base; run as usize]
            }
            50..=79 => {
                let unit: Vec<u8> = (0..rng.range(2, 6)).map(|_| rng.base()).collect();
                let copies = rng.range(2, 15) as usize;
                unit.iter().copied().cycle().take(unit.len() * copies).collect()
            }
            80..=93 if seq.len() > 200 => {
                let len = rng.range(10, 120) as usize;
                let from = rng.range(0, (seq.len() - len) as u64) as usize;
                seq[from..from + len].to_ascii_uppercase()
            }
            94..=96 => vec![b'N'; rng.range(1, 30) as usize],
            97..=98 => vec![b"RYKMSWBDHV"[rng.range(0, 9) as usize]],
            _ => (0..rng.range(1, 10)).map(|_| rng.base()).collect(),
        };
        if rng.chance(20) {
            segment.make_ascii_lowercase();
        }
        seq.extend_from_slice(&segment);
    }
    seq.truncate(length);
    seq
}

/// The VCF REF for `len` bases at 0-based `start`: FASTA bases with IUPAC codes as N (bcftools
/// rejects IUPAC in REF), sometimes lowercase to exercise case-insensitive comparison.
fn vcf_ref(rng: &mut TestRng, seq: &[u8], start: usize, len: usize) -> Vec<u8> {
    let mut bases: Vec<u8> = seq[start..start + len]
        .iter()
        .map(|b| match b.to_ascii_uppercase() {
            c @ (b'A' | b'C' | b'G' | b'T' | b'N') => c,
            _ => b'N',
        })
        .collect();
    if rng.chance(5) {
        bases.make_ascii_lowercase();
    }
    bases
}

fn random_bases(rng: &mut TestRng, min_len: u64, max_len: u64) -> Vec<u8> {
    let len = rng.range(min_len, max_len);
    (0..len).map(|_| if rng.chance(3) { b'N' } else { rng.base() }).collect()
}

/// One random biallelic record: (0-based start, REF, ALT), ALT != REF.
fn random_record(rng: &mut TestRng, seq: &[u8]) -> (usize, Vec<u8>, Vec<u8>) {
    loop {
        let len = seq.len();
        // Favour the contig edges, where bcftools has special cases.
        let start = match rng.range(0, 99) {
            0..=7 => rng.range(0, 6.min(len as u64 - 1)) as usize,
            8..=11 => len - 1 - rng.range(0, 6) as usize,
            _ => rng.range(0, len as u64 - 1) as usize,
        };
        let room = (len - start) as u64;
        let kind = rng.range(0, 4);
        let ref_len = match kind {
            0 => 1,
            1 => rng.range(1, 5),
            2 => rng.range(2, 14),
            _ => rng.range(1, 7),
        }
        .min(room) as usize;
        let reference = vcf_ref(rng, seq, start, ref_len);
        let upper = reference.to_ascii_uppercase();
        let alternate: Vec<u8> = match kind {
            // SNP
            0 => vec![rng.base()],
            // Insertion anywhere inside REF, often duplicating neighbouring bases (repeats).
            1 => {
                let at = rng.range(0, ref_len as u64) as usize;
                let inserted = if rng.chance(60) && start + at >= 1 {
                    let unit = rng.range(1, 6).min((start + at) as u64) as usize;
                    vcf_ref(rng, seq, start + at - unit, unit).to_ascii_uppercase()
                } else {
                    random_bases(rng, 1, 8)
                };
                [&upper[..at], &inserted[..], &upper[at..]].concat()
            }
            // Deletion of a stretch inside REF (ALT keeps at least one base).
            2 => {
                if ref_len < 2 {
                    continue;
                }
                let from = rng.range(0, ref_len as u64 - 1) as usize;
                let to = rng.range(from as u64 + 1, ref_len as u64) as usize;
                if to - from == ref_len {
                    continue;
                }
                [&upper[..from], &upper[to..]].concat()
            }
            // MNP: same length, some bases changed.
            3 => upper.iter().map(|&b| if rng.chance(50) { rng.base() } else { b }).collect(),
            // Complex: unrelated bases of another length.
            _ => random_bases(rng, 1, 7),
        };
        if alternate.eq_ignore_ascii_case(&reference) {
            continue;
        }
        return (start, reference, alternate);
    }
}

struct Record {
    id: String,
    contig: String,
    pos: u64,
    reference: Vec<u8>,
    alternate: Vec<u8>,
}

fn write_vcf(path: &Path, contigs: &[(String, Vec<u8>)], records: &[Record]) {
    let mut text = String::from("##fileformat=VCFv4.2\n");
    for (name, seq) in contigs {
        text += &format!("##contig=<ID={name},length={}>\n", seq.len());
    }
    text += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
    for r in records {
        text += &format!("{}\t{}\t{}\t{}\t{}\t.\t.\t.\n", r.contig, r.pos, r.id, String::from_utf8_lossy(&r.reference), String::from_utf8_lossy(&r.alternate));
    }
    fs::write(path, text).unwrap();
}

/// bcftools' answer per record ID: (pos, REF, ALT), uppercased (bcftools keeps FASTA case in
/// padding bases; this crate always uppercases).
fn bcftools_norm(fasta: &Path, vcf: &Path) -> HashMap<String, (u64, String, String)> {
    let out = run("bcftools", &["norm", "-f", fasta.to_str().unwrap(), "-m-", "--check-ref", "e", "--no-version", vcf.to_str().unwrap()]);
    String::from_utf8(out)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields[2].to_string(), (fields[1].parse().unwrap(), fields[3].to_ascii_uppercase(), fields[4].to_ascii_uppercase()))
        })
        .collect()
}

fn oracle_run(seed: u64, compress: bool) {
    for tool in ["bcftools", "samtools"].iter().chain(compress.then_some(&"bgzip")) {
        if !tool_available(tool) {
            println!("SKIPPED: {tool} not found; the bcftools oracle comparison did not run");
            return;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut rng = TestRng::new(seed);
    // A long contig (beyond the 256 kb cache window), a medium one and a tiny one.
    let contigs: Vec<(String, Vec<u8>)> =
        [("chrA", 700_000), ("chrB", 40_000), ("chrC", 300)].iter().map(|&(name, len)| (name.to_string(), random_reference(&mut rng, len))).collect();
    let plain = dir.path().join("ref.fa");
    write_fasta(&plain, &contigs, 60);
    let fasta_path = if compress {
        let gz = dir.path().join("ref.fa.gz");
        fs::write(&gz, run("bgzip", &["-c", plain.to_str().unwrap()])).unwrap();
        fs::remove_file(&plain).unwrap();
        gz
    } else {
        plain
    };
    // Writes .fai (and .gzi for the compressed file).
    run("samtools", &["faidx", fasta_path.to_str().unwrap()]);

    let mut records: Vec<Record> = (0..RECORDS_PER_RUN)
        .map(|i| {
            let which = match rng.range(0, 9) {
                0..=5 => 0,
                6..=8 => 1,
                _ => 2,
            };
            let (name, seq) = &contigs[which];
            let (start, reference, alternate) = random_record(&mut rng, seq);
            Record { id: format!("v{i}"), contig: name.clone(), pos: start as u64 + 1, reference, alternate }
        })
        .collect();
    records.sort_by(|a, b| (&a.contig, a.pos).cmp(&(&b.contig, b.pos)));
    let vcf = dir.path().join("in.vcf");
    write_vcf(&vcf, &contigs, &records);

    let expected = bcftools_norm(&fasta_path, &vcf);
    assert_eq!(expected.len(), records.len(), "bcftools dropped or added records");

    let fasta = ReferenceFasta::open(&fasta_path).unwrap();
    let mut mismatches = Vec::new();
    let mut changed = 0;
    for r in &records {
        let got = normalize(&fasta, &r.contig, r.pos, &r.reference, &r.alternate).unwrap_or_else(|e| panic!("{} {}:{}: {e}", r.id, r.contig, r.pos));
        let got_triple = (got.pos, String::from_utf8(got.reference).unwrap(), String::from_utf8(got.alternate).unwrap());
        let want = &expected[&r.id];
        let input = (r.pos, String::from_utf8_lossy(&r.reference).to_ascii_uppercase(), String::from_utf8_lossy(&r.alternate).to_ascii_uppercase());
        if &got_triple != want || got.changed != (want != &input) {
            mismatches
                .push(format!("{} {}:{} {}>{}: bcftools {want:?}, ours {got_triple:?} changed={}", r.id, r.contig, input.0, input.1, input.2, got.changed));
        }
        changed += usize::from(want != &input);
    }
    println!(
        "compared {} records with bcftools norm ({} FASTA): {} realigned by bcftools, {} mismatches",
        records.len(),
        if compress { "bgzip" } else { "plain" },
        changed,
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    // The generator must really exercise realignment.
    assert!(changed > records.len() / 3, "only {changed} records needed normalising");
}

#[test]
fn normalize_matches_bcftools_with_plain_fasta() {
    oracle_run(20_240_601, false);
}

#[test]
fn normalize_matches_bcftools_with_bgzip_fasta() {
    oracle_run(77_777, true);
}
