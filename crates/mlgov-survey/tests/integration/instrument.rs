//! The instrument file: shipped file, round trip, validation messages.

use mlgov_survey::instrument::WHOLE_COMM_TOML;
use mlgov_survey::*;

use super::fixtures::MINI_TOML;

#[test]
fn shipped_instrument_describes_the_whole_comm_survey() {
    let ins = Instrument::whole_comm();
    assert_eq!(ins.actors.len(), 19);
    assert_eq!(ins.classes(), ActorClass::ALL.to_vec());
    assert_eq!(ins.periods.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["p1", "p2"]);
    assert_eq!((ins.frequency.min, ins.frequency.max), (0, 5));
    assert_eq!(ins.frequency_short(4), "weekly");
    assert_eq!(ins.nature.reported_offset, -3);
    assert_eq!(ins.actors_of(ActorClass::Vertical).len(), 4);
    assert_eq!(ins.roles[ins.role_index("local_official").unwrap()].lead, Some(LeadSide::Official));
    assert!(ins.perception_index("public_attitudes").is_some());
    assert!(
        ins.frequency.labels.iter().any(|l| l.note.as_deref().unwrap_or("").contains("ASSUMED"))
    );
}

#[test]
fn instrument_round_trips_through_toml() {
    let ins = Instrument::whole_comm();
    let again = Instrument::from_toml_str(&ins.to_toml_string(), "again.toml").unwrap();
    assert_eq!(ins, again);
    assert!(WHOLE_COMM_TOML.contains("format_version = 1"));
}

#[test]
fn invalid_instrument_lists_every_problem() {
    let bad = MINI_TOML
        .replace("format_version = 1", "format_version = 7")
        .replace("{value=3,label=\"monthly\"}, ", "")
        .replace("id = \"v1\"", "id = \"a1\"");
    let err = Instrument::from_toml_str(&bad, "bad.toml").unwrap_err().to_string();
    assert!(err.starts_with("bad.toml: invalid instrument"), "{err}");
    assert!(err.contains("format_version is 7"), "{err}");
    assert!(err.contains("frequency: value 3 has no label"), "{err}");
    assert!(err.contains("actor id \"a1\" is defined twice"), "{err}");
}

#[test]
fn unknown_class_is_a_toml_error_with_location() {
    let bad = MINI_TOML.replace("class = \"vertical\"", "class = \"diagonal\"");
    let err = Instrument::from_toml_str(&bad, "bad.toml").unwrap_err().to_string();
    assert!(err.contains("bad.toml: not a valid instrument file"), "{err}");
    assert!(err.contains("diagonal"), "{err}");
}

// ---- found by the fuzzing of the parsers (mlgov-faults, `fuzz::survey::instrument_toml`) ----

#[test]
fn a_scale_of_billions_of_values_is_checked_through_its_labels() {
    // Every value of min..=max was visited (and a problem allocated for each): four billion.
    let bad = MINI_TOML
        .replace("answered_min = 1", "answered_min = -2147483648")
        .replace("answered_max = 5", "answered_max = 2147483647");
    let start = std::time::Instant::now();
    let Err(InstrumentError::Invalid { problems, .. }) =
        Instrument::from_toml_str(&bad, "bad.toml")
    else {
        panic!("invalid")
    };
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    let nature: Vec<&String> = problems.iter().filter(|p| p.starts_with("nature:")).collect();
    assert_eq!(nature.first().map(|p| p.as_str()), Some("nature: value -2147483648 has no label"));
    assert_eq!(nature.len(), 12, "{nature:?}");
    assert_eq!(nature[10], "nature: 4294967281 more values have no label");
    assert_eq!(
        nature[11],
        "nature: reported values (answered + reported_offset) run -2147483651..=2147483644; they must lie within -127..=127"
    );
}

#[test]
fn reported_natures_must_fit_their_storage() {
    // answered + reported_offset is stored in a byte: an offset of 2147483647 overflowed the sum.
    let bad = MINI_TOML.replace("reported_offset = -3", "reported_offset = 2147483647");
    let Err(InstrumentError::Invalid { problems, .. }) =
        Instrument::from_toml_str(&bad, "bad.toml")
    else {
        panic!("invalid")
    };
    assert_eq!(problems, vec!["nature: reported values (answered + reported_offset) run 2147483648..=2147483652; they must lie within -127..=127".to_string()]);
}

#[test]
fn nesting_beyond_the_toml_reader_s_limit_is_placed() {
    // A dotted key of 200 parts: the reader's "recursion limit" came without a line.
    let deep = format!("{MINI_TOML}\n{}b = 1\n", "a.".repeat(200));
    let err = Instrument::from_toml_str(&deep, "deep.toml").unwrap_err().to_string();
    let line = MINI_TOML.lines().count() + 2;
    assert!(
        err.ends_with(&format!(
            "recursion limit: nested too deeply, first at line {line}, column 400"
        )),
        "{err}"
    );
}
