//! The local genealogy of the founder haplotypes.
//!
//! Founder alleles are not drawn independently per site: a coalescent tree over the founders
//! is kept and each founder mutation falls on one of its branches (chosen proportionally to
//! branch length), so all founders below that branch carry it. This gives the neutral
//! expectation P(i carriers) ∝ 1/i and, because neighbouring sites share a tree, linkage
//! disequilibrium. Moving along the contig the tree is edited by recombination events
//! (prune a lineage, let it re-coalesce — the SMC approximation), so LD decays with distance.

use crate::rng::{exponential, index_below, unit, SimRng};

const NONE: usize = usize::MAX;

pub(crate) struct FounderGenealogy {
    leaves: usize,
    parent: Vec<usize>,
    children: Vec<[usize; 2]>,
    /// Node ages in coalescent units; leaves are at 0.
    time: Vec<f64>,
    root: usize,
    stack: Vec<usize>,
}

impl FounderGenealogy {
    /// A Kingman coalescent tree over `leaves` founders (internal nodes get ids `leaves..`).
    pub(crate) fn kingman(leaves: usize, rng: &mut SimRng) -> Self {
        assert!(leaves >= 2, "a genealogy needs at least two founders");
        let nodes = 2 * leaves - 1;
        let mut tree = Self { leaves, parent: vec![NONE; nodes], children: vec![[NONE; 2]; nodes], time: vec![0.0; nodes], root: nodes - 1, stack: Vec::new() };
        let mut lineages: Vec<usize> = (0..leaves).collect();
        let mut now = 0.0;
        for node in leaves..nodes {
            let k = lineages.len() as f64;
            now += exponential(rng, 2.0 / (k * (k - 1.0)));
            let first = lineages.swap_remove(index_below(rng, lineages.len()));
            let second = lineages.swap_remove(index_below(rng, lineages.len()));
            tree.join(node, first, second, now);
            lineages.push(node);
        }
        tree
    }

    fn join(&mut self, node: usize, a: usize, b: usize, time: f64) {
        self.children[node] = [a, b];
        self.parent[a] = node;
        self.parent[b] = node;
        self.time[node] = time;
    }

    fn branch_length(&self, node: usize) -> f64 {
        self.time[self.parent[node]] - self.time[node]
    }

    /// A non-root node chosen with probability proportional to the length of the branch above it.
    pub(crate) fn sample_branch(&self, rng: &mut SimRng) -> usize {
        self.point_on_tree(rng).0
    }

    /// A uniformly random point on the tree: the branch's lower node and the point's age.
    fn point_on_tree(&self, rng: &mut SimRng) -> (usize, f64) {
        let total: f64 = self.branches().map(|n| self.branch_length(n)).sum();
        let mut remaining = unit(rng) * total;
        // Any branch works as a fallback; it is only used if rounding exhausts `remaining`.
        let mut last = self.branches().next().expect("a tree of two or more leaves has branches");
        for node in self.branches() {
            let length = self.branch_length(node);
            if length <= 0.0 {
                continue;
            }
            if remaining < length {
                return (node, self.time[node] + remaining);
            }
            remaining -= length;
            last = node;
        }
        (last, self.time[last])
    }

    fn branches(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.parent.len()).filter(move |&n| n != self.root)
    }

    /// Sets `alleles[f] = allele` for every founder `f` below `node`.
    pub(crate) fn paint_descendants(&mut self, node: usize, allele: u8, alleles: &mut [u8]) {
        self.stack.clear();
        self.stack.push(node);
        while let Some(n) = self.stack.pop() {
            if n < self.leaves {
                alleles[n] = allele;
            } else {
                self.stack.extend_from_slice(&self.children[n]);
            }
        }
    }

    /// One recombination event: detach the lineage below a random point and let it
    /// re-coalesce into the rest of the tree above that point.
    pub(crate) fn recombine(&mut self, rng: &mut SimRng) {
        let (moved, cut_time) = self.point_on_tree(rng);
        let freed = self.parent[moved];
        let sibling = self.other_child(freed, moved);
        self.replace_child(self.parent[freed], freed, sibling);

        let (target, join_time) = self.recoalescence(cut_time, moved, freed, rng);
        let above = self.parent[target];
        self.replace_child(above, target, freed);
        self.join(freed, moved, target, join_time);
    }

    fn other_child(&self, node: usize, child: usize) -> usize {
        let [a, b] = self.children[node];
        if a == child {
            b
        } else {
            a
        }
    }

    /// Makes `new` take `old`'s place under `parent` (or as root when `parent` is NONE).
    fn replace_child(&mut self, parent: usize, old: usize, new: usize) {
        self.parent[new] = parent;
        if parent == NONE {
            self.root = new;
        } else {
            let slot = self.children[parent].iter().position(|&c| c == old);
            self.children[parent][slot.expect("old is a child of parent")] = new;
        }
    }

    /// Where and when a lineage starting at `start` joins the tree that excludes the
    /// detached subtree (`moved`) and the freed node: with k lineages present it coalesces
    /// at rate k, each of them equally likely.
    fn recoalescence(&mut self, start: f64, moved: usize, freed: usize, rng: &mut SimRng) -> (usize, f64) {
        let in_tree = self.nodes_of_main_tree(moved, freed);
        let mut now = start;
        let mut alive = Vec::with_capacity(self.leaves);
        loop {
            alive.clear();
            let mut next_event = f64::INFINITY;
            for &n in &in_tree {
                let ends = if n == self.root { f64::INFINITY } else { self.time[self.parent[n]] };
                if self.time[n] <= now && now < ends {
                    alive.push(n);
                    next_event = next_event.min(ends);
                }
            }
            let wait = exponential(rng, 1.0 / alive.len() as f64);
            if now + wait < next_event {
                return (alive[index_below(rng, alive.len())], now + wait);
            }
            now = next_event;
        }
    }

    fn nodes_of_main_tree(&mut self, moved: usize, freed: usize) -> Vec<usize> {
        let mut nodes = Vec::with_capacity(self.parent.len());
        self.stack.clear();
        self.stack.push(self.root);
        while let Some(n) = self.stack.pop() {
            debug_assert!(n != moved && n != freed);
            nodes.push(n);
            if n >= self.leaves {
                self.stack.extend_from_slice(&self.children[n]);
            }
        }
        // Sorted so that iteration order (and hence the draw) never depends on traversal.
        nodes.sort_unstable();
        nodes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream_rng, Stream};

    fn assert_valid(tree: &FounderGenealogy) {
        assert_eq!(tree.parent[tree.root], NONE);
        for leaf in 0..tree.leaves {
            let (mut n, mut steps) = (leaf, 0);
            while n != tree.root {
                let p = tree.parent[n];
                assert!(tree.children[p].contains(&n));
                assert!(tree.time[p] >= tree.time[n], "parent younger than child");
                n = p;
                steps += 1;
                assert!(steps < tree.parent.len(), "cycle");
            }
        }
    }

    #[test]
    fn recombination_keeps_a_valid_tree() {
        let mut rng = stream_rng(11, Stream::Genealogy);
        let mut tree = FounderGenealogy::kingman(16, &mut rng);
        assert_valid(&tree);
        for _ in 0..2_000 {
            tree.recombine(&mut rng);
            assert_valid(&tree);
        }
    }

    #[test]
    fn carrier_counts_follow_neutral_spectrum() {
        let founders = 32;
        let mut rng = stream_rng(12, Stream::Genealogy);
        let mut tree = FounderGenealogy::kingman(founders, &mut rng);
        let mut counts = vec![0u32; founders];
        let mut alleles = vec![0u8; founders];
        let draws = 40_000;
        for i in 0..draws {
            if i % 20 == 0 {
                tree.recombine(&mut rng);
            }
            alleles.fill(0);
            let branch = tree.sample_branch(&mut rng);
            tree.paint_descendants(branch, 1, &mut alleles);
            counts[alleles.iter().filter(|&&a| a == 1).count()] += 1;
        }
        assert_eq!(counts[0], 0);
        let harmonic: f64 = (1..founders).map(|i| 1.0 / i as f64).sum();
        let singleton_share = counts[1] as f64 / draws as f64;
        let expected = 1.0 / harmonic; // ~0.25 for 32 founders
        assert!((singleton_share - expected).abs() < 0.06, "singletons {singleton_share:.3}, neutral expectation {expected:.3}");
        // Rare classes dominate the common ones, as 1/i predicts.
        let rare: u32 = counts[1..=3].iter().sum();
        let common: u32 = counts[13..=15].iter().sum();
        assert!(rare > 3 * common, "rare {rare} vs mid-frequency {common}");
    }
}
