//! The cancer-type terms a public individuals filter may name, and the clinical-rule clause each
//! stands for. With the hub's OncoTree, `oncotree:NSCLC` means NSCLC and every subtype below it
//! (LUAD, LUSC, ...), and `NCIT:C2926` the OncoTree node(s) carrying that NCI id and everything
//! below them. Without a tree a subtype cannot be told from an unrelated code, so only the exact
//! OncoTree code matches and NCIT terms are refused.
//!
//! Records keep the OncoTree code they were imported with, which a later release may have
//! retired (`GBM`, now `GB`). So a clause lists, besides the subtree's codes, every former code
//! whose successors all lie in it (`oncotree:BRAIN` reaches a patient recorded as GBM), and a
//! filter naming a former code means its successor(s): `oncotree:GBM` asks for GB, and
//! `oncotree:ALL`, split into BLL and TLL, for both.

use crate::error::{GovernanceError, Result};
use crate::hub::Hub;
use crate::oncotree::OncoTree;

/// OncoTree depth from which nodes are diseases: depth 0 is the root (`TISSUE`) and depth 1 the
/// organs, whose NCI ids name the organ itself (`LUNG` carries C12468, "Lung"), not a cancer.
const FIRST_DISEASE_DEPTH: usize = 2;

/// One term `/filtering_terms` lists: a CURIE and its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterTerm {
    pub id: String,
    pub label: String,
}

impl Hub {
    /// The OncoTree the hub reads cancer types with (a vocabulary: it names no one).
    pub fn oncotree(&self) -> Option<&OncoTree> {
        self.oncotree.as_ref()
    }
}

/// The NCI ids of `code` that name a cancer (none for the root and the organs).
fn cancer_nci_ids<'a>(tree: &'a OncoTree, code: &'a str) -> &'a [String] {
    if tree.depth(code) >= FIRST_DISEASE_DEPTH {
        tree.nci_ids(code)
    } else {
        &[]
    }
}

/// The OncoTree codes an NCIT cancer term (`C2926`, no prefix) stands for.
pub fn codes_for_ncit<'a>(tree: &'a OncoTree, nci: &str) -> Vec<&'a str> {
    tree.codes_with_nci(nci).into_iter().filter(|c| tree.depth(c) >= FIRST_DISEASE_DEPTH).collect()
}

/// Every cancer-type term a filter may use with `tree`: each OncoTree code (`oncotree:LUAD`,
/// its name) and each NCI id of a disease node (`NCIT:C3512`, its node's name); former codes
/// are accepted but not listed, as the release no longer has them. This is the
/// tree's vocabulary, not the hub's data: listing only the codes some patient has would tell
/// an anonymous caller which rare diagnoses the hub holds.
pub fn cancer_type_terms(tree: &OncoTree) -> Vec<FilterTerm> {
    let codes = tree.codes();
    let mut terms: Vec<FilterTerm> = codes.iter().map(|c| FilterTerm { id: format!("oncotree:{c}"), label: tree.name(c).unwrap_or(c).to_string() }).collect();
    let mut ncit: Vec<&str> = codes.iter().flat_map(|c| cancer_nci_ids(tree, c)).map(String::as_str).collect();
    ncit.sort_unstable();
    ncit.dedup();
    for id in ncit {
        let names: Vec<&str> = codes_for_ncit(tree, id).into_iter().map(|c| tree.name(c).unwrap_or(c)).collect();
        terms.push(FilterTerm { id: format!("NCIT:{id}"), label: names.join(" / ") });
    }
    terms
}

/// A value as the rule language reads it: quoted, so a code spelled like a keyword (`OR`) is
/// still a value; codes are checked to need no escaping.
fn quoted(value: &str) -> Result<String> {
    if !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-/:.".contains(&b)) {
        Ok(format!("'{value}'"))
    } else {
        Err(GovernanceError::input(format!("filter value {value:?}: expected a code of letters, digits, '_', '-', '/', ':' or '.'")))
    }
}

/// The clause for the subtrees under `tops` (current codes): their OncoTree codes and the former
/// codes patients within them may be recorded with, or a disease recorded by the NCI id of one
/// of them (a hospital may code LUAD as `NCIT:C3512`).
fn subtree_clause(tree: &OncoTree, tops: &[&str]) -> Result<String> {
    let codes = tree.recorded_codes_within(tops);
    let mut ncit: Vec<String> = codes.iter().flat_map(|c| cancer_nci_ids(tree, c)).map(|i| format!("NCIT:{i}")).collect();
    ncit.sort_unstable();
    ncit.dedup();
    let list = |values: &[&str]| -> Result<String> { Ok(values.iter().map(|v| quoted(v)).collect::<Result<Vec<_>>>()?.join(", ")) };
    let by_code = format!("cancer_type in ({})", list(&codes)?);
    if ncit.is_empty() {
        return Ok(by_code);
    }
    let ncit: Vec<&str> = ncit.iter().map(String::as_str).collect();
    Ok(format!("({by_code} or diagnosis in ({}))", list(&ncit)?))
}

/// The clause for an OncoTree filter (`code` without prefix, any case); a former code stands
/// for its current successor(s).
pub(crate) fn oncotree_clause(tree: Option<&OncoTree>, code: &str) -> Result<String> {
    let code = code.to_ascii_uppercase();
    let Some(t) = tree else { return Ok(format!("cancer_type={}", quoted(&code)?)) };
    let current = t.current(&code);
    if current.is_empty() {
        return Err(GovernanceError::input(format!("oncotree:{code} is not a code of OncoTree {} (current or former)", t.version)));
    }
    subtree_clause(t, &current)
}

/// The clause for an NCIT cancer term (`C2926`, without prefix).
pub(crate) fn ncit_clause(tree: Option<&OncoTree>, nci: &str) -> Result<String> {
    let nci = nci.to_ascii_uppercase();
    let Some(tree) = tree else {
        return Err(GovernanceError::input(format!(
            "NCIT:{nci}: NCIT cancer terms are read through the hub's OncoTree, and none is loaded (use oncotree:CODE)"
        )));
    };
    let codes = codes_for_ncit(tree, &nci);
    if codes.is_empty() {
        return Err(GovernanceError::input(format!("NCIT:{nci} is not a cancer term of OncoTree {} (no disease node carries that NCI id)", tree.version)));
    }
    subtree_clause(tree, &codes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn tree() -> Option<OncoTree> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oncotree/oncotree_2025_10_03.json");
        if !path.exists() {
            eprintln!("skipping: {} not present", path.display());
            return None;
        }
        Some(OncoTree::load(&path).unwrap())
    }

    fn rule_matches(rule: &str, cancer: &str, diagnosis: &str) -> bool {
        struct One(String, String);
        impl genohub_clinical::rule::Subject for One {
            fn values(&self, field: &str) -> Vec<genohub_clinical::rule::Value> {
                match field {
                    "cancer_type" => vec![genohub_clinical::rule::Value::Text(self.0.clone())],
                    "diagnosis" => vec![genohub_clinical::rule::Value::Text(self.1.clone())],
                    _ => vec![],
                }
            }
        }
        genohub_clinical::rule::parse_rule(rule).unwrap().matches(&One(cancer.into(), diagnosis.into()))
    }

    #[test]
    fn without_a_tree_only_exact_codes() {
        assert_eq!(oncotree_clause(None, "luad").unwrap(), "cancer_type='LUAD'");
        assert!(ncit_clause(None, "C2926").unwrap_err().to_string().contains("none is loaded"));
        assert!(oncotree_clause(None, "LU AD").is_err());
        assert!(oncotree_clause(None, "LUAD')").is_err(), "no value can close the quote");
    }

    #[test]
    fn subtypes_and_ncit_terms_with_the_shared_tree() {
        let Some(tree) = tree() else { return };
        let nsclc = oncotree_clause(Some(&tree), "NSCLC").unwrap();
        for code in tree.codes() {
            let below = code == "NSCLC" || tree.is_a(&format!("oncotree:{code}"), "oncotree:NSCLC");
            assert_eq!(rule_matches(&nsclc, code, &format!("oncotree:{code}")), below, "{code}");
        }
        // NSCLC's NCI id, read from the file, stands for the same patients as oncotree:NSCLC.
        let id = tree.nci_ids("NSCLC")[0].clone();
        assert_eq!(ncit_clause(Some(&tree), &id).unwrap(), nsclc);
        // A LUAD patient recorded only by LUAD's NCI id is an NSCLC patient.
        let luad_nci = format!("NCIT:{}", tree.nci_ids("LUAD")[0]);
        assert!(rule_matches(&nsclc, "", &luad_nci));
        assert!(!rule_matches(&oncotree_clause(Some(&tree), "COAD").unwrap(), "", &luad_nci));
        // Organ NCI ids are not cancer terms; unknown ids and codes are refused.
        let lung_nci = tree.nci_ids("LUNG")[0].clone();
        assert!(ncit_clause(Some(&tree), &lung_nci).unwrap_err().to_string().contains("not a cancer term"));
        assert!(ncit_clause(Some(&tree), "C0").is_err());
        assert!(oncotree_clause(Some(&tree), "NOTACODE").unwrap_err().to_string().contains("not a code of OncoTree"));
    }

    /// `code` (current or former) is `top` or within it, as the tree reads it.
    fn within(tree: &OncoTree, code: &str, top: &str) -> bool {
        code.eq_ignore_ascii_case(top) || tree.is_a(&format!("oncotree:{code}"), &format!("oncotree:{top}"))
    }

    #[test]
    fn patients_recorded_with_former_codes_match_their_successors_filters() {
        let Some(tree) = tree() else { return };
        let gb = tree.current("GBM");
        assert_eq!(gb, ["GB"], "OncoTree revoked GBM for GB");
        // A GBM patient is counted by GB and each node above it, and by nothing unrelated.
        let mut top = "GB";
        while let Some(parent) = tree.parent(top) {
            let clause = oncotree_clause(Some(&tree), parent).unwrap();
            assert!(rule_matches(&clause, "GBM", "oncotree:GBM"), "{parent}: {clause}");
            top = parent;
        }
        assert!(rule_matches(&oncotree_clause(Some(&tree), "GB").unwrap(), "GBM", "oncotree:GBM"));
        assert!(!rule_matches(&oncotree_clause(Some(&tree), "LUNG").unwrap(), "GBM", "oncotree:GBM"));
        // Asking for the former code is asking for its successor (any case), not a 400.
        assert_eq!(oncotree_clause(Some(&tree), "GBM").unwrap(), oncotree_clause(Some(&tree), "GB").unwrap());
        assert_eq!(oncotree_clause(Some(&tree), "gbm").unwrap(), oncotree_clause(Some(&tree), "GB").unwrap());
        // A former code split into several nodes asks for all of them.
        let split = tree.former_codes().into_iter().find(|c| tree.current(c).len() > 1).unwrap();
        let clause = oncotree_clause(Some(&tree), split).unwrap();
        for code in tree.codes().into_iter().chain(tree.former_codes()) {
            let expected = tree.current(split).iter().any(|s| within(&tree, code, s)) || code == split;
            assert_eq!(rule_matches(&clause, code, ""), expected, "{code} under {split}");
        }
        // Around every former code's successors, each clause matches exactly the codes within
        // its node, former ones included.
        let mut tops: Vec<&str> = tree.former_codes().into_iter().flat_map(|f| tree.current(f)).collect();
        tops.extend(tops.clone().into_iter().filter_map(|t| tree.parent(t)));
        tops.sort_unstable();
        tops.dedup();
        for top in tops {
            let clause = oncotree_clause(Some(&tree), top).unwrap();
            for code in tree.codes().into_iter().chain(tree.former_codes()) {
                assert_eq!(rule_matches(&clause, code, ""), within(&tree, code, top), "{code} under {top}");
            }
        }
    }

    #[test]
    fn codes_with_dash_and_slash_are_quoted_values() {
        let Some(tree) = tree() else { return };
        for code in ["MDS/MPN", "HCL-V"] {
            assert!(tree.contains(code));
            let clause = oncotree_clause(Some(&tree), &code.to_ascii_lowercase()).unwrap();
            assert!(clause.contains(&format!("'{code}'")), "{clause}");
            assert!(rule_matches(&clause, code, &format!("oncotree:{code}")), "{clause}");
            let parent = tree.parent(code).unwrap();
            assert!(rule_matches(&oncotree_clause(Some(&tree), parent).unwrap(), code, ""), "{code} under {parent}");
            assert!(!rule_matches(&oncotree_clause(Some(&tree), "LUNG").unwrap(), code, ""));
            // Without a tree too: the exact code, quoted.
            let exact = oncotree_clause(None, code).unwrap();
            assert_eq!(exact, format!("cancer_type='{code}'"));
            assert!(rule_matches(&exact, code, "") && !rule_matches(&exact, "MDS", ""));
        }
    }

    #[test]
    fn listed_terms_are_the_accepted_ones() {
        let Some(tree) = tree() else { return };
        let terms = cancer_type_terms(&tree);
        assert_eq!(terms.iter().filter(|t| t.id.starts_with("oncotree:")).count(), tree.len());
        assert!(terms.iter().any(|t| t.id == "oncotree:LUAD" && t.label == tree.name("LUAD").unwrap()));
        for t in &terms {
            let mut f = crate::IndividualFilters::default();
            match t.id.split_once(':').unwrap() {
                ("oncotree", c) => f.cancer_types.push(c.into()),
                (_, c) => f.ncit_cancer_types.push(c.into()),
            }
            let rule = f.rule_with(Some(&tree)).unwrap_or_else(|e| panic!("{t:?}: {e}")).unwrap();
            genohub_clinical::parse_rule(&rule).unwrap_or_else(|e| panic!("{t:?}: {}", e.render(&rule)));
        }
        let lung = format!("NCIT:{}", tree.nci_ids("LUNG")[0]);
        assert!(!terms.iter().any(|t| t.id == lung), "organ ids are not listed");
    }
}
