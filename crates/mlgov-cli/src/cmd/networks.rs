//! Network commands: typology on the sponsored ↔ militant spectrum with evidence, power
//! assemblages, the hypotheses of file 001, and computed trajectories.

use crate::ctx::{CliError, Ctx};
use crate::output::table;
use mlgov_analysis::{assemblage, hypotheses, trajectory, typology};
use mlgov_domain::IdKind;
use serde_json::json;

fn score(s: Option<f64>) -> String {
    s.map(|x| format!("{x:+.2}")).unwrap_or_else(|| "—".into())
}

/// `mlgov networks show <name>`: attributes, typology with evidence, assemblage, members.
pub fn show(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let id = ctx.resolve(&kb, name, &[IdKind::Network])?;
    let t = typology::network_typology(&kb, &id);
    let a = assemblage::assemblage(&kb, &id);
    ctx.emit(&json!({"typology": t, "assemblage": a}), || {
        let mut out = format!("{} — {} on the sponsored ↔ militant spectrum ({}; the traits give {}, position {}, from {} of 4 observed; stated origin: {})\n",
            t.name, t.class, if t.class_from == "paper" { "the paper's placement" } else { "from the traits" }, t.computed_class, score(t.position), t.coverage, if t.stated_origin.is_empty() { "not stated".into() } else { t.stated_origin.join(", ") });
        for p in &t.paper {
            out.push_str(&format!("the paper places it: {} — {}{}\n", p.value, p.citation, p.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()));
        }
        if let Some(e) = &t.explanation {
            out.push_str(&format!("why mlgov differs: {e}\n"));
        }
        out.push_str(&format!("scale: {} · institutionalisation: {} · focus: {}\n\n",
            or_unknown(&t.scale), or_unknown(&t.institutionalisation), or_unknown(&t.focus)));
        let mut rows = Vec::new();
        for tr in &t.traits {
            if tr.evidence.is_empty() {
                rows.push(vec![tr.name.to_string(), "unknown".into(), "—".into(), "the data are silent".into(), String::new()]);
            }
            for (i, e) in tr.evidence.iter().enumerate() {
                rows.push(vec![if i == 0 { tr.name.to_string() } else { String::new() }, if i == 0 { tr.value.clone() } else { String::new() }, format!("{:+}", e.score), e.statement.clone(), e.source.clone()]);
            }
        }
        out.push_str(&table(&["trait", "value", "score", "evidence", "source"], &rows));
        out.push_str(&format!("\nAssemblage ({} actors)\n", a.total));
        let rows: Vec<Vec<String>> = assemblage::ACTOR_TYPES.iter().map(|k| vec![k.to_string(), a.counts.get(*k).copied().unwrap_or(0).to_string(), a.actors.get(*k).map(|v| v.join(", ")).unwrap_or_default()]).collect();
        out.push_str(&table(&["actor type", "n", "actors"], &rows));
        out.push_str(&format!("\nMembers over time: mlgov show network {}\n", t.id));
        out
    });
    Ok(())
}

fn or_unknown(v: &[String]) -> String {
    if v.is_empty() { "unknown".into() } else { v.join("/") }
}

/// `mlgov networks typology`: every network's position and traits.
pub fn typology_all(ctx: &Ctx) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let all = typology::all(&kb);
    ctx.emit(&json!({"networks": all}), || {
        let rows: Vec<Vec<String>> = all.iter().map(|t| {
            let mut r = vec![t.name.clone(), t.class.clone(), score(t.position), format!("{}/4", t.coverage)];
            r.extend(t.traits.iter().map(|tr| tr.value.clone()));
            r.push(t.stated_origin.join("/"));
            r.push(t.paper.iter().map(|p| p.value.clone()).collect::<Vec<_>>().join("/"));
            r
        }).collect();
        let mut out = table(&["network", "class", "pos", "traits", "funding", "partners", "scope", "issues", "stated origin", "paper"], &rows);
        out.push_str(&format!("A position needs at least {} of the 4 traits observed. Where the paper places a network:\n", typology::MIN_TRAITS));
        for t in all.iter().filter(|t| !t.paper.is_empty() || !t.less_militant_than.is_empty()) {
            let paper = match t.paper.first() {
                Some(p) => format!("{} ({})", p.value, p.citation),
                None => t.less_militant_than.iter().map(|(n, _, c)| format!("less militant than {n} ({c})")).collect::<Vec<_>>().join("; "),
            };
            out.push_str(&format!("- {}: the paper: {paper}; the traits give {} ({}, {} of 4 observed) — {}: {}\n", t.name, t.computed_class, score(t.position), t.coverage, if t.agreement.is_empty() { "—" } else { t.agreement.as_str() }, t.explanation.clone().unwrap_or_else(|| "the same class".into())));
        }
        out
    });
    Ok(())
}

/// `mlgov networks assemblage A [B…]`: compositions side by side.
pub fn assemblages(ctx: &Ctx, names: &[String]) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let ids = names
        .iter()
        .map(|n| ctx.resolve(&kb, n, &[IdKind::Network]))
        .collect::<Result<Vec<_>, _>>()?;
    let all: Vec<_> = ids.iter().map(|id| assemblage::assemblage(&kb, id)).collect();
    ctx.emit(&json!({"assemblages": all}), || {
        let mut headers = vec!["actor type"];
        headers.extend(all.iter().map(|a| a.name.as_str()));
        let mut rows: Vec<Vec<String>> = assemblage::ACTOR_TYPES
            .iter()
            .map(|k| {
                let mut r = vec![k.to_string()];
                r.extend(all.iter().map(|a| a.counts.get(*k).copied().unwrap_or(0).to_string()));
                r
            })
            .collect();
        let mut tot = vec!["total".to_string()];
        tot.extend(all.iter().map(|a| a.total.to_string()));
        rows.push(tot);
        table(&headers, &rows)
    });
    Ok(())
}

/// `mlgov hypotheses`: H1 and H2 of file 001 checked on the data.
pub fn hypotheses_cmd(ctx: &Ctx, window: i32, min_cso: usize) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let checks = vec![hypotheses::h1(&kb, window), hypotheses::h2(&kb, min_cso)];
    ctx.emit(&json!({"hypotheses": checks}), || {
        let mut out = String::new();
        for h in &checks {
            out.push_str(&format!("{}: {}\nThe paper's verdict: {}\nmlgov computes: {}\n", h.id, h.statement, h.paper_verdict, h.computed_rule));
            let yes_no = |c: Option<bool>| match c { Some(true) => "yes", Some(false) => "no", None => "?" }.to_string();
            out.push_str("\nThe paper's cases, its reading beside mlgov's\n");
            let rows: Vec<Vec<String>> = h.rows.iter().filter(|r| r.paper.is_some()).map(|r| {
                let p = r.paper.as_ref().expect("filtered");
                vec![r.name.clone(), format!("{} — {}", yes_no(Some(p.holds)), p.detail), yes_no(r.condition), r.agreement.clone(), r.explanation.clone().unwrap_or_default()]
            }).collect();
            out.push_str(&table(&["network", "paper", "mlgov", "", "why they differ"], &rows));
            out.push_str("\nEvery network compared (computed class; founding year and where it comes from)\n");
            let rows: Vec<Vec<String>> = h.rows.iter().filter(|r| r.condition.is_some() && r.class != "unknown").map(|r| vec![
                r.name.clone(), r.class.clone(), r.countries.join("/"), format!("{} ({})", r.founded.map(|y| y.to_string()).unwrap_or_default(), r.founded_from),
                yes_no(r.condition), r.evidence.join("; "),
            ]).collect();
            out.push_str(&table(&["network", "class", "country", "founded", "holds", "evidence"], &rows));
            if !h.excluded.is_empty() {
                out.push_str(&format!("Left out: {}\n", h.excluded.join("; ")));
            }
            out.push_str(&format!("2×2: militant {}/{} · others {}/{}\n{}\n\n", h.table[0][0], h.table[0][0] + h.table[0][1], h.table[1][0], h.table[1][0] + h.table[1][1], h.sentence));
        }
        out
    });
    Ok(())
}

/// `mlgov trajectory <locality>`: year-by-year participation, computed phases and the phases the
/// sources name, with their agreement.
pub fn trajectory_cmd(
    ctx: &Ctx,
    name: &str,
    until: i32,
    filter: trajectory::MembershipFilter,
) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let id = ctx.resolve(&kb, name, &[IdKind::Locality])?;
    let c = trajectory::compare_phases(&kb, &id, until, &filter);
    ctx.emit(&serde_json::to_value(&c)?, || {
        let mut out =
            format!("{} — participation by year (distinct networks; {})\n", c.name, c.scope);
        let rows: Vec<Vec<String>> = c
            .years
            .iter()
            .map(|y| {
                vec![
                    y.year.to_string(),
                    y.active.to_string(),
                    y.leading.to_string(),
                    y.joins.to_string(),
                    y.exits.to_string(),
                    "█".repeat(y.active),
                ]
            })
            .collect();
        out.push_str(&table(&["year", "active", "leading", "joins", "exits", ""], &rows));
        out.push_str("\nComputed phases (rules in docs/trajectories.md)\n");
        let rows: Vec<Vec<String>> = c
            .computed
            .iter()
            .map(|p| vec![format!("{}–{}", p.from, p.to), p.kind.clone()])
            .collect();
        out.push_str(&table(&["years", "phase"], &rows));
        out.push_str("\nPhases as the authors name them\n");
        let rows: Vec<Vec<String>> = c
            .named
            .iter()
            .map(|(l, k, a, b, s)| {
                vec![
                    format!(
                        "{}–{}",
                        a.map(|x| x.to_string()).unwrap_or_default(),
                        b.map(|x| x.to_string()).unwrap_or_default()
                    ),
                    k.clone(),
                    l.clone(),
                    s.clone(),
                ]
            })
            .collect();
        out.push_str(&table(&["years", "kind", "label", "source"], &rows));
        out.push_str(&format!(
            "\nyear-level agreement: {}\n",
            c.agreement
                .map(|a| format!("{:.0}% of the {} years both cover", a * 100.0, c.years_compared))
                .unwrap_or_else(|| "no named phases to compare".into())
        ));
        if !c.left_out.is_empty() {
            out.push_str("Left out:\n");
            for (id, why) in &c.left_out {
                out.push_str(&format!("  {id} — {why}\n"));
            }
        }
        out
    });
    Ok(())
}
