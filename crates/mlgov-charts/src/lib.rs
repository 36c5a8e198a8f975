//! Pure SVG rendering of mlgov's static charts: grouped horizontal bar charts with interval
//! whiskers and n per bar, and horizontal Gantt timelines. No IO, no dependencies: each
//! `render` returns a standalone SVG document as a `String`, with `<title>`/`<desc>` alt text and
//! the colour-blind-safe Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design").

mod bar;
mod gantt;
mod svg;

pub use bar::{Bar, BarChart, Series, ValueAxis};
pub use gantt::{Gantt, GanttBar, GanttRow, Marker};
pub use svg::{OKABE_ITO, escape, nice_ticks};
