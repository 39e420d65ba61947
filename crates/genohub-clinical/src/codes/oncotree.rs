//! The OncoTree, read from its JSON export: codes, names, parents, NCI ids, and the codes of
//! earlier versions the tree no longer has.
//!
//! OncoTree records its own history on the node that took over a code: `history` lists former
//! codes for the same set of cases (`MFT` → `FT`), `revocations` codes that were withdrawn and
//! whose meaning this node was part of (`GBM` → `GB`; `ALL` → `BLL` and `TLL`), and
//! `precursors` codes whose cases became part of this node (`CLL`, `SLL` → `CLLSLL`). A record
//! keeps the code it was made with; every question asked of the tree reads a former code as
//! its successor(s), so patients recorded before a release are not lost by it.

use std::collections::HashMap;
use std::path::Path;

use crate::ClinicalError;

/// How a former code passed to the node that lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Succession {
    /// `history`: the same cases under a new code.
    Renamed,
    /// `revocations`: withdrawn; the node was part of the former code's meaning.
    Revoked,
    /// `precursors`: the former code's cases became part of the (possibly wider) node.
    Precursor,
}

/// OncoTree codes with their names and parents, from the OncoTree JSON export.
#[derive(Debug, Clone)]
pub struct OncoTree {
    pub version: String,
    nodes: HashMap<String, (String, Option<String>)>,
    /// NCI Thesaurus ids (`C2926`) of each code, from its `externalReferences.NCI`.
    nci: HashMap<String, Vec<String>>,
    /// Each former code (spelled as the file spells it) with the current codes that took it
    /// over, sorted; never a code the tree still has.
    former: HashMap<String, Vec<(String, Succession)>>,
}

type Nodes = HashMap<String, (String, Option<String>)>;
type Former = HashMap<String, Vec<(String, Succession)>>;

fn walk(v: &serde_json::Value, nodes: &mut Nodes, nci: &mut HashMap<String, Vec<String>>, former: &mut Former) {
    let Some(obj) = v.as_object() else { return };
    for node in obj.values() {
        if let Some(code) = node.get("code").and_then(|c| c.as_str()) {
            let name = node.get("name").and_then(|n| n.as_str()).unwrap_or_default().to_string();
            let parent = node.get("parent").and_then(|p| p.as_str()).map(str::to_string);
            nodes.insert(code.to_string(), (name, parent));
            let strings = |pointer: &str| -> Vec<String> {
                let list = node.pointer(pointer).and_then(|v| v.as_array());
                list.into_iter().flatten().filter_map(|i| i.as_str()).map(str::to_string).collect()
            };
            let ids = strings("/externalReferences/NCI");
            if !ids.is_empty() {
                nci.insert(code.to_string(), ids);
            }
            for (field, how) in [("/history", Succession::Renamed), ("/revocations", Succession::Revoked), ("/precursors", Succession::Precursor)] {
                // 2025_10_03 lists PTCL among PTCL's own revocations: a node is no successor of itself.
                for old in strings(field).into_iter().filter(|old| old != code) {
                    former.entry(old).or_default().push((code.to_string(), how));
                }
            }
        }
        if let Some(children) = node.get("children") {
            walk(children, nodes, nci, former);
        }
    }
}

impl OncoTree {
    pub fn load(path: &Path) -> Result<OncoTree, ClinicalError> {
        let text = std::fs::read_to_string(path).map_err(|e| ClinicalError::Io { context: format!("reading OncoTree {}", path.display()), source: e })?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| ClinicalError::input(&path.display().to_string(), "OncoTree", "(file)", format!("not JSON: {e}")))?;
        let (mut nodes, mut nci, mut former) = (HashMap::new(), HashMap::new(), HashMap::new());
        walk(&json, &mut nodes, &mut nci, &mut former);
        if nodes.len() < 2 {
            return Err(ClinicalError::input(&path.display().to_string(), "OncoTree", "(file)", "holds no OncoTree codes"));
        }
        // A code retired in one release may be reused by a later one (PTCL): the current node wins.
        former.retain(|old, _| !nodes.contains_key(old));
        for successors in former.values_mut() {
            successors.sort_unstable();
            successors.dedup();
        }
        let version = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(OncoTree { version, nodes, nci, former })
    }

    /// Whether `code` (exact spelling) is a node of this version.
    pub fn contains(&self, code: &str) -> bool {
        self.nodes.contains_key(code)
    }

    /// Whether `code` (exact spelling) is a node of this version or a former code one of its
    /// nodes took over: the codes a clinical record may carry.
    pub fn knows(&self, code: &str) -> bool {
        self.contains(code) || self.former.contains_key(code)
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.nodes.get(code).map(|(n, _)| n.as_str())
    }

    /// Number of current codes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every current code, sorted.
    pub fn codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self.nodes.keys().map(String::as_str).collect();
        codes.sort_unstable();
        codes
    }

    /// Every former code the file records, sorted.
    pub fn former_codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self.former.keys().map(String::as_str).collect();
        codes.sort_unstable();
        codes
    }

    /// The current codes that took over former code `code` and how, sorted; empty for a
    /// current or unknown code. Exact spelling first, then any case.
    pub fn succession(&self, code: &str) -> &[(String, Succession)] {
        let found = self.former.get(code).or_else(|| self.former.iter().find(|(old, _)| old.eq_ignore_ascii_case(code)).map(|(_, s)| s));
        found.map_or(&[], Vec::as_slice)
    }

    /// The current code(s) `code` stands for: itself when current, its successors when former
    /// (several when OncoTree split it: `ALL` → `BLL`, `TLL`), none when unknown. Any case.
    pub fn current(&self, code: &str) -> Vec<&str> {
        if let Some((c, _)) = self.nodes.get_key_value(code) {
            return vec![c.as_str()];
        }
        if let Some((c, _)) = self.nodes.get_key_value(&code.to_ascii_uppercase()) {
            return vec![c.as_str()];
        }
        self.succession(code).iter().map(|(c, _)| c.as_str()).collect()
    }

    /// The current codes a former `ancestor` is known to contain: a precursor may have become
    /// part of a wider node (`CLL` of `CLLSLL`), so that node's other cases are not the former
    /// code's, and a precursor contains nothing beyond its own spelling.
    fn contained_by(&self, ancestor: &str) -> Vec<&str> {
        if self.succession(ancestor).is_empty() {
            return self.current(ancestor);
        }
        self.succession(ancestor).iter().filter(|(_, how)| *how != Succession::Precursor).map(|(c, _)| c.as_str()).collect()
    }

    /// Whether `child` falls within `ancestor` and is not the same code, both `oncotree:CODE`
    /// CURIEs in any case: a disease-specific consent for NSCLC covers a LUAD project. Former
    /// codes are read as their successors: GBM is within GB and its parents (and GB within
    /// GBM); a former code split into several nodes is within `ancestor` only when all of them
    /// are (`ALL` is within `LNM`, not within `BLL`).
    pub fn is_a(&self, child: &str, ancestor: &str) -> bool {
        let code = |curie: &'_ str| curie.split_once(':').filter(|(system, _)| system.eq_ignore_ascii_case("oncotree")).map(|(_, c)| c.to_string());
        let (Some(child), Some(ancestor)) = (code(child), code(ancestor)) else { return false };
        if child.eq_ignore_ascii_case(&ancestor) {
            return false;
        }
        let (children, tops) = (self.current(&child), self.contained_by(&ancestor));
        !children.is_empty() && !tops.is_empty() && children.iter().all(|c| tops.iter().any(|t| self.within(c, t)))
    }

    pub fn parent(&self, code: &str) -> Option<&str> {
        self.nodes.get(code).and_then(|(_, p)| p.as_deref())
    }

    /// Steps from the root (`TISSUE` is 0, organs such as `LUNG` 1, `NSCLC` 2); bounded like
    /// [`OncoTree::is_a`].
    pub fn depth<'a>(&'a self, code: &'a str) -> usize {
        let mut c = code;
        for depth in 0..64 {
            match self.parent(c) {
                Some(p) => c = p,
                None => return depth,
            }
        }
        64
    }

    /// `code` and every current code below it, sorted; empty when `code` is not in the tree.
    pub fn subtree(&self, code: &str) -> Vec<&str> {
        if !self.contains(code) {
            return Vec::new();
        }
        self.codes().into_iter().filter(|c| self.within(c, code)).collect()
    }

    /// Every code a patient within one of `tops` (current codes) may be recorded with: the
    /// subtrees' codes and each former code all of whose successors lie in them. Sorted.
    pub fn recorded_codes_within(&self, tops: &[&str]) -> Vec<&str> {
        let mut codes: Vec<&str> = tops.iter().flat_map(|t| self.subtree(t)).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut former: Vec<&str> = self
            .former
            .iter()
            .filter(|(_, successors)| successors.iter().all(|(s, _)| codes.binary_search(&s.as_str()).is_ok()))
            .map(|(old, _)| old.as_str())
            .collect();
        codes.append(&mut former);
        codes.sort_unstable();
        codes
    }

    /// Whether `code` is `top` or below it. A tree has no cycles, but a malformed file might:
    /// the walk is bounded.
    fn within<'a>(&'a self, mut code: &'a str, top: &str) -> bool {
        for _ in 0..64 {
            if code == top {
                return true;
            }
            match self.parent(code) {
                Some(p) => code = p,
                None => return false,
            }
        }
        false
    }

    /// The NCI Thesaurus ids (`C3512`, no prefix) the file gives for `code`.
    pub fn nci_ids(&self, code: &str) -> &[String] {
        self.nci.get(code).map_or(&[], Vec::as_slice)
    }

    /// The codes whose NCI Thesaurus ids include `nci` (`C2926`), sorted; the file maps a few
    /// NCI ids to two codes.
    pub fn codes_with_nci(&self, nci: &str) -> Vec<&str> {
        let mut codes: Vec<&str> = self.nci.iter().filter(|(_, ids)| ids.iter().any(|i| i.eq_ignore_ascii_case(nci))).map(|(c, _)| c.as_str()).collect();
        codes.sort_unstable();
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::tests::shared_tree;

    #[test]
    fn subtrees_and_nci_ids_from_the_shared_tree() {
        let Some(tree) = shared_tree() else { return };
        let nsclc = tree.subtree("NSCLC");
        assert!(nsclc.contains(&"NSCLC") && nsclc.contains(&"LUAD") && nsclc.contains(&"LUSC"), "{nsclc:?}");
        assert!(!nsclc.contains(&"LUNG") && !nsclc.contains(&"SCLC") && !nsclc.contains(&"COAD"), "{nsclc:?}");
        // Every member is NSCLC itself or below it, and every code below it is a member.
        for code in tree.codes() {
            assert_eq!(nsclc.contains(&code), code == "NSCLC" || tree.is_a(&format!("oncotree:{code}"), "oncotree:NSCLC"), "{code}");
        }
        assert_eq!(tree.subtree("LUNG").len(), 1 + tree.codes().iter().filter(|c| tree.is_a(&format!("oncotree:{c}"), "oncotree:LUNG")).count());
        assert!(tree.subtree("NOTACODE").is_empty());
        assert_eq!((tree.depth("TISSUE"), tree.depth("LUNG"), tree.depth("NSCLC"), tree.depth("LUAD")), (0, 1, 2, 3));
        // The NCI ids are the file's: each code found by one of its ids carries that id.
        for code in ["NSCLC", "LUAD", "BRCA"] {
            let ids = tree.nci_ids(code);
            assert!(!ids.is_empty(), "{code}");
            assert!(tree.codes_with_nci(&ids[0]).contains(&code), "{code} {ids:?}");
        }
        assert_ne!(tree.nci_ids("NSCLC"), tree.nci_ids("LUAD"));
        assert!(tree.codes_with_nci("C0").is_empty());
    }

    /// The shared file read on its own (not by the loader): each node's code and the codes in
    /// its `history`, `revocations` and `precursors`.
    fn recorded_successions() -> Vec<(String, Vec<String>)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let mut out = Vec::new();
        let mut stack: Vec<&serde_json::Value> = json.as_object().unwrap().values().collect();
        while let Some(n) = stack.pop() {
            let listed =
                ["history", "revocations", "precursors"].iter().flat_map(|f| n[f].as_array().unwrap()).map(|c| c.as_str().unwrap().to_string()).collect();
            out.push((n["code"].as_str().unwrap().to_string(), listed));
            stack.extend(n["children"].as_object().unwrap().values());
        }
        out
    }

    #[test]
    fn former_codes_read_as_their_successors() {
        let Some(tree) = shared_tree() else { return };
        let file = recorded_successions();
        // Every code a node lists as former and the release no longer has leads to that node.
        let mut listed = 0;
        for (node, olds) in &file {
            for old in olds.iter().filter(|o| !tree.contains(o)) {
                assert!(tree.knows(old) && tree.current(old).contains(&node.as_str()), "{old} → {node}");
                listed += 1;
            }
        }
        assert!(listed >= tree.former_codes().len() && !tree.former_codes().is_empty());
        // A code the release still has stays itself, though the file lists it as revoked (PTCL).
        for (node, olds) in &file {
            for old in olds.iter().filter(|o| tree.contains(o)) {
                assert_eq!(tree.current(old), vec![old.as_str()], "{old} listed under {node}");
            }
        }

        // GBM: revoked, its one successor GB (found here in the file, not assumed).
        let gb: Vec<&str> = file.iter().filter(|(_, olds)| olds.iter().any(|o| o == "GBM")).map(|(n, _)| n.as_str()).collect();
        assert_eq!(gb, ["GB"]);
        assert!(!tree.contains("GBM"));
        assert_eq!(tree.succession("GBM"), [("GB".to_string(), Succession::Revoked)]);
        assert_eq!(tree.current("gbm"), ["GB"], "any case");
        let mut ancestors = Vec::new();
        let mut c = "GB";
        while let Some(p) = tree.parent(c) {
            ancestors.push(p);
            c = p;
        }
        assert!(ancestors.contains(&"BRAIN"), "{ancestors:?}");
        for a in &ancestors {
            assert!(tree.is_a("oncotree:GBM", &format!("oncotree:{a}")), "GBM within {a}");
        }
        assert!(tree.is_a("oncotree:GBM", "oncotree:GB") && tree.is_a("oncotree:GB", "oncotree:GBM"), "one set of cases, two codes");
        assert!(!tree.is_a("oncotree:GBM", "oncotree:GBM"), "not strictly within itself");
        assert!(!tree.is_a("oncotree:GBM", "oncotree:LUNG") && !tree.is_a("oncotree:LUAD", "oncotree:GBM"));
        let brain = tree.recorded_codes_within(&["BRAIN"]);
        assert!(brain.contains(&"GB") && brain.contains(&"GBM") && !brain.contains(&"LUAD"), "{brain:?}");

        // A former code split into several nodes is within a node only when all of them are.
        let split: Vec<&str> = tree.former_codes().into_iter().filter(|c| tree.current(c).len() > 1).collect();
        assert!(!split.is_empty());
        for old in split {
            let now = tree.current(old);
            let (first, rest) = (now[0], &now[1..]);
            let mut top = tree.parent(first).unwrap();
            while !rest.iter().all(|r| tree.is_a(&format!("oncotree:{r}"), &format!("oncotree:{top}"))) {
                top = tree.parent(top).unwrap();
            }
            assert!(tree.is_a(&format!("oncotree:{old}"), &format!("oncotree:{top}")), "{old} within {top}");
            assert!(!tree.is_a(&format!("oncotree:{old}"), &format!("oncotree:{first}")), "{old} is not all {first}");
            assert!(tree.is_a(&format!("oncotree:{first}"), &format!("oncotree:{old}")), "{first} was part of {old}");
            assert!(!tree.recorded_codes_within(&[first]).contains(&old) && tree.recorded_codes_within(&now).contains(&old));
        }

        // A precursor joined a possibly wider node: within it, but the node is not within the precursor.
        let precursors: Vec<(&str, &str)> = tree
            .former_codes()
            .into_iter()
            .flat_map(|old| tree.succession(old).iter().filter(|(_, how)| *how == Succession::Precursor).map(move |(c, _)| (old, c.as_str())))
            .collect();
        assert!(!precursors.is_empty());
        for (old, node) in precursors {
            assert!(tree.is_a(&format!("oncotree:{old}"), &format!("oncotree:{node}")), "{old} within {node}");
            assert!(!tree.is_a(&format!("oncotree:{node}"), &format!("oncotree:{old}")), "{node} not within {old}");
        }
    }

    #[test]
    fn recorded_codes_within_a_node_are_exactly_those_within_it() {
        let Some(tree) = shared_tree() else { return };
        let formers = tree.former_codes();
        for top in tree.codes() {
            let within = tree.recorded_codes_within(&[top]);
            let at = format!("oncotree:{top}");
            for code in tree.codes().into_iter().chain(formers.iter().copied()) {
                let expected = code.eq_ignore_ascii_case(top) || tree.is_a(&format!("oncotree:{code}"), &at);
                assert_eq!(within.binary_search(&code).is_ok(), expected, "{code} within {top}");
            }
        }
    }
}
