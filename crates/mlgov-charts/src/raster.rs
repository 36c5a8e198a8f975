//! PNG and PDF of an SVG figure (feature `raster`), for a paper or a slide: bytes in, bytes out,
//! no file, font or network access.
//!
//! PNG by resvg, PDF by svg2pdf, both over one usvg tree. Text is set in the bundled DejaVu Sans
//! (`fonts/`, Bitstream Vera licence beside it), whatever fonts the machine has: every family an
//! SVG names that is not DejaVu Sans — `Arial`, `Helvetica`, the generic `sans-serif`, `serif`,
//! `monospace`, `cursive`, `fantasy`, or no `font-family` at all — falls back to it. Images the
//! SVG references by file name or URL are ignored (never read); our charts have none.
//!
//! [`FigureFormat`] is the one place that maps `svg|png|pdf` (a word or a file extension) to a
//! format, its file extension and its content type; the CLI and the explorer both use it.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;

/// DejaVu Sans (regular), the bundled font.
const DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold, for titles drawn with `font-weight="bold"`.
const DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
/// The family name of the bundled font.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Pixels per SVG user unit when a PNG is asked for without a scale: 960 px wide charts become
/// 1920 px, sharp in print at the width of a text column.
pub const DEFAULT_PNG_SCALE: f32 = 2.0;
/// The largest PNG made, in pixels (width × height): 8000 × 8000.
pub const MAX_PIXELS: u64 = 64_000_000;
/// Scales accepted by [`to_png`].
pub const SCALE_RANGE: std::ops::RangeInclusive<f32> = 0.1..=16.0;

/// Why a figure could not be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FigureError {
    /// The text is not an SVG document usvg can read.
    #[error("not a valid SVG figure: {0}")]
    InvalidSvg(String),
    /// The PNG scale is out of range or not a number.
    #[error("PNG scale {0} is out of range; expected 0.1 to 16")]
    Scale(f32),
    /// The PNG would be too large (or empty).
    #[error("the PNG would be {width} × {height} pixels; at most {max} pixels and at least 1 × 1 are made", max = MAX_PIXELS)]
    Size {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
    /// PDF conversion failed.
    #[error("PDF conversion failed: {0}")]
    Pdf(String),
    /// A format name or file extension that is not svg, png or pdf.
    #[error("unknown figure format {0:?}; expected one of: svg, png, pdf")]
    UnknownFormat(String),
}

/// The font database: the bundled DejaVu Sans, also answering for every generic family.
fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for data in [DEJAVU_SANS, DEJAVU_SANS_BOLD] {
            db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(data)));
        }
        db.set_sans_serif_family(FONT_FAMILY);
        db.set_serif_family(FONT_FAMILY);
        db.set_monospace_family(FONT_FAMILY);
        db.set_cursive_family(FONT_FAMILY);
        db.set_fantasy_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Parses `svg` with the bundled font and without access to anything outside the text.
fn tree(svg: &str) -> Result<usvg::Tree, FigureError> {
    let mut opt = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    // `<image href="file.png">` would be read from disk by the default resolver: never.
    opt.image_href_resolver.resolve_string = Box::new(|_, _| None);
    usvg::Tree::from_str(svg, &opt).map_err(|e| FigureError::InvalidSvg(e.to_string()))
}

/// The figure as a PNG: `scale` pixels per SVG user unit (CSS pixel), on a white background
/// (the figure is meant for paper: transparent parts become white).
///
/// # Errors
/// [`FigureError::InvalidSvg`] for text that is not SVG, [`FigureError::Scale`] for a scale
/// outside [`SCALE_RANGE`], [`FigureError::Size`] for an image over [`MAX_PIXELS`].
pub fn to_png(svg: &str, scale: f32) -> Result<Vec<u8>, FigureError> {
    if !scale.is_finite() || !SCALE_RANGE.contains(&scale) {
        return Err(FigureError::Scale(scale));
    }
    let tree = tree(svg)?;
    let size = tree.size();
    let (width, height) =
        ((size.width() * scale).ceil() as u64, (size.height() * scale).ceil() as u64);
    if width == 0 || height == 0 || width.saturating_mul(height) > MAX_PIXELS {
        return Err(FigureError::Size { width, height });
    }
    let mut pixmap = tiny_skia::Pixmap::new(width as u32, height as u32)
        .ok_or(FigureError::Size { width, height })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| FigureError::Png(e.to_string()))
}

/// The figure as a one-page vector PDF of the figure's size (one SVG user unit = 1/96 inch, as
/// in CSS, so a 960-unit-wide chart is 10 inches wide), text embedded as selectable text in a
/// subset of the bundled font.
///
/// # Errors
/// [`FigureError::InvalidSvg`] for text that is not SVG, [`FigureError::Pdf`] when svg2pdf fails.
pub fn to_pdf(svg: &str) -> Result<Vec<u8>, FigureError> {
    let tree = tree(svg)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions { dpi: 96.0 },
    )
    .map_err(|e| FigureError::Pdf(e.to_string()))
}

/// A figure's file format: `svg`, `png` or `pdf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FigureFormat {
    /// The SVG document as drawn.
    Svg,
    /// A raster image ([`to_png`] at [`DEFAULT_PNG_SCALE`]).
    Png,
    /// A vector PDF ([`to_pdf`]).
    Pdf,
}

impl FigureFormat {
    /// Every format, in the order offered to people.
    pub const ALL: [FigureFormat; 3] = [FigureFormat::Svg, FigureFormat::Png, FigureFormat::Pdf];

    /// The lower-case name, which is also the file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FigureFormat::Svg => "svg",
            FigureFormat::Png => "png",
            FigureFormat::Pdf => "pdf",
        }
    }

    /// The name for people (`SVG`, `PNG`, `PDF`).
    pub fn label(self) -> &'static str {
        match self {
            FigureFormat::Svg => "SVG",
            FigureFormat::Png => "PNG",
            FigureFormat::Pdf => "PDF",
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            FigureFormat::Svg => "image/svg+xml",
            FigureFormat::Png => "image/png",
            FigureFormat::Pdf => "application/pdf",
        }
    }

    /// The format a file name asks for, by its extension (case-insensitive).
    ///
    /// # Errors
    /// [`FigureError::UnknownFormat`] when the extension is missing or not svg, png or pdf.
    pub fn from_path(path: &Path) -> Result<FigureFormat, FigureError> {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) => ext.parse(),
            None => Err(FigureError::UnknownFormat(
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            )),
        }
    }

    /// The figure `svg` in this format (the SVG text itself for [`FigureFormat::Svg`]).
    ///
    /// # Errors
    /// As [`to_png`] and [`to_pdf`].
    pub fn render(self, svg: &str) -> Result<Vec<u8>, FigureError> {
        match self {
            FigureFormat::Svg => Ok(svg.as_bytes().to_vec()),
            FigureFormat::Png => to_png(svg, DEFAULT_PNG_SCALE),
            FigureFormat::Pdf => to_pdf(svg),
        }
    }
}

impl FromStr for FigureFormat {
    type Err = FigureError;

    /// `svg`, `png` or `pdf`, in any case, with or without a leading dot.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().trim_start_matches('.').to_ascii_lowercase();
        FigureFormat::ALL
            .into_iter()
            .find(|f| f.extension() == word)
            .ok_or_else(|| FigureError::UnknownFormat(s.to_string()))
    }
}

impl fmt::Display for FigureFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}
