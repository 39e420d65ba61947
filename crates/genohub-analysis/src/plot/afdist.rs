use crate::afdist::AfDist;
use crate::bins::Bins;

use super::svg::{bar_panel, BarPanel, Svg};

fn labels(bins: &Bins) -> Vec<String> {
    (0..bins.len() - 1).map(|i| format!("{}-{}", bins.edge(i), bins.edge(i + 1))).collect()
}

/// Two panels: polymorphic sites by AF (the site spectrum) and genotypes by HWE probability
/// (bcftools PROB_DIST).
pub fn afdist_svg(d: &AfDist) -> String {
    let (w, h) = (900.0, 380.0);
    let mut svg = Svg::new(w, h);
    let af = BarPanel {
        title: &format!("Sites by allele frequency ({} samples)", d.samples),
        x_label: "alternate allele frequency",
        labels: labels(&d.af_bins),
        counts: &d.sites_by_af[..d.af_bins.len() - 1],
        color: "#3b6ea5",
    };
    bar_panel(&mut svg, &af, 0.0, 0.0, w / 2.0, h);
    let prob = BarPanel {
        title: "Genotypes by HWE probability (PROB_DIST)",
        x_label: "2·AF·(1−AF) for het, AF² for hom-alt",
        labels: labels(&d.prob_bins),
        counts: &d.prob[..d.prob_bins.len() - 1],
        color: "#c0504d",
    };
    bar_panel(&mut svg, &prob, w / 2.0, 0.0, w / 2.0, h);
    svg.finish()
}
