//! The text-file rules of both readers, one table of cases per function: encodings and their
//! names, the two policies for files without a BOM, separators, decimal commas and line numbers.

use mlgov_textfile::*;

fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = match (bom, le) {
        (false, _) => vec![],
        (true, true) => vec![0xFF, 0xFE],
        (true, false) => vec![0xFE, 0xFF],
    };
    out.extend(
        text.encode_utf16().flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() }),
    );
    out
}

/// `decode` with each policy: the text and encoding, or the error's (encoding, offset, line).
fn check_decode(
    bytes: &[u8],
    asked: Option<TextEncoding>,
    policy: WithoutBom,
    want: Result<(&str, TextEncoding), (TextEncoding, usize, usize)>,
) {
    let got = decode(bytes, asked, policy)
        .map(|(t, e)| (t.into_owned(), e))
        .map_err(|e| (e.encoding, e.offset, e.line));
    assert_eq!(got, want.map(|(t, e)| (t.to_string(), e)), "{bytes:?} asked {asked:?} {policy:?}");
}

#[test]
fn encoding_names_parse_back() {
    use TextEncoding::*;
    for (name, want) in [
        ("utf-8", Utf8),
        ("UTF8", Utf8),
        (" utf_8 ", Utf8),
        ("utf-16", Utf16Le),
        ("UTF-16LE", Utf16Le),
        ("ucs-2", Utf16Le),
        ("utf-16be", Utf16Be),
        ("windows-1252", Windows1252),
        ("cp1252", Windows1252),
        ("latin1", Windows1252),
        ("ISO-8859-1", Windows1252),
        ("iso-8859-15", Windows1252),
    ] {
        assert_eq!(name.parse::<TextEncoding>(), Ok(want), "{name}");
    }
    for e in [Utf8, Utf16Le, Utf16Be, Windows1252] {
        assert_eq!(e.name().parse::<TextEncoding>(), Ok(e));
        assert_eq!(e.to_string(), e.name());
    }
    let err = "ebcdic".parse::<TextEncoding>().unwrap_err();
    assert_eq!(err, UnknownEncoding("ebcdic".into()));
    assert!(err.to_string().contains("windows-1252"), "{err}");
}

#[test]
fn guessing_reads_what_excel_and_r_save() {
    use TextEncoding::*;
    use WithoutBom::Guess;
    check_decode(b"a,b\nGavle,1\n", None, Guess, Ok(("a,b\nGavle,1\n", Utf8)));
    check_decode(b"\xEF\xBB\xBFa,b\nG\xC3\xA4vle\n", None, Guess, Ok(("a,b\nGävle\n", Utf8)));
    check_decode(&utf16("a;b\nGävle\n", true, true), None, Guess, Ok(("a;b\nGävle\n", Utf16Le)));
    check_decode(&utf16("a;b\nGävle\n", false, true), None, Guess, Ok(("a;b\nGävle\n", Utf16Be)));
    // Without a BOM, every other byte zero is UTF-16.
    check_decode(&utf16("a;b\nGavle\n", true, false), None, Guess, Ok(("a;b\nGavle\n", Utf16Le)));
    check_decode(&utf16("a;b\nGavle\n", false, false), None, Guess, Ok(("a;b\nGavle\n", Utf16Be)));
    // Not UTF-8 and no valid multi-byte sequence: Windows-1252.
    check_decode(b"a,b\nG\xE4vle,\x80\n", None, Guess, Ok(("a,b\nGävle,€\n", Windows1252)));
    // Valid and broken multi-byte UTF-8 together: damaged UTF-8, placed at its line.
    check_decode(b"a,b\nG\xC3\xA4vle\nM\xE4lm\xF6\n", None, Guess, Err((Utf8, 12, 3)));
    // Asked for: used (a BOM of that encoding is still dropped); a BOM of another is text.
    check_decode(b"a,b\nG\xE4vle\n", Some(Utf8), Guess, Err((Utf8, 5, 2)));
    check_decode(b"\xEF\xBB\xBFa\n", Some(Utf8), Guess, Ok(("a\n", Utf8)));
    check_decode(b"\xEF\xBB\xBFa\n", Some(Windows1252), Guess, Ok(("ï»¿a\n", Windows1252)));
    // Broken UTF-16: an unpaired surrogate and an odd trailing byte, offsets counting the BOM.
    let mut lone = utf16("ab\n", true, true);
    lone.extend([0x00, 0xD8, 0x41, 0x00]);
    check_decode(&lone, None, Guess, Err((Utf16Le, 8, 2)));
    let mut odd = utf16("ab", false, true);
    odd.push(0x41);
    check_decode(&odd, None, Guess, Err((Utf16Be, 6, 1)));
    let e = decode(&odd, None, Guess).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 1: the file is not valid utf-16be (byte 6); give the right encoding (utf-8, utf-16le, utf-16be, windows-1252)"
    );
}

#[test]
fn requiring_utf8_guesses_nothing_without_a_bom() {
    use TextEncoding::*;
    use WithoutBom::Utf8 as Strict;
    check_decode(b"a,b\nG\xE4vle\n", None, Strict, Err((Utf8, 5, 2)));
    check_decode(&utf16("a;b\nGävle\n", true, true), None, Strict, Ok(("a;b\nGävle\n", Utf16Le)));
    check_decode(b"a,b\nG\xE4vle\n", Some(Windows1252), Strict, Ok(("a,b\nGävle\n", Windows1252)));
    // BOM-less UTF-16 is UTF-8 with NUL bytes unless asked for.
    let bare = utf16("ab", true, false);
    check_decode(&bare, None, Strict, Ok(("a\0b\0", Utf8)));
    check_decode(&bare, Some(Utf16Le), Strict, Ok(("ab", Utf16Le)));
}

#[test]
fn transcoding_keeps_utf8_as_bytes_for_the_cells() {
    use TextEncoding::*;
    let t = |bytes: &[u8], asked, policy| {
        transcode(bytes, asked, policy)
            .map(|(b, e)| (b.into_owned(), e))
            .map_err(|e| (e.encoding, e.offset))
    };
    let broken: &[u8] = b"\xEF\xBB\xBFid,name\nloc:a,G\xE4vle\n";
    assert_eq!(
        t(broken, None, WithoutBom::Utf8),
        Ok((broken[3..].to_vec(), Utf8)),
        "BOM dropped, bytes unchecked"
    );
    assert_eq!(
        t(&broken[3..], Some(Windows1252), WithoutBom::Utf8),
        Ok(("id,name\nloc:a,Gävle\n".as_bytes().to_vec(), Windows1252))
    );
    assert_eq!(
        t(&utf16("id\nä\n", false, true), None, WithoutBom::Utf8),
        Ok(("id\nä\n".as_bytes().to_vec(), Utf16Be))
    );
    let mut odd = utf16("id", true, true);
    odd.push(0);
    assert_eq!(t(&odd, None, WithoutBom::Utf8), Err((Utf16Le, 6)));
    // Under the guessing policy transcode reads as decode does.
    assert_eq!(
        t(b"G\xE4vle", None, WithoutBom::Guess),
        Ok(("Gävle".as_bytes().to_vec(), Windows1252))
    );
}

#[test]
fn the_separator_is_the_commonest_outside_quotes_on_the_first_line() {
    for (text, want) in [
        ("a,b,c\n1;2;3;4;5", b','),
        ("a;b;c\r\n1,5;2,5;3", b';'),
        ("a\tb\tc\n", b'\t'),
        ("\"x;y;z\",b\n", b','),
        ("\"multi\nline;;;\";b;c\n", b';'),
        ("a;b,c\n", b','),
        ("a;b\tc\n", b';'),
        ("a\tb\t\"c,d,e\"\n", b'\t'),
        ("single\n", b','),
        ("", b','),
        ("Gävle;Malmö;Åre", b';'),
    ] {
        assert_eq!(detect_delimiter(text.as_bytes()) as char, want as char, "{text:?}");
    }
}

#[test]
fn separators_by_name() {
    for (arg, want) in [
        ("tab", b'\t'),
        ("\\t", b'\t'),
        ("\t", b'\t'),
        ("comma", b','),
        ("semicolon", b';'),
        (",", b','),
        (";", b';'),
        ("|", b'|'),
    ] {
        assert_eq!(parse_delimiter(arg), Ok(want), "{arg:?}");
    }
    for bad in ["\"", "\n", "", ";;", "é"] {
        let e = parse_delimiter(bad).unwrap_err();
        assert!(e.contains("expected one character"), "{bad:?}: {e}");
    }
    let names: Vec<String> = [b'\t', b',', b';', b'|'].into_iter().map(delimiter_name).collect();
    assert_eq!(names, ["tab", "comma", "semicolon", "'|'"]);
}

#[test]
fn decimal_commas_and_points() {
    for (s, want) in [
        ("4", Some(4.0)),
        ("4.0", Some(4.0)),
        ("4,0", Some(4.0)),
        (" -1,5 ", Some(-1.5)),
        ("+2,25", Some(2.25)),
        ("1e3", Some(1000.0)),
        ("1,5,0", None),
        ("1.000,5", None),
        (",5", None),
        ("-,5", None),
        ("1,", None),
        ("1,5e3", None),
        ("a,b", None),
        ("inf", None),
        ("NaN", None),
        ("", None),
    ] {
        assert_eq!(parse_number(s), want, "{s:?}");
    }
    for (s, want) in [
        ("60,6745", Some("60.6745")),
        (" -1,5", Some("-1.5")),
        ("60.6745", None),
        ("60,6,7", None),
        (",5", None),
        ("x,5", None),
    ] {
        assert_eq!(decimal_comma_to_point(s).as_deref(), want, "{s:?}");
    }
}

#[test]
fn line_numbers_count_crlf_and_blank_lines_once() {
    // Record starts as the csv reader reports them: at the end of the previous record.
    let text = b"h1,h2\r\na,1\r\n\r\n\r\nb,2\r\n\"c\nd\",3\r\ne,4";
    let mut lines = LineCounter::default();
    let at: Vec<usize> = [0, 6, 11, 20, 29].into_iter().map(|p| lines.line_at(text, p)).collect();
    assert_eq!(at, [1, 2, 5, 6, 8]);
    // A position before the last one starts the count again; past the end is the last line.
    assert_eq!(lines.line_at(text, 6), 2);
    assert_eq!(lines.line_at(text, text.len() + 5), 8);
    assert_eq!(LineCounter::default().line_at(b"", 0), 1);
}

/// Found by the fuzzing of the parsers (mlgov-faults, `fuzz::text::cells_numbers_and_spreadsheet_marks`):
/// every leading apostrophe cost a call, and a cell of a million of them (read back from any
/// knowledge-base CSV, whose every cell is unmarked) overflowed the stack.
#[test]
fn a_million_apostrophes_are_marked_and_unmarked_in_a_loop() {
    for tail in ["=1", "x", ""] {
        let cell = format!("{}{tail}", "'".repeat(1_000_000));
        let safe = spreadsheet_safe(&cell);
        assert_eq!(safe.len(), cell.len() + usize::from(tail == "=1"));
        assert_eq!(spreadsheet_unmark(&safe), cell);
        assert_eq!(csv_field(&cell, false).len(), safe.len());
    }
}
