//! Plots drawn as SVG by hand: the AF spectrum and Manhattan plots; PNG by rasterising the SVG.

mod afdist;
mod manhattan;
mod png;
mod svg;

pub use afdist::afdist_svg;
pub use manhattan::{manhattan_svg, Point};
pub use png::{render_for, svg_to_png, PlotFormat};
