//! PNG plots: the rasterised SVG decodes with an independent PNG decoder, has the expected
//! size, and shows the plot's marks (bars, points, the genome-wide line) in their colours.
//! Text depends on the installed fonts and is not checked.

use genohub_analysis::plot::{afdist_svg, manhattan_svg, render_for, svg_to_png, PlotFormat, Point};
use genohub_analysis::{AfDist, Bins};

/// (width, height, RGBA pixels).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a valid PNG header");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("PNG data decodes");
    assert_eq!(info.color_type, png::ColorType::Rgba);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Pixels within 8 of an `#rrggbb` colour on every channel.
fn count_colour(pixels: &[u8], hex: &str) -> usize {
    let c: Vec<i32> = (0..3).map(|i| i32::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()).collect();
    pixels.chunks_exact(4).filter(|p| (0..3).all(|i| (i32::from(p[i]) - c[i]).abs() <= 8)).count()
}

fn white_share(pixels: &[u8]) -> f64 {
    count_colour(pixels, "#ffffff") as f64 / (pixels.len() / 4) as f64
}

#[test]
fn afdist_png_has_its_bars() {
    let bins = |s: &str| Bins::parse(s).unwrap();
    let d = AfDist {
        prob_bins: bins(genohub_analysis::bins::DEFAULT_EDGES),
        dev_bins: bins(genohub_analysis::bins::DEFAULT_EDGES),
        af_bins: bins("0,0.01,0.1,0.5,1"),
        prob: vec![1000, 10, 0, 0, 5, 0, 0, 0, 0, 0, 0],
        dev: vec![0; 11],
        sites_by_af: vec![500, 50, 5, 1, 0],
        sites: 556,
        samples: 10,
    };
    let png = svg_to_png(&afdist_svg(&d)).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h, pixels) = decode(&png);
    assert_eq!((w, h), (1800, 760), "twice the SVG's 900 × 380");
    // Mostly white background, with both panels' bar colours present.
    let white = white_share(&pixels);
    assert!(white > 0.6 && white < 0.99, "white share {white}");
    let (blue, red) = (count_colour(&pixels, "#3b6ea5"), count_colour(&pixels, "#c0504d"));
    assert!(blue > 2000 && red > 2000, "bar pixels: blue {blue}, red {red}");
    // No bars at all draws no bar colour.
    let empty = AfDist { prob: vec![0; 11], sites_by_af: vec![0; 5], ..d };
    let (_, _, pixels) = decode(&svg_to_png(&afdist_svg(&empty)).unwrap());
    assert_eq!((count_colour(&pixels, "#3b6ea5"), count_colour(&pixels, "#c0504d")), (0, 0));
}

#[test]
fn manhattan_png_has_points_and_the_genome_wide_line() {
    let points: Vec<Point> = (0..200u64)
        .map(|i| Point { chrom: if i < 100 { "1".into() } else { "2".into() }, pos: 1000 * (i % 100 + 1), p: 0.5f64.powi((i % 37) as i32) })
        .collect();
    let (w, h, pixels) = decode(&svg_to_png(&manhattan_svg(&points, "t")).unwrap());
    assert_eq!((w, h), (2000, 840));
    let line = count_colour(&pixels, "#c0504d");
    assert!(line > 1000, "dashed 5e-8 line: {line} pixels");
    let (first, second) = (count_colour(&pixels, "#3b6ea5"), count_colour(&pixels, "#7f9fc6"));
    assert!(first > 500 && second > 500, "points of both contigs: {first} {second}");
    assert_eq!(PlotFormat::of_path(std::path::Path::new("x/m.PNG")), PlotFormat::Png);
    assert_eq!(PlotFormat::of_path(std::path::Path::new("m.svg")), PlotFormat::Svg);
    let svg = render_for(std::path::Path::new("m.svg"), manhattan_svg(&points, "t")).unwrap();
    assert!(svg.starts_with(b"<svg"));
}
