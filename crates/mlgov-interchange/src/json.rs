//! The JSON form of the knowledge base: one object with one array per record type.

use crate::{Diagnostic, InterchangeError, Loaded, Locations};
use mlgov_domain::{KnowledgeBase, Record, TableVisitor};
use std::path::Path;

/// Serialises the base as canonical JSON (tables sorted by id, pretty-printed, trailing newline).
pub fn to_json(kb: &KnowledgeBase) -> String {
    let mut kb = kb.clone();
    kb.sort();
    let mut v = serde_json::to_value(&kb).expect("the model serialises");
    if let serde_json::Value::Object(m) = &mut v {
        let mut out = serde_json::Map::new();
        out.insert("format".into(), "mlgov-kb".into());
        out.insert("version".into(), 1.into());
        for (k, val) in std::mem::take(m) {
            out.insert(k, val);
        }
        v = serde_json::Value::Object(out);
    }
    let mut s = serde_json::to_string_pretty(&v).expect("serialises");
    s.push('\n');
    s
}

/// Writes the JSON document to `path`.
pub fn write_json(kb: &KnowledgeBase, path: &Path) -> Result<(), InterchangeError> {
    std::fs::write(path, to_json(kb))
        .map_err(|source| InterchangeError::Io { path: path.to_path_buf(), source })
}

/// Reads a JSON document written by [`write_json`] (or by hand in the same shape).
pub fn read_json(path: &Path) -> Result<Loaded, InterchangeError> {
    read_json_mode(path, true)
}

/// Reads a JSON document as a whole base (`whole`) or as a batch of additions to a stored base.
pub(crate) fn read_json_mode(path: &Path, whole: bool) -> Result<Loaded, InterchangeError> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|source| InterchangeError::Io { path: path.to_path_buf(), source })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64;
        InterchangeError::Invalid(vec![Diagnostic {
            file: label.clone(),
            line: Some(line),
            field: None,
            message: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        }])
    })?;
    // One pass without building anything: malformed JSON, a duplicate key at any depth (serde_json
    // would keep the last), and the document's `format` and `version`, each at its line and column.
    crate::strict::check(text).map_err(|r| {
        let message = match r.error.classify() {
            serde_json::error::Category::Data => r.error.to_string(),
            _ => format!("malformed JSON: {}", r.error),
        };
        InterchangeError::Invalid(vec![Diagnostic {
            file: label.clone(),
            line: Some(r.error.line() as u64),
            field: r.field.map(str::to_string),
            message,
        }])
    })?;
    // Read from the text so that a record of the wrong shape is placed at its line; `format` and
    // `version`, checked above, are not fields of the base.
    let kb: KnowledgeBase = serde_json::from_str(text).map_err(|e| {
        InterchangeError::Invalid(vec![Diagnostic {
            file: label.clone(),
            line: Some(e.line() as u64),
            field: None,
            message: format!("not a knowledge base: {e}"),
        }])
    })?;
    // Re-check every record through the CSV cell parser so JSON gets the same validation.
    struct Check<'a>(&'a str, Vec<Diagnostic>, Locations);
    impl TableVisitor for Check<'_> {
        fn table<R: Record>(&mut self, rows: &[R]) {
            for (i, r) in rows.iter().enumerate() {
                let map: std::collections::BTreeMap<String, String> =
                    R::COLUMNS.iter().map(|c| c.name.to_string()).zip(r.to_cells()).collect();
                if let Err(ps) = R::from_input(&map) {
                    for p in ps {
                        self.1.push(Diagnostic {
                            file: self.0.to_string(),
                            line: None,
                            field: Some(format!(
                                "{}[{i}].{}",
                                R::FILE.trim_end_matches(".csv"),
                                p.field
                            )),
                            message: p.message,
                        });
                    }
                }
                self.2.0.insert(r.id().to_string(), (self.0.to_string(), 0));
            }
        }
    }
    let mut c = Check(&label, Vec::new(), Locations::default());
    kb.visit(&mut c);
    for p in kb.validate().into_iter().filter(|p| whole || !crate::is_reference_problem(&p.message))
    {
        c.1.push(Diagnostic {
            file: label.clone(),
            line: None,
            field: Some(format!("{}.{}", p.id, p.field)),
            message: p.message,
        });
    }
    if c.1.is_empty() {
        Ok(Loaded { kb, locations: c.2 })
    } else {
        Err(InterchangeError::Invalid(c.1))
    }
}
