mod common;

use std::fs;

use common::{run, tool_available, write_fasta, TestRng};
use genohub_reference::{sequence_md5, RefError, ReferenceFasta};

fn random_contig(rng: &mut TestRng, length: usize) -> Vec<u8> {
    (0..length)
        .map(|i| {
            let base = rng.base();
            // Soft-masked stretches: fetch must still return uppercase.
            if (i / 700) % 3 == 1 {
                base.to_ascii_lowercase()
            } else {
                base
            }
        })
        .collect()
}

fn contigs() -> Vec<(String, Vec<u8>)> {
    let mut rng = TestRng::new(7);
    vec![("alpha".to_string(), random_contig(&mut rng, 600_000)), ("beta".to_string(), random_contig(&mut rng, 1_234))]
}

/// Random fetches across window boundaries must equal the uppercased source sequence.
fn assert_fetches_match(fasta: &ReferenceFasta, contigs: &[(String, Vec<u8>)]) {
    let mut rng = TestRng::new(99);
    for _ in 0..400 {
        let (name, seq) = &contigs[(rng.next_u64() % 2) as usize];
        let len = seq.len() as u64;
        let start = rng.range(1, len);
        let end = (start + rng.range(0, 400)).min(len);
        let expected = seq[(start - 1) as usize..end as usize].to_ascii_uppercase();
        assert_eq!(fasta.fetch(name, start, end).unwrap(), expected, "{name}:{start}-{end}");
    }
    // A fetch far larger than the cache window is served whole.
    let (name, seq) = &contigs[0];
    assert_eq!(fasta.fetch(name, 1, seq.len() as u64).unwrap(), seq.to_ascii_uppercase());
}

#[test]
fn plain_fasta_without_fai_is_indexed_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ref.fa");
    let contigs = contigs();
    write_fasta(&path, &contigs, 60);
    let fasta = ReferenceFasta::open(&path).unwrap();
    assert!(!dir.path().join("ref.fa.fai").exists(), "no index file is written");
    assert_eq!(fasta.contigs(), vec![("alpha".to_string(), 600_000), ("beta".to_string(), 1_234)]);
    assert_eq!(fasta.contig_length("beta"), Some(1_234));
    assert_eq!(fasta.contig_length("gamma"), None);
    assert_fetches_match(&fasta, &contigs);
    assert_eq!(fasta.contig_md5("beta").unwrap(), sequence_md5(&contigs[1].1));
}

#[test]
fn errors_name_the_contig_and_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ref.fa");
    write_fasta(&path, &contigs(), 70);
    let fasta = ReferenceFasta::open(&path).unwrap();

    let err = fasta.fetch("gamma", 1, 10).unwrap_err();
    assert!(matches!(err, RefError::UnknownContig { ref contig, .. } if contig == "gamma"));
    assert!(err.to_string().contains("gamma"));

    let err = fasta.fetch("beta", 1_230, 1_240).unwrap_err();
    assert!(matches!(err, RefError::OutOfRange { length: 1_234, start: 1_230, end: 1_240, .. }));
    assert!(err.to_string().contains("beta:1230-1240"), "{err}");

    assert!(matches!(fasta.fetch("beta", 0, 5), Err(RefError::InvalidRange { .. })));
    assert!(matches!(fasta.fetch("beta", 9, 5), Err(RefError::InvalidRange { .. })));
    assert_eq!(fasta.fetch("beta", 1_234, 1_234).unwrap().len(), 1);
}

#[test]
fn samtools_fai_with_lf_and_crlf_line_endings() {
    if !tool_available("samtools") {
        println!("SKIPPED: samtools not found, cannot build a .fai to test against");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ref.fa");
    let contigs = contigs();
    write_fasta(&path, &contigs, 61);
    run("samtools", &["faidx", path.to_str().unwrap()]);
    let fasta = ReferenceFasta::open(&path).unwrap();
    assert_fetches_match(&fasta, &contigs);
    assert_eq!(fasta.contig_md5("alpha").unwrap(), sequence_md5(&contigs[0].1));
    // samtools dict computes the same M5 as contig_md5.
    let dict = String::from_utf8(run("samtools", &["dict", path.to_str().unwrap()])).unwrap();
    assert!(dict.contains(&format!("M5:{}", sequence_md5(&contigs[0].1))), "{dict}");

    let crlf = dir.path().join("crlf.fa");
    let text = fs::read_to_string(&path).unwrap().replace('\n', "\r\n");
    fs::write(&crlf, text).unwrap();
    run("samtools", &["faidx", crlf.to_str().unwrap()]);
    assert_fetches_match(&ReferenceFasta::open(&crlf).unwrap(), &contigs);
}

#[test]
fn bgzip_fasta_needs_fai_and_gzi() {
    if !tool_available("samtools") || !tool_available("bgzip") {
        println!("SKIPPED: samtools/bgzip not found, cannot make a bgzip-compressed FASTA");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("ref.fa");
    let contigs = contigs();
    write_fasta(&plain, &contigs, 60);
    let gz = dir.path().join("ref.fa.gz");
    fs::write(&gz, run("bgzip", &["-c", plain.to_str().unwrap()])).unwrap();

    let err = ReferenceFasta::open(&gz).err().expect("no .fai yet");
    assert!(err.to_string().contains("ref.fa.gz.fai"), "{err}");

    run("samtools", &["faidx", gz.to_str().unwrap()]);
    fs::rename(dir.path().join("ref.fa.gz.gzi"), dir.path().join("moved.gzi")).unwrap();
    let err = ReferenceFasta::open(&gz).err().expect("no .gzi");
    assert!(matches!(err, RefError::MissingIndex { .. }));
    assert!(err.to_string().contains("ref.fa.gz.gzi"), "{err}");

    fs::rename(dir.path().join("moved.gzi"), dir.path().join("ref.fa.gz.gzi")).unwrap();
    let fasta = ReferenceFasta::open(&gz).unwrap();
    assert_fetches_match(&fasta, &contigs);
}

#[test]
fn plain_gzip_is_rejected_with_advice() {
    if !tool_available("gzip") {
        println!("SKIPPED: gzip not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("ref.fa");
    write_fasta(&plain, &contigs(), 60);
    let gz = dir.path().join("ref.fa.gz");
    fs::write(&gz, run("gzip", &["-c", plain.to_str().unwrap()])).unwrap();
    let err = ReferenceFasta::open(&gz).err().unwrap();
    assert!(matches!(err, RefError::NotBgzf { .. }), "{err}");
}

#[test]
fn fetch_is_usable_from_several_threads() {
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<ReferenceFasta>();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ref.fa");
    let contigs = contigs();
    write_fasta(&path, &contigs, 60);
    let fasta = ReferenceFasta::open(&path).unwrap();
    std::thread::scope(|scope| {
        for thread in 0..4u64 {
            let (fasta, contigs) = (&fasta, &contigs);
            scope.spawn(move || {
                let seq = &contigs[0].1;
                for i in 0..200u64 {
                    // Threads jump between distant windows to force cache replacement.
                    let start = (thread * 150_000 + i * 731) % 590_000 + 1;
                    let got = fasta.fetch("alpha", start, start + 99).unwrap();
                    let from = (start - 1) as usize;
                    assert_eq!(got, seq[from..from + 100].to_ascii_uppercase());
                }
            });
        }
    });
}
