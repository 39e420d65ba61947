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

pub const ALL: [&str; 10] = [META, CONTIGS, BATCHES, FILES, SAMPLES, SAMPLE_NAMES, BLOCKS, CALLABLE, BATCH_KEYS, COHORTS];

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
