//! Query-string parsing with field-level errors: every parameter is checked, unknown parameters
//! are rejected with the list of accepted ones, and all problems are reported together (400).

use std::collections::BTreeMap;

use crate::error::{ApiError, FieldError};

/// The parameters of one request, consumed field by field.
pub struct Params {
    map: BTreeMap<String, String>,
    allowed: Vec<&'static str>,
    errors: Vec<FieldError>,
}

impl Params {
    /// Parses a raw query string (`a=1&b=x`); repeated keys keep the last value.
    pub fn parse(raw: Option<&str>) -> Params {
        let mut map = BTreeMap::new();
        if let Some(q) = raw {
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                map.insert(decode(k), decode(v));
            }
        }
        Params { map, allowed: Vec::new(), errors: Vec::new() }
    }

    fn take(&mut self, name: &'static str) -> Option<String> {
        self.allowed.push(name);
        self.map.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// Records a field problem.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.into(), message: message.into() });
    }

    /// An optional string.
    pub fn string(&mut self, name: &'static str) -> Option<String> {
        self.take(name)
    }

    /// An optional integer within `range`.
    pub fn int(&mut self, name: &'static str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
        let v = self.take(name)?;
        match v.parse::<i64>() {
            Ok(n) if range.contains(&n) => Some(n),
            Ok(n) => {
                self.error(
                    name,
                    format!("{n} is out of range; expected {}..={}", range.start(), range.end()),
                );
                None
            }
            Err(_) => {
                self.error(name, format!("{v:?} is not an integer"));
                None
            }
        }
    }

    /// An optional number within `range`.
    pub fn float(
        &mut self,
        name: &'static str,
        range: std::ops::RangeInclusive<f64>,
    ) -> Option<f64> {
        let v = self.take(name)?;
        match v.parse::<f64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                self.error(
                    name,
                    format!("{v:?} is not a number in {}..={}", range.start(), range.end()),
                );
                None
            }
        }
    }

    /// An optional word from a closed list.
    pub fn choice(&mut self, name: &'static str, allowed: &[&str]) -> Option<String> {
        let v = self.take(name)?;
        if allowed.contains(&v.as_str()) {
            Some(v)
        } else {
            self.error(
                name,
                format!("unknown value {v:?}; expected one of: {}", allowed.join(", ")),
            );
            None
        }
    }

    /// An optional boolean (`true/false/1/0`).
    pub fn bool(&mut self, name: &'static str) -> Option<bool> {
        let v = self.take(name)?;
        match v.as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => {
                self.error(name, format!("{v:?} is not a boolean; expected true or false"));
                None
            }
        }
    }

    /// `page` (≥ 1, default 1) and `per_page` (1..=200, default `default_per_page`).
    pub fn pagination(&mut self, default_per_page: usize) -> (usize, usize) {
        let page = self.int("page", 1..=1_000_000).unwrap_or(1) as usize;
        let per = self.int("per_page", 1..=200).unwrap_or(default_per_page as i64) as usize;
        (page, per)
    }

    /// Declares parameters accepted but read elsewhere.
    pub fn allow(&mut self, names: &[&'static str]) {
        self.allowed.extend_from_slice(names);
    }

    /// Ends parsing: unknown parameters and recorded problems give a 400.
    pub fn finish(mut self) -> Result<(), ApiError> {
        let unknown: Vec<String> =
            self.map.keys().filter(|k| !self.allowed.contains(&k.as_str())).cloned().collect();
        for k in unknown {
            let mut allowed = self.allowed.clone();
            allowed.sort();
            allowed.dedup();
            self.errors.push(FieldError {
                field: k,
                message: if allowed.is_empty() {
                    "unknown parameter; this endpoint takes none".into()
                } else {
                    format!("unknown parameter; expected one of: {}", allowed.join(", "))
                },
            });
        }
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::BadRequest(self.errors)) }
    }
}

/// Percent-decoding of a query component (`+` is a space); invalid escapes are kept as text.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding of a query component.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_reports_every_problem() {
        assert_eq!(decode("saint+%C3%A9tienne%2"), "saint étienne%2");
        let mut p = Params::parse(Some("page=0&per_page=x&bogus=1"));
        let _ = p.pagination(20);
        let err = p.finish().unwrap_err();
        let ApiError::BadRequest(f) = err else { panic!("400 expected") };
        let names: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["page", "per_page", "bogus"]);
    }
}
