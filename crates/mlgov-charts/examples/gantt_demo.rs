//! Prints a demo Gantt chart SVG on stdout (for visual checks: `| rsvg-convert -o g.png`).

use mlgov_charts::*;

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

fn main() {
    let g = Gantt {
        title: "Demo: memberships in city networks".into(),
        subtitle: Some("illustrative rows".into()),
        synthetic: true,
        from: 1985.0,
        to: 2023.0,
        rows: vec![
            fixtures::eurocities(vec![Marker { at: 1993.0, label: "president".into() }]),
            fixtures::eccar(),
            GanttRow {
                label: "Intercultural Cities".into(),
                bars: vec![
                    GanttBar {
                        from: 2008.0,
                        to: Some(2010.0),
                        label: Some("pilot".into()),
                        colour: 2,
                    },
                    GanttBar { from: 2012.0, to: None, label: None, colour: 0 },
                ],
                markers: vec![],
            },
        ],
        events: vec![
            Marker { at: 2015.0, label: "asylum 'crisis'".into() },
            Marker { at: 2020.0, label: "pandemic".into() },
        ],
        legend: vec![("member".into(), 0), ("other role".into(), 1), ("pilot".into(), 2)],
    };
    print!("{}", g.render());
}
