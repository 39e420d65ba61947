use std::sync::{Arc, Mutex, OnceLock};

use crate::error::CodecError;
use crate::extended_call::ExtendedCall;
use crate::genotype_block::GenotypeBlock;
use crate::genotype_counts::GenotypeCounts;
use crate::gt_parser;
use crate::header::{Header, SectionKind};
use crate::int_column;
use crate::pbwt::{self, SlotBits};
use crate::replayed_subset::ReplayedSubset;
use crate::sample_subset::SampleSubset;
use crate::section;
use crate::subset_pbwt::{self, SubsetPlan};
use crate::variant_genotypes::VariantGenotypes;
use crate::variant_layout::{PaletteEntry, VariantLayout};

/// Lazy view for analytics: the GT section is decompressed and validated once at
/// [`open`](Self::open); PBWT records are replayed into bit planes on first access to one
/// of them; DP/GQ/AD stay compressed until asked for.
pub struct BlockView {
    pub(crate) n_variants: u32,
    pub(crate) n_samples: u32,
    pub(crate) gt: Vec<u8>,
    pub(crate) layouts: Vec<VariantLayout>,
    pub(crate) palette: Vec<PaletteEntry>,
    pub(crate) extended: Vec<ExtendedCall>,
    pub(crate) extended_start: Vec<u32>,
    pub(crate) n_pbwt: u32,
    /// Slot bits of the PBWT records, replayed on first use (see [`crate::pbwt`]).
    pbwt_bits: OnceLock<Vec<u64>>,
    /// How recently used subsets are counted at PBWT records, by subset id.
    subset_plans: Mutex<Vec<(u64, Arc<SubsetPlan>)>>,
    dp: Option<CompressedColumn>,
    gq: Option<CompressedColumn>,
    ad: Option<CompressedColumn>,
}

/// How [`BlockView::counts_in_by`] counts a subset at PBWT records.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubsetPath {
    /// As [`VariantGenotypes::counts_in`] does.
    Auto,
    /// The subset's slots tracked through the order whatever its size, from as early in
    /// the block as possible.
    Tracked,
    /// All samples less the complement, tracked as in `Tracked`.
    Complement,
    /// The whole order replayed once, each record counted as it goes.
    Counted,
    /// The whole order replayed, every record's bits kept (the view's own replay).
    Replay,
}

/// A DP/GQ/AD section kept in its compressed form.
struct CompressedColumn {
    raw_len: usize,
    bytes: Vec<u8>,
}

impl BlockView {
    pub fn open(bytes: &[u8]) -> Result<BlockView, CodecError> {
        let header = Header::parse(bytes)?;
        let gt_span = header.section(SectionKind::Gt).ok_or(CodecError::Corrupt("missing GT section"))?;
        let gt = section::decompress(&bytes[gt_span.start..gt_span.end], gt_span.raw_len)?;
        let parsed = gt_parser::parse(&gt, header.n_variants, header.n_samples, header.version)?;
        let column = |kind| header.section(kind).map(|span| CompressedColumn { raw_len: span.raw_len, bytes: bytes[span.start..span.end].to_vec() });
        Ok(BlockView {
            n_variants: header.n_variants,
            n_samples: header.n_samples,
            gt,
            layouts: parsed.layouts,
            palette: parsed.palette,
            extended: parsed.extended,
            extended_start: parsed.extended_start,
            n_pbwt: parsed.n_pbwt,
            pbwt_bits: OnceLock::new(),
            subset_plans: Mutex::new(Vec::new()),
            dp: column(SectionKind::Dp),
            gq: column(SectionKind::Gq),
            ad: column(SectionKind::Ad),
        })
    }

    /// Slot bits of the PBWT record with this ordinal. The first call replays all PBWT
    /// records of the block: O(2N) per record.
    pub(crate) fn pbwt_bits(&self, ordinal: u32) -> SlotBits<'_> {
        let bits = self.pbwt_bits.get_or_init(|| pbwt::materialize(&self.gt, &self.layouts, &self.palette, self.n_samples as usize, self.n_pbwt as usize));
        let len = 2 * (self.n_samples as usize).div_ceil(64);
        let at = ordinal as usize * len;
        SlotBits(bits.get(at..at + len).unwrap_or(&[]))
    }

    /// How `subset` is counted at PBWT records, worked out on first use.
    pub(crate) fn subset_plan(&self, subset: &SampleSubset) -> Arc<SubsetPlan> {
        let mut plans = self.subset_plans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, plan)) = plans.iter().find(|(id, _)| *id == subset.id()) {
            return plan.clone();
        }
        let plan = Arc::new(self.plan_subset(subset, SubsetPath::Auto));
        // A scan uses a subset or two per block.
        if plans.len() >= 4 {
            plans.remove(0);
        }
        plans.push((subset.id(), plan.clone()));
        plan
    }

    /// Subsets of up to half the samples are tracked where that is estimated cheaper than
    /// the replay; so are the complements of bigger ones when all-sample counts are stored
    /// (format 3). Others are counted during one replay of the order.
    fn plan_subset(&self, subset: &SampleSubset, path: SubsetPath) -> SubsetPlan {
        let block = subset_pbwt::Block {
            gt: &self.gt,
            layouts: &self.layouts,
            palette: &self.palette,
            n_samples: self.n_samples as usize,
            n_pbwt: self.n_pbwt as usize,
        };
        let stored_counts = self.layouts.iter().any(|l| matches!(l, VariantLayout::Pbwt(p) if p.diploid.is_some()));
        let counted =
            || SubsetPlan::Counted(ReplayedSubset::build(&self.gt, &self.layouts, &self.palette, self.n_samples as usize, self.n_pbwt as usize, subset));
        match path {
            SubsetPath::Auto if stored_counts && 2 * subset.len() > self.n_samples => {
                let rest = subset.complement();
                subset_pbwt::build(&block, &rest, true).map_or_else(counted, |bits| SubsetPlan::Complement(rest, bits))
            }
            SubsetPath::Auto => subset_pbwt::build(&block, subset, true).map_or_else(counted, SubsetPlan::Tracked),
            SubsetPath::Counted => counted(),
            SubsetPath::Tracked => subset_pbwt::build(&block, subset, false).map_or(SubsetPlan::Replay, SubsetPlan::Tracked),
            SubsetPath::Complement => {
                let rest = subset.complement();
                subset_pbwt::build(&block, &rest, false).map_or(SubsetPlan::Replay, |bits| SubsetPlan::Complement(rest, bits))
            }
            SubsetPath::Replay => SubsetPlan::Replay,
        }
    }

    /// Per-variant counts over `subset` by a chosen method; for tests and benchmarks that
    /// compare the methods ([`VariantGenotypes::counts_in`] chooses by itself).
    #[doc(hidden)]
    pub fn counts_in_by(&self, subset: &SampleSubset, path: SubsetPath) -> Vec<GenotypeCounts> {
        let plan = self.plan_subset(subset, path);
        self.variants().map(|v| v.counts_in_planned(subset, &plan)).collect()
    }

    pub fn n_variants(&self) -> u32 {
        self.n_variants
    }

    pub fn n_samples(&self) -> u32 {
        self.n_samples
    }

    /// Panics if `v >= n_variants()`.
    pub fn variant(&self, v: u32) -> VariantGenotypes<'_> {
        assert!(v < self.n_variants, "variant {v} out of range");
        VariantGenotypes::new(self, v)
    }

    pub fn variants(&self) -> impl ExactSizeIterator<Item = VariantGenotypes<'_>> {
        (0..self.n_variants).map(|v| VariantGenotypes::new(self, v))
    }

    /// All extended calls, sorted by (variant, sample).
    pub fn extended(&self) -> &[ExtendedCall] {
        &self.extended
    }

    pub fn has_dp(&self) -> bool {
        self.dp.is_some()
    }

    pub fn has_gq(&self) -> bool {
        self.gq.is_some()
    }

    pub fn has_ad(&self) -> bool {
        self.ad.is_some()
    }

    /// `n_variants * n_samples` values, decompressed on each call.
    pub fn dp(&self) -> Result<Option<Vec<i32>>, CodecError> {
        self.decode_column(self.dp.as_ref(), 1)
    }

    pub fn gq(&self) -> Result<Option<Vec<i32>>, CodecError> {
        self.decode_column(self.gq.as_ref(), 1)
    }

    /// `n_variants * n_samples * 2` values: (ref depth, alt depth) per call.
    pub fn ad(&self) -> Result<Option<Vec<i32>>, CodecError> {
        self.decode_column(self.ad.as_ref(), 2)
    }

    fn decode_column(&self, column: Option<&CompressedColumn>, per_call: usize) -> Result<Option<Vec<i32>>, CodecError> {
        let Some(column) = column else {
            return Ok(None);
        };
        let raw = section::decompress(&column.bytes, column.raw_len)?;
        let row_len = self.n_samples as usize * per_call;
        let values = int_column::decode(&raw, self.n_variants as usize * row_len, row_len)?;
        Ok(Some(values))
    }

    /// Materialises the whole block.
    pub fn to_block(&self) -> Result<GenotypeBlock, CodecError> {
        let n = self.n_samples as usize;
        let mut codes = vec![0u8; self.n_variants as usize * n];
        if n > 0 {
            for (variant, out) in self.variants().zip(codes.chunks_exact_mut(n)) {
                variant.fill(out);
            }
        }
        Ok(GenotypeBlock {
            n_variants: self.n_variants,
            n_samples: self.n_samples,
            codes,
            extended: self.extended.clone(),
            dp: self.dp()?,
            gq: self.gq()?,
            ad: self.ad()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{make, ABSENT, MISSING};
    use crate::encode::{encode_version, EncodeOptions};
    use crate::{LayoutKind, SampleSubset};

    /// Haplotypes copied from a few founders (so common variants become PBWT records), with
    /// some missing and haploid calls (PBWT overrides).
    fn linked_block(n: usize, n_variants: usize) -> GenotypeBlock {
        let mut x: u64 = 99;
        let mut rand = move |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let mut copying: Vec<u64> = (0..2 * n).map(|_| rand(4)).collect();
        let mut codes = Vec::with_capacity(n * n_variants);
        for _ in 0..n_variants {
            let founders: Vec<u8> = (0..4).map(|_| rand(2) as u8).collect();
            for c in copying.iter_mut() {
                if rand(100) == 0 {
                    *c = rand(4);
                }
            }
            for s in 0..n {
                let (a, b) = (founders[copying[2 * s] as usize], founders[copying[2 * s + 1] as usize]);
                codes.push(match rand(200) {
                    0 => make(MISSING, MISSING, true),
                    1 => make(a, ABSENT, false),
                    _ => make(a, b, true),
                });
            }
        }
        GenotypeBlock { n_variants: n_variants as u32, n_samples: n as u32, codes, ..GenotypeBlock::default() }
    }

    #[test]
    fn version_3_counts_need_no_replay_and_version_2_still_reads() {
        let block = linked_block(300, 120);
        let v3 = BlockView::open(&encode_version(&block, &EncodeOptions::default(), 3).unwrap()).unwrap();
        let v2 = BlockView::open(&encode_version(&block, &EncodeOptions::default(), 2).unwrap()).unwrap();
        assert!(v3.variants().filter(|v| v.layout_kind() == LayoutKind::Pbwt).count() > 20);
        let odd: Vec<u32> = (0..300).filter(|s| s % 3 == 1).collect();
        let subset = SampleSubset::from_sorted_indices(300, &odd).unwrap();
        for v in 0..block.n_variants {
            let codes = block.variant_codes(v);
            let mut expected = crate::GenotypeCounts::default();
            codes.iter().for_each(|&c| expected.add_code(c, 1));
            assert_eq!(v3.variant(v).counts(), expected, "variant {v}");
            assert_eq!(v2.variant(v).counts(), expected, "variant {v}, version 2");
        }
        assert!(v3.pbwt_bits.get().is_none(), "counting all samples replayed the PBWT order");
        assert!(v2.pbwt_bits.get().is_some(), "version 2 has to replay");
        for v in 0..block.n_variants {
            assert_eq!(v3.variant(v).counts_in(&subset), v2.variant(v).counts_in(&subset));
            let (mut a, mut b) = (vec![0; 300], vec![0; 300]);
            v3.variant(v).fill(&mut a);
            v2.variant(v).fill(&mut b);
            assert_eq!(a, b);
            assert_eq!(a, block.variant_codes(v));
        }
    }

    /// Counting a subset skips the mask words it leaves empty: small subsets (1 to 12
    /// samples, scattered, clustered in one word, or at the padded end) and large ones must
    /// count exactly what the codes hold, on PBWT records and every other layout.
    #[test]
    fn subset_counts_equal_the_codes_for_small_and_large_subsets() {
        let n = 300u32;
        let block = linked_block(n as usize, 150);
        let view = BlockView::open(&encode_version(&block, &EncodeOptions::default(), 3).unwrap()).unwrap();
        assert!(view.variants().filter(|v| v.layout_kind() == LayoutKind::Pbwt).count() > 20);
        let mut x = 7u64;
        let mut rand = move |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let mut subsets: Vec<Vec<u32>> = vec![vec![0], vec![n - 1], (290..300).collect(), (64..76).collect(), (0..n).step_by(2).collect()];
        for _ in 0..40 {
            let size = 1 + rand(12);
            let mut s: Vec<u32> = (0..size).map(|_| rand(u64::from(n)) as u32).collect();
            s.sort_unstable();
            s.dedup();
            subsets.push(s);
        }
        for indices in &subsets {
            let subset = SampleSubset::from_sorted_indices(n, indices).unwrap();
            for v in 0..block.n_variants {
                let codes = block.variant_codes(v);
                let mut expected = crate::GenotypeCounts::default();
                indices.iter().for_each(|&s| expected.add_code(codes[s as usize], 1));
                assert_eq!(view.variant(v).counts_in(&subset), expected, "variant {v}, samples {indices:?}");
            }
        }
    }
}
