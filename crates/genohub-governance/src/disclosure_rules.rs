//! The disclosure-control settings of a project.

use serde::{Deserialize, Serialize};

use crate::error::{GovernanceError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureRules {
    /// Counts 1…k−1 are shown as `<k`; cohorts differing by 1…k−1 individuals are refused.
    pub k: u32,
    /// Smallest cohort (individuals) an aggregate is computed over.
    pub min_cohort: u32,
    /// Allele frequency is withheld where fewer alleles were called.
    pub min_an: u32,
    /// Queries per UTC day, refused ones included (a refusal is information too).
    pub daily_budget: u32,
}

impl Default for DisclosureRules {
    fn default() -> Self {
        DisclosureRules { k: 5, min_cohort: 20, min_an: 20, daily_budget: 200 }
    }
}

impl DisclosureRules {
    pub fn check(&self) -> Result<()> {
        if self.k < 2 {
            return Err(GovernanceError::input(format!("k = {} hides nothing; it must be at least 2", self.k)));
        }
        if self.min_cohort < self.k {
            return Err(GovernanceError::input(format!("minimum cohort {} is below k = {}", self.min_cohort, self.k)));
        }
        if self.daily_budget == 0 {
            return Err(GovernanceError::input("a daily query budget of 0 allows nothing"));
        }
        Ok(())
    }
}
