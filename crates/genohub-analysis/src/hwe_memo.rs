//! Per-thread memory of HWE exact p-values by genotype table.
//!
//! Rare variants dominate a cohort and their (hom-ref, het, hom-alt) tables repeat: on the
//! 10,000-sample bench cohort 50,730 sites have 15,899 distinct tables. A direct-mapped table
//! of fixed size (no eviction policy, no growth) keeps the last answer per slot; a lookup is a
//! multiply, a shift and one comparison, and the stored value is the computed one, so answers
//! are bit-identical with or without it.

use std::cell::RefCell;

/// 4,096 slots of 32 bytes: 128 kB per thread.
const BITS: u32 = 12;

#[derive(Clone, Copy, Default)]
struct Slot {
    /// (hom-ref, het, hom-alt); the all-zero table is never stored (it is answered before).
    key: [u64; 3],
    p: f64,
}

pub struct HweMemo {
    slots: Vec<Slot>,
}

thread_local! {
    static MEMO: RefCell<HweMemo> = const { RefCell::new(HweMemo { slots: Vec::new() }) };
}

impl HweMemo {
    /// Runs `f` with this thread's memo.
    pub fn with<T>(f: impl FnOnce(&mut HweMemo) -> T) -> T {
        MEMO.with(|m| f(&mut m.borrow_mut()))
    }

    fn slot(key: &[u64; 3]) -> usize {
        let h = key[0].wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key[1].wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ key[2].wrapping_mul(0x1656_67B1_9E37_79F9);
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize
    }

    /// The kept p-value of `key`, or `compute()`'s, kept in its slot. `key` must not be all zero.
    pub fn get_or_insert(&mut self, key: [u64; 3], compute: impl FnOnce() -> f64) -> f64 {
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); 1 << BITS];
        }
        let slot = &mut self.slots[Self::slot(&key)];
        if slot.key != key {
            *slot = Slot { key, p: compute() };
        }
        slot.p
    }
}

#[cfg(test)]
mod tests {
    use super::HweMemo;

    #[test]
    fn answers_are_the_computed_ones_whatever_collides() {
        // Far more keys than slots, each asked twice at different times: every answer must be
        // its own key's, whether it came from the slot or was computed again.
        let value = |k: &[u64; 3]| (k[0] * 1_000_003 + k[1] * 101 + k[2]) as f64;
        let keys: Vec<[u64; 3]> = (1..20_000u64).map(|i| [i % 977, i / 3, i % 5]).filter(|k| k != &[0, 0, 0]).collect();
        let mut computed = 0;
        HweMemo::with(|m| {
            for round in 0..2 {
                for k in keys.iter().skip(round * 7) {
                    let p = m.get_or_insert(*k, || {
                        computed += 1;
                        value(k)
                    });
                    assert_eq!(p, value(k), "{k:?}");
                }
            }
            // Asked again at once: kept, not computed again.
            for k in &keys[..50] {
                m.get_or_insert(*k, || value(k));
                assert_eq!(m.get_or_insert(*k, || panic!("{k:?} computed twice in a row")), value(k));
            }
        });
        assert!(computed > keys.len(), "collisions must have evicted some keys: {computed}");
    }
}
