//! REF checking and indel normalisation equal to `bcftools norm -f REF` (bcftools 1.16,
//! `realign()` in vcfnorm.c) for one biallelic record.
//!
//! What bcftools does, and so what this does:
//! 1. REF is compared with the FASTA case-insensitively; FASTA IUPAC codes count as `N`. A REF
//!    with other letters than ACGTN, or one that differs (also when it runs past the contig
//!    end), is a [`RefMismatch`]. This check comes first, even for symbolic records.
//! 2. ALT `.` (no ALT): REF is cut to its first base.
//! 3. Symbolic ALTs (`<DEL>`, `<*>`, `<NON_REF>`), `*` and breakends are returned unchanged.
//! 4. An ALT with other letters than ACGTN is a [`RefMismatch::NonAcgtnAlt`]; REF equal to ALT
//!    is [`RefError::DuplicateAllele`].
//! 5. Trim the common last base while both alleles keep at least one base; when one becomes
//!    empty, prepend the 100 FASTA bases before the record (fewer near the contig start) to both
//!    and go on. This left-aligns through repeats of any length (the 100 is only the fetch step,
//!    not a limit). At position 1 trimming stops once an allele is down to one base, so a
//!    deletion reaching the contig start keeps the base after it (`AC>C` at 1 stays as is).
//! 6. Trim the common first base while both alleles keep at least one base (keeps the anchor
//!    of indels; MNPs and complex alleles lose their shared prefix and suffix).
//!
//! Intentional differences from bcftools, all about presentation, none about pos/REF/ALT:
//! * Output alleles are always uppercase. bcftools keeps an unchanged record's alleles as
//!   written and copies left-padding bases from the FASTA with their soft-mask case (so it can
//!   print `t>ta`); compare case-insensitively.
//! * Single breakends (`A.`, `.A`) and any ALT containing `[` or `]` are returned unchanged as
//!   breakends; bcftools 1.16 rejects `A.`/`.A` as non-ACGTN ALT.
//! * REF-only records are cut to one base based on the REF length; bcftools uses `rlen`, which
//!   `INFO/END` can change.
//! * An unknown contig is an error for every [`RefCheck`] mode, as in bcftools (which aborts in
//!   `faidx_fetch_seq`); [`check_ref`] reports it as [`RefMismatch::UnknownContig`].

use crate::{NormalizeOutcome, NormalizedAllele, RefCheck, RefError, RefMismatch, ReferenceFasta};

/// FASTA bases prepended per step while left-aligning (bcftools' `aln_win`).
const PAD_STEP: u64 = 100;

/// Checks that `reference` (VCF REF at 1-based `pos`) matches the FASTA, as `bcftools norm
/// --check-ref` does.
pub fn check_ref(fasta: &ReferenceFasta, contig: &str, pos: u64, reference: &[u8]) -> Result<(), RefMismatch> {
    verified_fasta_ref(fasta, contig, pos, reference).map(|_| ())
}

/// Normalises one biallelic record exactly as `bcftools norm -f REF --check-ref e` (see the
/// module docs); `pos` is 1-based.
pub fn normalize(fasta: &ReferenceFasta, contig: &str, pos: u64, reference: &[u8], alternate: &[u8]) -> Result<NormalizedAllele, RefError> {
    if reference.is_empty() {
        return Err(RefError::InvalidAllele { contig: contig.to_owned(), pos, reason: "REF is empty".to_owned() });
    }
    let fasta_ref = verified_fasta_ref(fasta, contig, pos, reference).map_err(|mismatch| match mismatch {
        RefMismatch::UnknownContig { contig, .. } => RefError::UnknownContig { contig, path: fasta.path().to_path_buf() },
        other => RefError::RefMismatch(other),
    })?;

    if alternate.is_empty() || alternate == b"." {
        // A REF-only site: bcftools keeps just the first REF base.
        return Ok(NormalizedAllele { pos, reference: reference[..1].to_ascii_uppercase(), alternate: b".".to_vec(), changed: reference.len() > 1 });
    }
    if is_left_as_is(alternate) {
        return Ok(unchanged(pos, reference, alternate));
    }
    if !is_acgtn(alternate) {
        return Err(RefError::RefMismatch(RefMismatch::NonAcgtnAlt {
            contig: contig.to_owned(),
            pos,
            vcf_ref: lossy(reference),
            fasta_ref: lossy(&fasta_ref),
            alt: lossy(alternate),
        }));
    }
    let reference_upper = reference.to_ascii_uppercase();
    let alternate_upper = alternate.to_ascii_uppercase();
    if reference_upper == alternate_upper {
        return Err(RefError::DuplicateAllele { contig: contig.to_owned(), pos, allele: lossy(&reference_upper) });
    }

    let (mut ref_allele, mut alt_allele) = (reference_upper.clone(), alternate_upper.clone());
    // 0-based, like bcftools' line->pos, to keep the start-of-contig rule recognisable.
    let mut start = pos - 1;
    while ref_allele.last() == alt_allele.last() {
        if ref_allele.len().min(alt_allele.len()) <= 1 && start == 0 {
            break;
        }
        ref_allele.pop();
        alt_allele.pop();
        if ref_allele.is_empty() || alt_allele.is_empty() {
            let npad = start.min(PAD_STEP);
            let pad = padding_bases(fasta, contig, start - npad, start)?;
            ref_allele.splice(0..0, pad.iter().copied());
            alt_allele.splice(0..0, pad.iter().copied());
            start -= npad;
        }
    }
    let mut trim_left = 0;
    while ref_allele[trim_left] == alt_allele[trim_left] && ref_allele.len().min(alt_allele.len()) - trim_left > 1 {
        trim_left += 1;
    }
    ref_allele.drain(..trim_left);
    alt_allele.drain(..trim_left);
    let new_pos = start + trim_left as u64 + 1;

    let changed = new_pos != pos || ref_allele != reference_upper || alt_allele != alternate_upper;
    Ok(NormalizedAllele { pos: new_pos, reference: ref_allele, alternate: alt_allele, changed })
}

/// [`normalize`] with bcftools' `--check-ref` policy applied: mismatches become errors,
/// warnings (record kept as written) or exclusions; REF equal to ALT is an error only under
/// [`RefCheck::Error`] and otherwise kept, as bcftools does.
pub fn normalize_checked(
    fasta: &ReferenceFasta,
    contig: &str,
    pos: u64,
    reference: &[u8],
    alternate: &[u8],
    check: RefCheck,
) -> Result<NormalizeOutcome, RefError> {
    match normalize(fasta, contig, pos, reference, alternate) {
        Ok(allele) => Ok(NormalizeOutcome::Normalized(allele)),
        Err(RefError::RefMismatch(mismatch)) if mismatch.is_data_mismatch() => match check {
            RefCheck::Error => Err(RefError::RefMismatch(mismatch)),
            RefCheck::Warn => Ok(NormalizeOutcome::Kept { allele: unchanged(pos, reference, alternate), issue: RefError::RefMismatch(mismatch) }),
            RefCheck::Skip => Ok(NormalizeOutcome::Excluded(RefError::RefMismatch(mismatch))),
        },
        Err(duplicate @ RefError::DuplicateAllele { .. }) => match check {
            RefCheck::Error => Err(duplicate),
            RefCheck::Warn | RefCheck::Skip => Ok(NormalizeOutcome::Kept { allele: unchanged(pos, reference, alternate), issue: duplicate }),
        },
        Err(other) => Err(other),
    }
}

/// Returns the FASTA bases under REF (uppercase, IUPAC codes as N) once REF is known to match.
fn verified_fasta_ref(fasta: &ReferenceFasta, contig: &str, pos: u64, reference: &[u8]) -> Result<Vec<u8>, RefMismatch> {
    let Some(length) = fasta.contig_length(contig) else {
        return Err(RefMismatch::UnknownContig { contig: contig.to_owned(), pos, vcf_ref: lossy(reference) });
    };
    // Like faidx_fetch_seq, read only what exists: a REF past the contig end then mismatches.
    let end = pos.saturating_add(reference.len() as u64).saturating_sub(1).min(length);
    let fasta_ref = if pos == 0 || pos > end {
        Vec::new()
    } else {
        let mut bases = fasta.fetch(contig, pos, end).map_err(|error| RefMismatch::Unreadable {
            contig: contig.to_owned(),
            pos,
            vcf_ref: lossy(reference),
            reason: error.to_string(),
        })?;
        iupac_to_n(&mut bases);
        bases
    };
    if reference.is_empty() || !is_acgtn(reference) {
        return Err(RefMismatch::NonAcgtnRef { contig: contig.to_owned(), pos, vcf_ref: lossy(reference), fasta_ref: lossy(&fasta_ref) });
    }
    if !fasta_ref.eq_ignore_ascii_case(reference) {
        return Err(RefMismatch::Differs { contig: contig.to_owned(), pos, vcf_ref: lossy(reference), fasta_ref: lossy(&fasta_ref) });
    }
    Ok(fasta_ref)
}

/// FASTA bases of the 0-based half-open range `from..to` as bcftools pads with them.
fn padding_bases(fasta: &ReferenceFasta, contig: &str, from: u64, to: u64) -> Result<Vec<u8>, RefError> {
    let mut bases = fasta.fetch(contig, from + 1, to)?;
    iupac_to_n(&mut bases);
    Ok(bases)
}

/// The record as given, in the crate's canonical case.
fn unchanged(pos: u64, reference: &[u8], alternate: &[u8]) -> NormalizedAllele {
    NormalizedAllele {
        pos,
        reference: reference.to_ascii_uppercase(),
        alternate: if is_left_as_is(alternate) { alternate.to_vec() } else { alternate.to_ascii_uppercase() },
        changed: false,
    }
}

/// Symbolic alleles, the spanning deletion `*` and breakends are not sequences to align.
fn is_left_as_is(alternate: &[u8]) -> bool {
    let single_breakend = alternate.len() > 1 && (alternate.first() == Some(&b'.') || alternate.last() == Some(&b'.'));
    alternate.first() == Some(&b'<') || alternate.first() == Some(&b'*') || alternate.iter().any(|&b| b == b'[' || b == b']') || single_breakend
}

fn is_acgtn(allele: &[u8]) -> bool {
    allele.iter().all(|b| matches!(b.to_ascii_uppercase(), b'A' | b'C' | b'G' | b'T' | b'N'))
}

/// bcftools' replace_iupac_codes on already uppercase FASTA bases.
fn iupac_to_n(bases: &mut [u8]) {
    for base in bases {
        if !matches!(base, b'A' | b'C' | b'G' | b'T' | b'N') {
            *base = b'N';
        }
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
