//! The strict reading of a JSON knowledge base: serde_json keeps the last of two equal keys of an
//! object without a word, and the base's `"format"` and `"version"` are not fields of any record.
//! [`check`] reads the document once, without building it, and refuses a duplicate key at any
//! depth, a `"format"` other than `"mlgov-kb"` and a `"version"` this mlgov does not read, each
//! at its line and column.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// The versions of the JSON form this mlgov reads.
pub const SUPPORTED_VERSIONS: &[u64] = &[1];

/// Why a document is refused: the field concerned (`format`, `version`, or none for a duplicate
/// key or a syntax error) and serde_json's error, which carries the line and column.
#[derive(Debug)]
pub struct Refusal {
    /// `Some("format")`, `Some("version")`, or `None`.
    pub field: Option<&'static str>,
    /// The error with its position.
    pub error: serde_json::Error,
}

/// Reads `text` through, checking every object for duplicate keys and the top-level object for
/// `"format": "mlgov-kb"` and a supported `"version"` (both required). Nothing is built: the
/// cost is one pass of the tokenizer and a few key comparisons per object.
pub fn check(text: &str) -> Result<(), Refusal> {
    let field = Cell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Top { field: &field }.deserialize(&mut de).and_then(|()| de.end());
    result.map_err(|error| Refusal { field: field.get(), error })
}

/// The top-level value: an object is checked for its `format` and `version`; anything else is
/// left for the reader of the base to refuse.
/// The visitor methods that accept every scalar (booleans, numbers, strings, null) as it is:
/// only objects are checked, for their keys.
macro_rules! accept_scalars {
    () => {
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    };
}

struct Top<'a> {
    field: &'a Cell<Option<&'static str>>,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = Keys::default();
        let (mut format, mut version) = (false, false);
        while let Some(key) = map.next_key::<KeyText<'de>>()? {
            keys.insert(key.as_str()).map_err(de::Error::custom)?;
            match key.as_str() {
                "format" => {
                    let v: serde_json::Value = map.next_value()?;
                    if v.as_str() != Some("mlgov-kb") {
                        self.field.set(Some("format"));
                        return Err(de::Error::custom(format!(
                            "\"format\" is {v}; expected \"format\": \"mlgov-kb\""
                        )));
                    }
                    format = true;
                }
                "version" => {
                    let v: serde_json::Value = map.next_value()?;
                    if !v.as_u64().is_some_and(|n| SUPPORTED_VERSIONS.contains(&n)) {
                        self.field.set(Some("version"));
                        return Err(de::Error::custom(format!(
                            "unsupported \"version\": {v}; this mlgov reads {}",
                            versions()
                        )));
                    }
                    version = true;
                }
                _ => map.next_value_seed(Any)?,
            }
        }
        if !format {
            self.field.set(Some("format"));
            return Err(de::Error::custom(
                "the document has no \"format\"; expected \"format\": \"mlgov-kb\"",
            ));
        }
        if !version {
            self.field.set(Some("version"));
            return Err(de::Error::custom(format!(
                "the document has no \"version\"; expected {}",
                versions()
            )));
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Any.visit_seq(seq)
    }
    accept_scalars!();
}

fn versions() -> String {
    let v: Vec<String> = SUPPORTED_VERSIONS.iter().map(|v| format!("\"version\": {v}")).collect();
    v.join(" or ")
}

/// Any value below the top, checked for duplicate keys.
struct Any;

impl<'de> DeserializeSeed<'de> for Any {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Any {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = Keys::default();
        while let Some(key) = map.next_key::<KeyText<'de>>()? {
            keys.insert(key.as_str()).map_err(de::Error::custom)?;
            map.next_value_seed(Any)?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Any)?.is_some() {}
        Ok(())
    }
    accept_scalars!();
}

/// An object's key, borrowed from the text unless it has escapes.
enum KeyText<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl KeyText<'_> {
    fn as_str(&self) -> &str {
        match self {
            KeyText::Borrowed(s) => s,
            KeyText::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<KeyText<'de>, E> {
                Ok(KeyText::Borrowed(s))
            }
            fn visit_str<E>(self, s: &str) -> Result<KeyText<'de>, E> {
                Ok(KeyText::Owned(s.to_string()))
            }
        }
        d.deserialize_str(V)
    }
}

/// The keys of one object so far. Records have about ten keys: a list compared in place costs
/// less than hashing them; a wide object switches to a set.
#[derive(Default)]
struct Keys {
    few: Vec<String>,
    many: Option<std::collections::HashSet<String>>,
}

impl Keys {
    const FEW: usize = 32;

    /// Adds `k`, or says it is there already.
    fn insert(&mut self, k: &str) -> Result<(), String> {
        let fresh = match &mut self.many {
            Some(set) => set.insert(k.to_string()),
            None if self.few.iter().any(|x| x == k) => false,
            None => {
                self.few.push(k.to_string());
                if self.few.len() > Self::FEW {
                    self.many = Some(std::mem::take(&mut self.few).into_iter().collect());
                }
                true
            }
        };
        if fresh {
            Ok(())
        } else {
            Err(format!("duplicate key {k:?} in an object; each key may appear once"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn duplicates_versions_and_formats_are_placed() {
        let ok = "{\"format\": \"mlgov-kb\", \"version\": 1, \"sources\": [{\"id\": \"src:a\", \"x\": {\"a\": 1, \"b\": [1, {\"a\": 2}]}}]}";
        assert!(check(ok).is_ok());
        let cases: &[(&str, Option<&str>, &str)] = &[
            (
                "{\"format\": \"mlgov-kb\", \"version\": 99}",
                Some("version"),
                "unsupported \"version\": 99; this mlgov reads \"version\": 1 at line 1 column 37",
            ),
            (
                "{\"format\": \"mlgov-kb\",\n \"version\": \"1\"}",
                Some("version"),
                "unsupported \"version\": \"1\"; this mlgov reads \"version\": 1 at line 2 column 16",
            ),
            (
                "{\"format\": \"mlgov-kb\"}",
                Some("version"),
                "the document has no \"version\"; expected \"version\": 1 at line 1 column 22",
            ),
            (
                "{\"format\": \"csv\", \"version\": 1}",
                Some("format"),
                "\"format\" is \"csv\"; expected \"format\": \"mlgov-kb\" at line 1 column 16",
            ),
            (
                "{\"version\": 1}",
                Some("format"),
                "the document has no \"format\"; expected \"format\": \"mlgov-kb\" at line 1 column 14",
            ),
            (
                "{\"format\": \"mlgov-kb\", \"version\": 1, \"version\": 1}",
                None,
                "duplicate key \"version\" in an object; each key may appear once at line 1 column 46",
            ),
            (
                "{\"format\": \"mlgov-kb\", \"version\": 1,\n \"sources\": [{\"id\": \"src:a\",\n   \"id\": \"src:b\"}]}",
                None,
                "duplicate key \"id\" in an object; each key may appear once at line 3 column 7",
            ),
            (
                "{\"format\": \"mlgov-kb\", \"version\": 1, \"x\": {\"a\\u0062\": 1, \"ab\": 2}}",
                None,
                "duplicate key \"ab\" in an object; each key may appear once at line 1 column 61",
            ),
            (
                "{\"format\": \"mlgov-kb\", \"version\": 1} x",
                None,
                "trailing characters at line 1 column 38",
            ),
        ];
        for (text, field, message) in cases {
            let r = check(text).unwrap_err();
            assert_eq!((r.field, r.error.to_string().as_str()), (*field, *message), "{text}");
        }
        // A wide object is checked through a set.
        let wide: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!(
            "{{\"format\": \"mlgov-kb\", \"version\": 1, \"x\": {{{}, \"k7\": 0}}}}",
            wide.join(", ")
        );
        assert!(check(&text).unwrap_err().error.to_string().starts_with("duplicate key \"k7\""));
    }
}
