//! Human output: aligned tables that fit 100 columns, and text Gantt charts.

/// Maximum width of human output.
pub const WIDTH: usize = 100;

/// How many problems human output lists before it counts the rest ([`problem_list`]).
pub const SHOWN_PROBLEMS: usize = 100;

/// Human text made safe for a terminal: every control character and bidirectional override of
/// the data (`ESC[31m`, BEL, U+202E…) written as `\u{1b}` (`mlgov_domain::text::escape_unsafe`),
/// line breaks and tabs kept. Everything the CLI prints for a person goes through here —
/// [`crate::ctx::Ctx::emit`] and the error messages; JSON output stays exact (JSON escapes them).
pub fn terminal(s: &str) -> std::borrow::Cow<'_, str> {
    mlgov_domain::text::escape_unsafe(s)
}

/// A list of problems for a person: the first [`SHOWN_PROBLEMS`] of `lines`, one per line, then
/// "… and N more (use --json for all)" when there are `total` in all. Every list of diagnostics the
/// CLI prints (imports, validation, survey imports, unverified quotations, reviewed
/// reconciliations) goes through here; `--json` carries all of them.
pub fn problem_list<I: IntoIterator<Item = String>>(lines: I, total: usize) -> String {
    let mut out = String::new();
    let mut shown = 0;
    for line in lines.into_iter().take(SHOWN_PROBLEMS) {
        out.push_str(&line);
        out.push('\n');
        shown += 1;
    }
    if total > shown {
        out.push_str(&more(total - shown));
    }
    out
}

/// The line that closes a bounded list: "… and N more (use --json for all)".
pub fn more(rest: usize) -> String {
    format!("… and {} more (use --json for all)\n", crate::progress::HumanCount(rest as u64))
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        s.to_string()
    } else if w <= 1 {
        "…".chars().take(w).collect()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push('…');
        t
    }
}

/// Renders an aligned table; the widest columns are shrunk (with an ellipsis) until the table
/// fits [`WIDTH`] columns.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let n = headers.len();
    let mut w: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(width(c));
        }
    }
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * (n.saturating_sub(1));
    while total(&w) > WIDTH {
        let (i, &m) = w.iter().enumerate().max_by_key(|(_, v)| **v).unwrap();
        if m <= 6 {
            break;
        }
        w[i] = m - 1;
    }
    let mut out = String::new();
    let line = |cells: Vec<String>, out: &mut String| {
        let s: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let t = truncate(c, w[i]);
                if i + 1 == n { t } else { format!("{t}{}", " ".repeat(w[i] - width(&t))) }
            })
            .collect();
        out.push_str(s.join("  ").trim_end());
        out.push('\n');
    };
    line(headers.iter().map(|h| h.to_string()).collect(), &mut out);
    line(w.iter().map(|x| "─".repeat(*x)).collect(), &mut out);
    for r in rows {
        let mut r = r.clone();
        r.resize(n, String::new());
        line(r, &mut out);
    }
    out
}

/// Wraps `text` at word boundaries so that no line exceeds [`WIDTH`] columns; continuation lines
/// are indented by two spaces. Ends with a newline.
pub fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && width(&line) + 1 + width(word) > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from("  ");
        } else if !line.is_empty() && line != "  " {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&truncate(line.trim_end(), WIDTH));
    out.push('\n');
    out
}

/// One row of a text Gantt chart.
pub struct GanttRow {
    /// Label at the left.
    pub label: String,
    /// First year (None: before the chart).
    pub from: Option<i32>,
    /// Last year (None: still ongoing).
    pub to: Option<i32>,
    /// Fill character (`█` membership, `▓` leading role, `░` term, `◆` event).
    pub mark: char,
}

/// Renders rows over the year range `[y0, y1]` within [`WIDTH`] columns, with a year axis.
pub fn gantt(rows: &[GanttRow], y0: i32, y1: i32) -> String {
    let label_w = rows.iter().map(|r| width(&r.label)).max().unwrap_or(10).clamp(10, 40);
    let span = (y1 - y0 + 1).max(1) as usize;
    let avail = WIDTH - label_w - 2;
    let per = (avail / span).clamp(1, 3);
    let mut out = String::new();
    // Axis: a year label every 5 (or 10) years.
    let step = if per >= 2 { 5 } else { 10 };
    let mut axis = vec![' '; span * per + 4];
    for y in y0..=y1 {
        if y % step == 0 {
            let pos = (y - y0) as usize * per;
            for (k, ch) in y.to_string().chars().enumerate() {
                if pos + k < axis.len() {
                    axis[pos + k] = ch;
                }
            }
        }
    }
    out.push_str(&format!("{:label_w$}  {}\n", "", axis.iter().collect::<String>().trim_end()));
    for r in rows {
        let a = r.from.unwrap_or(y0).max(y0);
        let b = r.to.unwrap_or(y1).min(y1);
        let mut cells = vec!['·'; span * per];
        if a <= b {
            for y in a..=b {
                for k in 0..per {
                    cells[(y - y0) as usize * per + k] = r.mark;
                }
            }
        }
        if r.to.is_none()
            && r.mark != '◆'
            && let Some(last) = cells.last_mut()
        {
            *last = '▶';
        }
        let label = truncate(&r.label, label_w);
        out.push_str(&format!(
            "{label}{}  {}\n",
            " ".repeat(label_w - width(&label)),
            cells.iter().collect::<String>()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn problem_lists_stop_at_100_and_count_the_rest() {
        let all: Vec<String> = (1..=250).map(|i| format!("error: problem {i}")).collect();
        let s = super::problem_list(all.clone(), all.len());
        assert_eq!(s.lines().count(), 101);
        assert_eq!(s.lines().nth(99), Some("error: problem 100"));
        assert_eq!(s.lines().last(), Some("… and 150 more (use --json for all)"));
        assert_eq!(super::problem_list(all[..3].to_vec(), 3).lines().count(), 3);
        // A reader that kept fewer than it found counts the rest too.
        assert_eq!(
            super::problem_list(all[..3].to_vec(), 5000).lines().last(),
            Some("… and 4,997 more (use --json for all)")
        );
    }

    #[test]
    fn terminal_text_escapes_control_characters() {
        assert_eq!(
            super::terminal("Turin\u{1b}[31m red\u{7}\u{202e}\n─ é\t"),
            "Turin\\u{1b}[31m red\\u{7}\\u{202e}\n─ é\t"
        );
    }

    #[test]
    fn tables_fit_100_columns() {
        let rows = vec![vec!["x".repeat(80), "y".repeat(80)]];
        let t = super::table(&["a", "b"], &rows);
        assert!(t.lines().all(|l| l.chars().count() <= super::WIDTH), "{t}");
    }

    #[test]
    fn wrap_fits_100_columns() {
        let text =
            format!("working groups / parts: {}", ["Roma Group of Eurocities"; 12].join(", "));
        let w = super::wrap(&text);
        assert!(
            w.lines().count() > 1 && w.lines().all(|l| l.chars().count() <= super::WIDTH),
            "{w}"
        );
        assert_eq!(
            w.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert_eq!(super::wrap("short"), "short\n");
    }

    #[test]
    fn gantt_marks_years() {
        let g = super::gantt(
            &[super::GanttRow {
                label: "Euromed".into(),
                from: Some(1999),
                to: Some(2006),
                mark: '█',
            }],
            1989,
            2020,
        );
        assert!(g.contains('█'));
        assert!(g.lines().all(|l| l.chars().count() <= super::WIDTH));
    }
}
