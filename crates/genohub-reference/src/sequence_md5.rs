use md5::{Digest, Md5};

/// MD5 of a sequence as `samtools dict`, Picard `.dict`, SAM `@SQ M5` and VCF `##contig md5`
/// define it: bases uppercased, whitespace (line breaks) left out; lowercase hex.
pub fn sequence_md5(seq: &[u8]) -> String {
    let mut hasher = Md5::new();
    // Hash in chunks so a whole chromosome does not need a second, cleaned copy in memory.
    let mut cleaned = Vec::with_capacity(64 * 1024);
    for chunk in seq.chunks(64 * 1024) {
        cleaned.clear();
        cleaned.extend(chunk.iter().filter(|b| b.is_ascii_graphic()).map(u8::to_ascii_uppercase));
        hasher.update(&cleaned);
    }
    hex::encode(hasher.finalize())
}
