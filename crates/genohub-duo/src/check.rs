//! Whether a consent allows a purpose, with every reason it does not.

use std::fmt;

use time::Date;

use crate::term::{self, Term};
use crate::{DataUse, Purpose};

/// One reason a consent does not allow a purpose, naming the term that forbids it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub term: String,
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", Term::describe(&self.term), self.reason)
    }
}

/// Modifiers whose conditions a project must have agreed to.
const CONDITIONS: [&str; 9] =
    ["DUO:0000019", "DUO:0000020", "DUO:0000029", "DUO:0000026", "DUO:0000027", "DUO:0000028", "DUO:0000022", "DUO:0000024", "DUO:0000015"];

/// Decides whether `consent` allows `purpose` on day `on`. `is_a(child, parent)` answers
/// disease subsumption (e.g. OncoTree: LUAD is a NSCLC); it is called only for DS.
///
/// DUO semantics: NRES and GRU cover every research purpose; HMB covers HMB and any DS;
/// DS-X covers DS-Y where Y is X or a subtype of X; POA covers only POA. NCU refuses
/// commercial use, NPU for-profit organisations (NPUNCU both); IRB needs an approval
/// reference; TS ends on its date; NPOA refuses ancestry research; GSO is met by every
/// genohub analysis (all are genetic); CC is required for clinical-care use; the
/// remaining modifiers are conditions the project must have accepted.
pub fn check(consent: &DataUse, purpose: &Purpose, on: Date, is_a: &dyn Fn(&str, &str) -> bool) -> Result<(), Vec<Refusal>> {
    let mut refusals = Vec::new();
    let mut refuse = |term: &str, reason: String| refusals.push(Refusal { term: term.to_string(), reason });
    let permission = consent.permission();
    if purpose.clinical_care {
        if !consent.has(term::CC) && permission != term::NRES {
            refuse(term::CC, "consent does not include clinical-care use".into());
        }
    } else {
        let covered = match permission {
            term::NRES | term::GRU => true,
            term::HMB => purpose.research == term::HMB || purpose.research == term::DS,
            term::DS => {
                purpose.research == term::DS
                    && match (consent.disease(), purpose.disease.as_deref()) {
                        (Some(allowed), Some(wanted)) => allowed.eq_ignore_ascii_case(wanted) || is_a(wanted, allowed),
                        _ => false,
                    }
            }
            term::POA => purpose.research == term::POA,
            _ => false,
        };
        if !covered {
            let what = match consent.disease() {
                Some(d) => format!("{} {d}", Term::describe(permission)),
                None => Term::describe(permission),
            };
            let wanted = match &purpose.disease {
                Some(d) => format!("{} {d}", Term::describe(&purpose.research)),
                None => Term::describe(&purpose.research),
            };
            refuse(permission, format!("consent allows {what}, which does not cover {wanted}"));
        }
        if consent.has(term::NPOA) && purpose.research == term::POA {
            refuse(term::NPOA, "ancestry research is excluded".into());
        }
    }
    if (consent.has(term::NCU) || consent.has(term::NPUNCU)) && purpose.commercial {
        refuse(if consent.has(term::NCU) { term::NCU } else { term::NPUNCU }, "commercial use is excluded".into());
    }
    if (consent.has(term::NPU) || consent.has(term::NPUNCU)) && purpose.for_profit {
        refuse(if consent.has(term::NPU) { term::NPU } else { term::NPUNCU }, "for-profit organisations are excluded".into());
    }
    if consent.has(term::IRB) && purpose.irb_approval.as_deref().is_none_or(|r| r.trim().is_empty()) {
        refuse(term::IRB, "ethics approval is required and the project has no IRB reference".into());
    }
    if let Some(until) = consent.until() {
        if on > until {
            refuse(term::TS, format!("use ended on {until}"));
        }
    }
    for m in consent.modifiers() {
        if CONDITIONS.contains(m) && !purpose.accepted_conditions.iter().any(|a| a == m) {
            refuse(m, "the project has not accepted this condition".into());
        }
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn no_hierarchy(_: &str, _: &str) -> bool {
        false
    }

    fn allows(consent: &str, purpose: &Purpose) -> bool {
        check(&DataUse::parse(consent).unwrap(), purpose, date!(2026 - 11 - 24), &no_hierarchy).is_ok()
    }

    #[test]
    fn permission_hierarchy() {
        let hmb = Purpose::research("HMB", None).unwrap();
        let luad = Purpose::research("DS", Some("oncotree:LUAD")).unwrap();
        let gru = Purpose::research("GRU", None).unwrap();
        let poa = Purpose::research("POA", None).unwrap();
        assert!(allows("GRU", &hmb) && allows("GRU", &luad) && allows("GRU", &gru) && allows("GRU", &poa));
        assert!(allows("HMB", &hmb) && allows("HMB", &luad));
        assert!(!allows("HMB", &gru) && !allows("HMB", &poa));
        assert!(allows("DS:oncotree:LUAD", &luad));
        assert!(!allows("DS:oncotree:COAD", &luad) && !allows("DS:oncotree:LUAD", &hmb));
        assert!(allows("NRES", &poa));
        assert!(!allows("GRU+NPOA", &poa));
    }

    #[test]
    fn disease_subtypes_follow_the_given_hierarchy() {
        let luad = Purpose::research("DS", Some("oncotree:LUAD")).unwrap();
        let consent = DataUse::parse("DS:oncotree:NSCLC").unwrap();
        let is_a = |child: &str, parent: &str| child == "oncotree:LUAD" && parent == "oncotree:NSCLC";
        assert!(check(&consent, &luad, date!(2026 - 01 - 01), &is_a).is_ok());
        assert!(check(&consent, &luad, date!(2026 - 01 - 01), &no_hierarchy).is_err());
    }

    #[test]
    fn modifiers_and_their_reasons() {
        let company = Purpose::research("HMB", None).unwrap().commercial(true);
        let academic = Purpose::research("HMB", None).unwrap();
        assert!(!allows("HMB+NCU", &company) && allows("HMB+NCU", &academic));
        assert!(!allows("GRU+NPU", &company) && !allows("GRU+NPUNCU", &company));
        assert!(!allows("GRU+IRB", &academic));
        assert!(allows("GRU+IRB", &academic.clone().with_irb("IRB-2026-001")));
        assert!(!allows("GRU+TS=2026-01-01", &academic) && allows("GRU+TS=2027-01-01", &academic));
        assert!(!allows("GRU+PUB", &academic));
        assert!(allows("GRU+PUB", &academic.clone().accepting("PUB").unwrap()));
        let refusals = check(&DataUse::parse("DS:oncotree:COAD+NCU+IRB").unwrap(), &company, date!(2026 - 11 - 24), &no_hierarchy).unwrap_err();
        let terms: Vec<&str> = refusals.iter().map(|r| r.term.as_str()).collect();
        assert_eq!(terms, ["DUO:0000007", "DUO:0000046", "DUO:0000021"], "{refusals:?}");
        assert!(refusals[1].to_string().starts_with("NCU (DUO:0000046): commercial"));
    }

    #[test]
    fn clinical_care_needs_cc() {
        let cc = Purpose::clinical_care();
        assert!(allows("HMB+CC", &cc) && allows("NRES", &cc));
        assert!(!allows("GRU", &cc));
    }
}
