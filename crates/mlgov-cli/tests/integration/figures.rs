//! Figures as files a paper or a slide can take: `--figure FILE` (alias `--svg`) writes SVG, PNG
//! or PDF by the extension, and `survey report` writes a PNG and a PDF beside every SVG. The PNG
//! and PDF are read back with Python's Pillow and pypdf, which `scripts/test.sh` installs; without
//! them the reading back is skipped with a notice, except under CI, where the test fails.

use std::path::Path;

use crate::common::Env;

/// Whether Pillow and pypdf can be imported; under `CI` their absence fails the test.
fn python_readers() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import PIL, pypdf"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "Pillow and pypdf are needed under CI to read the figures back (scripts/test.sh installs them: python3 -m pip install pillow pypdf)"
        );
        eprintln!(
            "note: Pillow or pypdf missing: PNG and PDF figures not read back (python3 -m pip install pillow pypdf)"
        );
    }
    ok
}

/// Reads a PNG and a PDF back in Python: the PNG's format, size and the darkest grey level in a
/// box of it; the PDF's page count, page width in points and its text.
fn read_back(png: &Path, pdf: &Path, dark_box: (u32, u32, u32, u32)) -> serde_json::Value {
    let script = r#"
import json, sys
from PIL import Image
from pypdf import PdfReader
im = Image.open(sys.argv[1])
im.load()
box = tuple(int(v) for v in sys.argv[3].split(","))
darkest = im.convert("L").crop(box).getextrema()[0]
r = PdfReader(sys.argv[2])
page = r.pages[0]
print(json.dumps({"format": im.format, "size": list(im.size), "darkest": darkest, "pages": len(r.pages), "width_pt": float(page.mediabox.width), "text": page.extract_text()}))
"#;
    let (x0, y0, x1, y1) = dark_box;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(png)
        .arg(pdf)
        .arg(format!("{x0},{y0},{x1},{y1}"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "Pillow/pypdf could not read {} and {}: {}",
        png.display(),
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the python check")
}

/// The text of the SVG's `<title id="t">`, unescaped as far as our charts escape.
fn svg_title(svg: &str) -> String {
    let at = svg.find("<title id=\"t\">").expect("title") + "<title id=\"t\">".len();
    svg[at..at + svg[at..].find("</title>").unwrap()]
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The `height` of the SVG's root element.
fn svg_height(svg: &str) -> f64 {
    let at = svg.find(" height=\"").expect("height") + 9;
    svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
}

#[test]
fn timeline_figure_is_written_as_svg_png_or_pdf_by_its_extension() {
    let env = Env::new();
    env.demo();
    for (flag, file) in [
        ("--svg", "turin.svg"),
        ("--figure", "turin.png"),
        ("--figure", "turin.pdf"),
        ("--svg", "turin-old-flag.PNG"),
    ] {
        let (code, out, err) = env.mlgov(&["timeline", "Turin", flag, file]);
        assert_eq!(code, 0, "{flag} {file}: {err}");
        assert!(!out.trim().is_empty(), "the text timeline is still printed");
        assert!(err.contains(&format!("wrote {file}")), "{err}");
    }
    let svg = std::fs::read_to_string(env.path("turin.svg")).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "SVG as before");
    let png = std::fs::read(env.path("turin.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        std::fs::read(env.path("turin-old-flag.PNG")).unwrap(),
        png,
        "--svg with a .PNG name writes the same PNG"
    );
    let pdf = std::fs::read(env.path("turin.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));

    // An extension that is not a figure format is a usage error: exit 1, nothing written.
    let (code, out, err) = env.mlgov(&["timeline", "Turin", "--figure", "turin.jpg"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("turin.jpg") && err.contains(".svg, .png or .pdf"), "{err}");
    assert!(out.is_empty() && !env.path("turin.jpg").exists());
    let (code, _, err) = env.mlgov(&["compare", "Turin", "Saint-Etienne", "--svg", "both"]);
    assert_eq!(code, 1, "no extension: {err}");

    let (code, _, err) = env.mlgov(&["compare", "Turin", "Saint-Etienne", "--figure", "both.pdf"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(env.path("both.pdf")).unwrap().starts_with(b"%PDF-"));

    if !python_readers() {
        return;
    }
    // Title at x = 20, baseline y = 28 in SVG units: drawn at twice the size in the PNG.
    let v = read_back(&env.path("turin.png"), &env.path("turin.pdf"), (40, 24, 600, 60));
    assert_eq!(v["format"], "PNG");
    assert_eq!(
        v["size"],
        serde_json::json!([1920, (svg_height(&svg) * 2.0).ceil() as u64]),
        "two pixels per SVG unit"
    );
    assert!(v["darkest"].as_u64().unwrap() < 80, "the title is drawn: {v}");
    assert_eq!(v["pages"], 1);
    assert_eq!(v["width_pt"], 720.0, "960 SVG units at 96 per inch = 10 in");
    let text = v["text"].as_str().unwrap();
    let title = svg_title(&svg);
    assert!(text.contains(&title), "the PDF's text holds the title {title:?}: {text}");
    assert!(
        text.contains("LUDEN") || text.contains("Eurocities"),
        "row labels are text too: {text}"
    );
}

#[test]
fn survey_report_writes_png_and_pdf_beside_every_svg() {
    let env = Env::new();
    let (code, _, err) = env.mlgov(&[
        "survey",
        "synth",
        "--respondents",
        "150",
        "--seed",
        "3",
        "--localities",
        "12",
        "--name",
        "gen",
    ]);
    assert_eq!(code, 0, "{err}");
    let dir = env.path("report");
    let (code, _, err) =
        env.mlgov(&["survey", "report", "gen", "--out", dir.to_str().unwrap(), "--resamples", "0"]);
    assert_eq!(code, 0, "{err}");
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let svgs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    assert!(svgs.len() >= 10, "{svgs:?}");
    for name in &svgs {
        let stem = name.trim_end_matches(".svg");
        let png =
            std::fs::read(dir.join(format!("{stem}.png"))).unwrap_or_else(|_| panic!("{stem}.png"));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{stem}.png");
        let pdf =
            std::fs::read(dir.join(format!("{stem}.pdf"))).unwrap_or_else(|_| panic!("{stem}.pdf"));
        assert!(pdf.starts_with(b"%PDF-"), "{stem}.pdf");
        assert!(index.contains(&format!("src=\"{name}\"")), "the SVG is still shown in index.html");
        assert!(
            index.contains(&format!(
                "<a href=\"{stem}.png\">PNG</a> · <a href=\"{stem}.pdf\">PDF</a>"
            )),
            "{stem} linked"
        );
    }
    if !python_readers() {
        return;
    }
    let stem = svgs[0].trim_end_matches(".svg");
    let svg = std::fs::read_to_string(dir.join(&svgs[0])).unwrap();
    let v = read_back(
        &dir.join(format!("{stem}.png")),
        &dir.join(format!("{stem}.pdf")),
        (40, 24, 600, 60),
    );
    assert_eq!(v["format"], "PNG");
    assert_eq!(v["size"][0], 1920);
    assert!(v["darkest"].as_u64().unwrap() < 80, "{v}");
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("SYNTHETIC DATA"), "the synthetic label is in the PDF's text: {text}");
    assert!(
        text.contains(&svg_title(&svg).replace("SYNTHETIC DATA — ", "")),
        "title in the PDF: {text}"
    );
}
