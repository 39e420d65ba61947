//! Hand-worked normalisation cases (each expectation was derived by hand from the bcftools
//! algorithm and agrees with `bcftools norm -f` 1.16).

mod common;

use common::write_fasta;
use genohub_reference::{check_ref, normalize, normalize_checked, NormalizeOutcome, NormalizedAllele, RefCheck, RefError, RefMismatch, ReferenceFasta};
use tempfile::TempDir;

// An AAAA run (6-9) after C (5), a CACACA repeat (12-17) after G (11), CTT (19-21).
//                  1   5    10   15   20   25
const T1: &[u8] = b"ACGTCAAAATGCACACATCTTGACGT";

fn reference() -> (TempDir, ReferenceFasta) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hand.fa");
    let mut long = b"G".to_vec();
    long.extend(std::iter::repeat_n(b'A', 250));
    long.push(b'C');
    let contigs = vec![
        ("t1".to_string(), T1.to_vec()),
        ("t2".to_string(), b"AAACGTTGCA".to_vec()),
        ("t3".to_string(), long),
        ("t4".to_string(), b"ACGTaaaaCCGT".to_vec()),
        ("t5".to_string(), b"ACGRTTTTGC".to_vec()),
    ];
    write_fasta(&path, &contigs, 60);
    let fasta = ReferenceFasta::open(&path).unwrap();
    (dir, fasta)
}

fn norm(fasta: &ReferenceFasta, contig: &str, pos: u64, r: &str, a: &str) -> (u64, String, String) {
    let n = normalize(fasta, contig, pos, r.as_bytes(), a.as_bytes()).unwrap_or_else(|e| panic!("{contig}:{pos} {r}>{a}: {e}"));
    (n.pos, String::from_utf8(n.reference).unwrap(), String::from_utf8(n.alternate).unwrap())
}

fn expect(pos: u64, r: &str, a: &str) -> (u64, String, String) {
    (pos, r.to_string(), a.to_string())
}

#[test]
fn insertion_in_homopolymer_moves_to_the_left_end() {
    let (_dir, fasta) = reference();
    // AAAA at 6-9 after C at 5: inserting an A anywhere in the run is C>CA at 5.
    assert_eq!(norm(&fasta, "t1", 8, "A", "AA"), expect(5, "C", "CA"));
    assert_eq!(norm(&fasta, "t1", 9, "AT", "AAT"), expect(5, "C", "CA"));
}

#[test]
fn deletion_in_dinucleotide_repeat_moves_to_the_left_end() {
    let (_dir, fasta) = reference();
    // CACACA at 12-17 after G at 11: deleting the last CA is GCA>G at 11.
    assert_eq!(norm(&fasta, "t1", 15, "ACA", "A"), expect(11, "GCA", "G"));
}

#[test]
fn padded_alleles_are_trimmed_to_one_anchor_base() {
    let (_dir, fasta) = reference();
    assert_eq!(norm(&fasta, "t1", 19, "CTT", "CT"), expect(19, "CT", "C"));
    let n = normalize(&fasta, "t1", 19, b"CTT", b"CT").unwrap();
    assert!(n.changed);
}

#[test]
fn snp_is_unchanged() {
    let (_dir, fasta) = reference();
    let n = normalize(&fasta, "t1", 22, b"G", b"A").unwrap();
    assert_eq!(n, NormalizedAllele { pos: 22, reference: b"G".to_vec(), alternate: b"A".to_vec(), changed: false });
    // Letter case is not a change.
    assert!(!normalize(&fasta, "t1", 22, b"g", b"a").unwrap().changed);
}

#[test]
fn mnp_and_complex_alleles_lose_shared_prefix_and_suffix() {
    let (_dir, fasta) = reference();
    assert_eq!(norm(&fasta, "t1", 1, "ACGT", "ACCT"), expect(3, "G", "C"));
    assert_eq!(norm(&fasta, "t1", 23, "ACG", "TCG"), expect(23, "A", "T"));
    assert_eq!(norm(&fasta, "t1", 23, "ACG", "AGTG"), expect(24, "C", "GT"));
}

#[test]
fn contig_start_keeps_the_following_base() {
    let (_dir, fasta) = reference();
    // t2 = AAACGTTGCA: a deletion in the leading AAA reaches position 1 and is written AA>A.
    assert_eq!(norm(&fasta, "t2", 2, "AA", "A"), expect(1, "AA", "A"));
    assert_eq!(norm(&fasta, "t2", 3, "AC", "C"), expect(1, "AA", "A"));
    assert_eq!(norm(&fasta, "t2", 1, "A", "AA"), expect(1, "A", "AA"));
    // Position-1 deletions in VCF's "base after" form stay as written.
    assert_eq!(norm(&fasta, "t1", 1, "AC", "C"), expect(1, "AC", "C"));
}

#[test]
fn left_alignment_is_not_limited_to_one_padding_window() {
    let (_dir, fasta) = reference();
    // 250 As after a G: bcftools pads 100 bases at a time and keeps going.
    assert_eq!(norm(&fasta, "t3", 251, "A", "AA"), expect(1, "G", "GA"));
    assert_eq!(norm(&fasta, "t3", 250, "AA", "A"), expect(1, "GA", "G"));
}

#[test]
fn soft_masked_reference_gives_uppercase_alleles() {
    let (_dir, fasta) = reference();
    // bcftools prints T>Ta here (padding keeps FASTA case); this crate always uppercases.
    assert_eq!(norm(&fasta, "t4", 7, "a", "aa"), expect(4, "T", "TA"));
}

#[test]
fn iupac_codes_in_the_fasta_read_as_n() {
    let (_dir, fasta) = reference();
    assert_eq!(norm(&fasta, "t5", 4, "N", "A"), expect(4, "N", "A"));
    assert_eq!(norm(&fasta, "t5", 7, "TT", "T"), expect(4, "NT", "N"));
    assert!(matches!(check_ref(&fasta, "t5", 4, b"R"), Err(RefMismatch::NonAcgtnRef { .. })));
    assert!(matches!(check_ref(&fasta, "t5", 4, b"A"), Err(RefMismatch::Differs { .. })));
}

#[test]
fn ref_mismatch_reports_contig_position_and_both_alleles() {
    let (_dir, fasta) = reference();
    assert_eq!(check_ref(&fasta, "t1", 5, b"caaa"), Ok(()));
    let mismatch = check_ref(&fasta, "t1", 1, b"AG").unwrap_err();
    assert_eq!(mismatch, RefMismatch::Differs { contig: "t1".into(), pos: 1, vcf_ref: "AG".into(), fasta_ref: "AC".into() });
    assert!(mismatch.to_string().contains("t1:1"));
    // Running past the contig end is a mismatch too (the FASTA has only GT there).
    let past_end = check_ref(&fasta, "t1", 25, b"GTA").unwrap_err();
    assert!(matches!(past_end, RefMismatch::Differs { ref fasta_ref, .. } if fasta_ref == "GT"));
    assert!(matches!(check_ref(&fasta, "chrZ", 5, b"A"), Err(RefMismatch::UnknownContig { .. })));
    assert!(matches!(normalize(&fasta, "chrZ", 5, b"A", b"C"), Err(RefError::UnknownContig { .. })));
    assert!(matches!(normalize(&fasta, "t1", 1, b"G", b"C"), Err(RefError::RefMismatch(RefMismatch::Differs { .. }))));
}

#[test]
fn symbolic_spanning_and_breakend_alleles_are_returned_unchanged() {
    let (_dir, fasta) = reference();
    for alt in ["<DEL>", "<*>", "<NON_REF>", "*", "C[t1:20[", "]t1:20]C", "C."] {
        let n = normalize(&fasta, "t1", 5, b"C", alt.as_bytes()).unwrap();
        assert_eq!((n.pos, n.alternate.as_slice(), n.changed), (5, alt.as_bytes(), false), "{alt}");
    }
    // Their REF is still checked, as bcftools does before anything else.
    assert!(normalize(&fasta, "t1", 5, b"G", b"<DEL>").is_err());
}

#[test]
fn ref_only_record_keeps_the_first_base() {
    let (_dir, fasta) = reference();
    let n = normalize(&fasta, "t1", 5, b"CA", b".").unwrap();
    assert_eq!((n.reference.as_slice(), n.alternate.as_slice(), n.changed), (&b"C"[..], &b"."[..], true));
}

#[test]
fn check_ref_policies_match_bcftools_modes() {
    let (_dir, fasta) = reference();
    // REF mismatch: e stops, w keeps the record as written, x drops it.
    let run = |check| normalize_checked(&fasta, "t1", 1, b"G", b"C", check);
    assert!(matches!(run(RefCheck::Error), Err(RefError::RefMismatch(_))));
    match run(RefCheck::Warn).unwrap() {
        NormalizeOutcome::Kept { allele, issue } => {
            assert_eq!((allele.pos, allele.reference, allele.alternate), (1, b"G".to_vec(), b"C".to_vec()));
            assert!(matches!(issue, RefError::RefMismatch(_)));
        }
        other => panic!("expected Kept, got {other:?}"),
    }
    assert!(matches!(run(RefCheck::Skip).unwrap(), NormalizeOutcome::Excluded(_)));

    // REF == ALT: only e stops; bcftools keeps the record with w and x.
    let dup = |check| normalize_checked(&fasta, "t1", 5, b"C", b"c", check);
    assert!(matches!(dup(RefCheck::Error), Err(RefError::DuplicateAllele { .. })));
    assert!(matches!(dup(RefCheck::Warn).unwrap(), NormalizeOutcome::Kept { .. }));
    assert!(matches!(dup(RefCheck::Skip).unwrap(), NormalizeOutcome::Kept { .. }));

    // Non-ACGTN ALT counts as a mismatch.
    assert!(matches!(normalize(&fasta, "t1", 5, b"C", b"R"), Err(RefError::RefMismatch(RefMismatch::NonAcgtnAlt { .. }))));
    let skipped = normalize_checked(&fasta, "t1", 5, b"C", b"R", RefCheck::Skip).unwrap();
    assert!(skipped.allele().is_none());

    // A good record passes every mode unchanged in meaning.
    let ok = normalize_checked(&fasta, "t1", 8, b"A", b"AA", RefCheck::Skip).unwrap();
    assert_eq!(ok.allele().unwrap().pos, 5);
    assert_eq!("x".parse::<RefCheck>(), Ok(RefCheck::Skip));
    assert!("q".parse::<RefCheck>().is_err());
}
