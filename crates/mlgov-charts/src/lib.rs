//! Pure SVG rendering of mlgov's static charts: grouped horizontal bar charts with interval
//! whiskers and n per bar, column charts of one series, and horizontal Gantt timelines. No IO:
//! each `render` returns an SVG document as a `String`, with `<title>`/`<desc>` alt text and the
//! colour-blind-safe Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design").
//!
//! With the feature `raster`, [`to_png`] and [`to_pdf`] turn any SVG figure into PNG or PDF
//! bytes (resvg, svg2pdf; text in the bundled DejaVu Sans), and [`FigureFormat`] is the one
//! parser of `svg|png|pdf` for the CLI and the explorer. Without it the crate has no
//! dependencies.

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
