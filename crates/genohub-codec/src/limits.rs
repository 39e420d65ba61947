//! Hard limits shared by encoder and decoder. The decoder trusts no declared size beyond
//! these, which is what keeps hostile input from requesting unbounded memory; the encoder
//! enforces the same limits so that everything it writes can be read back.

pub const MAX_SAMPLES: u32 = 1 << 24;
pub const MAX_VARIANTS: u32 = 1 << 24;
/// n_variants * n_samples. 2^27 calls: codes 128 MiB, DP 512 MiB, AD 1 GiB decoded.
pub const MAX_CELLS: u64 = 1 << 27;
/// Largest ploidy of an extended call.
pub const MAX_PLOIDY: usize = 32;
/// Largest decompressed size of any one section.
pub const MAX_SECTION_RAW_BYTES: u64 = 1 << 30;
/// Extended calls per block. Each one decodes into its own small allocation, so this
/// bounds the memory a hostile block can request; the codec is built for diploid-dominated
/// cohorts where extended calls are rare.
pub const MAX_EXTENDED_CALLS: u64 = 1 << 22;
