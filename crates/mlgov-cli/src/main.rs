//! `mlgov`: the command-line front of the observatory of the multilevel governance of migration.

mod cmd;
mod ctx;
mod output;

use clap::{Parser, Subcommand};
use ctx::{CliError, Ctx};
use std::path::PathBuf;

/// mlgov — a sourced, dated knowledge base and analyses of the multilevel governance of migration.
#[derive(Parser, Debug)]
#[command(name = "mlgov", version, about, long_about = None, after_help = "Exit codes: 0 ok, 1 usage error, 2 data or validation error, 3 other failure.")]
struct Cli {
    /// Database: a SQLite file or a postgres:// URL (knowledge base and accounts).
    #[arg(long, global = true, env = "MLGOV_DB", default_value = "mlgov.db")]
    db: PathBuf,
    /// Print JSON on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Read the knowledge base as it was recorded then: a date (2026-03-01, end of day UTC), a UTC
    /// time (2026-03-01T09:30:00Z) or a change set (cs:12). For commands that read; never writes.
    #[arg(long, global = true, value_name = "WHEN")]
    as_of: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create (or migrate) the database.
    Init,
    /// Load the bundled knowledge base into the database (replacing its content) and print an overview.
    Demo,
    /// Import a knowledge-base directory, CSV file or JSON file: everything or nothing.
    Import {
        path: PathBuf,
        /// Rows whose id is stored with other content become new versions of those records (the
        /// old versions stay in their history: `mlgov history ID`).
        #[arg(long)]
        update: bool,
        #[command(flatten)]
        csv: cmd::kb::CsvArgs,
    },
    /// Add one record, validated like an import: `mlgov add membership --network net:acm --member
    /// loc:turin --role member --from 2019 --source src:… --locator "Table 3"` (columns of
    /// docs/data-format.md; an id is made from the key fields when --id is not given).
    Add {
        /// Record kind: source, locality, network, organisation, person, event, membership, term,
        /// affiliation, relation, fact, phase, practice, adoption.
        kind: String,
        /// `--<column> <value>` pairs.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "--COLUMN VALUE")]
        fields: Vec<String>,
    },
    /// Correct a stored record: the given columns change, the old version stays in its history.
    /// `mlgov correct mem:turin-acm --to 2015 --source src:… --locator "p. 9"`.
    Correct {
        /// The record's id.
        id: String,
        /// `--<column> <value>` pairs (`--source` and `--locator`: what says so).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "--COLUMN VALUE")]
        fields: Vec<String>,
    },
    /// Every recorded version of a record: when, by whom, in which change set, and why it was closed.
    History {
        /// The record's id (loc:…, mem:…, fct:…).
        id: String,
    },
    /// Retract a stored record: it leaves the current base and stays in its history with the reason.
    Retract {
        /// The record's id.
        id: String,
        /// Why (name the source that says so, with its locator, where there is one).
        #[arg(long)]
        reason: String,
    },
    /// Check a directory or file without writing; lists every problem (exit 2 if any).
    Validate {
        path: PathBuf,
        #[command(flatten)]
        csv: cmd::kb::CsvArgs,
    },
    /// Export the whole knowledge base (csv, json), or its located localities (geojson).
    Export {
        /// Output directory (csv) or file (json, geojson; `-` for stdout).
        #[arg(long, short, default_value = "mlgov-export")]
        out: PathBuf,
        /// csv, json or geojson (points of the located, named localities, for QGIS and geopandas).
        #[arg(long, default_value = "csv")]
        format: String,
        /// geojson: only members of this network (name, acronym or id).
        #[arg(long)]
        network: Option<String>,
        /// geojson: only memberships running in this year.
        #[arg(long)]
        year: Option<i32>,
        /// geojson: only localities of this country (ISO 3166-1 alpha-2).
        #[arg(long)]
        country: Option<String>,
    },
    /// Match free-text place names (a CSV with a name column, or one name per line) to stored
    /// localities and GeoNames places: certain matches are linked, uncertain ones marked for review.
    Reconcile {
        /// The names: CSV with a `name` column (optional `country`), or one name per line.
        file: PathBuf,
        /// Restrict matching to this country (ISO 3166-1 alpha-2) where a row gives none.
        #[arg(long)]
        country: Option<String>,
        /// Results file (default: <file>.reconciled.csv; with --apply, <file>.links.csv).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// A results file you reviewed: checks every row and writes the links.
        #[arg(long)]
        apply: Option<PathBuf>,
        /// With --apply: write a batch of the linked GeoNames places not stored yet here, to import.
        #[arg(long)]
        new_localities: Option<PathBuf>,
        #[command(flatten)]
        csv: cmd::kb::CsvArgs,
    },
    /// Show one locality, network, organisation or person with sourced facts.
    Show {
        /// locality, network, organisation, person (or any).
        kind: String,
        /// Name, alias or id (accent-insensitive).
        name: String,
    },
    /// List records of a kind with filters.
    List {
        /// localities, networks, organisations, persons, memberships, terms, events, sources.
        kind: String,
        #[command(flatten)]
        filters: cmd::kb::ListFilters,
    },
    /// Search localities, networks, organisations and people (accent-insensitive).
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// A locality's memberships, roles, mayoral terms, phases and events by year (text Gantt).
    Timeline {
        locality: String,
        /// Also write an SVG Gantt chart to this file.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// Statements that disagree, each with its source.
    Conflicts,
    /// What a source supports, or where an entity's statements come from.
    Sources {
        /// A source's name or id — or `verify`: check every quoted locator against the texts.
        name: String,
        /// With `verify`: a folder holding the sources' files (`file` in sources.csv); without it only the bundled texts (files 000 and 001) are checked.
        #[arg(long)]
        texts: Option<PathBuf>,
    },
    /// Compare localities side by side (memberships with years, mode of internationalisation, mayors).
    Compare {
        #[arg(required = true, num_args = 2..)]
        localities: Vec<String>,
        /// Only the memberships of Table 3 of Caponio & Clément 2020 (the paper's table).
        #[arg(long)]
        table3: bool,
        /// Also write an SVG Gantt chart of all the localities to this file.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// The papers' tables rebuilt from the statements: without a name, the list; `000-table1`
    /// (population and foreign residents), `000-table2` (mayors), `000-table3` (memberships), or a
    /// Whole-COMM cross-tab (`003-outcome-by-size`, …).
    Tables {
        /// Which table (omit to list them).
        name: Option<String>,
    },
    /// Whole-COMM cross-tabs: outcome-by-size, outcome-by-typology, outcome-by-orientation or all.
    Crosstab {
        #[arg(default_value = "all")]
        name: String,
    },
    /// Country policy configurations (national / regional integration policies).
    Countries,
    /// Trajectory phases as the authors name and date them.
    Phases,
    /// The hypotheses of Lacroix, Furri & Hombert 2022 checked on the data.
    Hypotheses {
        /// H1: look-back window in years before a network's founding.
        #[arg(long, default_value_t = 5)]
        window: i32,
        /// H2: civil-society organisations needed for a "dense" ecosystem.
        #[arg(long, default_value_t = 2)]
        min_cso: usize,
    },
    /// A locality's participation by year, computed phases, and the phases the sources name.
    Trajectory {
        locality: String,
        /// Last year to consider for open memberships.
        #[arg(long, default_value_t = 2020)]
        until: i32,
        /// Only memberships citing this source (e.g. src:caponio-clement-2020).
        #[arg(long)]
        source: Option<String>,
        /// …with a locator starting with this (e.g. "Table 3").
        #[arg(long)]
        locator: Option<String>,
        /// Count every network, not only networks on migration (the paper's scope).
        #[arg(long)]
        all_networks: bool,
        /// Also count memberships dated from the authors' own phases (makes the agreement circular).
        #[arg(long)]
        include_phase_dated: bool,
    },
    /// Policy learning: a locality's learning profile.
    Learning {
        #[command(subcommand)]
        cmd: cmd::learning::LearningCommand,
    },
    /// Comparable localities, networks worth joining and bridging NGOs for a locality.
    Peers {
        locality: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Networks: overview, show, typology, assemblage.
    Networks {
        #[command(subcommand)]
        cmd: NetworksCommand,
    },
    /// Governance graph: centrality, communities, brokerage, export.
    Graph { #[command(subcommand)] cmd: cmd::graph::GraphCommand },
    /// Practice diffusion: Monte Carlo simulation (IC/LT) and what-if comparisons.
    Diffusion { #[command(subcommand)] cmd: cmd::diffusion::DiffusionCommand },
    /// Serve the web explorer and JSON API (prints the address; Ctrl-C stops).
    Serve(cmd::serve::ServeArgs),
    /// Print a shell completion script: `mlgov completions bash > ~/.local/share/bash-completion/completions/mlgov`
    /// (also zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `mlgov man > mlgov.1 && man ./mlgov.1`.
    Man,
    /// Interaction survey: import answers, analyses with bootstrap intervals, report, synthetic data.
    Survey { #[command(subcommand)] cmd: cmd::survey::SurveyCommand },
    /// Accounts of the shared server: add, list, remove.
    User { #[command(subcommand)] cmd: cmd::user::UserCommand },
    /// API tokens for scripts: issue, revoke, list.
    Token { #[command(subcommand)] cmd: cmd::user::TokenCommand },
}

#[derive(Subcommand, Debug)]
enum NetworksCommand {
    /// Counts by kind, scale, origin, focus, region and founding decade.
    Overview,
    /// One network: sponsored ↔ militant traits with evidence, and its assemblage.
    Show { name: String },
    /// Every network's position on the sponsored ↔ militant spectrum.
    Typology,
    /// Power assemblages: members and partners by actor type, side by side.
    Assemblage {
        #[arg(required = true)]
        networks: Vec<String>,
    },
}

fn run(cli: Cli) -> Result<(), CliError> {
    let as_of = match cli.as_of.as_deref().map(mlgov_store::AsOf::parse).transpose() {
        Ok(a) => a,
        Err(e) => return Err(CliError::Usage(format!("--as-of {e}"))),
    };
    let ctx = Ctx { db: cli.db, json: cli.json, as_of };
    match &cli.command {
        Command::Init => cmd::kb::init(&ctx),
        Command::Demo => cmd::kb::demo(&ctx),
        Command::Import { path, update, csv } => cmd::kb::import(&ctx, path, *update, csv),
        Command::History { id } => cmd::kb::history(&ctx, id),
        Command::Add { kind, fields } => cmd::edit::add(&ctx, kind, fields),
        Command::Correct { id, fields } => cmd::edit::correct(&ctx, id, fields),
        Command::Retract { id, reason } => cmd::kb::retract(&ctx, id, reason),
        Command::Validate { path, csv } => cmd::kb::validate(&ctx, path, csv),
        Command::Export { out, format, network, year, country } => {
            if format == "geojson" {
                cmd::places::export_geojson(&ctx, out, network.as_deref(), *year, country.as_deref())
            } else if network.is_some() || year.is_some() || country.is_some() {
                Err(CliError::Usage("--network, --year and --country apply to --format geojson only".into()))
            } else {
                cmd::kb::export(&ctx, out, format)
            }
        }
        Command::Reconcile { file, country, out, apply, new_localities, csv } => cmd::places::reconcile(&ctx, file, country.as_deref(), out.as_deref(), apply.as_deref(), new_localities.as_deref(), csv),
        Command::Show { kind, name } => cmd::kb::show(&ctx, kind, name),
        Command::List { kind, filters } => cmd::kb::list(&ctx, kind, filters),
        Command::Search { query, limit } => cmd::kb::search(&ctx, query, *limit),
        Command::Timeline { locality, svg } => cmd::kb::timeline(&ctx, locality, svg.as_deref()),
        Command::Conflicts => cmd::kb::conflicts(&ctx),
        Command::Sources { name, texts } => match (name.as_str(), texts) {
            ("verify", dir) => cmd::kb::verify_quotes(&ctx, dir.as_deref()),
            (_, Some(_)) => Err(CliError::Usage("--texts goes with `mlgov sources verify`".into())),
            _ => cmd::kb::sources(&ctx, name),
        },
        Command::Compare { localities, table3, svg } => cmd::tables::compare(&ctx, localities, *table3, svg.as_deref()),
        Command::Crosstab { name } => cmd::tables::crosstab(&ctx, name),
        Command::Tables { name } => cmd::tables::tables(&ctx, name.as_deref()),
        Command::Countries => cmd::tables::countries(&ctx),
        Command::Phases => cmd::tables::phases(&ctx),
        Command::Graph { cmd } => cmd::graph::run(cmd, &ctx),
        Command::Diffusion { cmd } => cmd::diffusion::run(cmd, &ctx),
        Command::Serve(args) => cmd::serve::run(args, &ctx),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(*shell, &mut Cli::command(), "mlgov", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()).map_err(|e| CliError::Other(anyhow::anyhow!(e)))
        }
        Command::Survey { cmd } => cmd::survey::run(cmd, &ctx),
        Command::User { cmd } => cmd::user::run(cmd, &ctx),
        Command::Token { cmd } => cmd::user::run_token(cmd, &ctx),
        Command::Hypotheses { window, min_cso } => cmd::networks::hypotheses_cmd(&ctx, *window, *min_cso),
        Command::Trajectory { locality, until, source, locator, all_networks, include_phase_dated } => cmd::networks::trajectory_cmd(&ctx, locality, *until, mlgov_analysis::trajectory::MembershipFilter { source: source.clone(), locator: locator.clone(), all_networks: *all_networks, include_phase_dated: *include_phase_dated }),
        Command::Learning { cmd } => cmd::learning::run(cmd, &ctx),
        Command::Peers { locality, limit } => cmd::learning::peers(&ctx, locality, *limit),
        Command::Networks { cmd } => match cmd {
            NetworksCommand::Overview => cmd::tables::networks_overview(&ctx),
            NetworksCommand::Show { name } => cmd::networks::show(&ctx, name),
            NetworksCommand::Typology => cmd::networks::typology_all(&ctx),
            NetworksCommand::Assemblage { networks } => cmd::networks::assemblages(&ctx, networks),
        },
    }
}

/// A closed pipe (`mlgov graph export | head`) ends the program quietly with exit 0, as other
/// Unix tools do, instead of a panic message: writing to stdout fails only because the reader
/// has gone.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload.downcast_ref::<String>().map(String::as_str).or_else(|| payload.downcast_ref::<&str>().copied()).unwrap_or("");
        if msg.contains("Broken pipe") || msg.contains("failed printing to stdout") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() {
    quiet_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let json = cli.json;
    if let Err(e) = run(cli) {
        let code = e.exit_code();
        match e {
            CliError::Diagnostics(ds) => {
                if json {
                    println!("{}", serde_json::to_string_pretty(&serde_json::json!({"error": "invalid input", "problems": ds})).unwrap());
                }
                for d in &ds {
                    eprintln!("error: {d}");
                }
                eprintln!("{} problem(s); nothing was written", ds.len());
            }
            CliError::Usage(m) | CliError::Data(m) => {
                if json {
                    println!("{}", serde_json::json!({"error": m}));
                }
                eprintln!("error: {m}");
            }
            CliError::Other(e) => {
                if json {
                    println!("{}", serde_json::json!({"error": format!("{e:#}")}));
                }
                eprintln!("error: {e:#}");
            }
        }
        std::process::exit(code);
    }
}
