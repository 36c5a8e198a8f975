//! XLSX workbooks (rust_xlsxwriter): one sheet per table, a bold frozen header with filters,
//! numbers and flags as typed cells, and formula-like text marked as text (Excel's quote prefix)
//! so that no cell is ever read as a formula.

use crate::ExportError;
use crate::table::Table;
use mlgov_domain::ColumnType;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// A first sheet saying what the workbook holds: a title and `(label, text)` lines.
#[derive(Clone, Debug, Default)]
pub struct ReadMe {
    /// Title (first row, bold).
    pub title: String,
    /// Lines: a label in the first column and its text in the second.
    pub lines: Vec<(String, String)>,
}

/// How cells are written.
#[derive(Clone, Copy, Debug, Default)]
pub struct XlsxOptions {
    /// Formula-like text (`=`, `+`, `-`, `@`, tab, CR) written without Excel's quote prefix. It is
    /// still stored as text, never as a formula.
    pub raw: bool,
}

/// A valid sheet name (≤ 31 characters, none of `[]:*?/\`), unique among `used`.
fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String =
        name.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String =
        if clean.is_empty() { "sheet".into() } else { clean.chars().take(31).collect() };
    let mut candidate = base.clone();
    let mut k = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&candidate)) {
        let suffix = format!(" {k}");
        candidate = format!(
            "{}{suffix}",
            base.chars().take(31 - suffix.chars().count()).collect::<String>()
        );
        k += 1;
    }
    used.push(candidate.clone());
    candidate
}

/// The workbook's bytes: the read-me sheet (when given), then one sheet per table.
///
/// # Errors
/// [`ExportError::Xlsx`] when the writer fails (a table over Excel's 1,048,576 rows).
pub fn workbook(
    tables: &[Table],
    readme: Option<&ReadMe>,
    opts: XlsxOptions,
) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let mut used = Vec::new();
    let bold = Format::new().set_bold();
    let text_mark = Format::new().set_quote_prefix();
    if let Some(r) = readme {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name("README", &mut used))?;
        ws.write_string_with_format(0, 0, &r.title, &bold)?;
        for (i, (label, text)) in r.lines.iter().enumerate() {
            let row = i as u32 + 2;
            ws.write_string_with_format(row, 0, label, &bold)?;
            write_text(ws, row, 1, text, opts, &text_mark)?;
        }
        ws.set_column_width(0, 24)?;
        ws.set_column_width(1, 110)?;
    }
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.name, &mut used))?;
        write_table(ws, t, opts, &bold, &text_mark)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Excel's limit on the characters of one cell.
const CELL_LIMIT: usize = 32_767;

fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    opts: XlsxOptions,
    mark: &Format,
) -> Result<(), ExportError> {
    let truncated;
    let s = if s.chars().count() > CELL_LIMIT {
        let note = " … [cut: longer than an Excel cell holds; see the CSV or JSON output]";
        truncated = s.chars().take(CELL_LIMIT - note.chars().count()).collect::<String>() + note;
        truncated.as_str()
    } else {
        s
    };
    if !opts.raw && mlgov_textfile::formula_like(s) {
        ws.write_string_with_format(row, col, s, mark)?;
    } else {
        ws.write_string(row, col, s)?;
    }
    Ok(())
}

fn write_table(
    ws: &mut Worksheet,
    t: &Table,
    opts: XlsxOptions,
    bold: &Format,
    mark: &Format,
) -> Result<(), ExportError> {
    for (j, c) in t.columns.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, &c.name, bold)?;
    }
    let mut widths: Vec<usize> = t.columns.iter().map(|c| c.name.chars().count()).collect();
    for (i, row) in t.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (j, cell) in row.iter().enumerate().take(t.columns.len()) {
            if cell.is_empty() {
                continue;
            }
            let col = j as u16;
            widths[j] = widths[j].max(cell.chars().count());
            match t.columns[j].ty {
                ColumnType::Integer | ColumnType::Number => match cell.parse::<f64>() {
                    Ok(x) if x.is_finite() => {
                        ws.write_number(r, col, x)?;
                    }
                    _ => write_text(ws, r, col, cell, opts, mark)?,
                },
                ColumnType::Boolean => match cell.as_str() {
                    "true" => {
                        ws.write_boolean(r, col, true)?;
                    }
                    "false" => {
                        ws.write_boolean(r, col, false)?;
                    }
                    _ => write_text(ws, r, col, cell, opts, mark)?,
                },
                ColumnType::List => write_text(
                    ws,
                    r,
                    col,
                    &cell.split(';').map(str::trim).collect::<Vec<_>>().join("; "),
                    opts,
                    mark,
                )?,
                // Partial dates stay text as stated (2015, 2015-03): a spreadsheet date would
                // invent a day the sources do not give.
                ColumnType::Date | ColumnType::Text => write_text(ws, r, col, cell, opts, mark)?,
            }
        }
    }
    if !t.columns.is_empty() {
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, t.rows.len() as u32, t.columns.len() as u16 - 1)?;
    }
    for (j, w) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
    }
    Ok(())
}
