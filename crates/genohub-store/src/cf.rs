//! Every column family of the store, named in one place.

/// Store-wide counters and the format version.
pub const META: &str = "meta";
/// Contig dictionary: name → id and id → description.
pub const CONTIGS: &str = "contigs";
/// Batch manifests (provenance and visibility status), keyed by batch id.
pub const BATCHES: &str = "batches";
/// SHA-256 of every committed input file → batch id, to refuse re-ingesting the same content.
pub const FILES: &str = "files";
/// Sample records keyed by sample id.
pub const SAMPLES: &str = "samples";
/// (center, sample name) → sample id.
pub const SAMPLE_NAMES: &str = "sample_names";
/// Site + genotype blocks keyed by contig × bin × batch × sequence.
pub const BLOCKS: &str = "blocks";
/// Per-sample callable intervals (gVCF reference blocks), keyed like [`BLOCKS`].
pub const CALLABLE: &str = "callable";
/// batch × (column family tag, key): every key a batch wrote, so an unfinished or purged
/// batch can be removed without scanning the genome.
pub const BATCH_KEYS: &str = "batch_keys";

/// Values derived from other families and read whole by every query: the one-value sample
/// registry.
pub const SNAPSHOTS: &str = "snapshots";

/// Named cohorts (sample sets, later rules): name → definition JSON.
pub const COHORTS: &str = "cohorts";

// Reads (BAM/CRAM): per-sample coverage and QC; the files themselves live in the file area.
/// Run-length depth per sample × contig × bin.
pub const DEPTH: &str = "depth";
/// Per-sample read QC summaries.
pub const READ_QC: &str = "read_qc";
/// Read files kept content-addressed in the file area: sha256 → record.
pub const READ_FILES: &str = "read_files";
/// Callable intervals from read depth, keyed contig × bin × read sample (one scan per bin
/// finds every sample's), so cohort queries apply them like gVCF reference blocks.
pub const READ_CALLABLE: &str = "read_callable";

// Clinical repository: written in the same atomic batches as the exclusions they imply.
/// Pseudonym → patient record (no raw identifier anywhere).
pub const PATIENTS: &str = "patients";
/// Keyed pseudonyms of hospital IDs and linkage IDs → patient pseudonym.
pub const PATIENT_LINKS: &str = "patient_links";
/// Clinical samples (tumour / normal / germline) and their link to genomic samples.
pub const CLINICAL_SAMPLES: &str = "clinical_samples";
/// Consent events per patient, in order.
pub const CONSENTS: &str = "consents";
/// Encrypted clinical records (Phenopacket-shaped), one AEAD key per patient.
pub const CLINICAL_RECORDS: &str = "clinical_records";
/// Per-patient data keys, wrapped by the hub key; erasing one erases the patient's records.
pub const PATIENT_KEYS: &str = "patient_keys";
/// Genomic samples (center, name) no query may read: withdrawn consent.
pub const EXCLUDED: &str = "excluded";

// Governance.
pub const ORGS: &str = "orgs";
pub const USERS: &str = "users";
/// SHA-256 of a token → token record.
pub const TOKENS: &str = "tokens";
pub const PROJECTS: &str = "projects";
/// Append-only, hash-chained audit entries by sequence number.
pub const AUDIT: &str = "audit";
/// Per-project answered cohorts and query counts (differencing protection, budgets).
pub const QUERY_HISTORY: &str = "query_history";

pub const ALL: &[&str] = &[
    META,
    CONTIGS,
    BATCHES,
    FILES,
    SAMPLES,
    SAMPLE_NAMES,
    SNAPSHOTS,
    BLOCKS,
    CALLABLE,
    BATCH_KEYS,
    COHORTS,
    DEPTH,
    READ_QC,
    READ_FILES,
    READ_CALLABLE,
    PATIENTS,
    PATIENT_LINKS,
    CLINICAL_SAMPLES,
    CONSENTS,
    CLINICAL_RECORDS,
    PATIENT_KEYS,
    EXCLUDED,
    ORGS,
    USERS,
    TOKENS,
    PROJECTS,
    AUDIT,
    QUERY_HISTORY,
];

/// The RocksDB family every family but the audit log shares in a store created by this
/// version, each under the one-byte prefix [`shared_tag`] gives it. RocksDB's fixed cost per
/// family is paid on every open (writing and re-verifying its OPTIONS file, recovery, a table
/// factory, closing): with 28 families that was two thirds of a one-shot query's fixed cost.
/// Stores made before keep one RocksDB family per family.
pub const SHARED: &str = "default";

/// Families that stay RocksDB families of their own: the append-only audit log, the one
/// family worth compressing (JSON entries, rarely read).
pub const OWN: &[&str] = &[AUDIT];

/// Prefix of a family inside [`SHARED`]; None for the [`OWN`] ones. Stored on disk: a tag is
/// never changed or reused.
pub fn shared_tag(name: &str) -> Option<u8> {
    Some(match name {
        AUDIT => return None,
        META => 1,
        CONTIGS => 2,
        BATCHES => 3,
        FILES => 4,
        SAMPLES => 5,
        SAMPLE_NAMES => 6,
        BATCH_KEYS => 7,
        COHORTS => 8,
        READ_QC => 9,
        READ_FILES => 10,
        READ_CALLABLE => 11,
        PATIENTS => 12,
        PATIENT_LINKS => 13,
        CLINICAL_SAMPLES => 14,
        CONSENTS => 15,
        CLINICAL_RECORDS => 16,
        PATIENT_KEYS => 17,
        EXCLUDED => 18,
        ORGS => 19,
        USERS => 20,
        TOKENS => 21,
        PROJECTS => 22,
        QUERY_HISTORY => 23,
        BLOCKS => 24,
        CALLABLE => 25,
        DEPTH => 26,
        SNAPSHOTS => 27,
        _ => unreachable!("family {name} is not named in cf.rs"),
    })
}

/// One-byte tags of the column families a batch writes into, used inside [`BATCH_KEYS`].
pub fn tag(cf: &str) -> u8 {
    match cf {
        BLOCKS => 1,
        CALLABLE => 2,
        _ => unreachable!("batches only write blocks and callable intervals"),
    }
}

pub fn from_tag(tag: u8) -> Option<&'static str> {
    match tag {
        1 => Some(BLOCKS),
        2 => Some(CALLABLE),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_one_place_and_no_tag_is_shared() {
        let mut tags = std::collections::BTreeSet::new();
        for name in ALL {
            match shared_tag(name) {
                Some(t) => {
                    assert!(!OWN.contains(name), "{name} both own and shared");
                    assert!(t < 0xff, "{name}: tag {t} leaves no end bound");
                    assert!(tags.insert(t), "{name}: tag {t} used twice");
                }
                None => assert!(OWN.contains(name), "{name} has no place"),
            }
        }
        assert_eq!(tags.len() + OWN.len(), ALL.len());
    }
}
