//! PNG output: the plots' SVG rasterised by resvg, text set in a system font (the SVG asks
//! for the generic `sans-serif`, mapped to the first of DejaVu Sans, Liberation Sans, Noto
//! Sans, or any family installed; without fonts the plot is drawn without its text).

use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg::{fontdb, Options, Tree};

use crate::error::{AnalysisError, Result};

/// Pixels per SVG unit: the plots are laid out at 1000 × 420 or so, too coarse for print.
const SCALE: f32 = 2.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotFormat {
    Svg,
    Png,
}

impl PlotFormat {
    /// `.png` (any case) is PNG; anything else SVG.
    pub fn of_path(path: &Path) -> PlotFormat {
        match path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()) {
            Some(e) if e == "png" => PlotFormat::Png,
            _ => PlotFormat::Svg,
        }
    }
}

/// The system fonts, loaded once per process (scanning font directories takes tens of ms).
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            let families: Vec<String> = db.faces().flat_map(|f| f.families.iter().map(|(name, _)| name.clone())).collect();
            let preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"];
            if let Some(family) = preferred.iter().find(|p| families.iter().any(|f| f == *p)).map(|s| s.to_string()).or_else(|| families.first().cloned()) {
                db.set_sans_serif_family(family);
            }
            Arc::new(db)
        })
        .clone()
}

/// Rasterises an SVG document to PNG bytes on a white background.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>> {
    let options = Options { fontdb: fonts(), ..Options::default() };
    let tree = Tree::from_str(svg, &options).map_err(|e| AnalysisError::input(format!("plot SVG: {e}")))?;
    let size = tree.size();
    let (w, h) = ((size.width() * SCALE).ceil() as u32, (size.height() * SCALE).ceil() as u32);
    let mut pixmap = Pixmap::new(w, h).ok_or_else(|| AnalysisError::input(format!("plot of {w} × {h} pixels cannot be drawn")))?;
    pixmap.fill(Color::WHITE);
    resvg::render(&tree, Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| AnalysisError::io("encoding PNG", std::io::Error::other(e)))
}

/// The plot in the format its file name asks for.
pub fn render_for(path: &Path, svg: String) -> Result<Vec<u8>> {
    match PlotFormat::of_path(path) {
        PlotFormat::Svg => Ok(svg.into_bytes()),
        PlotFormat::Png => svg_to_png(&svg),
    }
}
