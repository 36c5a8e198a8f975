//! PNG and PDF of the figures (feature `raster`, enabled for the tests by the dev-dependency on
//! this crate): magic bytes, decoded size, text actually drawn in the bundled font, errors.

use std::path::Path;

use mlgov_charts::*;

/// Decodes a PNG: (width, height, RGBA pixels).
fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut dec = png::Decoder::new(png_bytes);
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf.chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        png::ColorType::GrayscaleAlpha => {
            buf.chunks(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect()
        }
        png::ColorType::Grayscale => buf.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        other => panic!("unexpected colour type {other:?}"),
    };
    (info.width, info.height, rgba)
}

/// Pixels in the rectangle (in PNG pixels) that are clearly not white.
fn ink(img: &(u32, u32, Vec<u8>), x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
    let (w, h, px) = img;
    let mut n = 0;
    for y in y0..y1.min(*h) {
        for x in x0..x1.min(*w) {
            let i = ((y * w + x) * 4) as usize;
            if px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200 {
                n += 1;
            }
        }
    }
    n
}

/// The `height` attribute of a chart's root element.
fn svg_height(svg: &str) -> f32 {
    let at = svg.find(" height=\"").expect("height") + 9;
    svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
}

#[test]
fn png_of_a_bar_chart_has_the_scaled_size_and_its_title_drawn() {
    let svg = crate::chart(false).render();
    let bytes = to_png(&svg, 2.0).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let img = decode(&bytes);
    assert_eq!((img.0, img.1), (1920, (svg_height(&svg) * 2.0).ceil() as u32));
    // The title "Frequency <by size>" sits at x = 20, baseline y = 28, 18 px bold: its glyphs ink
    // the band above the baseline; the white margin left of it stays white.
    let title_ink = ink(&img, 40, 2 * 12, 2 * 200, 2 * 30);
    assert!(title_ink > 500, "title drawn ({title_ink} dark pixels)");
    assert_eq!(ink(&img, 0, 0, 30, 2 * 30), 0, "left margin is white");
    // The background is white, not transparent.
    assert_eq!(&img.2[..4], &[255, 255, 255, 255]);
}

#[test]
fn png_scale_changes_the_size_and_is_checked() {
    let svg = crate::chart(true).render();
    let one = decode(&to_png(&svg, 1.0).unwrap());
    assert_eq!((one.0, one.1), (960, svg_height(&svg).ceil() as u32));
    assert_eq!(
        FigureFormat::Png.render(&svg).unwrap(),
        to_png(&svg, DEFAULT_PNG_SCALE).unwrap(),
        "the format's PNG is the default scale"
    );
    for bad in [0.0, -1.0, f32::NAN, f32::INFINITY, 100.0] {
        assert!(matches!(to_png(&svg, bad), Err(FigureError::Scale(_))), "scale {bad}");
    }
    let huge = r#"<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"><rect width="10" height="10"/></svg>"#;
    assert!(matches!(to_png(huge, 1.0), Err(FigureError::Size { width: 20000, height: 20000 })));
}

#[test]
fn every_font_family_the_svgs_use_draws_text_in_the_bundled_font() {
    // The charts name "DejaVu Sans, Arial, Helvetica, sans-serif"; the server's own figures name
    // none; generic families and fonts this machine may lack must still draw text.
    let families = [
        None,
        Some("DejaVu Sans, Arial, Helvetica, sans-serif"),
        Some("sans-serif"),
        Some("serif"),
        Some("monospace"),
        Some("Arial"),
        Some("No Such Font"),
    ];
    let mut first: Option<Vec<u8>> = None;
    for fam in families {
        let attr = fam.map(|f| format!(" font-family=\"{f}\"")).unwrap_or_default();
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><text x="10" y="40" font-size="24"{attr}>Saint-Étienne</text></svg>"#
        );
        let img = decode(&to_png(&svg, 1.0).unwrap());
        let n = ink(&img, 10, 15, 290, 46);
        assert!(n > 300, "{fam:?}: text drawn ({n} dark pixels)");
        assert_eq!(ink(&img, 0, 48, 300, 60), 0, "{fam:?}: nothing below the baseline's descent");
        // Sans-serif families all resolve to the same face, so the pixels are the same.
        if fam.is_none_or(|f| f.contains("sans") || f == "Arial") {
            match &first {
                None => first = Some(img.2),
                Some(p) => assert!(*p == img.2, "{fam:?} drawn in DejaVu Sans"),
            }
        }
    }
    // Bold is its own face: wider strokes, more ink.
    let text = |w: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><text x="10" y="40" font-size="24" font-weight="{w}">Saint-Étienne</text></svg>"#
        )
    };
    let (regular, bold) = (
        decode(&to_png(&text("normal"), 1.0).unwrap()),
        decode(&to_png(&text("bold"), 1.0).unwrap()),
    );
    assert!(ink(&bold, 0, 0, 300, 60) > ink(&regular, 0, 0, 300, 60) * 11 / 10, "bold face used");
}

#[test]
fn pdf_of_a_gantt_chart_is_a_vector_pdf_with_the_font_embedded() {
    let g = super::fixtures::turin(vec![super::fixtures::eurocities(vec![])], vec![], vec![]);
    let svg = g.render();
    let pdf = to_pdf(&svg).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "PDF header");
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"), "PDF trailer");
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("DejaVuSans"), "the bundled font is embedded (subset)");
    assert!(text.contains("/FontFile2"), "as a TrueType font program, so the text stays text");
    // Page size: 960 user units at 96 per inch = 10 in = 720 pt.
    assert!(text.contains("/MediaBox [0 0 720 "), "page is the figure's size");
    // svg2pdf numbers the fonts in hash-map order, so two runs may differ in object numbers
    // only: same length, same subset fonts.
    let again = FigureFormat::Pdf.render(&svg).unwrap();
    assert_eq!(again.len(), pdf.len());
    let fonts = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = t
            .match_indices("/BaseFont /")
            .map(|(i, _)| t[i..].lines().next().unwrap().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(fonts(&String::from_utf8_lossy(&again)), fonts(&text));
    assert_eq!(fonts(&text).len(), 2, "regular and bold: {:?}", fonts(&text));
}

#[test]
fn invalid_svg_is_a_typed_error() {
    for bad in
        ["", "not svg at all", "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect", "<html></html>"]
    {
        assert!(matches!(to_png(bad, 1.0), Err(FigureError::InvalidSvg(_))), "{bad:?} as PNG");
        assert!(matches!(to_pdf(bad), Err(FigureError::InvalidSvg(_))), "{bad:?} as PDF");
    }
    let e = to_pdf("nope").unwrap_err();
    assert!(e.to_string().starts_with("not a valid SVG figure: "), "{e}");
}

#[test]
fn images_named_by_path_are_never_read() {
    // A red PNG on disk, referenced by its path: rendering must not read it (no file access).
    let red = to_png(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>"#, 1.0).unwrap();
    let path = std::env::temp_dir().join(format!("mlgov-charts-red-{}.png", std::process::id()));
    std::fs::write(&path, red).unwrap();
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40"><image x="0" y="0" width="40" height="40" xlink:href="{}"/></svg>"#,
        path.display()
    );
    let img = decode(&to_png(&svg, 1.0).unwrap());
    let _ = std::fs::remove_file(&path);
    assert_eq!(ink(&img, 0, 0, 40, 40), 0, "the image was not drawn");
}

#[test]
fn figure_formats_parse_from_words_and_file_names() {
    assert_eq!("png".parse::<FigureFormat>().unwrap(), FigureFormat::Png);
    assert_eq!("PDF".parse::<FigureFormat>().unwrap(), FigureFormat::Pdf);
    assert_eq!(".svg".parse::<FigureFormat>().unwrap(), FigureFormat::Svg);
    assert_eq!(FigureFormat::from_path(Path::new("out/turin.PNG")).unwrap(), FigureFormat::Png);
    assert_eq!(
        FigureFormat::from_path(Path::new("turin.timeline.pdf")).unwrap(),
        FigureFormat::Pdf
    );
    assert_eq!(FigureFormat::from_path(Path::new("t.svg")).unwrap(), FigureFormat::Svg);
    assert_eq!(
        FigureFormat::from_path(Path::new("t.jpg")).unwrap_err(),
        FigureError::UnknownFormat("jpg".into())
    );
    assert!(matches!(
        FigureFormat::from_path(Path::new("timeline")),
        Err(FigureError::UnknownFormat(_))
    ));
    assert_eq!(
        "gif".parse::<FigureFormat>().unwrap_err().to_string(),
        "unknown figure format \"gif\"; expected one of: svg, png, pdf"
    );
    let meta: Vec<_> = FigureFormat::ALL
        .iter()
        .map(|f| (f.extension(), f.label(), f.content_type(), f.to_string()))
        .collect();
    assert_eq!(
        meta,
        [
            ("svg", "SVG", "image/svg+xml", "svg".to_string()),
            ("png", "PNG", "image/png", "png".into()),
            ("pdf", "PDF", "application/pdf", "pdf".into())
        ]
    );
    assert_eq!(FigureFormat::Svg.render("<svg/>").unwrap(), b"<svg/>");
}
