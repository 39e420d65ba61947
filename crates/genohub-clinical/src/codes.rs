//! Code systems genohub accepts in clinical records, checked by syntax; OncoTree codes are also
//! checked against the OncoTree tree when one is loaded ([`OncoTree::load`], `--oncotree`).
//! No vocabulary is embedded: without a tree, any well-formed OncoTree code is accepted.

mod oncotree;

pub use oncotree::{OncoTree, Succession};

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
        // OncoTree spells a few codes with '-' or '/' (`HCL-V`, `MDS/MPN`), never at an end.
        "oncotree" => {
            let b = code.as_bytes();
            let end_ok = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            code.len() <= 20 && end_ok(b.first()) && end_ok(b.last()) && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || b"_-/".contains(c))
        }
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
    if *system == "oncotree" {
        if let Some(tree) = oncotree {
            // The tree decides: it also knows former codes, some spelled in mixed case (`SpCC`).
            // The code is kept as given; questions read it as its successor.
            if tree.knows(code) {
                return Ok(format!("{system}:{code}"));
            }
            if code_ok(system, code) {
                return Err(format!("{code} is not an OncoTree code (OncoTree {}, current or former)", tree.version));
            }
        }
    }
    if !code_ok(system, code) {
        let expected = if *system == "oncotree" { " (upper-case letters, digits, '_', '-' or '/')" } else { "" };
        return Err(format!("{curie:?} is not a well-formed {system} code{expected}"));
    }
    Ok(format!("{system}:{code}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The shared OncoTree release, or None (with the reason printed) when it is absent.
    pub(super) fn shared_tree() -> Option<OncoTree> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
        if !path.exists() {
            eprintln!("skipping: {} not present", path.display());
            return None;
        }
        Some(OncoTree::load(&path).unwrap())
    }

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
    fn oncotree_codes_with_dash_and_slash_and_garbage_without_a_tree() {
        for code in ["HCL-V", "MDS/MPN", "GBM", "LUAD", "CLLSLL"] {
            assert_eq!(check(&format!("oncotree:{code}"), Slot::Disease, None).unwrap(), format!("oncotree:{code}"), "kept as given");
        }
        for bad in [
            "oncotree:",
            "oncotree:-X",
            "oncotree:X/",
            "oncotree:/",
            "oncotree:LU AD",
            "oncotree:LUAD')",
            "oncotree:MDS\\MPN",
            "oncotree:ABCDEFGHIJKLMNOPQRSTU",
        ] {
            let e = check(bad, Slot::Disease, None).unwrap_err();
            assert!(e.contains("not a well-formed oncotree code") && e.contains("'-' or '/'"), "{bad}: {e}");
        }
    }

    #[test]
    fn oncotree_file_checks_codes_when_present() {
        let Some(tree) = shared_tree() else { return };
        assert!(tree.len() > 500, "{}", tree.len());
        assert!(tree.name("LUAD").unwrap().contains("Adenocarcinoma"));
        // Every code of the tree is accepted as given, with the tree and by syntax alone.
        for code in tree.codes() {
            let curie = format!("oncotree:{code}");
            assert_eq!(check(&curie, Slot::Disease, Some(&tree)).as_deref(), Ok(curie.as_str()));
            assert_eq!(check(&curie, Slot::Disease, None).as_deref(), Ok(curie.as_str()));
        }
        assert!(tree.contains("HCL-V") && tree.contains("MDS/MPN"), "the release spells codes with '-' and '/'");
        // Former codes too, kept as given (some are mixed case: the tree, not the syntax, decides).
        assert!(!tree.former_codes().is_empty());
        for code in tree.former_codes() {
            let curie = format!("oncotree:{code}");
            assert_eq!(check(&curie, Slot::Disease, Some(&tree)).as_deref(), Ok(curie.as_str()));
        }
        assert!(check("oncotree:NOTACODE", Slot::Disease, Some(&tree)).unwrap_err().contains("not an OncoTree code"));
        assert!(check("oncotree:MDS/MPX", Slot::Disease, Some(&tree)).unwrap_err().contains("not an OncoTree code"));
        assert!(check("oncotree:LU AD", Slot::Disease, Some(&tree)).unwrap_err().contains("not a well-formed"));
        assert!(check("oncotree:luad", Slot::Disease, Some(&tree)).unwrap_err().contains("not a well-formed"));
    }
}
