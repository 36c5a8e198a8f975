//! `mlgov`: the command-line front of the observatory of the multilevel governance of migration.
//!
//! ## Design
//!
//! The `mlgov` binary (clap). `build.rs` embeds `data/kb` so `mlgov demo` works anywhere. One
//! module per command group in `src/cmd/`; `ctx.rs` holds the global options, name resolution and
//! the exit-code mapping (0 ok, 1 usage, 2 data — a name not found, an analysis the survey's
//! instrument cannot answer, a missing database —, 3 other: database failures, kept whole with
//! their source chain); `output.rs` renders tables within 100 columns and text Gantt charts,
//! escapes what reaches the terminal (`terminal`: every human output and error message, so the
//! data's control characters never drive it; JSON stays exact) and bounds lists of problems
//! (`problem_list`: the first 100, then a count; `--json` carries all); `progress.rs` draws
//! progress in phases on stderr (spinners, counted bars: the reader's `ReadStep`s,
//! `analyze_all_progress`, Monte Carlo runs), never with `--json` or when stderr is not a terminal.
//! Every argument has a description and every leaf command an "Examples:" block in its `--help`; a
//! unit test walks the clap tree for both and an integration test runs every example against the
//! bundled base. Knowledge-base edits: `import` (whole base into an empty store, batch into a
//! stored one, `--update`), `add`/`correct` (`cmd/edit.rs`: one record through the same reader and
//! plan), `retract`, `history`; the global `--as-of` makes `Ctx::load_kb` read the past for every
//! reading command (`Ctx::store_create` refuses it); changes are recorded as `cli:<login>`.
//!
//! *Invariant:* the only crate that prints results; it formats what the libraries return (the
//! server writes only warnings and its logs to stderr, and so does the PostgreSQL change listener
//! it runs; other libraries print nothing).

mod cmd;
mod ctx;
mod output;
mod progress;

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
    /// Also write the tables of the command's output to an XLSX workbook (one sheet per table,
    /// a README sheet naming the command): `mlgov list memberships --year 2010 --xlsx m.xlsx`.
    #[arg(long, global = true, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create (or migrate) the database.
    #[command(after_help = "\
Examples:
  # create the database --db names (mlgov.db by default), or bring an older one up to date
  mlgov init")]
    Init,
    /// Load the bundled knowledge base into the database (replacing its content) and print an overview.
    #[command(after_help = "\
Examples:
  # the statements of the bundled studies, to try every other command on
  mlgov demo")]
    Demo,
    /// Import a knowledge-base directory, CSV file or JSON file: everything or nothing.
    #[command(after_help = "\
Examples:
  # a folder of new statements: CSV files named as in docs/data-format.md (sources.csv, facts.csv, …)
  mlgov import new-batch
  # the same folder after correcting a row: changed rows become new versions of their records
  mlgov import new-batch --update")]
    Import {
        /// What to read: a folder of CSV files named after their tables (sources.csv,
        /// localities.csv, memberships.csv, … as docs/data-format.md describes), one such CSV
        /// file, or a JSON file written by `mlgov export --format json`. Into an empty database
        /// it must be a whole valid base; into a stored one it is a batch whose ids may refer to
        /// stored records.
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
    #[command(after_help = "\
Examples:
  # your own source first, then a statement that cites it
  mlgov add source --id src:fieldwork-2024 --short \"Fieldwork 2024\" --title \"Interviews in Palermo\" --kind other
  mlgov add membership --network net:eurocities --member loc:palermo --role member --from 2019 --source src:fieldwork-2024 --locator \"interview 3\"")]
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
    #[command(after_help = "\
Examples:
  # a membership's note and the place in the source that supports it
  mlgov correct mem:turin-clip --note \"years as in Table 3\" --source src:caponio-clement-2020 --locator \"Table 3\"
  # the old version stays in the record's history
  mlgov history mem:turin-clip")]
    Correct {
        /// The record's id, with its prefix (`mem:turin-clip`, `fct:…`, `loc:turin`; `mlgov list`
        /// and `mlgov show` print them).
        id: String,
        /// `--<column> <value>` pairs (`--source` and `--locator`: what says so).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "--COLUMN VALUE")]
        fields: Vec<String>,
    },
    /// Every recorded version of a record: when, by whom, in which change set, and why it was closed.
    #[command(after_help = "\
Examples:
  mlgov history loc:turin
  mlgov history mem:turin-clip --json")]
    History {
        /// The record's id, with its prefix (`loc:turin`, `mem:turin-clip`, `fct:…`); retracted
        /// records keep theirs.
        id: String,
    },
    /// Retract a stored record: it leaves the current base and stays in its history with the reason.
    #[command(after_help = "\
Examples:
  # a membership the sources do not support after all (nothing may still refer to it)
  mlgov retract mem:turin-clip --reason \"not in Table 3 of Caponio & Clément 2020\"")]
    Retract {
        /// The record's id, with its prefix (`mem:turin-clip`, `fct:…`).
        id: String,
        /// Why, in words kept with the closed version (name the source that says so, with its
        /// locator, where there is one).
        #[arg(long)]
        reason: String,
    },
    /// Check a directory or file without writing; lists every problem (exit 2 if any).
    #[command(after_help = "\
Examples:
  # a folder of new statements, checked against the stored base (nothing is written)
  mlgov validate new-batch
  # a copy of the whole base
  mlgov export --out kb
  mlgov validate kb --json")]
    Validate {
        /// What to check: a folder of CSV files named after their tables (docs/data-format.md),
        /// one such CSV file, or a JSON file of `mlgov export --format json`; ids it refers to
        /// may be stored ones.
        path: PathBuf,
        #[command(flatten)]
        csv: cmd::kb::CsvArgs,
    },
    /// Export the whole knowledge base (csv, json, xlsx, parquet), its sources (bibtex, csl-json)
    /// or its located localities (geojson).
    #[command(after_help = "\
Examples:
  mlgov export --out kb-csv                                  # importable CSV files
  mlgov export --format xlsx --out kb.xlsx                   # one sheet per record type
  mlgov export --format parquet --out kb-parquet             # for pandas, R's arrow, polars
  mlgov export --format bibtex --out sources.bib             # the sources for Zotero or LaTeX
  mlgov export --format csl-json --out -                     # the sources for Pandoc, on stdout
  mlgov export --format geojson --network eurocities --year 2010 --out members.geojson")]
    Export {
        /// Output directory (csv, parquet: one file per record type) or file (json, xlsx, bibtex,
        /// csl-json, geojson; `-` for stdout, except xlsx).
        #[arg(long, short, default_value = "mlgov-export")]
        out: PathBuf,
        /// csv (the importable interchange format), json, xlsx (one sheet per record type and a
        /// README sheet), parquet (typed columns, dates as dates), bibtex or csl-json (the
        /// sources, for Zotero, Pandoc or LaTeX), or geojson (points of the located, named
        /// localities, for QGIS and geopandas).
        #[arg(long, default_value = "csv")]
        format: String,
        /// csv, xlsx: cells exactly as stored. By default a cell a spreadsheet would read as a
        /// formula (=, +, -, @, tab, CR) is marked as text (a leading apostrophe in CSV, which
        /// `mlgov import` removes; Excel's quote prefix in XLSX).
        #[arg(long)]
        raw: bool,
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
    #[command(after_help = "\
Examples:
  # one place name per line; the results (to review) go to names.reconciled.csv
  mlgov reconcile names.txt --country IT
  # after reviewing them: the links, and the GeoNames places not stored yet as a batch to import
  mlgov reconcile names.txt --apply names.reconciled.csv --new-localities new-places
  mlgov import new-places")]
    Reconcile {
        /// The names: CSV with a `name` column (optional `country`), or one name per line.
        file: PathBuf,
        /// Restrict matching to this country (ISO 3166-1 alpha-2: IT, FR, ES…) where a row gives none.
        #[arg(long)]
        country: Option<String>,
        /// Results file (default: <stem>.reconciled.csv beside FILE; with --apply, <stem>.links.csv).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// A results file you reviewed (every `review` row decided): checks every row and writes the links.
        #[arg(long)]
        apply: Option<PathBuf>,
        /// With --apply: write a batch of the linked GeoNames places not stored yet here, to import.
        #[arg(long)]
        new_localities: Option<PathBuf>,
        #[command(flatten)]
        csv: cmd::kb::CsvArgs,
    },
    /// Show one locality, network, organisation or person with sourced facts.
    #[command(after_help = "\
Examples:
  mlgov show locality \"saint etienne\"
  mlgov show network ECCAR
  mlgov show any \"Ada Colau\" --json")]
    Show {
        /// locality, network, organisation, person (or any).
        kind: String,
        /// Name, alias or id (accent-insensitive).
        name: String,
    },
    /// List records of a kind with filters.
    #[command(after_help = "\
Examples:
  mlgov list localities --country IT
  mlgov list networks --scale national
  mlgov list memberships --year 2015 --json")]
    List {
        /// localities, networks, organisations, persons, memberships, terms, events, sources.
        kind: String,
        #[command(flatten)]
        filters: cmd::kb::ListFilters,
    },
    /// Search localities, networks, organisations and people (accent-insensitive).
    #[command(after_help = "\
Examples:
  mlgov search torino
  mlgov search \"st etienne\" --limit 5")]
    Search {
        /// Words of a name, alias, acronym or id; case- and accent-insensitive, a typo or two
        /// forgiven (`torino`, `st etienne`, `eurocites`).
        query: String,
        /// Most results shown.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// A locality's memberships, roles, mayoral terms, phases and events by year (text Gantt).
    #[command(after_help = "\
Examples:
  mlgov timeline Turin
  mlgov timeline \"saint etienne\" --svg saint-etienne.svg
  # the same chart for a paper (PDF) or a slide (PNG)
  mlgov timeline \"saint etienne\" --figure saint-etienne.pdf")]
    Timeline {
        /// The locality: name, alias or id, accent-insensitive (`Turin`, `Torino`, `loc:turin`).
        locality: String,
        /// Also write the Gantt chart to this file: SVG, PNG or PDF by its extension (.svg, .png,
        /// .pdf); `--svg` is the older name.
        #[arg(long = "figure", visible_alias = "svg", value_name = "FILE")]
        svg: Option<PathBuf>,
    },
    /// Statements that disagree, each with its source.
    #[command(after_help = "\
Examples:
  mlgov conflicts
  mlgov conflicts --json")]
    Conflicts,
    /// What a source supports, or where an entity's statements come from.
    #[command(after_help = "\
Examples:
  # what a study supports
  mlgov sources \"Caponio & Clément 2020\"
  # where the statements about a locality come from
  mlgov sources Turin
  # every quoted locator checked against the bundled texts
  mlgov sources verify")]
    Sources {
        /// A source's short citation or id (`"Caponio & Clément 2020"`, `src:lacroix-2021`), an
        /// entity's name or id (where its statements come from) — or `verify`: check every quoted
        /// locator against the texts.
        name: String,
        /// With `verify`: a folder holding the sources' files (`file` in sources.csv); without it only the bundled texts (files 000 and 001) are checked.
        #[arg(long)]
        texts: Option<PathBuf>,
    },
    /// Compare localities side by side (memberships with years, mode of internationalisation, mayors).
    #[command(after_help = "\
Examples:
  # Table 3 of Caponio & Clément 2020, rebuilt from the statements
  mlgov compare Turin Saint-Etienne --table3
  mlgov compare Turin Saint-Etienne Palermo --svg three-cities.svg
  mlgov compare Turin Saint-Etienne --figure two-cities.png")]
    Compare {
        /// Two or more localities: names, aliases or ids, accent-insensitive (`Turin`,
        /// `Saint-Etienne`, `loc:palermo`).
        #[arg(required = true, num_args = 2..)]
        localities: Vec<String>,
        /// Only the memberships of Table 3 of Caponio & Clément 2020 (the paper's table).
        #[arg(long)]
        table3: bool,
        /// Also write a Gantt chart of all the localities to this file: SVG, PNG or PDF by its
        /// extension (.svg, .png, .pdf); `--svg` is the older name.
        #[arg(long = "figure", visible_alias = "svg", value_name = "FILE")]
        svg: Option<PathBuf>,
    },
    /// The papers' tables rebuilt from the statements: without a name, the list; `000-table1`
    /// (population and foreign residents), `000-table2` (mayors), `000-table3` (memberships), or a
    /// Whole-COMM cross-tab (`003-outcome-by-size`, …).
    #[command(after_help = "\
Examples:
  mlgov tables
  mlgov tables 000-table3
  mlgov tables 003-outcome-by-size --json")]
    Tables {
        /// Which table: `000-table1`, `000-table2`, `000-table3`, `003-outcome-by-size`, … (omit
        /// to list them).
        name: Option<String>,
    },
    /// Whole-COMM cross-tabs: outcome-by-size, outcome-by-typology, outcome-by-orientation or all.
    #[command(after_help = "\
Examples:
  mlgov crosstab
  mlgov crosstab outcome-by-size --json")]
    Crosstab {
        /// Which cross-tab of Schiller et al. 2023: outcome-by-size, outcome-by-typology,
        /// outcome-by-orientation, or all of them.
        #[arg(default_value = "all")]
        name: String,
    },
    /// Country policy configurations (national / regional integration policies).
    #[command(after_help = "\
Examples:
  mlgov countries
  mlgov countries --json")]
    Countries,
    /// Trajectory phases as the authors name and date them.
    #[command(after_help = "\
Examples:
  mlgov phases")]
    Phases,
    /// The hypotheses of Lacroix, Furri & Hombert 2022 checked on the data.
    #[command(after_help = "\
Examples:
  mlgov hypotheses
  # a stricter reading: three years before the founding, three civil-society organisations
  mlgov hypotheses --window 3 --min-cso 3")]
    Hypotheses {
        /// H1: look-back window in years before a network's founding.
        #[arg(long, default_value_t = 5)]
        window: i32,
        /// H2: civil-society organisations needed for a "dense" ecosystem.
        #[arg(long, default_value_t = 2)]
        min_cso: usize,
    },
    /// A locality's participation by year, computed phases, and the phases the sources name.
    #[command(after_help = "\
Examples:
  mlgov trajectory Turin
  # only the memberships of the paper's Table 3
  mlgov trajectory Turin --source src:caponio-clement-2020 --locator \"Table 3\"")]
    Trajectory {
        /// The locality: name, alias or id, accent-insensitive (`Turin`, `loc:saint-etienne`).
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
    #[command(after_help = "\
Examples:
  mlgov peers Turin
  mlgov peers \"saint etienne\" --limit 5 --json")]
    Peers {
        /// The locality: name, alias or id, accent-insensitive (`Turin`, `loc:saint-etienne`).
        locality: String,
        /// Most rows in each list (peers, networks, NGOs).
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Networks: overview, show, typology, assemblage.
    Networks {
        #[command(subcommand)]
        cmd: NetworksCommand,
    },
    /// Governance graph: centrality, communities, brokerage, export.
    Graph {
        #[command(subcommand)]
        cmd: cmd::graph::GraphCommand,
    },
    /// Practice diffusion: Monte Carlo simulation (IC/LT) and what-if comparisons.
    Diffusion {
        #[command(subcommand)]
        cmd: cmd::diffusion::DiffusionCommand,
    },
    /// A citable release of the public base in a folder: a Frictionless Data Package
    /// (datapackage.json, the CSV tables with their schemas), Parquet files, an XLSX workbook,
    /// the sources as BibTeX and CSL-JSON, CITATION.cff, Zenodo metadata (.zenodo.json), a
    /// README, and the published survey releases (never raw answers).
    #[command(after_help = "\
Examples:
  mlgov release --out release-2026-12
  mlgov release --out release --version 1.0.0 --author \"Tiziana Caponio\" --author \"mlgov contributors\" --zip
  # check it with the Frictionless tools: pip install frictionless && frictionless validate release/datapackage.json")]
    Release(cmd::release::ReleaseArgs),
    /// Serve the web explorer and JSON API (prints the address; Ctrl-C stops).
    #[command(after_help = "\
Examples:
  # the explorer at http://127.0.0.1:8080/
  mlgov serve
  # on every interface, with the texts of the sources that are not bundled
  mlgov serve --addr 0.0.0.0:8080 --texts sources-texts
  # JSON log lines appended to a file, every request logged
  mlgov serve --log-format json --log-level debug --log-file mlgov-serve.log

Environment:
  MLGOV_TEXTS                 the same as --texts
  MLGOV_TRUST_FORWARDED_FOR   1/true/yes/on: take the client's address for login limits from
                              X-Forwarded-For (only behind a proxy or load balancer that replaces
                              that header; several servers on one PostgreSQL: docs/deploy.md)
  MLGOV_LOG_FORMAT            the same as --log-format
  MLGOV_LOG                   the same as --log-level
  MLGOV_LOG_FILE              the same as --log-file

Errors and logs:
  Every response carries an X-Request-Id header: the request's own X-Request-Id when it is 1-128
  characters of A-Z a-z 0-9 - _ . :, else a fresh id. Every error of the API (and of any request
  that sent or asked for JSON) has the body
    {\"error\": {\"code\", \"message\", \"fields\": [{\"field\", \"message\"}], \"request_id\"}}
  and HTML pages answer errors with an HTML page. Every server error (5xx) is logged at ERROR, to
  stderr unless --log-file, with request_id, method, path, status and the error; a server error's
  body says only \"internal error\": find its cause in the log by its request id.
  Every response carries Content-Security-Policy (no inline script or style, never framed),
  X-Frame-Options: DENY, X-Content-Type-Options: nosniff and a strict Referrer-Policy.")]
    Serve(cmd::serve::ServeArgs),
    /// Print a shell completion script: `mlgov completions bash > ~/.local/share/bash-completion/completions/mlgov`
    /// (also zsh, fish, elvish, powershell).
    #[command(after_help = "\
Examples:
  mlgov completions bash > mlgov.bash
  # zsh: put _mlgov in a folder of $fpath
  mlgov completions zsh > _mlgov")]
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `mlgov man > mlgov.1 && man ./mlgov.1`.
    #[command(after_help = "\
Examples:
  mlgov man > mlgov.1")]
    Man,
    /// Interaction survey: import answers, analyses with bootstrap intervals, report, synthetic data.
    Survey {
        #[command(subcommand)]
        cmd: cmd::survey::SurveyCommand,
    },
    /// Accounts of the shared server: add, list, set a password, remove.
    User {
        #[command(subcommand)]
        cmd: cmd::user::UserCommand,
    },
    /// API tokens for scripts: issue, revoke, list.
    Token {
        #[command(subcommand)]
        cmd: cmd::user::TokenCommand,
    },
}

#[derive(Subcommand, Debug)]
enum NetworksCommand {
    /// Counts by kind, scale, origin, focus, region and founding decade.
    #[command(after_help = "\
Examples:
  mlgov networks overview
  mlgov networks overview --json")]
    Overview,
    /// One network: sponsored ↔ militant traits with evidence, and its assemblage.
    #[command(after_help = "\
Examples:
  mlgov networks show Eurocities
  mlgov networks show ECCAR --json")]
    Show {
        /// The network: name, acronym, alias or id, accent-insensitive (`Eurocities`, `ECCAR`,
        /// `net:anvita`).
        name: String,
    },
    /// Every network's position on the sponsored ↔ militant spectrum.
    #[command(after_help = "\
Examples:
  mlgov networks typology")]
    Typology,
    /// Power assemblages: members and partners by actor type, side by side.
    #[command(after_help = "\
Examples:
  mlgov networks assemblage Eurocities ANVITA
  mlgov networks assemblage \"Ciudades Refugio\" --json")]
    Assemblage {
        /// One or more networks: names, acronyms, aliases or ids (`Eurocities`, `ANVITA`, `net:eccar`).
        #[arg(required = true)]
        networks: Vec<String>,
    },
}

fn run(cli: Cli) -> Result<(), CliError> {
    let as_of = match cli.as_of.as_deref().map(mlgov_store::AsOf::parse).transpose() {
        Ok(a) => a,
        Err(e) => return Err(CliError::Usage(format!("--as-of {e}"))),
    };
    let ctx = Ctx {
        db: cli.db.clone(),
        json: cli.json,
        as_of,
        xlsx: cli.xlsx.clone(),
        xlsx_written: Default::default(),
    };
    let result = run_command(&cli, &ctx);
    if result.is_ok() && ctx.xlsx.is_some() {
        match ctx.xlsx_written.borrow_mut().take() {
            Some(Ok(_)) => {}
            Some(Err(m)) => return Err(CliError::Usage(format!("--xlsx: {m}"))),
            None => return Err(CliError::Usage("--xlsx: this command writes no table".into())),
        }
    }
    result
}

// Long because it is one match: each command to the function that runs it.
fn run_command(cli: &Cli, ctx: &Ctx) -> Result<(), CliError> {
    match &cli.command {
        Command::Init => cmd::kb::init(ctx),
        Command::Demo => cmd::kb::demo(ctx),
        Command::Import { path, update, csv } => cmd::kb::import(ctx, path, *update, csv),
        Command::History { id } => cmd::kb::history(ctx, id),
        Command::Add { kind, fields } => cmd::edit::add(ctx, kind, fields),
        Command::Correct { id, fields } => cmd::edit::correct(ctx, id, fields),
        Command::Retract { id, reason } => cmd::kb::retract(ctx, id, reason),
        Command::Validate { path, csv } => cmd::kb::validate(ctx, path, csv),
        Command::Export { out, format, raw, network, year, country } => {
            if format == "geojson" {
                cmd::places::export_geojson(ctx, out, network.as_deref(), *year, country.as_deref())
            } else if network.is_some() || year.is_some() || country.is_some() {
                Err(CliError::Usage(
                    "--network, --year and --country apply to --format geojson only".into(),
                ))
            } else {
                cmd::kb::export(ctx, out, format, *raw)
            }
        }
        Command::Reconcile { file, country, out, apply, new_localities, csv } => {
            cmd::places::reconcile(
                ctx,
                file,
                country.as_deref(),
                out.as_deref(),
                apply.as_deref(),
                new_localities.as_deref(),
                csv,
            )
        }
        Command::Show { kind, name } => cmd::kb::show(ctx, kind, name),
        Command::List { kind, filters } => cmd::kb::list(ctx, kind, filters),
        Command::Search { query, limit } => cmd::kb::search(ctx, query, *limit),
        Command::Timeline { locality, svg } => cmd::kb::timeline(ctx, locality, svg.as_deref()),
        Command::Conflicts => cmd::kb::conflicts(ctx),
        Command::Sources { name, texts } => match (name.as_str(), texts) {
            ("verify", dir) => cmd::kb::verify_quotes(ctx, dir.as_deref()),
            (_, Some(_)) => Err(CliError::Usage("--texts goes with `mlgov sources verify`".into())),
            _ => cmd::kb::sources(ctx, name),
        },
        Command::Compare { localities, table3, svg } => {
            cmd::tables::compare(ctx, localities, *table3, svg.as_deref())
        }
        Command::Crosstab { name } => cmd::tables::crosstab(ctx, name),
        Command::Tables { name } => cmd::tables::tables(ctx, name.as_deref()),
        Command::Countries => cmd::tables::countries(ctx),
        Command::Phases => cmd::tables::phases(ctx),
        Command::Graph { cmd } => cmd::graph::run(cmd, ctx),
        Command::Diffusion { cmd } => cmd::diffusion::run(cmd, ctx),
        Command::Release(args) => cmd::release::run(args, ctx),
        Command::Serve(args) => cmd::serve::run(args, ctx),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(*shell, &mut Cli::command(), "mlgov", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map_err(|e| CliError::Other(anyhow::anyhow!(e)))
        }
        Command::Survey { cmd } => cmd::survey::run(cmd, ctx),
        Command::User { cmd } => cmd::user::run(cmd, ctx),
        Command::Token { cmd } => cmd::user::run_token(cmd, ctx),
        Command::Hypotheses { window, min_cso } => {
            cmd::networks::hypotheses_cmd(ctx, *window, *min_cso)
        }
        Command::Trajectory {
            locality,
            until,
            source,
            locator,
            all_networks,
            include_phase_dated,
        } => cmd::networks::trajectory_cmd(
            ctx,
            locality,
            *until,
            mlgov_analysis::trajectory::MembershipFilter {
                source: source.clone(),
                locator: locator.clone(),
                all_networks: *all_networks,
                include_phase_dated: *include_phase_dated,
            },
        ),
        Command::Learning { cmd } => cmd::learning::run(cmd, ctx),
        Command::Peers { locality, limit } => cmd::learning::peers(ctx, locality, *limit),
        Command::Networks { cmd } => match cmd {
            NetworksCommand::Overview => cmd::tables::networks_overview(ctx),
            NetworksCommand::Show { name } => cmd::networks::show(ctx, name),
            NetworksCommand::Typology => cmd::networks::typology_all(ctx),
            NetworksCommand::Assemblage { networks } => cmd::networks::assemblages(ctx, networks),
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
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
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
        report(&e, json);
        std::process::exit(code);
    }
}

/// Prints why a command failed: on stderr for a person — a list of problems bounded by
/// [`output::problem_list`], every message escaped by [`output::terminal`] — and with `--json`
/// also on stdout, every problem included.
fn report(e: &CliError, json: bool) {
    let problems = |kept: Vec<serde_json::Value>, count: usize, lines: Vec<String>, hint: &str| {
        if json {
            let mut v =
                serde_json::json!({"error": "invalid input", "count": count, "problems": kept});
            if !hint.is_empty() {
                v["hint"] = hint.into();
            }
            println!("{}", serde_json::to_string_pretty(&v).unwrap());
        }
        eprint!("{}", output::terminal(&output::problem_list(lines, count)));
        eprintln!("{} problem(s); nothing was written", progress::HumanCount(count as u64));
        if !hint.is_empty() {
            eprintln!("{}", output::terminal(hint));
        }
    };
    match e {
        CliError::Diagnostics(ds) => {
            let kept = ds.iter().map(|d| serde_json::to_value(d).unwrap()).collect();
            problems(kept, ds.len(), ds.iter().map(|d| format!("error: {d}")).collect(), "");
        }
        CliError::SurveyInput(errors, hint) => {
            let kept = errors
                .0
                .iter()
                .map(|x| {
                    serde_json::to_value(mlgov_interchange::Diagnostic {
                        file: x.file.clone(),
                        line: (x.row > 0).then_some(x.row as u64),
                        field: x.column.clone(),
                        message: x.kind.to_string(),
                    })
                    .unwrap()
                })
                .collect();
            problems(
                kept,
                errors.total(),
                errors.0.iter().map(|x| format!("error: {x}")).collect(),
                hint,
            );
        }
        CliError::Usage(m) | CliError::Data(m) => {
            if json {
                println!("{}", serde_json::json!({"error": m}));
            }
            eprintln!("error: {}", output::terminal(m));
        }
        CliError::Other(e) => {
            if json {
                println!("{}", serde_json::json!({"error": ctx::error_text(e)}));
            }
            eprintln!("error: {}", output::terminal(&ctx::error_text(e)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Walks the command tree: every argument without help text and every leaf command without an
    /// "Examples:" block, by their command path.
    fn walk(
        cmd: &clap::Command,
        path: &str,
        no_help: &mut Vec<String>,
        no_examples: &mut Vec<String>,
    ) {
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" || a.is_hide_set() {
                continue;
            }
            let help =
                a.get_long_help().or(a.get_help()).map(|h| h.to_string()).unwrap_or_default();
            if help.trim().is_empty() {
                no_help.push(format!("{path} <{id}>"));
            }
        }
        let subs: Vec<&clap::Command> =
            cmd.get_subcommands().filter(|s| s.get_name() != "help" && !s.is_hide_set()).collect();
        if subs.is_empty() {
            let after = [cmd.get_after_long_help(), cmd.get_after_help()]
                .into_iter()
                .flatten()
                .map(|h| h.to_string())
                .collect::<String>();
            if !after.contains("Examples:") {
                no_examples.push(path.to_string());
            }
        }
        for s in subs {
            walk(s, &format!("{path} {}", s.get_name()), no_help, no_examples);
        }
    }

    #[test]
    fn every_argument_has_help_and_every_leaf_command_an_example() {
        let mut cmd = Cli::command();
        cmd.build();
        let (mut no_help, mut no_examples) = (Vec::new(), Vec::new());
        walk(&cmd, "mlgov", &mut no_help, &mut no_examples);
        assert!(
            no_help.is_empty() && no_examples.is_empty(),
            "arguments without a description:\n  {}\ncommands without an Examples: block:\n  {}",
            no_help.join("\n  "),
            no_examples.join("\n  ")
        );
    }

    #[test]
    fn the_top_level_keeps_the_exit_codes() {
        let help = Cli::command().render_long_help().to_string();
        assert!(
            help.contains(
                "Exit codes: 0 ok, 1 usage error, 2 data or validation error, 3 other failure."
            ),
            "{help}"
        );
    }

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
