//! Embeds the bundled knowledge base (`data/kb`) into the binary so `mlgov demo` works anywhere.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // The manifest directory of *this* build, read when the script runs (a compile-time `env!`
    // would point at whichever checkout first compiled the script when target dirs are shared).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../../data/kb");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&root) {
        let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                println!("cargo:rerun-if-changed={}", p.display());
                let mut sub: Vec<_> = std::fs::read_dir(&p)
                    .unwrap()
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .collect();
                sub.sort();
                for s in sub {
                    if s.extension().and_then(|e| e.to_str()) == Some("csv") {
                        println!("cargo:rerun-if-changed={}", s.display());
                        files.push(s);
                    }
                }
            } else if p.extension().and_then(|e| e.to_str()) == Some("csv") {
                println!("cargo:rerun-if-changed={}", p.display());
                files.push(p);
            }
        }
    }
    // A binary without the bundled base would make `mlgov demo` load nothing, silently.
    assert!(
        files.len() >= 5,
        "found {} CSV files under {}: the bundled knowledge base is missing",
        files.len(),
        root.display()
    );
    let mut out = String::from(
        "/// The bundled knowledge-base files: (path relative to data/kb, contents).\npub const BUNDLED_KB: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap().display().to_string();
        let abs = f.canonicalize().unwrap();
        writeln!(out, "    ({rel:?}, include_bytes!({:?})),", abs.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("bundled.rs");
    std::fs::write(dest, out).unwrap();
}
