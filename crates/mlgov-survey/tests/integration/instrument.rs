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
    assert!(ins.frequency.labels.iter().any(|l| l.note.as_deref().unwrap_or("").contains("ASSUMED")));
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
