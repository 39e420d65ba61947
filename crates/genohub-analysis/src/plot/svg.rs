//! Minimal SVG building: a canvas, text, rectangles and axes.

use std::fmt::Write;

pub(crate) struct Svg {
    body: String,
    width: f64,
    height: f64,
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Svg {
    pub fn new(width: f64, height: f64) -> Svg {
        Svg { body: String::new(), width, height }
    }

    pub fn text(&mut self, x: f64, y: f64, size: f64, anchor: &str, text: &str) {
        let _ = writeln!(self.body, r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" text-anchor="{anchor}">{}</text>"#, escape(text));
    }

    pub fn rotated_text(&mut self, x: f64, y: f64, size: f64, text: &str) {
        let _ = writeln!(
            self.body,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" text-anchor="middle" transform="rotate(-90 {x:.1} {y:.1})">{}</text>"#,
            escape(text)
        );
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, title: &str) {
        let _ = writeln!(self.body, r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{fill}"><title>{}</title></rect>"#, escape(title));
    }

    pub fn circle(&mut self, x: f64, y: f64, r: f64, fill: &str) {
        let _ = writeln!(self.body, r#"<circle cx="{x:.2}" cy="{y:.2}" r="{r}" fill="{fill}"/>"#);
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, dash: bool) {
        let d = if dash { r#" stroke-dasharray="4 3""# } else { "" };
        let _ = writeln!(self.body, r#"<line x1="{x1:.2}" y1="{y1:.2}" x2="{x2:.2}" y2="{y2:.2}" stroke="{stroke}"{d}/>"#);
    }

    pub fn finish(self) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{}</svg>\n",
            self.body,
            w = self.width,
            h = self.height
        )
    }
}

/// A bar chart panel with a log10(1 + count) axis, so rare and common bins both show.
pub(crate) struct BarPanel<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub labels: Vec<String>,
    pub counts: &'a [u64],
    pub color: &'a str,
}

pub(crate) fn bar_panel(svg: &mut Svg, p: &BarPanel, x0: f64, y0: f64, w: f64, h: f64) {
    // Room under the axis for the rotated bin labels, then the axis title.
    let (left, bottom, top) = (60.0, 80.0, 30.0);
    let (px, py, pw, ph) = (x0 + left, y0 + top, w - left - 10.0, h - top - bottom);
    svg.text(x0 + w / 2.0, y0 + 18.0, 14.0, "middle", p.title);
    let max = p.counts.iter().copied().max().unwrap_or(0);
    let top_decade = ((max as f64 + 1.0).log10().ceil()).max(1.0);
    let scale = |c: u64| (c as f64 + 1.0).log10() / top_decade * ph;
    svg.line(px, py + ph, px + pw, py + ph, "black", false);
    svg.line(px, py, px, py + ph, "black", false);
    for d in 0..=top_decade as u32 {
        let y = py + ph - d as f64 / top_decade * ph;
        svg.line(px - 4.0, y, px, y, "black", false);
        svg.text(px - 6.0, y + 4.0, 10.0, "end", &format!("1e{d}"));
    }
    svg.rotated_text(x0 + 14.0, py + ph / 2.0, 11.0, "count + 1 (log scale)");
    let n = p.counts.len().max(1) as f64;
    let bw = pw / n;
    for (i, (&c, label)) in p.counts.iter().zip(&p.labels).enumerate() {
        let bh = scale(c);
        let x = px + i as f64 * bw;
        svg.rect(x + 1.0, py + ph - bh, (bw - 2.0).max(0.5), bh, p.color, &format!("{label}: {c}"));
        svg.rotated_text(x + bw / 2.0, py + ph + 32.0, 9.0, label);
    }
    svg.text(px + pw / 2.0, y0 + h - 6.0, 11.0, "middle", p.x_label);
}
