//! OncoTree subsumption for disease-specific (DS) consents: a consent for NSCLC covers a LUAD
//! project because LUAD is a subtype of NSCLC. Without a loaded tree only exact matches count
//! (the conservative reading).
//!
//! The tree itself is the clinical repository's (`genohub_clinical::OncoTree`, which also checks
//! cancer-type codes on import): one loader, one reading of the file.

pub use genohub_clinical::OncoTree;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn subsumption_from_the_shared_tree() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
        if !path.exists() {
            eprintln!("skipping: {} not present", path.display());
            return;
        }
        let tree = OncoTree::load(&path).unwrap();
        assert!(tree.len() > 500, "{} codes", tree.len());
        assert!(tree.is_a("oncotree:LUAD", "oncotree:NSCLC"));
        assert!(tree.is_a("oncotree:luad", "oncotree:LUNG"), "transitive, case-insensitive");
        assert!(!tree.is_a("oncotree:NSCLC", "oncotree:LUAD"), "not upwards");
        assert!(!tree.is_a("oncotree:LUAD", "oncotree:COADREAD"));
        assert!(!tree.is_a("MONDO:1", "oncotree:LUNG"));
    }
}
