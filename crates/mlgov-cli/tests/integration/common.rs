//! Shared harness of the CLI integration tests: a temporary directory with its own SQLite file,
//! and helpers that run the real `mlgov` binary against it.
//!
//! Every test module of this binary (kb, malformed, roundtrip, reproduce, and later survey, graph,
//! diffusion…) uses it the same way:
//!
//! ```ignore
//! let env = Env::new();                       // fresh temp dir, db = <tmp>/mlgov.db (not created yet)
//! env.demo();                                 // load the bundled knowledge base (asserts exit 0)
//! let (code, out, err) = env.mlgov(&["show", "locality", "turin"]);
//! let v = env.json(&["list", "networks"]);    // runs with --json, asserts exit 0, parses stdout
//! let dir = env.write("in/memberships.csv", "id,network,…\n");   // files inside the temp dir
//! ```
//!
//! The binary runs with the temp dir as its working directory, `--db <tmp>/mlgov.db` appended to
//! the arguments, and `MLGOV_DB` removed from the environment, so tests never touch a user's
//! database and never depend on the directory `cargo test` runs in. Output is captured whole
//! (stdout and stderr as UTF-8, lossily); stdin is empty.

#![allow(dead_code)] // not every test module uses every helper

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A temporary working directory with a database path inside it. Removed when dropped.
pub struct Env {
    /// The temporary directory (kept alive as long as the `Env`).
    pub dir: tempfile::TempDir,
    /// `<tmp>/mlgov.db`; the file exists only after a command created it.
    pub db: PathBuf,
}

/// The result of one run: (exit code, stdout, stderr). A process killed by a signal reports -1.
pub type Output = (i32, String, String);

impl Env {
    /// A fresh temporary directory; the database file is not created.
    pub fn new() -> Env {
        let dir =
            tempfile::Builder::new().prefix("mlgov-it-").tempdir().expect("creating a temp dir");
        let db = dir.path().join("mlgov.db");
        Env { dir, db }
    }

    /// The temporary directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the temporary directory (not created).
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The path to the `mlgov` binary under test.
    pub fn bin() -> &'static str {
        env!("CARGO_BIN_EXE_mlgov")
    }

    /// A `Command` for the binary with `--db <tmp>/mlgov.db` and the temp dir as working directory,
    /// for tests that need more control (stdin, environment). `args` come first.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_with_db(&self.db, args)
    }

    /// Like [`Env::command`] with another database file (two stores in one test).
    pub fn command_with_db(&self, db: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(Self::bin());
        c.args(args)
            .arg("--db")
            .arg(db)
            .current_dir(self.dir.path())
            .env_remove("MLGOV_DB")
            .stdin(Stdio::null());
        c
    }

    /// Runs `mlgov <args> --db <tmp>/mlgov.db` and returns (exit code, stdout, stderr).
    pub fn mlgov(&self, args: &[&str]) -> Output {
        run(self.command(args))
    }

    /// Runs against another database file.
    pub fn mlgov_db(&self, db: &Path, args: &[&str]) -> Output {
        run(self.command_with_db(db, args))
    }

    /// Runs and asserts exit code 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.mlgov(args);
        assert_eq!(code, 0, "mlgov {args:?} exited {code}\nstdout:\n{out}\nstderr:\n{err}");
        out
    }

    /// Runs with `--json`, asserts exit 0 and parses stdout as one JSON document.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a: Vec<&str> = args.to_vec();
        a.push("--json");
        let out = self.ok(&a);
        parse_json(&out, &a)
    }

    /// `mlgov graph centrality --json` on the layers graph: every year, undated ties included,
    /// every row.
    pub fn layers_centrality(&self) -> Value {
        self.json(&[
            "graph",
            "centrality",
            "--on",
            "layers",
            "--all-years",
            "--include-undated",
            "--top",
            "0",
        ])
    }

    /// `mlgov demo`: loads the bundled knowledge base into this env's database (asserts exit 0).
    pub fn demo(&self) {
        self.ok(&["demo"]);
    }

    /// Writes `contents` at `rel` inside the temp dir (creating parent directories); returns the path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("creating directories");
        }
        std::fs::write(&p, contents).expect("writing a test file");
        p
    }

    /// The whole store as canonical JSON text (`mlgov export --format json --out -`), to compare
    /// a store before and after a command. Empty string when no database exists yet.
    pub fn snapshot(&self) -> String {
        if !self.db.exists() {
            return String::new();
        }
        self.ok(&["export", "--format", "json", "--out", "-"])
    }
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

/// Runs a prepared command and captures its output.
pub fn run(mut c: Command) -> Output {
    let o = c.output().expect("running mlgov");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Parses `text` as JSON, with the command in the failure message.
/// The arguments of `mlgov survey synth --respondents N --name NAME`, then `more`.
pub fn synth_args<'a>(respondents: &'a str, name: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["survey", "synth", "--respondents", respondents, "--name", name];
    args.extend_from_slice(more);
    args
}

pub fn parse_json(text: &str, args: &[&str]) -> Value {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("mlgov {args:?} printed invalid JSON ({e}):\n{text}"))
}

/// The workspace root (two levels above this crate's manifest).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// Reads and parses `tests-data/expected/<name>` (the papers' values transcribed by hand).
pub fn expected(name: &str) -> Value {
    let p = repo_root().join("tests-data/expected").join(name);
    let text =
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", p.display()))
}

/// Every file under `dir` (recursively) as (relative path, bytes), sorted by path.
pub fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(d).expect("reading a directory") {
            let p = e.expect("directory entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push((
                    p.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(&p).expect("reading a file"),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
