//! The synthetic reference contig and its FASTA/.fai output.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::rng::{below, chance, stream_rng, SimRng, Stream};
use crate::CohortParams;

/// Chance that a new low-complexity stretch starts at a given base. Real genomes carry a few
/// percent of microsatellites and homopolymers; they are where indels are hard to place.
const LOW_COMPLEXITY_START: f64 = 1.0 / 250.0;
const FASTA_LINE_BASES: usize = 60;

/// Draws the reference: mostly i.i.d. bases at ~41% GC, interspersed with homopolymer runs
/// and short tandem repeats. Depends only on `seed` and `length`.
pub fn reference_sequence(params: &CohortParams) -> Vec<u8> {
    let mut rng = stream_rng(params.seed, Stream::Reference);
    let length = params.length as usize;
    let mut sequence = Vec::with_capacity(length);
    while sequence.len() < length {
        if chance(&mut rng, LOW_COMPLEXITY_START) {
            push_low_complexity(&mut rng, &mut sequence);
        } else {
            sequence.push(random_base(&mut rng));
        }
    }
    sequence.truncate(length);
    sequence
}

fn random_base(rng: &mut SimRng) -> u8 {
    // Human-like composition: A/T 29.5% each, C/G 20.5% each.
    match below(rng, 1000) {
        0..295 => b'A',
        295..500 => b'C',
        500..705 => b'G',
        _ => b'T',
    }
}

fn push_low_complexity(rng: &mut SimRng, sequence: &mut Vec<u8>) {
    if chance(rng, 0.4) {
        let base = random_base(rng);
        let run = 6 + below(rng, 15) as usize;
        sequence.extend(std::iter::repeat_n(base, run));
    } else {
        let period = 2 + below(rng, 5) as usize;
        let unit: Vec<u8> = (0..period).map(|_| random_base(rng)).collect();
        let copies = 3 + below(rng, 10) as usize;
        for _ in 0..copies {
            sequence.extend_from_slice(&unit);
        }
    }
}

/// Writes `>contig` plus 60-column lines, and `<path>.fai` in samtools' five-column format.
pub(crate) fn write_fasta_with_index(path: &Path, contig: &str, sequence: &[u8]) -> std::io::Result<()> {
    let mut fasta = BufWriter::new(File::create(path)?);
    let header = format!(">{contig}\n");
    fasta.write_all(header.as_bytes())?;
    for line in sequence.chunks(FASTA_LINE_BASES) {
        fasta.write_all(line)?;
        fasta.write_all(b"\n")?;
    }
    fasta.into_inner().map_err(|e| e.into_error())?.sync_all()?;

    let mut fai = File::create(fai_path(path))?;
    writeln!(fai, "{contig}\t{}\t{}\t{FASTA_LINE_BASES}\t{}", sequence.len(), header.len(), FASTA_LINE_BASES + 1)?;
    Ok(())
}

/// samtools looks for the index at `<fasta>.fai`, i.e. with the suffix appended.
pub(crate) fn fai_path(fasta: &Path) -> PathBuf {
    let mut name = fasta.as_os_str().to_owned();
    name.push(".fai");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(seed: u64, length: u64) -> CohortParams {
        CohortParams { seed, length, ..CohortParams::default() }
    }

    #[test]
    fn has_requested_length_and_only_acgt() {
        let seq = reference_sequence(&params(1, 12_345));
        assert_eq!(seq.len(), 12_345);
        assert!(seq.iter().all(|b| b"ACGT".contains(b)));
    }

    #[test]
    fn contains_long_homopolymers() {
        let seq = reference_sequence(&params(2, 200_000));
        let longest = seq.chunk_by(|a, b| a == b).map(<[u8]>::len).max().unwrap();
        // i.i.d. bases alone would almost never give a run of 12 in 200 kb.
        assert!(longest >= 12, "longest homopolymer {longest}");
    }

    #[test]
    fn depends_on_seed_but_not_on_cohort_shape() {
        let a = reference_sequence(&params(9, 5_000));
        let b = reference_sequence(&CohortParams { samples: 7, founders: 3, ..params(9, 5_000) });
        assert_eq!(a, b);
        assert_ne!(a, reference_sequence(&params(10, 5_000)));
    }
}
