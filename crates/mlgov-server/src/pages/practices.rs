//! The good practices, one practice, and the conflicts between sources.

use axum::extract::{Path, RawQuery, State};
use mlgov_domain::fold;

use crate::convert::{self};
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::*;

use super::download::{finish, only_downloads};
use super::model::{Page, cite, code, link, n, section, stmt, t, table};
use super::render::PageResult;
use super::sources::cite_of;

/// `/practices`: the good practices the sources describe, where they come from and who adopted
/// them.
pub(super) async fn practices(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let dl = only_downloads(q.as_deref())?;
    let mut page = Page { title: "Practices".into(), nav: "analyses".into(), ..Page::default() };
    page.lead.push("Integration practices the sources describe: where each comes from, when, and which localities are stated to have adopted it. Open one to simulate its diffusion.".into());
    let mut list: Vec<&mlgov_domain::Practice> = s.kb.practices.iter().collect();
    list.sort_by_key(|a| fold(&a.title));
    let mut sec = section("list", format!("{} practices", list.len()));
    if list.is_empty() {
        sec.paragraphs.push("The knowledge base records no practices yet.".into());
    }
    sec.tables.push(table(
        "practices",
        "Practices, their origin and adoptions",
        &["practice", "policy area", "origin", "since", "adopted by", "source"],
        list.iter()
            .map(|x| {
                let adopters =
                    s.kb.adoptions_naming(&x.id).into_iter().filter(|a| a.practice == x.id).count();
                vec![
                    link(&x.title, Some(format!("/practices/{}", x.id.body()))),
                    code(&x.policy_area),
                    x.origin
                        .as_ref()
                        .map(|o| link(s.name(o), convert::href(o)))
                        .unwrap_or_default(),
                    n(x.when.start_year().map(|y| y.to_string()).unwrap_or_default()),
                    n(adopters),
                    cite_of(&s, &x.citation),
                ]
            })
            .collect(),
    ));
    page.sections.push(sec);
    finish(&s, page, "/practices", q.as_deref(), dl)
}

/// `/practices/{id}`: one practice, its adoptions and a link to simulate its diffusion.
pub(super) async fn practice(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let s = st.snapshot();
    let dl = only_downloads(q.as_deref())?;
    let body = raw.trim_start_matches("prc:");
    let x =
        s.kb.practices
            .iter()
            .find(|x| x.id.body() == body)
            .ok_or_else(|| ApiError::NotFound(format!("no practice {raw:?}")))?;
    let mut page = Page {
        title: x.title.clone(),
        subtitle: Some(format!("practice in {}", x.policy_area.replace('_', " "))),
        nav: "analyses".into(),
        ..Page::default()
    };
    let mut about = section("about", "What it is");
    if let Some(d) = &x.description {
        about.paragraphs.push(d.clone())
    }
    if let Some(o) = &x.origin {
        about.pairs.push(("Origin".into(), link(s.name(o), convert::href(o))))
    }
    about.pairs.push((
        "When".into(),
        t(if x.when.is_undated() {
            "undated".to_string()
        } else {
            format!(
                "{}–{}",
                x.when.start_year().map(|y| y.to_string()).unwrap_or_default(),
                x.when.end_year().map(|y| y.to_string()).unwrap_or_default()
            )
        }),
    ));
    if !x.actors.is_empty() {
        about.badges = x.actors.iter().map(|a| link(s.name(a), convert::href(a))).collect()
    }
    about.pairs.push(("Source".into(), cite_of(&s, &x.citation)));
    about.links.push(link(
        "Simulate its diffusion",
        Some(format!("/diffusion?practice={}", crate::params::encode(x.id.as_str()))),
    ));
    about.links.push(link("Its statement", Some(format!("/statements/{}", x.id))));
    page.sections.push(about);
    let mut ad = section("adoptions", "Adopted by");
    let adoptions: Vec<&mlgov_domain::Adoption> =
        s.kb.adoptions_naming(&x.id).into_iter().filter(|a| a.practice == x.id).collect();
    if adoptions.is_empty() {
        ad.paragraphs.push("No adoption is recorded.".into());
    }
    ad.tables.push(table(
        "adopted-by",
        "Localities stated to have adopted it",
        &["locality", "from", "source", "statement"],
        adoptions
            .iter()
            .map(|a| {
                vec![
                    link(s.name(&a.locality), convert::href(&a.locality)),
                    n(a.from.as_ref().map(|d| d.year.to_string()).unwrap_or_default()),
                    cite_of(&s, &a.citation),
                    stmt(a.id.as_str()),
                ]
            })
            .collect(),
    ));
    page.sections.push(ad);
    finish(&s, page, &format!("/practices/{raw}"), q.as_deref(), dl)
}

pub(super) async fn conflicts(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let dl = only_downloads(q.as_deref())?;
    let cs = convert::conflicts(&s);
    let mut page = Page {
        title: "Conflicts between statements".into(),
        nav: "conflicts".into(),
        ..Page::default()
    };
    page.lead.push(format!("{} groups of statements do not agree (single-valued facts with overlapping dates and different values, memberships or events dated differently). All are kept, each with its source, and grouped by what the difference is: sources that disagree, a source that disagrees with itself, an undated statement beside dated ones (possibly a change over time), and candidate values for anonymised localities that share a public label (identity ambiguity, not disagreement).", cs.count));
    for (nature, heading) in [
        ("sources_disagree", "Sources disagree"),
        ("source_disagrees_with_itself", "A source disagrees with itself"),
        ("change_over_time", "Possibly a change over time"),
        ("identity_ambiguity", "Identity ambiguity: localities sharing a label"),
    ] {
        let group: Vec<&ConflictOut> = cs.conflicts.iter().filter(|c| c.nature == nature).collect();
        let mut sec = section(&nature.replace('_', "-"), format!("{heading} ({})", group.len()));
        if let Some(c) = group.first()
            && (nature == "identity_ambiguity" || nature == "change_over_time")
        {
            sec.paragraphs.push(
                c.explanation.split(" (the same candidates").next().unwrap_or("").to_string(),
            );
        }
        // Subjects sharing a display name (anonymised localities with the same public label) are
        // told apart by their id; each group of disagreeing statements has its number.
        let mut names: std::collections::HashMap<&str, std::collections::BTreeSet<&str>> =
            Default::default();
        for c in &cs.conflicts {
            names.entry(c.subject.name.as_str()).or_default().insert(c.subject.id.as_str());
        }
        let subject = |c: &ConflictOut| {
            let shared = names.get(c.subject.name.as_str()).is_some_and(|ids| ids.len() > 1);
            let label = if shared {
                format!("{} ({})", c.subject.name, c.subject.id)
            } else {
                c.subject.name.clone()
            };
            link(label, c.subject.href.clone())
        };
        sec.tables.push(table(&format!("conflicts-{}", nature.replace('_', "-")), format!("{heading}: each group of statements that do not agree, each statement with its source"), &["group", "subject", "about", "value", "when", "source", "statement", "what it is"],
            group.iter().enumerate().flat_map(|(k, c)| c.statements.iter().map(move |x| vec![n(k + 1), subject(c), t(c.about.replace('_', " ")), t(&x.value), t(&x.when.display), cite(&x.citation), stmt(&x.id), t(&c.explanation)])).collect()));
        page.sections.push(sec);
    }
    finish(&s, page, "/conflicts", q.as_deref(), dl)
}
