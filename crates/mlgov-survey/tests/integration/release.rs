//! Published figures and releases: collected answers go through intake into the same analyses;
//! choice tables list every instrument option and say nothing in a suppressed cell; the cell
//! members agree with the analyses' n; and, over random submission sequences, no two accepted
//! releases can be differenced to recover fewer than k respondents.

use std::collections::BTreeMap;

use mlgov_disclosure::{EarlierRelease, ReleaseCells, Rules, check_release};
use mlgov_survey::collected::{
    CollectedAnswer, CollectedError, CollectedResponse, UNSPECIFIED_LOCALITY,
    dataset_from_collected,
};
use mlgov_survey::publish::{PublishedFigures, publish_with};
use mlgov_survey::*;
use proptest::prelude::*;

fn answer(item: &str, period: &str, value: &str) -> CollectedAnswer {
    CollectedAnswer { item: item.into(), period: period.into(), value: value.into() }
}

fn response(id: usize, locality: Option<&str>, answers: Vec<CollectedAnswer>) -> CollectedResponse {
    CollectedResponse {
        respondent: id.to_string(),
        locality: locality.map(str::to_string),
        answers,
    }
}

fn fast() -> AnalysisConfig {
    AnalysisConfig { resamples: 0, ..AnalysisConfig::default() }
}

fn localities() -> Vec<LocalityInfo> {
    ["medium_town", "small_town", "rural_area"]
        .iter()
        .enumerate()
        .map(|(i, s)| LocalityInfo {
            id: format!("loc:t{i}"),
            label: format!("T{i}"),
            size_class: Some(s.to_string()),
            orientation: Some("progressive".into()),
            ..LocalityInfo::default()
        })
        .collect()
}

fn choice<'a>(f: &'a PublishedFigures, item: &str) -> &'a mlgov_survey::publish::PublishedChoice {
    f.choices.iter().find(|c| c.item == item).unwrap_or_else(|| panic!("no choice table {item}"))
}

#[test]
fn collected_answers_are_validated_like_an_import_and_analysed_by_the_same_analyses() {
    let ins = Instrument::whole_comm();
    let actor = &ins.actors[0].id;
    let good = vec![
        response(
            1,
            Some("loc:t0"),
            vec![answer("role", "", "local_official"), answer(&format!("freq_{actor}"), "p2", "4")],
        ),
        // Only a role: the respondent still counts (no answer is not no respondent).
        response(2, None, vec![answer("role", "", "elected_policymaker")]),
    ];
    assert!(
        dataset_from_collected(&ins, &[], None).unwrap().is_empty(),
        "no submission yet: an empty dataset"
    );
    let ds = dataset_from_collected(&ins, &good, None).expect("valid answers");
    assert_eq!(ds.len(), 2);
    assert_eq!(ds.respondents[1].locality, UNSPECIFIED_LOCALITY);
    let a = ins.actor_index(actor).unwrap();
    assert_eq!(ds.freq(0, 1, a), Some(4));
    assert_eq!(ds.freq(1, 1, a), None);
    let t = analyze(
        AnalysisKind::Frequency,
        &ds,
        &ins,
        &localities(),
        &AnalysisConfig { group_by: vec![], ..fast() },
    )
    .unwrap();
    let row =
        t.rows.iter().find(|r| r.measure == *actor && r.period.as_deref() == Some("p2")).unwrap();
    assert_eq!((row.estimate.n, row.estimate.mean), (1, Some(4.0)));

    let bad = vec![response(
        3,
        Some("loc:t0"),
        vec![answer("role", "", "local_official"), answer(&format!("freq_{actor}"), "p2", "9")],
    )];
    let err = dataset_from_collected(&ins, &bad, None).unwrap_err();
    assert!(matches!(err, CollectedError::Intake(_)), "{err}");
    assert!(err.to_string().contains("out of range"), "{err}");
    let unknown = vec![response(4, None, vec![answer("freq_nobody", "p2", "1")])];
    assert!(
        dataset_from_collected(&ins, &unknown, None)
            .unwrap_err()
            .to_string()
            .contains("not in instrument")
    );
}

fn same_choice(n: usize, option: &str) -> Vec<CollectedResponse> {
    (0..n)
        .map(|i| {
            response(
                i,
                Some("loc:t0"),
                vec![answer("role", "", "local_official"), answer("responsibility", "", option)],
            )
        })
        .collect()
}

#[test]
fn choice_tables_list_every_instrument_option_and_suppressed_cells_say_nothing() {
    let ins = Instrument::whole_comm();
    let rules = Rules::with_min_cell(5);
    let resp = ins.perceptions.iter().find(|p| p.id == "responsibility").unwrap();
    let option = &resp.options.last().unwrap().id;
    for n in [1usize, 4, 10] {
        let ds = dataset_from_collected(&ins, &same_choice(n, option), None).unwrap();
        let p = publish_with(&ds, &ins, &localities(), &rules, &fast()).unwrap();
        for (item, ids) in [
            ("role", ins.roles.iter().map(|r| r.id.clone()).collect::<Vec<_>>()),
            ("responsibility", resp.options.iter().map(|o| o.id.clone()).collect()),
        ] {
            let c = choice(&p.content, item);
            assert_eq!(
                c.options.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
                ids,
                "{item}: every option of the instrument, in its order"
            );
            // Everyone chose the same option: whatever n, no option's count is published (the
            // chosen one would single out the group; the zeros would say the others are empty).
            assert!(c.options.iter().all(|o| o.count.is_none()), "n={n} {item}: {:?}", c.options);
        }
        let json = serde_json::to_string(&p.content).unwrap();
        if n < 5 {
            assert_eq!(p.content.respondents, None);
            assert_eq!(choice(&p.content, "role").total, None);
            assert!(
                !json.contains("\"count\":1") && !json.contains("\"count\":4"),
                "n={n}: {json}"
            );
        } else {
            assert_eq!(p.content.respondents, Some(10));
            assert_eq!(
                choice(&p.content, "responsibility").total,
                Some(10),
                "the total is published, the options are not"
            );
        }
        // Suppressed cells are plain nulls: no status, nothing that tells 0 from 1..k-1.
        assert!(
            !json.contains("primary")
                && !json.contains("complementary")
                && !json.contains("suppressed"),
            "{json}"
        );
    }
}

#[test]
fn a_lone_small_option_is_hidden_with_its_smallest_neighbour_and_zeros_look_the_same() {
    let ins = Instrument::whole_comm();
    let resp = ins.perceptions.iter().find(|p| p.id == "responsibility").unwrap();
    let ids: Vec<&str> = resp.options.iter().map(|o| o.id.as_str()).collect();
    // 6 × first option, 7 × second, 1 × third, nobody for the rest.
    let mut rs = Vec::new();
    for (opt, count) in [(ids[0], 6), (ids[1], 7), (ids[2], 1)] {
        for _ in 0..count {
            let i = rs.len();
            rs.push(response(
                i,
                Some("loc:t0"),
                vec![answer("role", "", "local_official"), answer("responsibility", "", opt)],
            ));
        }
    }
    let ds = dataset_from_collected(&ins, &rs, None).unwrap();
    let p = publish_with(&ds, &ins, &localities(), &Rules::with_min_cell(5), &fast()).unwrap();
    let c = choice(&p.content, "responsibility");
    let counts: Vec<Option<u64>> = c.options.iter().map(|o| o.count).collect();
    assert_eq!(c.total, Some(14));
    assert_eq!(
        counts[0], None,
        "the smallest published option hides the lone respondent: {counts:?}"
    );
    assert_eq!(counts[1], Some(7));
    assert!(counts[2..].iter().all(Option::is_none), "{counts:?}");
    // What a reader can infer: the hidden options share 14 − 7 = 7 ≥ k respondents, so each may
    // hold anything from 0 to 7: nobody, the lone respondent and the group of 6 look the same.
    assert_eq!(c.total.unwrap() - counts.iter().flatten().sum::<u64>(), 7);
    assert!(p.cell_members.cells.contains_key("choice|responsibility|total"));
    assert!(!p.cell_members.cells.contains_key(&format!("choice|responsibility|{}", ids[2])));
}

#[test]
fn cell_members_agree_with_every_analysis_n_on_synthetic_data() {
    let ins = Instrument::whole_comm();
    let locs = synth_localities(12, 3);
    let ds = synth(&locs, SynthSize::PerLocality(9), 5, &SynthParams::default(), &ins);
    let k = 5;
    let p = publish_with(&ds, &ins, &locs, &Rules::with_min_cell(k), &fast())
        .expect("members agree with the analyses' n");
    assert!(p.content.synthetic);
    assert_eq!(p.content.respondents, Some(ds.len() as u64));
    let mut published = 0;
    for t in &p.content.tables {
        for r in &t.rows {
            let key = mlgov_survey::publish::cell_key(
                &t.id,
                &r.group,
                r.period.as_deref(),
                &r.measure,
                &r.statistic,
            );
            match (r.n, p.cell_members.cells.get(&key)) {
                (Some(n), Some(m)) => {
                    published += 1;
                    assert!(n >= k, "{key}: n {n} published below k");
                    if r.statistic != "elected_share" {
                        assert_eq!(m.len() as u64, n, "{key}");
                    }
                    assert!(m.windows(2).all(|w| w[0] < w[1]), "{key}: sorted, unique");
                }
                (None, None) => assert!(r.mean.is_none() && r.ci_low.is_none()),
                other => panic!("{key}: published n and members disagree: {other:?}"),
            }
        }
    }
    assert!(published > 50, "a sizeable synthetic dataset publishes most cells ({published})");
    // Share analyses appear as protected counts, not as shares with their n.
    assert!(p.content.tables.iter().all(|t| !matches!(
        t.analysis,
        AnalysisKind::Responsibility | AnalysisKind::InformationSources
    )));
    assert!(p.content.choices.iter().any(|c| c.item.starts_with("information_sources:")));
}

// ---------------------------------------------------------------------------------------------
// The release rule over random submission sequences.

/// One random respondent: locality, role, two frequency answers (or missing) and a
/// responsibility choice (or missing).
fn arb_respondent() -> impl Strategy<Value = (usize, usize, Option<u8>, Option<u8>, Option<usize>)>
{
    (
        0..3usize,
        0..2usize,
        proptest::option::of(0..=5u8),
        proptest::option::weighted(0.3, 0..=5u8),
        proptest::option::of(0..4usize),
    )
}

/// Published values of a release keyed by cell: (count or n). Numeric cells skip the lead share,
/// whose n is the smaller side (its two sides are cells of their own).
fn published_counts(f: &PublishedFigures) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for t in &f.tables {
        for r in t.rows.iter().filter(|r| r.statistic != "elected_share") {
            if let Some(n) = r.n {
                out.insert(
                    mlgov_survey::publish::cell_key(
                        &t.id,
                        &r.group,
                        r.period.as_deref(),
                        &r.measure,
                        &r.statistic,
                    ),
                    n,
                );
            }
        }
    }
    for c in &f.choices {
        for o in &c.options {
            if let Some(n) = o.count {
                out.insert(format!("{}={}", c.item, o.id), n);
            }
        }
        if let Some(t) = c.total {
            out.insert(format!("{}=total", c.item), t);
        }
    }
    if let Some(n) = f.respondents {
        out.insert("respondents".into(), n);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Respondents submit one after another; a researcher tries to publish at random moments and
    /// the release rule accepts or refuses. For every pair of accepted releases and every figure
    /// both publish, the published counts (n of a mean, option counts, totals) differ by 0 or at
    /// least k: since submissions are final, that difference is exactly the number of respondents
    /// whose answers differencing the two releases would expose (for a mean, n₂·m₂ − n₁·m₁ is
    /// their sum). Checked on the published content, independently of the cell members.
    #[test]
    fn accepted_releases_never_differ_by_fewer_than_k_respondents(
        people in proptest::collection::vec(arb_respondent(), 1..28),
        publish_at in proptest::collection::vec(any::<bool>(), 28),
        k in 2u64..5,
    ) {
        let ins = Instrument::whole_comm();
        let locs = localities();
        let roles = [ins.roles[0].id.clone(), ins.roles[1].id.clone()];
        let (a0, a1) = (ins.actors[0].id.clone(), ins.actors[1].id.clone());
        let opts: Vec<String> = ins.perceptions.iter().find(|p| p.id == "responsibility").unwrap().options.iter().map(|o| o.id.clone()).collect();
        let rules = Rules::with_min_cell(k);
        let mut submitted = Vec::new();
        let mut accepted: Vec<(i64, ReleaseCells, PublishedFigures)> = Vec::new();
        let mut refused = 0;
        for (i, &(loc, role, f0, f1, resp)) in people.iter().enumerate() {
            let mut answers = vec![answer("role", "", &roles[role])];
            if let Some(v) = f0 { answers.push(answer(&format!("freq_{a0}"), "p2", &v.to_string())); }
            if let Some(v) = f1 { answers.push(answer(&format!("freq_{a1}"), "p2", &v.to_string())); }
            if let Some(o) = resp { answers.push(answer("responsibility", "", &opts[o % opts.len()])); }
            submitted.push(response(i, Some(&format!("loc:t{loc}")), answers));
            if !publish_at[i] && i + 1 != people.len() {
                continue;
            }
            let ds = dataset_from_collected(&ins, &submitted, None).unwrap();
            let p = publish_with(&ds, &ins, &locs, &rules, &fast()).unwrap();
            let earlier: Vec<EarlierRelease<'_>> = accepted.iter().map(|(n, c, _)| EarlierRelease { number: *n, cells: c }).collect();
            match check_release(&earlier, &p.cell_members, k) {
                Ok(()) => {
                    let n = accepted.len() as i64 + 1;
                    accepted.push((n, p.cell_members, p.content));
                }
                Err(e) => {
                    refused += 1;
                    prop_assert!(e.added + e.removed > 0 && e.added + e.removed < k, "{e}");
                }
            }
        }
        for (i, (ni, _, fi)) in accepted.iter().enumerate() {
            let ci = published_counts(fi);
            for (nj, _, fj) in &accepted[i + 1..] {
                for (key, b) in published_counts(fj) {
                    if let Some(&a) = ci.get(&key) {
                        let d = a.abs_diff(b);
                        prop_assert!(d == 0 || d >= k, "releases {ni} and {nj}: {key} {a} → {b} (k = {k}); refused attempts: {refused}");
                    }
                }
            }
        }
    }
}
