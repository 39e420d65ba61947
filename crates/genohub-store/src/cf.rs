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
