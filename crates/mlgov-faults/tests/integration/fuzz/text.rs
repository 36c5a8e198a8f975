//! mlgov-textfile: decoding (every encoding asked for, both policies for files without a BOM),
//! separator detection, line numbers of records, numbers with a decimal comma, and the
//! spreadsheet neutralisation that the knowledge-base reader undoes.

use mlgov_textfile::{LineCounter, TextEncoding, WithoutBom};
use proptest::prelude::*;

use super::harness::*;

/// Small CSV files in the encodings and layouts Excel and R write.
fn seeds() -> Vec<Vec<u8>> {
    let csv = "id,name,country\nloc:turin,Torino,IT\nloc:saint-etienne,\"Saint-Étienne\",FR\n\"loc:x\",\"a \"\"quoted\"\"\nline\",NA\n";
    let semi = csv.replace(',', ";");
    let utf16 = |s: &str, le: bool| -> Vec<u8> {
        let mut v = if le { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
        v.extend(s.encode_utf16().flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() }));
        v
    };
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(csv);
    vec![
        csv.as_bytes().to_vec(),
        [b"\xEF\xBB\xBF".as_slice(), semi.as_bytes()].concat(),
        utf16(&csv.replace('\n', "\r\n"), true),
        utf16(&semi, false),
        cp1252.into_owned(),
        csv.replace(',', "\t").into_bytes(),
    ]
}

fn inputs() -> impl Strategy<Value = Bytes> {
    prop_oneof![2 => mutated(seeds()), 1 => any_bytes(600), 1 => texty_bytes(600)]
}

const ENCODINGS: [Option<TextEncoding>; 5] = [
    None,
    Some(TextEncoding::Utf8),
    Some(TextEncoding::Utf16Le),
    Some(TextEncoding::Utf16Be),
    Some(TextEncoding::Windows1252),
];

#[test]
fn decode_and_transcode() {
    fuzz("textfile decode", 2000, inputs(), |input, totals| {
        let ran = run("textfile decode", &input.0, |b| {
            let mut out = Vec::new();
            for asked in ENCODINGS {
                for policy in [WithoutBom::Guess, WithoutBom::Utf8] {
                    let d = mlgov_textfile::decode(b, asked, policy)
                        .map(|(t, e)| (t.len(), e))
                        .map_err(|e| (e.offset, e.line, e.to_string()));
                    let t = mlgov_textfile::transcode(b, asked, policy)
                        .map(|(t, e)| (t.len(), e))
                        .map_err(|e| (e.offset, e.line, e.to_string()));
                    out.push((asked, policy, d, t));
                }
            }
            out
        })?;
        totals.add(input.0.len(), &ran);
        let (len, lines) = (input.0.len(), line_count(&input.0));
        for (asked, policy, d, t) in &ran.value {
            for r in [d, t] {
                if let Err((offset, line, msg)) = r {
                    prop_assert!(
                        *offset <= len && *line >= 1 && *line <= lines,
                        "{asked:?} {policy:?}: error at byte {offset} line {line} outside the input ({len} bytes, {lines} lines): {msg}"
                    );
                }
            }
        }
        Ok(())
    });
}

#[test]
fn delimiter_and_line_numbers() {
    fuzz("textfile separators and lines", 2000, inputs(), |input, totals| {
        let ran = run("textfile separators and lines", &input.0, |b| {
            let d = mlgov_textfile::detect_delimiter(b);
            // The physical line of every record the csv reader finds, as both readers compute it.
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(d)
                .from_reader(b);
            let mut rec = csv::ByteRecord::new();
            let mut lines = LineCounter::default();
            let mut found = Vec::new();
            while let Ok(true) = rdr.read_byte_record(&mut rec) {
                if let Some(p) = rec.position() {
                    found.push(lines.line_at(b, p.byte() as usize));
                }
            }
            // Out of order (each step back starts the count again), as a second reader would ask.
            let mut again = LineCounter::default();
            let back: Vec<usize> = (0..=b.len())
                .rev()
                .step_by(b.len() / 16 + 1)
                .map(|i| again.line_at(b, i))
                .collect();
            (d, found, back)
        })?;
        totals.add(input.0.len(), &ran);
        let (d, found, back) = &ran.value;
        prop_assert!([b',', b';', b'\t'].contains(d));
        let lines = line_count(&input.0);
        prop_assert!(
            found.windows(2).all(|w| w[0] <= w[1]),
            "record lines go backwards: {found:?}"
        );
        prop_assert!(
            found.iter().chain(back).all(|&l| l >= 1 && l <= lines),
            "a record line lies outside 1..={lines}: {found:?} {back:?}"
        );
        Ok(())
    });
}

#[test]
fn cells_numbers_and_spreadsheet_marks() {
    let cell = prop_oneof![
        3 => "[-+=@'\t\r 0-9,.eE;a-z]{0,24}",
        1 => any::<String>(),
        1 => ("'{1,60000}", "[=+@-]?[0-9a-z]{0,3}").prop_map(|(a, b)| a + &b),
    ];
    fuzz(
        "textfile cells",
        1200,
        cell.prop_map(|s: String| Bytes::new(s.into_bytes())),
        |input, totals| {
            let ran = run("textfile cells", &input.0, |b| {
                let s = std::str::from_utf8(b).expect("generated as text");
                let safe = mlgov_textfile::spreadsheet_safe(s).into_owned();
                let back = mlgov_textfile::spreadsheet_unmark(&safe).to_string();
                let field = mlgov_textfile::csv_field(s, false);
                let number = mlgov_textfile::parse_number(s);
                let pointed = mlgov_textfile::decimal_comma_to_point(s);
                let delimiter = mlgov_textfile::parse_delimiter(s).map_err(|e| e.len());
                let encoding = s.parse::<TextEncoding>().map_err(|e| e.to_string().len());
                (back, field.len(), number, pointed, delimiter, encoding)
            })?;
            totals.add(input.0.len(), &ran);
            let s = std::str::from_utf8(&input.0).expect("text");
            let (back, _, number, pointed, _, _) = &ran.value;
            prop_assert_eq!(back.as_str(), s, "spreadsheet_unmark(spreadsheet_safe(s)) != s");
            prop_assert!(number.is_none_or(f64::is_finite));
            if let Some(p) = pointed {
                prop_assert!(p.parse::<f64>().is_ok_and(f64::is_finite), "{p:?} is not a number");
            }
            Ok(())
        },
    );
}
