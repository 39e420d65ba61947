//! Helpers shared by the integration tests: a deterministic PRNG, FASTA writing and running
//! the htslib command-line tools used as oracles.
#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::Command;

/// SplitMix64: tiny, deterministic, good enough to generate test data (no rand dependency).
pub struct TestRng(u64);

impl TestRng {
    pub fn new(seed: u64) -> TestRng {
        TestRng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn base(&mut self) -> u8 {
        b"ACGT"[(self.next_u64() % 4) as usize]
    }
}

/// Writes a FASTA with fixed-width lines (as samtools faidx requires).
pub fn write_fasta(path: &Path, contigs: &[(String, Vec<u8>)], line_width: usize) {
    let mut text = Vec::new();
    for (name, seq) in contigs {
        text.extend_from_slice(format!(">{name} test contig\n").as_bytes());
        for line in seq.chunks(line_width) {
            text.extend_from_slice(line);
            text.push(b'\n');
        }
    }
    fs::write(path, text).unwrap();
}

/// True when `tool` can be run; tests that need it print why they skip otherwise.
pub fn tool_available(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().map(|out| out.status.success()).unwrap_or(false)
}

/// Runs a command and panics with its stderr when it fails.
pub fn run(program: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(output.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}
