//! Physical line numbers of CSV records, exact with CRLF line ends and blank lines.

/// The 1-based line where a record starts, from the byte position the csv reader reports. That
/// reader reports a record's start at the end of the previous record, which with CRLF line ends is
/// the `\n` of the previous line's `\r\n`, and before blank lines it skipped: the line ends are
/// skipped, then `\n`s counted — incrementally, so a file read in order is scanned once (a
/// position before the last one starts the count again).
#[derive(Debug, Clone, Default)]
pub struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    /// The line of the record the csv reader placed at byte `start` of `text` (the bytes it reads).
    pub fn line_at(&mut self, text: &[u8], mut start: usize) -> usize {
        while matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.min(text.len());
        if start < self.byte {
            *self = LineCounter::default();
        }
        self.line += text[self.byte..start].iter().filter(|&&b| b == b'\n').count();
        self.byte = start;
        self.line + 1
    }
}
