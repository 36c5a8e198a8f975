//! Integration tests of mlgov-charts: SVG structure, alt text, palette, n labels, Gantt; PNG and
//! PDF (`raster`).

use mlgov_charts::*;

mod fixtures;
mod raster;

fn chart(synthetic: bool) -> BarChart {
    BarChart {
        title: "Frequency <by size>".into(),
        subtitle: Some("2020–2021".into()),
        synthetic,
        categories: vec!["Pro-migrant groups".into(), "Regional government".into()],
        sections: vec![(0, "Horizontal".into()), (1, "Vertical".into())],
        series: vec![
            Series {
                name: "rural".into(),
                bars: vec![
                    Some(Bar {
                        value: Some(1.5),
                        low: Some(1.0),
                        high: Some(2.0),
                        n: 12,
                        small_n: false,
                        suppressed: false,
                    }),
                    None,
                ],
            },
            Series {
                name: "medium".into(),
                bars: vec![
                    Some(Bar {
                        value: Some(3.0),
                        low: Some(2.5),
                        high: Some(3.4),
                        n: 3,
                        small_n: true,
                        suppressed: false,
                    }),
                    Some(Bar {
                        value: None,
                        low: None,
                        high: None,
                        n: 2,
                        small_n: true,
                        suppressed: true,
                    }),
                ],
            },
        ],
        axis: ValueAxis {
            title: "Frequency".into(),
            min: 0.0,
            max: 5.0,
            ticks: (0..=5).map(|v| (v as f64, format!("{v} word{v}"))).collect(),
            fit_to_data: false,
            percent: false,
            reference: None,
        },
        notes: vec!["A note.".into()],
        description: "Extra.".into(),
    }
}

#[test]
fn bar_chart_is_accessible_and_labelled() {
    let svg = chart(false).render();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("<title id=\"t\">Frequency &lt;by size&gt;</title>"), "escaped title");
    assert!(svg.contains("<desc id=\"d\">Grouped horizontal bar chart. Rows: Pro-migrant groups, Regional government."));
    assert!(svg.contains(OKABE_ITO[0]) && svg.contains(OKABE_ITO[1]));
    assert!(
        svg.contains(">n=12<")
            && svg.contains(">n=3†<")
            && svg.contains(">suppressed<")
            && !svg.contains("n=2 suppressed")
    );
    assert!(svg.contains(">4 word4<"), "axis words");
    assert!(svg.contains(">Horizontal<") && svg.contains(">Vertical<"), "section headings");
    assert!(svg.contains("small n"), "small-n footnote");
    assert!(!svg.contains("SYNTHETIC"));
    assert!(svg.matches("<rect x=").count() >= 3);
}

#[test]
fn synthetic_charts_say_so_in_title_and_banner() {
    let svg = chart(true).render();
    assert!(svg.contains("<title id=\"t\">SYNTHETIC DATA — Frequency"));
    assert!(svg.contains("not survey results"));
}

#[test]
fn whisker_spans_the_interval() {
    // Axis 0..5 over the plot width: the whisker path of the first bar runs from 1.0 to 2.0.
    let svg = chart(false).render();
    let path = svg.lines().find(|l| l.starts_with("<path d=\"M")).unwrap();
    let nums: Vec<f64> = path[9..]
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|s| s.parse().ok())
        .collect();
    let (x_lo, x_hi) = (nums[0], nums[2]);
    assert!(x_hi > x_lo);
}

#[test]
fn nice_ticks_cover_the_range() {
    assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
    let t = nice_ticks(-12.3, 2.1, 6);
    assert!(t[0] <= -12.3 && *t.last().unwrap() >= 2.1 && t.contains(&0.0));
    assert_eq!(escape("a&b\"<"), "a&amp;b&quot;&lt;");
}

#[test]
fn gantt_renders_bars_open_ends_markers_and_events() {
    let g = fixtures::turin(
        vec![
            fixtures::eurocities(vec![Marker { at: 1993.0, label: "president".into() }]),
            fixtures::eccar(),
        ],
        vec![Marker { at: 2015.0, label: "asylum 'crisis'".into() }],
        vec![("membership".into(), 0)],
    );
    let svg = g.render();
    assert!(svg.contains("linearGradient"), "open-ended bar fades");
    // Bars end where the next year starts: 2004.0..2015.0 covers 2004–2014, as the tables say.
    assert!(
        svg.contains("Eurocities: 1989–ongoing") && svg.contains("ECCAR: 2004–2014"),
        "hover text in inclusive years"
    );
    assert!(svg.contains("president (1993)"));
    assert!(svg.contains("stroke-dasharray") && svg.contains("asylum &#39;crisis&#39;"));
    assert!(svg.contains(">1990<") && svg.contains(">2020<"), "year ticks");
    assert!(svg.contains("<desc id=\"d\">Timeline from 1985 to 2022 with 2 rows"));
}

#[test]
fn column_chart_draws_one_column_per_point_scaled_to_the_largest() {
    let points: Vec<(String, f64)> =
        (2000..2026).map(|y| (y.to_string(), f64::from(y - 1999))).collect();
    let svg = ColumnChart { title: "Members of <EC> by year".into(), points }.render();
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "an inline element, no prolog");
    assert!(
        svg.contains("<title id=\"bs-t\">Members of &lt;EC&gt; by year</title>"),
        "escaped alt text"
    );
    assert_eq!(svg.matches("fill=\"#0072B2\"").count(), 26, "one column per point");
    // The largest column fills the plot (220 − 30 − 36 = 154 high) and its value is the axis maximum.
    assert!(svg.contains("height=\"154.0\" fill=\"#0072B2\"><title>2025: 26</title>"));
    assert!(svg.contains("text-anchor=\"end\">26</text>"));
    // 26 points: every second label is written.
    assert!(
        svg.contains(">2000</text>")
            && svg.contains(">2002</text>")
            && !svg.contains(">2001</text>")
    );
    let empty = ColumnChart { title: "none".into(), points: vec![] }.render();
    assert!(empty.contains("text-anchor=\"end\">1</text>"), "an empty chart's axis runs to 1");
}
