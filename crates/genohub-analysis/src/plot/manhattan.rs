use super::svg::Svg;

/// One tested variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub chrom: String,
    pub pos: u64,
    pub p: f64,
}

/// −log10(p) by position, contigs side by side in the order first seen, alternating colours,
/// with the genome-wide line at 5e-8. Points arrive in genomic order from a scan.
pub fn manhattan_svg(points: &[Point], title: &str) -> String {
    let (w, h) = (1000.0, 420.0);
    let (left, right, top, bottom) = (60.0, 20.0, 40.0, 50.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let mut svg = Svg::new(w, h);
    svg.text(w / 2.0, 22.0, 15.0, "middle", title);
    // Contig extents, in order.
    let mut contigs: Vec<(String, u64, u64)> = Vec::new();
    for p in points {
        match contigs.last_mut() {
            Some(c) if c.0 == p.chrom => c.2 = c.2.max(p.pos),
            _ => contigs.push((p.chrom.clone(), p.pos, p.pos)),
        }
    }
    let total: f64 = contigs.iter().map(|c| (c.2 - c.1 + 1) as f64).sum::<f64>().max(1.0);
    let gwas = -(5e-8f64).log10();
    let max_y = points.iter().map(|p| -p.p.max(1e-300).log10()).fold(gwas + 1.0, f64::max).ceil();
    let y_of = |v: f64| top + ph - v / max_y * ph;
    svg.line(left, top + ph, left + pw, top + ph, "black", false);
    svg.line(left, top, left, top + ph, "black", false);
    let step = (max_y / 8.0).ceil().max(1.0);
    let mut t = 0.0;
    while t <= max_y {
        svg.line(left - 4.0, y_of(t), left, y_of(t), "black", false);
        svg.text(left - 6.0, y_of(t) + 4.0, 10.0, "end", &format!("{t}"));
        t += step;
    }
    svg.rotated_text(18.0, top + ph / 2.0, 12.0, "−log10(p)");
    svg.line(left, y_of(gwas), left + pw, y_of(gwas), "#c0504d", true);
    let mut offset = 0.0;
    let mut i = 0;
    for (ci, (name, start, end)) in contigs.iter().enumerate() {
        let span = (end - start + 1) as f64;
        let color = if ci % 2 == 0 { "#3b6ea5" } else { "#7f9fc6" };
        while i < points.len() && points[i].chrom == *name {
            let p = &points[i];
            let x = left + (offset + (p.pos - start) as f64) / total * pw;
            svg.circle(x, y_of(-p.p.max(1e-300).log10()), 2.0, color);
            i += 1;
        }
        svg.text(left + (offset + span / 2.0) / total * pw, top + ph + 18.0, 10.0, "middle", name);
        offset += span;
    }
    svg.text(left + pw / 2.0, h - 8.0, 12.0, "middle", &format!("position ({} variants)", points.len()));
    svg.finish()
}
