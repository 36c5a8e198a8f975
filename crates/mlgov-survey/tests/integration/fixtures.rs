//! Small hand-checkable fixtures shared by the tests.

use mlgov_survey::*;

/// A four-actor instrument: two horizontal, one vertical, one internal; two periods.
pub const MINI_TOML: &str = r#"
format = "mlgov-survey-instrument"
format_version = 1
id = "mini"
version = "0.1.0"
title = "Mini instrument"
[frequency]
min = 0
max = 5
labels = [ {value=0,label="none"}, {value=1,label="occasional"}, {value=2,label="2-3/yr"}, {value=3,label="monthly"}, {value=4,label="weekly"}, {value=5,label="daily"} ]
[nature]
answered_min = 1
answered_max = 5
reported_offset = -3
labels = [ {value=1,label="very conflictual"}, {value=2,label="conflictual"}, {value=3,label="neutral"}, {value=4,label="collaborative"}, {value=5,label="very collaborative"} ]
[[periods]]
id = "p1"
label = "2016-2019"
from = 2016
to = 2019
[[periods]]
id = "p2"
label = "2020-2021"
from = 2020
to = 2021
[[actors]]
id = "a1"
label = "Actor one"
class = "horizontal"
[[actors]]
id = "a2"
label = "Actor two"
class = "horizontal"
[[actors]]
id = "v1"
label = "Vertical one"
class = "vertical"
[[actors]]
id = "i1"
label = "Internal one"
class = "internal"
[[roles]]
id = "elected_policymaker"
label = "Elected"
lead = "elected"
[[roles]]
id = "local_official"
label = "Official"
lead = "official"
[[affiliations]]
id = "progressive"
label = "Progressive"
[[affiliations]]
id = "conservative"
label = "Conservative"
[[perceptions]]
id = "public_attitudes"
label = "Attitudes"
kind = "scale"
min = 1
max = 5
labels = [ {value=1,label="1"}, {value=2,label="2"}, {value=3,label="3"}, {value=4,label="4"}, {value=5,label="5"} ]
[[perceptions]]
id = "sources"
label = "Sources"
kind = "multi"
options = [ {id="newspapers",label="Newspapers",specialist=false}, {id="reports",label="Reports",specialist=true} ]
"#;

pub fn mini() -> Instrument {
    Instrument::from_toml_str(MINI_TOML, "mini.toml").expect("mini instrument is valid")
}

/// r1 (loc:a, elected): p1 a1=2 a2=4 v1=1 i1=5; p2 a1=1 a2=missing v1=1 i1=3; nature p2 a1=5.
/// r2 (loc:a, official): p1 a1=0 a2=2 v1=3 i1=4; p2 a1=1 a2=1 v1=2 i1=4; nature p2 a1=2.
/// r3 (loc:b, elected): p2 only: a1=3 a2=3 v1=0 i1=2.
pub const LONG_CSV: &str = "respondent,locality,role,affiliation,period,item,value
r1,loc:a,elected_policymaker,progressive,p1,freq_a1,2
r1,loc:a,elected_policymaker,progressive,p1,freq_a2,4
r1,loc:a,elected_policymaker,progressive,p1,freq_v1,1
r1,loc:a,elected_policymaker,progressive,p1,freq_i1,5
r1,loc:a,elected_policymaker,progressive,p2,freq_a1,1
r1,loc:a,elected_policymaker,progressive,p2,freq_a2,
r1,loc:a,elected_policymaker,progressive,p2,freq_v1,1
r1,loc:a,elected_policymaker,progressive,p2,freq_i1,3
r1,loc:a,elected_policymaker,progressive,p2,nature_a1,5
r1,loc:a,elected_policymaker,progressive,,public_attitudes,4
r1,loc:a,elected_policymaker,progressive,,sources,newspapers;reports
r2,loc:a,local_official,,p1,freq_a1,0
r2,loc:a,local_official,,p1,freq_a2,2
r2,loc:a,local_official,,p1,freq_v1,3
r2,loc:a,local_official,,p1,freq_i1,4
r2,loc:a,local_official,,p2,freq_a1,1
r2,loc:a,local_official,,p2,freq_a2,1
r2,loc:a,local_official,,p2,freq_v1,2
r2,loc:a,local_official,,p2,freq_i1,4
r2,loc:a,local_official,,p2,nature_a1,2
r2,loc:a,local_official,,,public_attitudes,2
r2,loc:a,local_official,,,sources,newspapers
r3,loc:b,elected_policymaker,conservative,p2,freq_a1,3
r3,loc:b,elected_policymaker,conservative,p2,freq_a2,3
r3,loc:b,elected_policymaker,conservative,p2,freq_v1,0
r3,loc:b,elected_policymaker,conservative,p2,freq_i1,2
r3,loc:b,elected_policymaker,conservative,,public_attitudes,1
";

/// The same answers in the wide layout.
pub const WIDE_CSV: &str = "respondent,locality,role,affiliation,freq_p1_a1,freq_p1_a2,freq_p1_v1,freq_p1_i1,freq_p2_a1,freq_p2_a2,freq_p2_v1,freq_p2_i1,nature_p2_a1,public_attitudes,sources
r1,loc:a,elected_policymaker,progressive,2,4,1,5,1,,1,3,5,4,newspapers;reports
r2,loc:a,local_official,,0,2,3,4,1,1,2,4,2,2,newspapers
r3,loc:b,elected_policymaker,conservative,,,,,3,3,0,2,,1,
";

pub fn localities() -> Vec<LocalityInfo> {
    vec![
        LocalityInfo {
            id: "loc:a".into(),
            label: "Town A".into(),
            size_class: Some("small_town".into()),
            orientation: Some("progressive".into()),
            typology: Some("revitalising".into()),
            country: Some("IT".into()),
            synthetic: false,
            choices: Vec::new(),
        },
        LocalityInfo {
            id: "loc:b".into(),
            label: "Village B".into(),
            size_class: Some("rural_area".into()),
            orientation: Some("conservative".into()),
            typology: Some("left_behind".into()),
            country: Some("AT".into()),
            synthetic: false,
            choices: Vec::new(),
        },
    ]
}

pub fn read(csv: &str, ins: &Instrument) -> Result<Dataset, IntakeErrors> {
    read_survey(
        csv.as_bytes(),
        "answers.csv",
        ins,
        IntakeOptions { kind: FileKind::Csv, layout: Layout::Auto, known_localities: None },
    )
}

pub fn fixture() -> (Instrument, Dataset, Vec<LocalityInfo>) {
    let ins = mini();
    let ds = read(LONG_CSV, &ins).expect("fixture parses");
    (ins, ds, localities())
}

/// Find the estimate of (group, period, measure, statistic).
pub fn est<'a>(
    t: &'a ResultTable,
    group: &[&str],
    period: Option<&str>,
    measure: &str,
    stat: &str,
) -> &'a Estimate {
    &t.rows
        .iter()
        .find(|r| {
            r.group.iter().map(String::as_str).eq(group.iter().copied())
                && r.period.as_deref() == period
                && r.measure == measure
                && r.statistic == stat
        })
        .unwrap_or_else(|| panic!("no row {group:?} {period:?} {measure} {stat}"))
        .estimate
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
