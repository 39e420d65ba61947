use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::CodecError;

/// A precomputed set of samples for restricted counting: a bitmask, which lets dense
/// variants be counted with the same popcount loop as "all samples" and sparse variants
/// test membership in O(1) per exception.
#[derive(Debug, Clone)]
pub struct SampleSubset {
    n_samples: u32,
    len: u32,
    words: Vec<u64>,
    /// Names this subset (and its clones) in the per-block caches of [`crate::BlockView`],
    /// which would otherwise compare whole bitmasks on every lookup.
    id: u64,
}

impl PartialEq for SampleSubset {
    fn eq(&self, other: &Self) -> bool {
        (self.n_samples, self.len, &self.words) == (other.n_samples, other.len, &other.words)
    }
}

impl Eq for SampleSubset {}

fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl SampleSubset {
    /// `indices` must be strictly ascending and below `n_samples`.
    pub fn from_sorted_indices(n_samples: u32, indices: &[u32]) -> Result<Self, CodecError> {
        let mut words = vec![0u64; (n_samples as usize).div_ceil(64)];
        let mut previous: Option<u32> = None;
        for &s in indices {
            if s >= n_samples || previous.is_some_and(|p| p >= s) {
                return Err(CodecError::InvalidBlock(format!("sample subset index {s} is out of range or not strictly ascending")));
            }
            words[s as usize / 64] |= 1 << (s % 64);
            previous = Some(s);
        }
        Ok(Self { n_samples, len: indices.len() as u32, words, id: next_id() })
    }

    pub fn all(n_samples: u32) -> Self {
        let mut words = vec![!0u64; (n_samples as usize).div_ceil(64)];
        if !n_samples.is_multiple_of(64) {
            if let Some(last) = words.last_mut() {
                *last = (1u64 << (n_samples % 64)) - 1;
            }
        }
        Self { n_samples, len: n_samples, words, id: next_id() }
    }

    /// The samples not in this subset.
    pub fn complement(&self) -> Self {
        let mut words: Vec<u64> = self.words.iter().map(|w| !w).collect();
        if !self.n_samples.is_multiple_of(64) {
            if let Some(last) = words.last_mut() {
                *last &= (1u64 << (self.n_samples % 64)) - 1;
            }
        }
        Self { n_samples: self.n_samples, len: self.n_samples - self.len, words, id: next_id() }
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The block width this subset was built for.
    pub fn n_samples(&self) -> u32 {
        self.n_samples
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn contains(&self, sample: u32) -> bool {
        self.words.get(sample as usize / 64).is_some_and(|w| w >> (sample % 64) & 1 == 1)
    }

    /// One bit per sample, 64 samples per word, padding bits zero.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros();
                    w &= w - 1;
                    (i * 64) as u32 + bit
                })
            })
        })
    }
}
