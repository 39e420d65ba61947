use crate::block_view::BlockView;
use crate::dense_counts::{self, AllSamples, SubsetWords};
use crate::dense_planes::DensePlanes;
use crate::extended_call::ExtendedCall;
use crate::genotype_counts::GenotypeCounts;
use crate::pbwt;
use crate::record::MAX_PALETTE;
use crate::sample_subset::SampleSubset;
use crate::sparse_exceptions::SparseExceptions;
use crate::subset_pbwt::{SubsetPbwt, SubsetPlan};
use crate::variant_layout::{PaletteEntry, PbwtLayout, SparseLayout, VariantLayout};

/// How a variant is stored inside its block; see the crate documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayoutKind {
    /// Default code plus an exception list.
    Sparse = 0,
    /// Bit planes in sample order.
    Dense = 1,
    /// Run-length coded haplotype bits in PBWT order, plus an exception list.
    Pbwt = 2,
}

/// The genotypes of one variant inside a [`BlockView`]; cheap to create and copy.
#[derive(Clone, Copy)]
pub struct VariantGenotypes<'a> {
    view: &'a BlockView,
    variant: u32,
}

impl<'a> VariantGenotypes<'a> {
    pub(crate) fn new(view: &'a BlockView, variant: u32) -> Self {
        Self { view, variant }
    }

    fn layout(&self) -> &'a VariantLayout {
        &self.view.layouts[self.variant as usize]
    }

    fn pbwt_overrides(&self, pbwt: &PbwtLayout) -> impl Iterator<Item = (u32, u8)> + 'a {
        let palette = self.palette(&pbwt.overrides);
        SparseExceptions::new(&self.view.gt, &pbwt.overrides).map(move |(sample, index)| (sample, palette.get(index).map_or(0, |e| e.code)))
    }

    fn palette(&self, sparse: &SparseLayout) -> &'a [PaletteEntry] {
        let start = sparse.palette_start as usize;
        &self.view.palette[start..start + sparse.palette_len as usize]
    }

    fn planes(&self) -> Option<DensePlanes<'a>> {
        match self.layout() {
            VariantLayout::Dense(d) => Some(DensePlanes::new(&self.view.gt, d, self.view.n_samples as usize)),
            VariantLayout::Sparse(_) | VariantLayout::Pbwt(_) => None,
        }
    }

    pub fn index(&self) -> u32 {
        self.variant
    }

    pub fn n_samples(&self) -> u32 {
        self.view.n_samples
    }

    /// The code most samples have (e.g. 0|0).
    pub fn default_code(&self) -> u8 {
        self.layout().default_code()
    }

    /// How the variant is stored.
    pub fn layout_kind(&self) -> LayoutKind {
        match self.layout() {
            VariantLayout::Sparse(_) => LayoutKind::Sparse,
            VariantLayout::Dense(_) => LayoutKind::Dense,
            VariantLayout::Pbwt(_) => LayoutKind::Pbwt,
        }
    }

    /// Whether the variant is stored as an exception list (typical of rare variants).
    pub fn is_sparse(&self) -> bool {
        matches!(self.layout(), VariantLayout::Sparse(_))
    }

    /// Extended calls of this variant, by ascending sample.
    pub fn extended(&self) -> &'a [ExtendedCall] {
        let start = &self.view.extended_start;
        let v = self.variant as usize;
        &self.view.extended[start[v] as usize..start[v + 1] as usize]
    }

    /// Calls `f(sample, code)` for each sample whose code differs from
    /// [`default_code`](Self::default_code), in ascending sample order.
    pub fn for_each_exception(&self, mut f: impl FnMut(u32, u8)) {
        match self.layout() {
            VariantLayout::Sparse(sparse) => {
                let palette = self.palette(sparse);
                for (sample, index) in SparseExceptions::new(&self.view.gt, sparse) {
                    if let Some(entry) = palette.get(index) {
                        f(sample, entry.code);
                    }
                }
            }
            VariantLayout::Dense(_) => {
                if let Some(planes) = self.planes() {
                    planes.for_each_exception(f);
                }
            }
            VariantLayout::Pbwt(pbwt) => {
                let bits = self.view.pbwt_bits(pbwt.ordinal);
                bits.for_each_exception(pbwt.default, pbwt.phased, self.view.n_samples as usize, self.pbwt_overrides(pbwt), f);
            }
        }
    }

    /// Number of samples whose code differs from the default.
    pub fn exception_count(&self) -> u32 {
        match self.layout() {
            VariantLayout::Sparse(sparse) => sparse.n_exceptions,
            VariantLayout::Dense(_) => self.planes().map_or(0, |planes| (0..planes.n_words()).map(|i| planes.exception_mask(i).count_ones()).sum()),
            VariantLayout::Pbwt(_) => {
                let mut count = 0;
                self.for_each_exception(|_, _| count += 1);
                count
            }
        }
    }

    /// Writes the dense codes of all samples. Panics unless `out.len() == n_samples`.
    pub fn fill(&self, out: &mut [u8]) {
        assert_eq!(out.len(), self.view.n_samples as usize, "fill buffer must hold one code per sample");
        out.fill(self.default_code());
        self.for_each_exception(|sample, code| {
            if let Some(slot) = out.get_mut(sample as usize) {
                *slot = code;
            }
        });
    }

    /// Counts over all samples. Sparse variants cost O(distinct exception codes); dense
    /// ones a few popcounts per 64 samples, PBWT ones per 32 samples after the block's
    /// one-off replay.
    pub fn counts(&self) -> GenotypeCounts {
        let n = u64::from(self.view.n_samples);
        let mut counts = match self.layout() {
            VariantLayout::Sparse(sparse) => {
                let mut c = GenotypeCounts::default();
                c.add_code(sparse.default, n - u64::from(sparse.n_exceptions));
                for entry in self.palette(sparse) {
                    c.add_code(entry.code, entry.count.into());
                }
                c
            }
            VariantLayout::Dense(_) => self.planes().map_or_else(GenotypeCounts::default, |p| dense_counts::count(&p, &AllSamples(&p, n))),
            VariantLayout::Pbwt(pbwt) => {
                let n_overrides = u64::from(pbwt.overrides.n_exceptions);
                let mut c = match pbwt.diploid {
                    // Stored counts: no replay of the block's PBWT order.
                    Some((het, hom_alt)) => pbwt::diploid_counts(n - n_overrides, het.into(), hom_alt.into()),
                    None => {
                        // Override samples read as 0/0 in the planes: take them out.
                        let mut c = self.view.pbwt_bits(pbwt.ordinal).count_all(n);
                        c.hom_ref -= n_overrides;
                        c.an -= 2 * n_overrides;
                        c
                    }
                };
                for entry in self.palette(&pbwt.overrides) {
                    c.add_code(entry.code, entry.count.into());
                }
                c
            }
        };
        self.extended().iter().for_each(|e| counts.add_extended(e));
        counts
    }

    /// Counts over `subset`. Panics if the subset was built for another sample count.
    /// PBWT records of small subsets (and of the complements of large ones) cost O(runs +
    /// subset) per record, after a per-block plan; others replay the block's order once.
    pub fn counts_in(&self, subset: &SampleSubset) -> GenotypeCounts {
        match self.layout() {
            VariantLayout::Pbwt(_) => self.counts_in_planned(subset, &self.view.subset_plan(subset)),
            _ => self.counts_in_planned(subset, &SubsetPlan::Replay),
        }
    }

    pub(crate) fn counts_in_planned(&self, subset: &SampleSubset, plan: &SubsetPlan) -> GenotypeCounts {
        assert_eq!(subset.n_samples(), self.view.n_samples, "sample subset built for a different block width");
        let size = u64::from(subset.len());
        let mut counts = match self.layout() {
            VariantLayout::Sparse(sparse) => self.sparse_counts_in(sparse, subset),
            VariantLayout::Dense(_) => self.planes().map_or_else(GenotypeCounts::default, |p| dense_counts::count(&p, &SubsetWords(subset.words(), size))),
            VariantLayout::Pbwt(pbwt) => match plan {
                SubsetPlan::Tracked(bits) => self.tracked_counts_in(pbwt, subset, bits),
                SubsetPlan::Counted(counts) => {
                    let (het, hom_alt) = counts.diploid(pbwt.ordinal);
                    self.with_overrides_in(pbwt, subset, pbwt::diploid_counts(u64::from(subset.len()), het, hom_alt))
                }
                // Every field is a sum over samples.
                SubsetPlan::Complement(rest, bits) => return self.counts() - self.tracked_counts_in(pbwt, rest, bits) - self.extended_counts_in(rest),
                SubsetPlan::Replay => self.replayed_counts_in(pbwt, subset),
            },
        };
        counts += self.extended_counts_in(subset);
        counts
    }

    /// Counts of the samples the PBWT bits describe, from the replayed order (without
    /// extended calls). Kept out of line: inlined, its popcount loop took ~20% more
    /// instructions.
    #[inline(never)]
    fn replayed_counts_in(&self, pbwt: &PbwtLayout, subset: &SampleSubset) -> GenotypeCounts {
        let c = self.view.pbwt_bits(pbwt.ordinal).count(&SubsetWords(subset.words(), u64::from(subset.len())));
        self.with_overrides_in(pbwt, subset, c)
    }

    /// Counts of the samples `bits` describe (without extended calls).
    fn tracked_counts_in(&self, pbwt: &PbwtLayout, subset: &SampleSubset, bits: &SubsetPbwt) -> GenotypeCounts {
        let (het, hom_alt) = bits.diploid(pbwt.ordinal);
        self.with_overrides_in(pbwt, subset, pbwt::diploid_counts(u64::from(subset.len()), het, hom_alt))
    }

    /// Replaces the 0/0 that `c` counted for each override sample of `subset` by its code.
    fn with_overrides_in(&self, pbwt: &PbwtLayout, subset: &SampleSubset, mut c: GenotypeCounts) -> GenotypeCounts {
        for (_, code) in self.pbwt_overrides(pbwt).filter(|&(sample, _)| subset.contains(sample)) {
            c.hom_ref -= 1;
            c.an -= 2;
            c.add_code(code, 1);
        }
        c
    }

    fn extended_counts_in(&self, subset: &SampleSubset) -> GenotypeCounts {
        let mut c = GenotypeCounts::default();
        self.extended().iter().filter(|e| subset.contains(e.sample)).for_each(|e| c.add_extended(e));
        c
    }

    fn sparse_counts_in(&self, sparse: &SparseLayout, subset: &SampleSubset) -> GenotypeCounts {
        let palette = self.palette(sparse);
        let mut tally = [0u64; MAX_PALETTE];
        let exceptions = SparseExceptions::new(&self.view.gt, sparse);
        // Branch-free: membership is a coin flip for a random subset, which a branch
        // would mispredict half the time.
        if palette.len() <= PACKED_LANES {
            tally_packed(exceptions, subset, &mut tally);
        } else {
            for (sample, index) in exceptions {
                if let Some(t) = tally.get_mut(index) {
                    *t += u64::from(subset.contains(sample));
                }
            }
        }
        let inside: u64 = tally.iter().sum();
        let mut c = GenotypeCounts::default();
        c.add_code(sparse.default, u64::from(subset.len()) - inside);
        for (entry, &t) in palette.iter().zip(&tally) {
            c.add_code(entry.code, t);
        }
        c
    }
}

/// Up to four palette counters packed as 16-bit lanes of one register: incrementing an
/// array slot per exception would serialise on store-to-load forwarding.
const PACKED_LANES: usize = 4;

fn tally_packed(mut exceptions: SparseExceptions<'_>, subset: &SampleSubset, tally: &mut [u64; MAX_PALETTE]) {
    loop {
        let mut packed = 0u64;
        // A lane can take 65535 increments before it would carry into the next one.
        let mut room = u16::MAX;
        for (sample, index) in exceptions.by_ref() {
            packed += u64::from(subset.contains(sample)) << (16 * (index & 3));
            room -= 1;
            if room == 0 {
                break;
            }
        }
        for (lane, t) in tally.iter_mut().take(PACKED_LANES).enumerate() {
            *t += (packed >> (16 * lane)) & 0xFFFF;
        }
        if room != 0 {
            return;
        }
    }
}
