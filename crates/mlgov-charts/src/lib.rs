//! Pure SVG rendering of mlgov's static charts: grouped horizontal bar charts with interval
//! whiskers and n per bar, column charts of one series, and horizontal Gantt timelines. No IO:
//! each `render` returns an SVG document as a `String`, with `<title>`/`<desc>` alt text and the
//! colour-blind-safe Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design").
//!
//! With the feature `raster`, [`to_png`] and [`to_pdf`] turn any SVG figure into PNG or PDF
//! bytes (resvg, svg2pdf; text in the bundled DejaVu Sans), and [`FigureFormat`] is the one
//! parser of `svg|png|pdf` for the CLI and the explorer. Without it the crate has no
//! dependencies.
//!
//! ## Design
//!
//! SVG charts (grouped bars with interval whiskers, `ColumnChart` — one series by year, the
//! explorer's members of a network —, Gantt) as strings, colour-blind-safe palette, alt text.
//! Feature `raster` (`src/raster.rs`; the CLI and the server turn it on): `to_png(svg, scale)`
//! (resvg, white background) and `to_pdf(svg)` (svg2pdf, vector, text kept as text, 1 SVG unit =
//! 1/96 in) for any of our SVGs, the charts' and the server's own; text is set in the bundled
//! DejaVu Sans (`fonts/`, Bitstream Vera licence beside it, NOTICE), which also answers for every
//! other family (`Arial`, `sans-serif`, `serif`, `monospace`, none); `FigureFormat` (`svg|png|pdf`
//! from a word or a file extension, its content type, `render`) is the one parser of figure
//! formats, used by `--figure FILE` in the CLI, the survey report and the explorer's
//! `?figure=<id>&format=`; `FigureError` is typed (invalid SVG, scale, size, PDF).
//!
//! *Invariant:* no IO: bytes in, bytes out — never system fonts, never a file or URL an SVG names
//! (the image resolver refuses them); without `raster`, no dependencies beyond std.

mod bar;
mod columns;
mod gantt;
#[cfg(feature = "raster")]
mod raster;
mod svg;

pub use bar::{Bar, BarChart, Series, ValueAxis};
pub use columns::ColumnChart;
pub use gantt::{Gantt, GanttBar, GanttRow, Marker};
#[cfg(feature = "raster")]
pub use raster::{
    DEFAULT_PNG_SCALE, FONT_FAMILY, FigureError, FigureFormat, MAX_PIXELS, SCALE_RANGE, to_pdf,
    to_png,
};
pub use svg::{OKABE_ITO, escape, nice_ticks};
