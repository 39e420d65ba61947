//! A coverage track: mean depth per window as filled bars, with the callable threshold drawn
//! as a line. SVG (with axes and labels) or PNG (the same picture without text, for tools
//! that only take bitmaps).

use std::fmt::Write as _;

/// One window of the track: `start..end` (0-based, BED) at `mean` depth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackWindow {
    pub start: u64,
    pub end: u64,
    pub mean: f64,
}

const W: f64 = 1000.0;
const H: f64 = 300.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 40.0;

struct Frame {
    x0: u64,
    x1: u64,
    ymax: f64,
}

impl Frame {
    fn new(windows: &[TrackWindow], threshold: Option<u32>) -> Frame {
        let x0 = windows.iter().map(|w| w.start).min().unwrap_or(0);
        let x1 = windows.iter().map(|w| w.end).max().unwrap_or(1).max(x0 + 1);
        let top = windows.iter().map(|w| w.mean).fold(0.0, f64::max).max(threshold.unwrap_or(0) as f64);
        Frame { x0, x1, ymax: nice_ceiling(top.max(1.0)) }
    }

    fn x(&self, pos: u64) -> f64 {
        LEFT + (pos - self.x0) as f64 / (self.x1 - self.x0) as f64 * (W - LEFT - RIGHT)
    }

    fn y(&self, depth: f64) -> f64 {
        H - BOTTOM - depth.min(self.ymax) / self.ymax * (H - TOP - BOTTOM)
    }
}

fn nice_ceiling(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|&c| c >= v).unwrap_or(10.0 * p)
}

/// The track as an SVG document.
pub fn coverage_svg(title: &str, contig: &str, windows: &[TrackWindow], threshold: Option<u32>) -> String {
    let f = Frame::new(windows, threshold);
    let mut s = String::new();
    let _ = writeln!(s, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#);
    let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = writeln!(s, r#"<text x="{}" y="18" text-anchor="middle" font-size="14">{}</text>"#, W / 2.0, escape(title));
    let mut path = format!("M{:.2},{:.2}", f.x(f.x0), f.y(0.0));
    for w in windows {
        let _ = write!(path, " L{:.2},{:.2} L{:.2},{:.2}", f.x(w.start), f.y(w.mean), f.x(w.end), f.y(w.mean));
    }
    let _ = write!(path, " L{:.2},{:.2} Z", f.x(f.x1), f.y(0.0));
    let _ = writeln!(s, r##"<path d="{path}" fill="#4a7ab5" stroke="#2c4f7c" stroke-width="0.5"/>"##);
    if let Some(t) = threshold {
        let y = f.y(t as f64);
        let _ = writeln!(s, r##"<line x1="{LEFT}" x2="{}" y1="{y:.2}" y2="{y:.2}" stroke="#d0473b" stroke-dasharray="4 3"/>"##, W - RIGHT);
        let _ = writeln!(s, r##"<text x="{}" y="{:.2}" fill="#d0473b" text-anchor="end">callable ≥ {t}×</text>"##, W - RIGHT - 2.0, y - 4.0);
    }
    let (xa, ya) = (H - BOTTOM, LEFT);
    let _ = writeln!(
        s,
        r#"<line x1="{LEFT}" x2="{}" y1="{xa}" y2="{xa}" stroke="black"/><line x1="{ya}" x2="{ya}" y1="{TOP}" y2="{xa}" stroke="black"/>"#,
        W - RIGHT
    );
    for i in 0..=4 {
        let d = f.ymax * i as f64 / 4.0;
        let y = f.y(d);
        let _ = writeln!(
            s,
            r#"<line x1="{}" x2="{LEFT}" y1="{y:.2}" y2="{y:.2}" stroke="black"/><text x="{}" y="{:.2}" text-anchor="end">{}</text>"#,
            LEFT - 4.0,
            LEFT - 6.0,
            y + 4.0,
            trim(d)
        );
        let pos = f.x0 + (f.x1 - f.x0) * i / 4;
        let x = f.x(pos);
        let _ = writeln!(
            s,
            r#"<line x1="{x:.2}" x2="{x:.2}" y1="{xa}" y2="{}" stroke="black"/><text x="{x:.2}" y="{}" text-anchor="middle">{}</text>"#,
            xa + 4.0,
            xa + 18.0,
            pos + 1
        );
    }
    let _ = writeln!(s, r#"<text x="{}" y="{}" text-anchor="middle">{} position</text>"#, W / 2.0, H - 6.0, escape(contig));
    let _ = writeln!(s, r#"<text x="14" y="{}" text-anchor="middle" transform="rotate(-90 14 {})">depth</text>"#, H / 2.0, H / 2.0);
    s.push_str("</svg>\n");
    s
}

/// The track as a PNG image (no text).
pub fn coverage_png(windows: &[TrackWindow], threshold: Option<u32>) -> Result<Vec<u8>, png::EncodingError> {
    let f = Frame::new(windows, threshold);
    let (w, h) = (W as usize, H as usize);
    let mut px = vec![255u8; w * h * 3];
    let mut set = |x: usize, y: usize, rgb: [u8; 3]| {
        if x < w && y < h {
            px[(y * w + x) * 3..(y * w + x) * 3 + 3].copy_from_slice(&rgb);
        }
    };
    for win in windows {
        let (xa, xb) = (f.x(win.start).floor() as usize, (f.x(win.end).ceil() as usize).max(f.x(win.start).floor() as usize + 1));
        let top = f.y(win.mean).round() as usize;
        for x in xa..xb {
            for y in top..(H - BOTTOM) as usize {
                set(x, y, [0x4a, 0x7a, 0xb5]);
            }
        }
    }
    if let Some(t) = threshold {
        let y = f.y(t as f64).round() as usize;
        for x in (LEFT as usize..(W - RIGHT) as usize).filter(|x| x % 7 < 4) {
            set(x, y, [0xd0, 0x47, 0x3b]);
        }
    }
    for x in LEFT as usize..(W - RIGHT) as usize {
        set(x, (H - BOTTOM) as usize, [0, 0, 0]);
    }
    for y in TOP as usize..=(H - BOTTOM) as usize {
        set(LEFT as usize, y, [0, 0, 0]);
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&px)?;
    }
    Ok(out)
}

fn trim(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn track_scales_to_the_deepest_window() {
        let w = [TrackWindow { start: 0, end: 50, mean: 10.0 }, TrackWindow { start: 50, end: 100, mean: 40.0 }];
        let svg = coverage_svg("S1 <x>", "chr1", &w, Some(10));
        assert!(svg.contains("S1 &lt;x&gt;") && svg.contains("callable ≥ 10×"));
        // The y axis tops at 50 (the nice ceiling of 40), so depth 40 sits at 4/5 of the height.
        let f = Frame::new(&w, Some(10));
        assert_eq!(f.ymax, 50.0);
        assert!((f.y(40.0) - (H - BOTTOM - 0.8 * (H - TOP - BOTTOM))).abs() < 1e-9);
        let png = coverage_png(&w, Some(10)).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }
}
