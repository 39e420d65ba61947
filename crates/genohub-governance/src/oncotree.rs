//! OncoTree subsumption for disease-specific (DS) consents: a consent for NSCLC covers a LUAD
//! project because LUAD is a subtype of NSCLC. Without a loaded tree only exact matches count
//! (the conservative reading).

use std::collections::HashMap;
use std::path::Path;

use crate::error::{GovernanceError, Result};

#[derive(Debug, Clone, Default)]
pub struct OncoTree {
    /// Upper-case code → parent code.
    parent: HashMap<String, String>,
}

fn code(curie: &str) -> Option<String> {
    let (system, code) = curie.split_once(':')?;
    system.eq_ignore_ascii_case("oncotree").then(|| code.to_ascii_uppercase())
}

impl OncoTree {
    /// Reads the OncoTree JSON tree (`{"TISSUE": {"code", "children": {...}}}`).
    pub fn load(path: &Path) -> Result<OncoTree> {
        let text = std::fs::read_to_string(path).map_err(|e| GovernanceError::input(format!("OncoTree {}: {e}", path.display())))?;
        let root: serde_json::Value = serde_json::from_str(&text).map_err(|e| GovernanceError::input(format!("OncoTree {}: {e}", path.display())))?;
        let mut tree = OncoTree::default();
        let mut stack: Vec<(&serde_json::Value, Option<String>)> = root.as_object().into_iter().flat_map(|m| m.values()).map(|v| (v, None)).collect();
        while let Some((node, parent)) = stack.pop() {
            let Some(code) = node.get("code").and_then(|c| c.as_str()) else {
                return Err(GovernanceError::input(format!("OncoTree {}: a node has no code", path.display())));
            };
            let code = code.to_ascii_uppercase();
            if let Some(p) = parent {
                tree.parent.insert(code.clone(), p);
            }
            if let Some(children) = node.get("children").and_then(|c| c.as_object()) {
                stack.extend(children.values().map(|c| (c, Some(code.clone()))));
            }
        }
        Ok(tree)
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// Whether `child` is a strict descendant of `ancestor` (both `oncotree:CODE` CURIEs).
    pub fn is_a(&self, child: &str, ancestor: &str) -> bool {
        let (Some(mut c), Some(a)) = (code(child), code(ancestor)) else { return false };
        // A tree has no cycles, but a malformed file might: bound the walk.
        for _ in 0..64 {
            match self.parent.get(&c) {
                Some(p) if *p == a => return true,
                Some(p) => c = p.clone(),
                None => return false,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
