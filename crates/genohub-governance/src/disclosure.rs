//! Disclosure control of aggregate answers: small counts become `<k`, a count whose
//! complement in a known total is small is withheld, allele frequencies of thinly called sites
//! are withheld, and statistics computable from a hidden cell are withheld with it.

use std::fmt;

use serde::{Serialize, Serializer};

use genohub_analysis::{AfDist, AssocRow, FreqRow};

use crate::disclosure_rules::DisclosureRules;

/// A count as disclosed: exact, below k, or withheld because it would reveal a hidden one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Exact(u64),
    Below(u32),
    Withheld,
}

impl Count {
    pub fn exact(self) -> Option<u64> {
        match self {
            Count::Exact(n) => Some(n),
            _ => None,
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Count::Exact(n) => write!(f, "{n}"),
            Count::Below(k) => write!(f, "<{k}"),
            Count::Withheld => f.write_str("withheld"),
        }
    }
}

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Count::Exact(n) => s.serialize_u64(*n),
            other => s.serialize_str(&other.to_string()),
        }
    }
}

/// What disclosure control applies to an answer: none (operator, clinician) or a project's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    None,
    Rules(DisclosureRules),
}

impl Control {
    fn small(&self, n: u64) -> bool {
        match self {
            Control::None => false,
            Control::Rules(r) => n > 0 && n < u64::from(r.k),
        }
    }

    pub fn count(&self, n: u64) -> Count {
        match self {
            Control::Rules(r) if self.small(n) => Count::Below(r.k),
            _ => Count::Exact(n),
        }
    }

    /// Alt-allele count with its total: hidden when either it or the reference count is small.
    fn allele_count(&self, ac: u64, an: u64) -> Count {
        if self.small(ac) {
            self.count(ac)
        } else if self.small(an.saturating_sub(ac)) {
            Count::Withheld
        } else {
            Count::Exact(ac)
        }
    }

    fn af(&self, ac: &Count, an: u64, af: Option<f64>) -> Option<f64> {
        match self {
            Control::Rules(r) if an < u64::from(r.min_an) || ac.exact().is_none() => None,
            _ => af,
        }
    }
}

/// A [`FreqRow`] as disclosed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisclosedFreqRow {
    pub chrom: String,
    pub pos: u64,
    pub id: String,
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(rename = "alt")]
    pub alternate: String,
    pub ac: Count,
    pub an: Count,
    pub af: Option<f64>,
    pub hom_ref: Count,
    pub het: Count,
    pub hom_alt: Count,
    pub hap_ref: Count,
    pub hap_alt: Count,
    pub missing: Count,
    pub hwe_p: Option<f64>,
}

impl DisclosedFreqRow {
    pub fn new(row: FreqRow, control: &Control) -> DisclosedFreqRow {
        let ac = control.allele_count(row.ac, row.an);
        let classes = [row.hom_ref, row.het, row.hom_alt, row.hap_ref, row.hap_alt];
        // One small genotype class is computable from the others and the cohort size: withhold
        // the whole breakdown (zeros stay, they reveal no one).
        let any_small = classes.iter().any(|&n| control.small(n));
        let class = |n: u64| {
            if any_small && n > 0 {
                if control.small(n) {
                    control.count(n)
                } else {
                    Count::Withheld
                }
            } else {
                Count::Exact(n)
            }
        };
        DisclosedFreqRow {
            af: control.af(&ac, row.an, row.af),
            hwe_p: if any_small { None } else { Some(row.hwe_p) },
            chrom: row.chrom,
            pos: row.pos,
            id: row.id,
            reference: row.reference,
            alternate: row.alternate,
            ac,
            an: control.count(row.an),
            hom_ref: class(row.hom_ref),
            het: class(row.het),
            hom_alt: class(row.hom_alt),
            hap_ref: class(row.hap_ref),
            hap_alt: class(row.hap_alt),
            missing: control.count(row.missing),
        }
    }

    pub const TSV_HEADER: &'static str = FreqRow::TSV_HEADER;

    pub fn write_tsv(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        let f = |x: Option<f64>| x.map_or_else(|| ".".to_string(), genohub_analysis::number::fmt_f64);
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.chrom,
            self.pos,
            self.id,
            self.reference,
            self.alternate,
            self.ac,
            self.an,
            f(self.af),
            self.hom_ref,
            self.het,
            self.hom_alt,
            self.hap_ref,
            self.hap_alt,
            self.missing,
            f(self.hwe_p)
        );
    }
}

/// An [`AssocRow`] as disclosed: effect and p-value go with the counts they are computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisclosedAssocRow {
    pub chrom: String,
    pub pos: u64,
    pub id: String,
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(rename = "alt")]
    pub alternate: String,
    pub case_ac: Count,
    pub case_an: Count,
    pub control_ac: Count,
    pub control_an: Count,
    pub test: String,
    pub obs: Count,
    pub odds_ratio: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub se_log_or: Option<f64>,
    pub p: Option<f64>,
    pub error: Option<String>,
}

impl DisclosedAssocRow {
    pub fn new(row: AssocRow, control: &Control) -> DisclosedAssocRow {
        let case_ac = control.allele_count(row.case_ac, row.case_an);
        let control_ac = control.allele_count(row.control_ac, row.control_an);
        let shown = case_ac.exact().is_some() && control_ac.exact().is_some();
        let keep = |x: f64| shown.then_some(x);
        DisclosedAssocRow {
            test: serde_json::to_value(row.test).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            chrom: row.chrom,
            pos: row.pos,
            id: row.id,
            reference: row.reference,
            alternate: row.alternate,
            case_an: control.count(row.case_an),
            control_an: control.count(row.control_an),
            case_ac,
            control_ac,
            obs: control.count(row.obs),
            odds_ratio: keep(row.odds_ratio),
            ci_low: keep(row.ci_low),
            ci_high: keep(row.ci_high),
            se_log_or: keep(row.se_log_or),
            p: keep(row.p),
            error: row.error.map(String::from),
        }
    }
}

/// An [`AfDist`] with every histogram cell disclosure-controlled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisclosedAfDist {
    pub samples: usize,
    pub sites: u64,
    /// (low edge, high edge, count) per bin, as in bcftools +af-dist.
    pub prob: Vec<(f32, f32, Count)>,
    pub dev: Vec<(f32, f32, Count)>,
    pub sites_by_af: Vec<(f32, f32, Count)>,
}

impl DisclosedAfDist {
    pub fn new(d: &AfDist, control: &Control) -> DisclosedAfDist {
        let cells = |bins: &genohub_analysis::Bins, counts: &[u64]| -> Vec<(f32, f32, Count)> {
            counts.iter().enumerate().take(bins.len().saturating_sub(1)).map(|(i, &n)| (bins.edge(i), bins.edge(i + 1), control.count(n))).collect()
        };
        DisclosedAfDist {
            samples: d.samples,
            sites: d.sites,
            prob: cells(&d.prob_bins, &d.prob),
            dev: cells(&d.dev_bins, &d.dev),
            sites_by_af: cells(&d.af_bins, &d.sites_by_af),
        }
    }
}

impl DisclosedAfDist {
    /// The layout of [`AfDist::write_text`], with disclosed counts.
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(out, "# genohub afdist: {} samples, {} sites", self.samples, self.sites)?;
        for (tag, cells) in [("PROB_DIST", &self.prob), ("DEV_DIST", &self.dev), ("AF_DIST", &self.sites_by_af)] {
            for (lo, hi, n) in cells {
                writeln!(out, "{tag}\t{lo:.6}\t{hi:.6}\t{n}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ac: u64, an: u64, classes: [u64; 3]) -> FreqRow {
        FreqRow {
            chrom: "1".into(),
            pos: 10,
            id: ".".into(),
            reference: "A".into(),
            alternate: "G".into(),
            ac,
            an,
            af: (an > 0).then(|| ac as f64 / an as f64),
            hom_ref: classes[0],
            het: classes[1],
            hom_alt: classes[2],
            hap_ref: 0,
            hap_alt: 0,
            missing: 0,
            hwe_p: 0.5,
        }
    }

    #[test]
    fn small_counts_and_their_complements_are_hidden() {
        let c = Control::Rules(DisclosureRules::default());
        // 50 people: 47 hom-ref, 3 het → AC 3 is small, the breakdown would reveal it.
        let r = DisclosedFreqRow::new(row(3, 100, [47, 3, 0]), &c);
        assert_eq!((r.ac, r.an, r.af), (Count::Below(5), Count::Exact(100), None));
        assert_eq!((r.hom_ref, r.het, r.hom_alt, r.hwe_p), (Count::Withheld, Count::Below(5), Count::Exact(0), None));
        // AC 98 of 100: two reference alleles, computable as AN − AC.
        let r = DisclosedFreqRow::new(row(98, 100, [0, 2, 48]), &c);
        assert_eq!((r.ac, r.af), (Count::Withheld, None));
        // Common variant: nothing hidden.
        let r = DisclosedFreqRow::new(row(30, 100, [25, 20, 5]), &c);
        assert_eq!((r.ac, r.af, r.het, r.hwe_p), (Count::Exact(30), Some(0.3), Count::Exact(20), Some(0.5)));
        // Thinly called site: AF withheld below min_an even with safe counts.
        let r = DisclosedFreqRow::new(row(6, 12, [0, 6, 0]), &c);
        assert_eq!((r.ac, r.af), (Count::Exact(6), None));
        // No control: exact.
        let r = DisclosedFreqRow::new(row(1, 100, [49, 1, 0]), &Control::None);
        assert_eq!((r.ac, r.het, r.af), (Count::Exact(1), Count::Exact(1), Some(0.01)));
        assert_eq!(serde_json::to_string(&Count::Below(5)).unwrap(), "\"<5\"");
        assert_eq!(serde_json::to_string(&Count::Exact(7)).unwrap(), "7");
    }
}
