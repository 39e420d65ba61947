//! Histogram bins with bcftools' semantics (`bin.c`): edges as `f32`, 0 and 1 added when
//! missing, intervals `[a, b)` except the last, found by bcftools' own binary search so that
//! values on an edge land where bcftools puts them.

use crate::error::{AnalysisError, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Bins {
    edges: Vec<f32>,
}

/// bcftools `+af-dist` default edges.
pub const DEFAULT_EDGES: &str = "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1";

impl Bins {
    /// Comma-separated edges within [0, 1].
    pub fn parse(list: &str) -> Result<Bins> {
        let mut edges = Vec::new();
        for item in list.split(',') {
            let v: f64 = item.trim().parse().map_err(|_| AnalysisError::input(format!("bins {list:?}: {item:?} is not a number")))?;
            let v = v as f32;
            if !(0.0..=1.0).contains(&v) {
                return Err(AnalysisError::input(format!("bins {list:?}: {item} is outside [0, 1]")));
            }
            edges.push(v);
        }
        if edges.len() < 2 {
            return Err(AnalysisError::input(format!("bins {list:?}: give at least two edges")));
        }
        if edges.windows(2).any(|w| w[0] >= w[1]) {
            return Err(AnalysisError::input(format!("bins {list:?}: edges must increase")));
        }
        let max_err = (edges[1] - edges[0]) * 1e-6;
        if edges[0].abs() > max_err {
            edges.insert(0, 0.0);
        }
        if (edges[edges.len() - 1] - 1.0).abs() > max_err {
            edges.push(1.0);
        }
        Ok(Bins { edges })
    }

    /// Number of edges; there are `len() - 1` bins printed.
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    pub fn edge(&self, i: usize) -> f32 {
        self.edges[i]
    }

    /// bcftools `bin_get_idx`, step for step.
    pub fn index(&self, value: f32) -> usize {
        let n = self.edges.len();
        if self.edges[n - 1] < value {
            return n - 1;
        }
        let (mut imin, mut imax) = (0isize, n as isize - 2);
        while imin < imax {
            let i = (imin + imax) / 2;
            let e = self.edges[i as usize];
            if value < e {
                imax = i - 1;
            } else if value > e {
                imin = i + 1;
            } else {
                return i as usize;
            }
        }
        if imax >= 0 && self.edges[imax as usize] <= value {
            return imax as usize;
        }
        if imin > 0 {
            (imin - 1) as usize
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcftools_edges_and_lookup() {
        let b = Bins::parse(DEFAULT_EDGES).unwrap();
        assert_eq!(b.len(), 11);
        assert_eq!(b.index(0.0), 0);
        assert_eq!(b.index(0.05), 0);
        assert_eq!(b.index(0.1), 1);
        assert_eq!(b.index(0.95), 9);
        assert_eq!(b.index(1.0), 9);
        let b = Bins::parse("0.2,0.5").unwrap();
        assert_eq!(b.len(), 4, "0 and 1 are added");
        assert!(Bins::parse("0.5,0.2").is_err());
        assert!(Bins::parse("0,1.5").is_err());
        assert!(Bins::parse("0,x").is_err());
    }
}
