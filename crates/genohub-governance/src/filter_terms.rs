//! The cancer-type terms a public individuals filter may name, and the clinical-rule clause each
//! stands for. With the hub's OncoTree, `oncotree:NSCLC` means NSCLC and every subtype below it
//! (LUAD, LUSC, ...), and `NCIT:C2926` the OncoTree node(s) carrying that NCI id and everything
//! below them. Without a tree a subtype cannot be told from an unrelated code, so only the exact
//! OncoTree code matches and NCIT terms are refused.

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
/// its name) and each NCI id of a disease node (`NCIT:C3512`, its node's name). This is the
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

/// The clause for the subtrees under `tops`: their OncoTree codes, or a disease recorded by the
/// NCI id of one of them (a hospital may code LUAD as `NCIT:C3512`).
fn subtree_clause(tree: &OncoTree, tops: &[&str]) -> Result<String> {
    let mut codes: Vec<&str> = tops.iter().flat_map(|t| tree.subtree(t)).collect();
    codes.sort_unstable();
    codes.dedup();
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

/// The clause for an OncoTree filter (`code` without prefix, any case).
pub(crate) fn oncotree_clause(tree: Option<&OncoTree>, code: &str) -> Result<String> {
    let code = code.to_ascii_uppercase();
    match tree {
        None => Ok(format!("cancer_type={}", quoted(&code)?)),
        Some(t) if t.contains(&code) => subtree_clause(t, &[&code]),
        Some(t) => Err(GovernanceError::input(format!("oncotree:{code} is not a code of OncoTree {}", t.version))),
    }
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
