//! Policy-learning commands: `mlgov learning profile <locality>` and `mlgov peers <locality>`.

use crate::ctx::{CliError, Ctx};
use crate::output::table;
use mlgov_analysis::learning;
use mlgov_domain::IdKind;

/// `mlgov learning …` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum LearningCommand {
    /// A locality's ties, enabling factors and NGO bridges, each with its basis and source.
    #[command(after_help = "\
Examples:
  mlgov learning profile Turin --year 2018
  # a Whole-COMM locality (anonymised by the study), with the factors a stored survey gives
  # (here the synthetic one of `mlgov survey synth`)
  mlgov learning profile loc:wc-at-lower-austria-small --survey synthetic")]
    Profile {
        /// The locality: name, alias or id, accent-insensitive (`Turin`, `loc:wc-be-flanders-small`).
        locality: String,
        /// Year the ties are read at (memberships and relations in force that year).
        #[arg(long, default_value_t = 2021)]
        year: i32,
        /// Use this imported survey (mlgov survey import / synth) for survey-based factors.
        #[arg(long)]
        survey: Option<String>,
    },
}

fn items(title: &str, v: &[learning::Item]) -> String {
    if v.is_empty() {
        return format!("{title}: none recorded\n");
    }
    let rows: Vec<Vec<String>> =
        v.iter().map(|i| vec![i.name.clone(), i.detail.clone(), i.source.clone()]).collect();
    format!("{title}\n{}", table(&["", "what", "source"], &rows))
}

/// Runs a learning subcommand.
pub fn run(cmd: &LearningCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        LearningCommand::Profile { locality, year, survey } => {
            let kb = ctx.load_kb()?;
            let id = ctx.resolve(&kb, locality, &[IdKind::Locality])?;
            let loaded = match survey {
                Some(name) => Some((name.clone(), crate::cmd::survey::load_survey(ctx, name)?)),
                None => None,
            };
            let input = loaded.as_ref().map(|(n, l)| learning::SurveyInput {
                name: n,
                dataset: &l.ds,
                instrument: &l.ins,
            });
            let p = learning::profile(&kb, &id, *year, input.as_ref());
            ctx.emit(&serde_json::to_value(&p)?, || {
                let a = &p.attributes;
                let mut out = format!("Learning profile of {} ({}) in {year}\n", p.name, p.id);
                out.push_str(&format!("size {} · typology {} · orientation {} · policy outcome {} · country {}\n\n",
                    a.size_class.as_deref().unwrap_or("unknown"), a.typology.as_deref().unwrap_or("unknown"), a.orientation.as_deref().unwrap_or("unknown"), a.policy_outcome.as_deref().unwrap_or("unknown"), a.country));
                out.push_str(&items("Networks", &p.networks));
                out.push_str(&items("International (continental/global) networks", &p.international));
                if p.only_domestic_networks {
                    out.push_str("All its networks are national or subnational.\n");
                }
                out.push_str(&items("Vertical ties (regional, national, EU, international bodies)", &p.vertical));
                out.push_str(&items("Horizontal ties (NGOs, civil society)", &p.horizontal));
                out.push_str(&items("Peer localities sharing a network", &p.peer_localities));
                out.push_str(&items("NGO bridges", &p.ngo_bridges));
                let rows: Vec<Vec<String>> = p.enabling.iter().map(|f| vec![f.name.clone(), f.value.clone(), f.basis.clone(), f.source.clone(), f.group_evidence.join(", ")]).collect();
                out.push_str(&format!("Enabling factors (file 004)\n{}", table(&["factor", "value", "basis", "source", "studies' findings for its class"], &rows)));
                if !p.findings.is_empty() {
                    out.push_str(&format!("\nWhat the studies found for localities like {} (group-level evidence, not an observation of it)\n", p.name));
                    for g in &p.findings {
                        out.push_str(&format!("- [{}] {} — applies because: {}; {} ({})\n", g.topic.replace('_', " "), g.finding, g.applies_because, g.source, g.id));
                    }
                }
                if let Some(s) = &p.survey {
                    let rows: Vec<Vec<String>> = s.mean_frequency_by_class.iter().map(|(k, (m, n))| vec![k.clone(), format!("{m:.2}"), n.to_string()]).collect();
                    out.push_str(&format!("\nSurvey '{}'{} — {} respondents, {}\n{}", s.survey, if s.synthetic { " [SYNTHETIC]" } else { "" }, s.respondents, s.period, table(&["interactions with", "mean frequency 0–5", "answers"], &rows)));
                }
                for n in &p.notes {
                    out.push_str(&format!("\nNote: {n}"));
                }
                out.push('\n');
                out
            });
            Ok(())
        }
    }
}

/// `mlgov peers <locality>`: comparable localities, networks worth joining, bridging NGOs.
pub fn peers(ctx: &Ctx, locality: &str, limit: usize) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let id = ctx.resolve(&kb, locality, &[IdKind::Locality])?;
    let p = learning::peers(&kb, &id, limit);
    ctx.emit(&serde_json::to_value(&p)?, || {
        let mut out = format!(
            "Peers for {} (weights: {})\n",
            p.name,
            p.weights.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
        );
        let rows: Vec<Vec<String>> = p
            .peers
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.score.to_string(),
                    s.matched.join("; "),
                    s.practices.join("; "),
                ]
            })
            .collect();
        out.push_str(&table(
            &["comparable locality", "score", "matched", "practices adopted"],
            &rows,
        ));
        let rows: Vec<Vec<String>> = p
            .networks
            .iter()
            .map(|n| vec![n.name.clone(), n.score.to_string(), n.comparable_members.join(", ")])
            .collect();
        out.push_str(&format!(
            "\nNetworks worth joining (members like it)\n{}",
            table(&["network", "score", "comparable members"], &rows)
        ));
        let rows: Vec<Vec<String>> =
            p.ngos.iter().map(|n| vec![n.name.clone(), n.reaches.join(", ")]).collect();
        out.push_str(&format!("\nBridging NGOs\n{}", table(&["organisation", "tied to"], &rows)));
        out
    });
    Ok(())
}
