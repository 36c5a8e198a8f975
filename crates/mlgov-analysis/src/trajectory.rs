//! A locality's trajectory: memberships, roles, office terms, events and phases on one time line.

use mlgov_domain::{Id, IdKind, KnowledgeBase};
use serde::Serialize;

/// One row of a time line.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineRow {
    /// `membership`, `term`, `event` or `phase`.
    pub lane: String,
    /// Label (network and role, person and office, event title, phase name).
    pub label: String,
    /// First year.
    pub from: Option<i32>,
    /// Last year (None: ongoing or a point event).
    pub to: Option<i32>,
    /// Whether a membership row is a leading role.
    pub leading: bool,
    /// Statement id.
    pub id: String,
    /// Source short name and locator.
    pub source: String,
}

/// A locality's time line.
#[derive(Clone, Debug, Serialize)]
pub struct Timeline {
    /// Locality id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// First year shown.
    pub first_year: i32,
    /// Last year shown.
    pub last_year: i32,
    /// Rows: memberships (by start), then terms, phases and events.
    pub rows: Vec<TimelineRow>,
}

/// The localities whose memberships count for `id`: itself, its children (districts) and an
/// intermunicipal authority whose parent it is (Saint-Étienne Métropole for Saint-Étienne).
pub fn related_localities(kb: &KnowledgeBase, id: &Id) -> Vec<Id> {
    let mut v = vec![id.clone()];
    for l in &kb.localities {
        if l.parent.as_ref() == Some(id) {
            v.push(l.id.clone());
        }
    }
    v
}

/// Builds the time line of a locality. `current_year` bounds open intervals.
pub fn timeline(kb: &KnowledgeBase, id: &Id) -> Timeline {
    let members = related_localities(kb, id);
    let cite = |c: &mlgov_domain::Citation| format!("{}, {}", kb.display_name(&c.source), c.locator);
    let mut rows = Vec::new();
    let mut ms: Vec<_> = kb.memberships.iter().filter(|m| members.contains(&m.member)).collect();
    ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.network.cmp(&b.network)).then(a.id.cmp(&b.id)));
    for m in ms {
        let who = if &m.member != id { format!(" (via {})", kb.display_name(&m.member)) } else { String::new() };
        rows.push(TimelineRow {
            lane: "membership".into(),
            label: format!("{} — {}{}", kb.display_name(&m.network), m.role, who),
            from: m.when.start_year(),
            to: m.when.end_year(),
            leading: m.role.is_leading(),
            id: m.id.to_string(),
            source: cite(&m.citation),
        });
    }
    let mut ts: Vec<_> = kb.terms.iter().filter(|t| &t.locality == id).collect();
    ts.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    for t in ts {
        let portfolio = t.portfolio.as_ref().map(|p| format!(", {p}")).unwrap_or_default();
        rows.push(TimelineRow {
            lane: "term".into(),
            label: format!("{} ({}{portfolio})", kb.display_name(&t.person), t.office),
            from: t.when.start_year(),
            to: t.when.end_year(),
            leading: false,
            id: t.id.to_string(),
            source: cite(&t.citation),
        });
    }
    let mut ps: Vec<_> = kb.phases.iter().filter(|p| &p.locality == id).collect();
    ps.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    for p in ps {
        rows.push(TimelineRow {
            lane: "phase".into(),
            label: format!("phase: {}", p.label),
            from: p.when.start_year(),
            to: p.when.end_year(),
            leading: false,
            id: p.id.to_string(),
            source: cite(&p.citation),
        });
    }
    let country = kb.localities.iter().find(|l| &l.id == id).map(|l| l.country.clone());
    let mut es: Vec<_> = kb.events.iter().filter(|e| e.places.iter().any(|p| members.contains(p)) || e.actors.contains(id)).collect();
    es.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    for e in es {
        rows.push(TimelineRow {
            lane: "event".into(),
            label: format!("{} {}", e.when.from.map(|d| d.to_string()).unwrap_or_default(), e.title),
            from: e.when.start_year(),
            to: e.when.end_year().or(e.when.start_year()),
            leading: false,
            id: e.id.to_string(),
            source: cite(&e.citation),
        });
    }
    let _ = (country, IdKind::Locality);
    let years: Vec<i32> = rows.iter().flat_map(|r| [r.from, r.to]).flatten().collect();
    let first_year = years.iter().copied().min().unwrap_or(2000);
    let last_year = years.iter().copied().max().unwrap_or(2020).max(first_year);
    Timeline { id: id.to_string(), name: kb.display_name(id), first_year, last_year, rows }
}
