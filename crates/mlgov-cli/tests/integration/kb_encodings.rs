//! `mlgov import` / `mlgov validate` with `--encoding` and `--delimiter`: a knowledge-base CSV
//! saved by Excel on Western-European Windows (Windows-1252, `;` separators) imports with
//! `--encoding windows-1252`, its accented names stored as written; without the flag the error
//! names the option.

use crate::common::{Env, parse_json};

const SOURCES: &str =
    "id;short;title;kind\r\nsrc:excel;Excel 2024;Une source saisie sous Excel;other\r\n";
const LOCALITIES: &str = "id;name;kind;country;source;locator\r\nloc:besancon;Besançon;municipality;FR;src:excel;p. 2\r\nloc:sao-joao;São João da Madeira;municipality;PT;src:excel;p. 3\r\n";

/// Windows-1252 bytes of `s`: the characters used here are ASCII or Latin-1 letters (U+00A0 to
/// U+00FF), which Windows-1252 encodes as the single byte of their code point.
fn cp1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            let u = c as u32;
            assert!(u < 0x80 || (0xA0..=0xFF).contains(&u), "{c:?} is not in the fixture's range");
            u as u8
        })
        .collect()
}

fn excel_dir(env: &Env) -> String {
    let dir = env.path("excel");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sources.csv"), cp1252(SOURCES)).unwrap();
    std::fs::write(dir.join("localities.csv"), cp1252(LOCALITIES)).unwrap();
    assert!(
        std::str::from_utf8(&std::fs::read(dir.join("localities.csv")).unwrap()).is_err(),
        "the fixture is not UTF-8"
    );
    dir.to_str().unwrap().to_string()
}

#[test]
fn windows_1252_semicolon_kb_imports_with_encoding_flag() {
    let env = Env::new();
    let dir = excel_dir(&env);

    // Without the flag: exit 2, nothing written, and the message names the option.
    let (code, _, err) = env.mlgov(&["import", &dir]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--encoding"), "the error names the option: {err}");
    assert!(err.contains("localities.csv"), "the error names the file: {err}");
    let (code, _, err) = env.mlgov(&["validate", &dir]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--encoding"), "{err}");

    // An unknown encoding or separator is a usage error naming the flag.
    let (code, _, err) = env.mlgov(&["import", &dir, "--encoding", "ebcdic"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--encoding") && err.contains("windows-1252"), "{err}");
    let (code, _, err) = env.mlgov(&["import", &dir, "--delimiter", ";;"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--delimiter"), "{err}");

    // Validate, then import, with the flag (separator detected, then given explicitly).
    let (code, out, err) = env.mlgov(&["validate", &dir, "--encoding", "windows-1252"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) =
        env.mlgov(&["import", &dir, "--encoding", "windows-1252", "--delimiter", ";"]);
    assert_eq!(code, 0, "{out}{err}");

    let v = env.json(&["show", "locality", "loc:besancon"]);
    let text = v.to_string();
    assert!(text.contains("\"Besançon\""), "accented name stored as written: {text}");
    let v = env.json(&["search", "sao joao"]);
    assert!(v.to_string().contains("São João da Madeira"), "{v}");
    let args = ["search", "besancon", "--json"];
    let v = parse_json(&env.mlgov(&args).1, &args);
    assert!(v.to_string().contains("Besançon"), "{v}");
}

#[test]
fn a_wrong_separator_is_reported_as_a_header_problem() {
    let env = Env::new();
    let dir = excel_dir(&env);
    let (code, _, err) = env.mlgov(&["validate", &dir, "--encoding", "cp1252", "--delimiter", ","]);
    assert_eq!(code, 2, "{err}");
}
