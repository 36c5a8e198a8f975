//! Figures written to files: SVG, PNG or PDF by the file name's extension (`--figure FILE`, alias
//! `--svg`; the survey report's figures). The format and the rendering come from
//! `mlgov_charts::FigureFormat`, the one parser of `svg|png|pdf` (the explorer uses it too).

use std::path::Path;

use mlgov_charts::FigureFormat;

use crate::ctx::CliError;

/// The format a figure file asks for by its extension; anything but .svg, .png or .pdf is a usage
/// error (exit 1). Checked before any work, so a typo costs nothing.
pub fn format_of(path: &Path) -> Result<FigureFormat, CliError> {
    FigureFormat::from_path(path).map_err(|_| {
        CliError::Usage(format!(
            "cannot write a figure to {}: the file name must end in .svg, .png or .pdf",
            path.display()
        ))
    })
}

/// Writes the figure `svg` to `path` in `format`.
pub fn write(path: &Path, format: FigureFormat, svg: &str) -> Result<(), CliError> {
    let bytes = format.render(svg).map_err(|e| {
        CliError::Other(anyhow::anyhow!("rendering the figure as {}: {e}", format.label()))
    })?;
    std::fs::write(path, bytes)
        .map_err(|e| CliError::Other(anyhow::anyhow!("writing {}: {e}", path.display())))
}

/// A figure's PNG and PDF, for the files written beside its SVG (the survey report).
pub fn png_and_pdf(svg: &str) -> Result<Vec<(&'static str, Vec<u8>)>, CliError> {
    [FigureFormat::Png, FigureFormat::Pdf]
        .into_iter()
        .map(|f| {
            f.render(svg).map(|bytes| (f.extension(), bytes)).map_err(|e| {
                CliError::Other(anyhow::anyhow!("rendering a report figure as {}: {e}", f.label()))
            })
        })
        .collect()
}
