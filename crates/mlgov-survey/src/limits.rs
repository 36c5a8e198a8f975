//! Limits that keep the intake of hostile files bounded in time and memory: the decompressed size
//! and cell count of an XLSX workbook (checked on the zip container before the workbook is parsed,
//! counting the bytes actually inflated, since a zip can lie about its sizes), the length of a CSV
//! field and the number of columns.

use std::io::{Cursor, Read};

/// Caps applied by the intake. The defaults fit any real survey export by a wide margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total decompressed size of all parts of an XLSX workbook, in bytes (CLI `--max-xlsx-bytes`).
    pub max_xlsx_bytes: u64,
    /// Cells in the worksheets of an XLSX workbook (CLI `--max-cells`).
    pub max_cells: u64,
    /// Bytes in one CSV field (CLI `--max-field-bytes`).
    pub max_field_bytes: usize,
    /// Columns in a file (CLI `--max-columns`).
    pub max_columns: usize,
}

impl Limits {
    /// Default decompressed-size cap of a workbook: 256 MiB.
    pub const DEFAULT_MAX_XLSX_BYTES: u64 = 256 * 1024 * 1024;
    /// Default cell cap: 5 million.
    pub const DEFAULT_MAX_CELLS: u64 = 5_000_000;
    /// Default field-length cap: 64 KiB.
    pub const DEFAULT_MAX_FIELD_BYTES: usize = 64 * 1024;
    /// Default column cap: 5,000.
    pub const DEFAULT_MAX_COLUMNS: usize = 5_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_xlsx_bytes: Self::DEFAULT_MAX_XLSX_BYTES,
            max_cells: Self::DEFAULT_MAX_CELLS,
            max_field_bytes: Self::DEFAULT_MAX_FIELD_BYTES,
            max_columns: Self::DEFAULT_MAX_COLUMNS,
        }
    }
}

/// Which limit was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// [`Limits::max_xlsx_bytes`].
    XlsxBytes,
    /// [`Limits::max_cells`].
    Cells,
    /// [`Limits::max_field_bytes`].
    FieldBytes,
    /// [`Limits::max_columns`].
    Columns,
}

impl LimitKind {
    /// What is limited, in words.
    pub fn what(self) -> &'static str {
        match self {
            LimitKind::XlsxBytes => "decompressed workbook size (bytes)",
            LimitKind::Cells => "worksheet cells",
            LimitKind::FieldBytes => "field length (bytes)",
            LimitKind::Columns => "columns",
        }
    }
    /// The command-line flag that raises it.
    pub fn flag(self) -> &'static str {
        match self {
            LimitKind::XlsxBytes => "--max-xlsx-bytes",
            LimitKind::Cells => "--max-cells",
            LimitKind::FieldBytes => "--max-field-bytes",
            LimitKind::Columns => "--max-columns",
        }
    }
    /// The field of [`Limits`] that raises it.
    pub fn field(self) -> &'static str {
        match self {
            LimitKind::XlsxBytes => "Limits::max_xlsx_bytes",
            LimitKind::Cells => "Limits::max_cells",
            LimitKind::FieldBytes => "Limits::max_field_bytes",
            LimitKind::Columns => "Limits::max_columns",
        }
    }
}

/// Format an integer with thousands separators (`1,234,567`).
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The outcome of checking a workbook's container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum XlsxCheck {
    /// Within the limits.
    Ok,
    /// Not a zip archive at all (the workbook reader reports it).
    NotZip(String),
    /// A limit was exceeded: kind, the amount seen so far (at least), the limit, the zip entry.
    Exceeded(LimitKind, u64, u64, String),
    /// An entry could not be inflated, or inflated to more than it declared.
    Corrupt(String),
}

/// Inspect an XLSX container before parsing it: the declared uncompressed sizes must fit the
/// limit, and every entry is then inflated into a counter (nothing is kept) that stops as soon as
/// it exceeds what the entry declared or what the limit leaves; worksheet XML is scanned for
/// `<c` elements to count cells. Work and memory are bounded by the limits, not by the file.
pub(crate) fn check_xlsx(bytes: &[u8], limits: &Limits) -> XlsxCheck {
    let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => return XlsxCheck::NotZip(e.to_string()),
    };
    match inflate_entries(&mut zip, limits) {
        Ok(()) => XlsxCheck::Ok,
        Err(check) => check,
    }
}

/// The declared sizes of every entry; an honest bomb is refused without inflating anything.
fn declared_sizes(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<Vec<u64>, XlsxCheck> {
    let mut declared_total: u64 = 0;
    let mut declared = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let f = match zip.by_index_raw(i) {
            Ok(f) => f,
            Err(e) => return Err(XlsxCheck::Corrupt(format!("zip entry {i}: {e}"))),
        };
        declared_total = declared_total.saturating_add(f.size());
        if declared_total > limits.max_xlsx_bytes {
            return Err(XlsxCheck::Exceeded(
                LimitKind::XlsxBytes,
                declared_total,
                limits.max_xlsx_bytes,
                f.name().map(|n| n.into_owned()).unwrap_or_default(),
            ));
        }
        declared.push(f.size());
    }
    Ok(declared)
}

/// Inflate every entry into counters, stopping at the first limit exceeded or lie found.
fn inflate_entries(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<(), XlsxCheck> {
    let declared = declared_sizes(zip, limits)?;
    let mut inflated_total: u64 = 0;
    let mut cells: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for (i, &declared_size) in declared.iter().enumerate() {
        let mut f = match zip.by_index(i) {
            Ok(f) => f,
            Err(e) => return Err(XlsxCheck::Corrupt(format!("zip entry {i}: {e}"))),
        };
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        let is_sheet = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        let mut scan = CellScan::default();
        let mut strings = UniqueCountScan::default();
        let mut this: u64 = 0;
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => return Err(XlsxCheck::Corrupt(format!("{name}: {e}"))),
            };
            this += n as u64;
            inflated_total += n as u64;
            if inflated_total > limits.max_xlsx_bytes {
                return Err(XlsxCheck::Exceeded(
                    LimitKind::XlsxBytes,
                    inflated_total,
                    limits.max_xlsx_bytes,
                    name,
                ));
            }
            if this > declared_size {
                return Err(XlsxCheck::Corrupt(format!(
                    "{name}: inflates to more than the {} bytes its zip header declares",
                    thousands(declared_size)
                )));
            }
            if is_sheet {
                cells += scan.feed(&buf[..n]);
                if cells > limits.max_cells {
                    return Err(XlsxCheck::Exceeded(
                        LimitKind::Cells,
                        cells,
                        limits.max_cells,
                        name,
                    ));
                }
            }
            strings_fit(&mut strings, &buf[..n], &name, declared_size)?;
        }
    }
    Ok(())
}

/// The reader reserves room for the shared strings a part declares before it reads one:
/// `uniqueCount="4000000000"` asked for 96 GB. A string takes at least 5 bytes (`<si/>`), so a
/// part cannot hold more than a fifth of its size.
fn strings_fit(
    strings: &mut UniqueCountScan,
    chunk: &[u8],
    name: &str,
    declared_size: u64,
) -> Result<(), XlsxCheck> {
    if let Some(count) = strings.feed(chunk)
        && count.saturating_mul(5) > declared_size
    {
        return Err(XlsxCheck::Corrupt(format!(
            "{name}: declares {} shared strings, more than its {} bytes can hold",
            thousands(count),
            thousands(declared_size)
        )));
    }
    Ok(())
}

/// Finds the largest `uniqueCount="N"` attribute across chunk boundaries, as the XML reader sees
/// attributes: inside a tag, outside quoted values (where `>` does not end the tag).
#[derive(Default)]
struct UniqueCountScan {
    in_tag: bool,
    /// The quote of the attribute value being read (0: none).
    quote: u8,
    /// Bytes of `uniqueCount` matched.
    matched: usize,
    /// 1: the name was read, 2: then `=`.
    after_name: u8,
    /// Reading the value of `uniqueCount` (digits so far).
    digits: Option<u64>,
}

impl UniqueCountScan {
    const NAME: &'static [u8] = b"uniqueCount";

    /// The largest count whose value ended in this chunk, if any.
    fn feed(&mut self, chunk: &[u8]) -> Option<u64> {
        let mut found = None;
        for &b in chunk {
            if !self.in_tag {
                if b == b'<' {
                    (self.in_tag, self.matched, self.after_name) = (true, 0, 0);
                }
                continue;
            }
            if self.quote != 0 {
                if b == self.quote {
                    self.quote = 0;
                    found = found.max(self.digits.take());
                } else {
                    // A value that is not all digits is not read as a count.
                    self.digits = self.digits.and_then(|v| {
                        b.is_ascii_digit()
                            .then(|| v.saturating_mul(10).saturating_add(u64::from(b - b'0')))
                    });
                }
                continue;
            }
            match b {
                b'>' => self.in_tag = false,
                b'"' | b'\'' => {
                    self.quote = b;
                    self.digits = (self.after_name == 2).then_some(0);
                    (self.matched, self.after_name) = (0, 0);
                }
                b'=' => {
                    (self.matched, self.after_name) = (0, if self.after_name == 1 { 2 } else { 0 })
                }
                b' ' | b'\t' | b'\r' | b'\n' => self.matched = 0,
                _ => {
                    self.after_name = 0;
                    self.matched = if b == Self::NAME[self.matched] {
                        self.matched + 1
                    } else {
                        usize::from(b == Self::NAME[0])
                    };
                    if self.matched == Self::NAME.len() {
                        (self.matched, self.after_name) = (0, 1);
                    }
                }
            }
        }
        found
    }
}

/// Counts `<c ` / `<c>` / `<c/` (cell elements) across chunk boundaries.
#[derive(Default)]
struct CellScan {
    /// 0: nothing; 1: saw `<`; 2: saw `<c`.
    state: u8,
}

impl CellScan {
    fn feed(&mut self, chunk: &[u8]) -> u64 {
        let mut n = 0;
        for &b in chunk {
            self.state = match (self.state, b) {
                (_, b'<') => 1,
                (1, b'c') => 2,
                (2, b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n') => {
                    n += 1;
                    0
                }
                _ => 0,
            };
        }
        n
    }
}
