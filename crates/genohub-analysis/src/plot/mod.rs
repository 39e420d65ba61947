//! Plots drawn as SVG by hand (no plotting dependency): the AF spectrum and Manhattan plots.

mod afdist;
mod manhattan;
mod svg;

pub use afdist::afdist_svg;
pub use manhattan::{manhattan_svg, Point};
