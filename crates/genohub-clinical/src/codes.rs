//! Code systems genohub accepts in clinical records, checked by syntax; OncoTree codes are also
//! checked against the OncoTree tree when one is loaded ([`OncoTree::load`], `--oncotree`).
//! No vocabulary is embedded: without a tree, any well-formed OncoTree code is accepted.

use std::collections::HashMap;
use std::path::Path;

use crate::ClinicalError;

/// Where a term is used decides which systems fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Disease,
    Drug,
    Anatomy,
    /// Stage, TNM, grade, histology, progression, adverse events, causes of death.
    Finding,
}

impl Slot {
    pub fn systems(self) -> &'static [&'static str] {
        match self {
            Slot::Disease => &["oncotree", "ICD10", "MONDO", "NCIT", "DOID"],
            Slot::Drug => &["DrugCentral", "RxNorm", "NCIT", "CHEBI", "ATC"],
            Slot::Anatomy => &["UBERON", "NCIT"],
            Slot::Finding => &["NCIT", "HP", "MONDO", "ICD10", "EFO", "genohub"],
        }
    }
}

/// The syntax of a code in each system.
fn code_ok(system: &str, code: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match system {
        "oncotree" => !code.is_empty() && code.len() <= 20 && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
        "ICD10" => {
            let b = code.as_bytes();
            let (head, tail) = code.split_at(code.find('.').unwrap_or(code.len()));
            head.len() == 3
                && b[0].is_ascii_uppercase()
                && digits(&head[1..3])
                && (tail.is_empty() || (tail.len() >= 2 && tail.len() <= 5 && tail[1..].bytes().all(|c| c.is_ascii_alphanumeric())))
        }
        "MONDO" | "UBERON" | "HP" | "EFO" => code.len() == 7 && digits(code),
        "NCIT" => code.len() > 1 && code.starts_with('C') && digits(&code[1..]),
        "DOID" | "DrugCentral" | "RxNorm" | "CHEBI" => digits(code),
        "ATC" => !code.is_empty() && code.len() <= 7 && code.bytes().all(|b| b.is_ascii_alphanumeric()),
        "genohub" => !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
        _ => false,
    }
}

/// Checks a CURIE for a slot; returns it with the system's canonical spelling
/// (`icd10:c34.1` → `ICD10:C34.1` is not done: codes are case-sensitive, only the prefix is
/// normalised). The error says what was expected.
pub fn check(curie: &str, slot: Slot, oncotree: Option<&OncoTree>) -> Result<String, String> {
    let Some((prefix, code)) = curie.split_once(':') else {
        return Err(format!("{curie:?} is not a CURIE (PREFIX:CODE, one of {})", slot.systems().join(", ")));
    };
    let prefix = if prefix.eq_ignore_ascii_case("ICD-10") { "ICD10" } else { prefix };
    let Some(system) = slot.systems().iter().find(|s| s.eq_ignore_ascii_case(prefix)) else {
        return Err(format!("unknown code system {prefix:?} in {curie:?} (expected one of {})", slot.systems().join(", ")));
    };
    if !code_ok(system, code) {
        return Err(format!("{curie:?} is not a well-formed {system} code"));
    }
    if *system == "oncotree" {
        if let Some(tree) = oncotree {
            if !tree.contains(code) {
                return Err(format!("{code} is not an OncoTree code (OncoTree {})", tree.version));
            }
        }
    }
    Ok(format!("{system}:{code}"))
}

/// OncoTree codes with their names and parents, from the OncoTree JSON export.
#[derive(Debug, Clone)]
pub struct OncoTree {
    pub version: String,
    nodes: HashMap<String, (String, Option<String>)>,
    /// NCI Thesaurus ids (`C2926`) of each code, from its `externalReferences.NCI`.
    nci: HashMap<String, Vec<String>>,
}

impl OncoTree {
    pub fn load(path: &Path) -> Result<OncoTree, ClinicalError> {
        let text = std::fs::read_to_string(path).map_err(|e| ClinicalError::Io { context: format!("reading OncoTree {}", path.display()), source: e })?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| ClinicalError::input(&path.display().to_string(), "OncoTree", "(file)", format!("not JSON: {e}")))?;
        let mut nodes = HashMap::new();
        let mut nci = HashMap::new();
        type Nodes = HashMap<String, (String, Option<String>)>;
        fn walk(v: &serde_json::Value, nodes: &mut Nodes, nci: &mut HashMap<String, Vec<String>>) {
            if let Some(obj) = v.as_object() {
                for node in obj.values() {
                    if let Some(code) = node.get("code").and_then(|c| c.as_str()) {
                        let name = node.get("name").and_then(|n| n.as_str()).unwrap_or_default().to_string();
                        let parent = node.get("parent").and_then(|p| p.as_str()).map(str::to_string);
                        nodes.insert(code.to_string(), (name, parent));
                        let ids = node.pointer("/externalReferences/NCI").and_then(|v| v.as_array());
                        let ids: Vec<String> = ids.into_iter().flatten().filter_map(|i| i.as_str()).map(str::to_string).collect();
                        if !ids.is_empty() {
                            nci.insert(code.to_string(), ids);
                        }
                    }
                    if let Some(children) = node.get("children") {
                        walk(children, nodes, nci);
                    }
                }
            }
        }
        walk(&json, &mut nodes, &mut nci);
        if nodes.len() < 2 {
            return Err(ClinicalError::input(&path.display().to_string(), "OncoTree", "(file)", "holds no OncoTree codes"));
        }
        let version = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(OncoTree { version, nodes, nci })
    }

    pub fn contains(&self, code: &str) -> bool {
        self.nodes.contains_key(code)
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.nodes.get(code).map(|(n, _)| n.as_str())
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether `child` is a strict descendant of `ancestor`, both `oncotree:CODE` CURIEs in any
    /// case: a disease-specific consent for NSCLC covers a LUAD project.
    pub fn is_a(&self, child: &str, ancestor: &str) -> bool {
        let code = |curie: &str| curie.split_once(':').filter(|(system, _)| system.eq_ignore_ascii_case("oncotree")).map(|(_, c)| c.to_ascii_uppercase());
        let (Some(mut c), Some(a)) = (code(child), code(ancestor)) else { return false };
        // A tree has no cycles, but a malformed file might: bound the walk.
        for _ in 0..64 {
            match self.nodes.get(&c).and_then(|(_, parent)| parent.as_ref()) {
                Some(p) if p.eq_ignore_ascii_case(&a) => return true,
                Some(p) => c = p.to_ascii_uppercase(),
                None => return false,
            }
        }
        false
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every code, sorted.
    pub fn codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self.nodes.keys().map(String::as_str).collect();
        codes.sort_unstable();
        codes
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

    /// `code` and every code below it, sorted; empty when `code` is not in the tree.
    pub fn subtree(&self, code: &str) -> Vec<&str> {
        if !self.contains(code) {
            return Vec::new();
        }
        self.codes().into_iter().filter(|c| self.within(c, code)).collect()
    }

    /// Whether `code` is `top` or below it.
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

    #[test]
    fn systems_and_syntax() {
        assert_eq!(check("oncotree:LUAD", Slot::Disease, None).unwrap(), "oncotree:LUAD");
        assert_eq!(check("icd10:C34.1", Slot::Disease, None).unwrap(), "ICD10:C34.1");
        assert!(check("MONDO:0005061", Slot::Disease, None).is_ok());
        assert!(check("SNOMED:254637007", Slot::Disease, None).unwrap_err().contains("unknown code system"));
        assert!(check("ICD10:C3", Slot::Disease, None).unwrap_err().contains("well-formed"));
        assert!(check("oncotree:luad", Slot::Disease, None).is_err(), "OncoTree codes are upper case");
        assert!(check("LUAD", Slot::Disease, None).unwrap_err().contains("not a CURIE"));
        assert!(check("UBERON:0002048", Slot::Drug, None).is_err(), "anatomy is no drug");
        assert!(check("NCIT:C4870", Slot::Finding, None).is_ok());
    }

    #[test]
    fn oncotree_file_checks_codes_when_present() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
        if !path.exists() {
            eprintln!("skipping: {} not present", path.display());
            return;
        }
        let tree = OncoTree::load(&path).unwrap();
        assert!(tree.len() > 500, "{}", tree.len());
        assert!(tree.name("LUAD").unwrap().contains("Adenocarcinoma"));
        for code in ["LUAD", "COAD", "IDC", "BRCA", "NSCLC", "READ"] {
            assert!(check(&format!("oncotree:{code}"), Slot::Disease, Some(&tree)).is_ok(), "{code}");
        }
        assert!(check("oncotree:NOTACODE", Slot::Disease, Some(&tree)).unwrap_err().contains("not an OncoTree code"));
    }

    #[test]
    fn subtrees_and_nci_ids_from_the_shared_tree() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
        if !path.exists() {
            eprintln!("skipping: {} not present", path.display());
            return;
        }
        let tree = OncoTree::load(&path).unwrap();
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
}
