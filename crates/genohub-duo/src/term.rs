//! The DUO terms genohub knows, by CURIE. Labels follow DUO's release (tests compare this
//! table with `duo.csv` when the shared vocabulary is present).

use crate::DuoError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Permission,
    Modifier,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Permission => "data use permission",
            Kind::Modifier => "data use modifier",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub curie: &'static str,
    pub shorthand: &'static str,
    pub label: &'static str,
    pub kind: Kind,
}

pub const NRES: &str = "DUO:0000004";
pub const GRU: &str = "DUO:0000042";
pub const HMB: &str = "DUO:0000006";
pub const DS: &str = "DUO:0000007";
pub const POA: &str = "DUO:0000011";

pub const NCU: &str = "DUO:0000046";
pub const NPU: &str = "DUO:0000045";
pub const NPUNCU: &str = "DUO:0000018";
pub const IRB: &str = "DUO:0000021";
pub const TS: &str = "DUO:0000025";
pub const NPOA: &str = "DUO:0000044";
pub const GSO: &str = "DUO:0000016";
pub const CC: &str = "DUO:0000043";

const fn t(curie: &'static str, shorthand: &'static str, label: &'static str, kind: Kind) -> Term {
    Term { curie, shorthand, label, kind }
}

pub const TERMS: &[Term] = &[
    t(NRES, "NRES", "no restriction", Kind::Permission),
    t(GRU, "GRU", "general research use", Kind::Permission),
    t(HMB, "HMB", "health or medical or biomedical research", Kind::Permission),
    t(DS, "DS", "disease specific research", Kind::Permission),
    t(POA, "POA", "population origins or ancestry research only", Kind::Permission),
    t(NCU, "NCU", "non-commercial use only", Kind::Modifier),
    t(NPU, "NPU", "not-for-profit use only", Kind::Modifier),
    t(NPUNCU, "NPUNCU", "not-for-profit, non-commercial use only", Kind::Modifier),
    t(IRB, "IRB", "ethics approval required", Kind::Modifier),
    t(TS, "TS", "time limit on use", Kind::Modifier),
    t(NPOA, "NPOA", "population origins or ancestry research prohibited", Kind::Modifier),
    t(GSO, "GSO", "genetic studies only", Kind::Modifier),
    t(CC, "CC", "clinical care use", Kind::Modifier),
    t("DUO:0000019", "PUB", "publication required", Kind::Modifier),
    t("DUO:0000020", "COL", "collaboration required", Kind::Modifier),
    t("DUO:0000029", "RTN", "return to database or resource", Kind::Modifier),
    t("DUO:0000026", "US", "user specific restriction", Kind::Modifier),
    t("DUO:0000027", "PS", "project specific restriction", Kind::Modifier),
    t("DUO:0000028", "IS", "institution specific restriction", Kind::Modifier),
    t("DUO:0000022", "GS", "geographical restriction", Kind::Modifier),
    t("DUO:0000024", "MOR", "publication moratorium", Kind::Modifier),
    t("DUO:0000015", "NMDS", "no general methods research", Kind::Modifier),
];

impl Term {
    /// Looks a term up by CURIE (`DUO:0000042`, case-insensitive prefix) or shorthand (`GRU`).
    pub fn find(text: &str) -> Result<&'static Term, DuoError> {
        let text = text.trim();
        let by_curie = text.len() == 11 && text[..4].eq_ignore_ascii_case("DUO:");
        TERMS
            .iter()
            .find(|t| if by_curie { t.curie[4..] == text[4..] } else { t.shorthand.eq_ignore_ascii_case(text) })
            .ok_or_else(|| DuoError::UnknownTerm(text.to_string()))
    }

    pub fn of_kind(text: &str, kind: Kind) -> Result<&'static Term, DuoError> {
        let term = Term::find(text)?;
        if term.kind != kind {
            return Err(DuoError::WrongKind { term: format!("{} ({})", term.curie, term.shorthand), found: term.kind.name(), expected: kind.name() });
        }
        Ok(term)
    }

    /// `GRU (DUO:0000042)`, for messages.
    pub fn describe(curie: &str) -> String {
        match TERMS.iter().find(|t| t.curie == curie) {
            Some(t) => format!("{} ({})", t.shorthand, t.curie),
            None => curie.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_curie_and_shorthand_and_rejects_unknown() {
        assert_eq!(Term::find("GRU").unwrap().curie, GRU);
        assert_eq!(Term::find("duo:0000046").unwrap().shorthand, "NCU");
        assert!(matches!(Term::find("DUO:9999999"), Err(DuoError::UnknownTerm(_))));
        assert!(matches!(Term::of_kind("NCU", Kind::Permission), Err(DuoError::WrongKind { .. })));
    }

    #[test]
    fn table_agrees_with_the_shared_duo_vocabulary() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/duo/duo.csv");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipping: {} not present", path.display());
            return;
        };
        let mut checked = 0;
        for line in text.lines().skip(1) {
            let mut f = line.splitn(3, ',');
            let (curie, short) = (f.next().unwrap(), f.next().unwrap_or(""));
            if let Some(t) = TERMS.iter().find(|t| t.curie == curie) {
                assert_eq!(t.shorthand, short, "{curie}");
                checked += 1;
            }
        }
        assert_eq!(checked, TERMS.len(), "every term genohub knows is in duo.csv");
    }
}
