//! How the binary behaves as a Unix tool: a closed pipe ends it quietly with exit 0, and it
//! prints shell completions and a manual page.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::common::{self, Env};

/// Runs `mlgov <args>`, reads only the first `keep` bytes of its output and closes the pipe, as
/// `| head -c keep` does; returns the exit code and stderr.
fn closed_after(env: &Env, args: &[&str], keep: usize) -> (Option<i32>, String) {
    let mut child = env
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mlgov");
    let mut out = child.stdout.take().expect("stdout");
    let mut buf = vec![0u8; keep];
    out.read_exact(&mut buf).expect("the first bytes");
    drop(out);
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("stderr text");
    let status = child.wait().expect("wait");
    (status.code(), err)
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    let env = Env::new();
    env.demo();
    for args in [
        &["graph", "export", "--format", "graphml"][..],
        &["export", "--format", "json", "--out", "-"][..],
        &["networks", "overview"][..],
    ] {
        let (code, err) = closed_after(&env, args, 100);
        assert_eq!(code, Some(0), "mlgov {args:?} | head -c100: {err}");
        assert!(!err.contains("panicked"), "mlgov {args:?}: {err}");
    }
}

#[test]
fn shell_completions_and_a_manual_page() {
    let env = Env::new();
    let bash = env.ok(&["completions", "bash"]);
    assert!(
        bash.contains("_mlgov") && bash.contains("graph") && bash.contains("--as-of"),
        "bash completion script"
    );
    let fish = env.ok(&["completions", "fish"]);
    assert!(fish.contains("complete -c mlgov"));
    let man = env.ok(&["man"]);
    assert!(
        man.contains(".TH mlgov") && man.contains(".SH NAME") && man.contains("graph"),
        "roff manual page with the subcommands"
    );
    let (code, _, err) = env.mlgov(&["completions", "cmd.exe"]);
    assert_eq!(code, 1, "an unknown shell is a usage error: {err}");
}

#[test]
fn a_csv_export_to_stdout_is_refused_with_the_way_out() {
    let env = Env::new();
    env.demo();
    let (code, _, err) = env.mlgov(&["export", "--out", "-"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--format json --out -"), "{err}");
    assert!(!env.path("-").exists(), "no directory named '-' is made");
}

/// The subcommand names of a `--help` text (its "Commands:" block, without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect()
}

/// Every leaf command (no subcommands of its own) as its path of names, found by walking the
/// `--help` texts from the top.
fn leaf_commands(env: &Env) -> Vec<Vec<String>> {
    let mut leaves = Vec::new();
    let mut todo = vec![Vec::<String>::new()];
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let subs = subcommands(&env.ok(&args));
        if subs.is_empty() {
            leaves.push(path);
        } else {
            todo.extend(subs.into_iter().map(|s| path.iter().cloned().chain([s]).collect()));
        }
    }
    leaves.sort();
    leaves
}

/// The lines of the "Examples:" block of a help text, without the comment lines (`# …`).
fn example_lines(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Examples:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Splits a command line as a POSIX shell does for the forms the examples use: words, "double"
/// quotes with backslash escapes, 'single' quotes, and a `# comment` to the end of the line.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut in_word) = (Vec::new(), String::new(), false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' if in_word => {
                words.push(std::mem::take(&mut word));
                in_word = false;
            }
            ' ' => {}
            '#' if !in_word => break,
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        q => word.push(q),
                    }
                }
            }
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|q| *q != '\''));
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Example lines that this test does not run, by their beginning, and why.
const NOT_RUN: &[(&str, &str)] = &[
    ("mlgov serve", "serves until Ctrl-C (the server has its own tests)"),
    ("pass show ", "reads the password from a password manager on standard input"),
];

/// Files the examples read, as a researcher would have them: written into each example's working
/// directory before its lines run.
fn example_files(env: &Env, answers: &[u8]) {
    env.write("new-batch/sources.csv", "id,short,title,authors,year,kind,file,licence,url\nsrc:fieldwork-2024,Fieldwork 2024,Interviews in Palermo,,2024,other,,,\n");
    env.write(
        "new-batch/facts.csv",
        "id,subject,property,value,qualifier,from,to,note,source,locator\nfct:palermo-description-fieldwork,loc:palermo,description,The city's international relations office follows the Palermo Charter Platform Process,,2024,2024,,src:fieldwork-2024,interview 3\n",
    );
    env.write("names.txt", "Torino\nPalermo\nBergamo\n");
    env.write("answers.csv", answers);
    let root = common::repo_root();
    for f in ["qualtrics.csv", "qualtrics.mapping.toml", "limesurvey.csv"] {
        env.write(
            f,
            std::fs::read(root.join("data/survey/examples").join(f)).expect("survey tool example"),
        );
    }
    // The baseline and scenario files of docs/diffusion.md, as printed there.
    let doc = std::fs::read_to_string(root.join("docs/diffusion.md")).expect("docs/diffusion.md");
    for name in ["baseline.toml", "scenario.toml"] {
        let start = doc
            .find(&format!("# {name}"))
            .unwrap_or_else(|| panic!("docs/diffusion.md shows {name}"));
        let body = &doc[start..];
        env.write(name, &body[..body.find("```").expect("end of the code block")]);
    }
}

/// Every example of every `--help` runs, as printed, against the bundled base (`mlgov demo`) with
/// the synthetic survey of `mlgov survey synth`, in a fresh working directory per command, and
/// exits 0. Output redirections (`> FILE`) write into that directory.
#[test]
fn every_example_in_the_help_runs() {
    let template = Env::new();
    template.demo();
    template.ok(&["survey", "synth", "--out", "answers.csv"]);
    let answers = std::fs::read(template.path("answers.csv")).expect("synthetic answers");
    let db: Vec<(String, Vec<u8>)> = ["mlgov.db", "mlgov.db-wal", "mlgov.db-shm"]
        .iter()
        .filter_map(|f| std::fs::read(template.path(f)).ok().map(|b| (f.to_string(), b)))
        .collect();
    let (mut ran, mut not_run, mut failures) = (0, Vec::new(), Vec::new());
    for leaf in leaf_commands(&template) {
        let mut args: Vec<&str> = leaf.iter().map(String::as_str).collect();
        args.push("--help");
        let lines = example_lines(&template.ok(&args));
        assert!(!lines.is_empty(), "mlgov {}: no example in --help", leaf.join(" "));
        let env = Env::new();
        for (f, b) in &db {
            env.write(f, b);
        }
        example_files(&env, &answers);
        for line in lines {
            if let Some((_, why)) = NOT_RUN.iter().find(|(p, _)| line.starts_with(p)) {
                not_run.push(format!("{line}  ({why})"));
                continue;
            }
            let mut words = shell_words(&line);
            assert_eq!(
                words.first().map(String::as_str),
                Some("mlgov"),
                "mlgov {}: an example that is neither run nor listed in NOT_RUN: {line}",
                leaf.join(" ")
            );
            words.remove(0);
            let redirect = words.iter().position(|w| w == ">").map(|i| {
                let target = words.get(i + 1).cloned().expect("a file after >");
                words.truncate(i);
                target
            });
            let args: Vec<&str> = words.iter().map(String::as_str).collect();
            let (code, out, err) = env.mlgov(&args);
            ran += 1;
            if code != 0 {
                failures.push(format!("{line}\n  exit {code}: {}", err.trim()));
            } else if let Some(file) = redirect {
                env.write(&file, out);
            }
        }
    }
    assert!(failures.is_empty(), "examples that fail:\n{}", failures.join("\n"));
    assert!(ran > 100, "only {ran} examples ran");
    eprintln!("{ran} examples ran; not run:\n  {}", not_run.join("\n  "));
}

/// A copy of the bundled base as a folder of CSV files, and a fresh database path to import it into.
fn exported_base(env: &Env) -> std::path::PathBuf {
    env.demo();
    env.ok(&["export", "--out", "kb"]);
    env.path("kb")
}

/// Progress goes to stderr only for a person at a terminal: with `--json`, or with stderr a pipe
/// (as here), a successful import prints nothing there.
#[test]
fn an_import_prints_no_progress_with_json_or_without_a_terminal() {
    let env = Env::new();
    let kb = exported_base(&env);
    let kb = kb.to_str().expect("UTF-8 path");
    let fresh = env.path("fresh.db");
    let (code, out, err) = env.mlgov_db(&fresh, &["import", kb, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "stderr of a --json import: {err:?}");
    common::parse_json(&out, &["import", "--json"]);
    let (code, _, err) = env.mlgov_db(&env.path("other.db"), &["import", kb]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "stderr is not a terminal: no progress, got {err:?}");
    let (code, _, err) = env.mlgov(&["validate", kb, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "stderr of a --json validate: {err:?}");
}

/// A base of 100,000 memberships (200 networks × 500 localities), large enough for every phase of
/// an import to last longer than the spinner's tick.
fn large_base(env: &Env) -> std::path::PathBuf {
    use std::fmt::Write;
    env.write("large/sources.csv", "id,short,title,authors,year,kind,file,licence,url\nsrc:gen,Generated 2024,Generated base,,2024,dataset,,,\n");
    let mut nets = String::from("id,name,acronym,aliases,kind,parent,source,locator\n");
    (0..200).for_each(|n| writeln!(nets, "net:g{n},Network {n},,,network,,src:gen,p. 1").unwrap());
    env.write("large/networks.csv", nets);
    let mut locs = String::from(
        "id,name,aliases,kind,country,region,parent,anonymised,public_label,lat,lon,coord_source,source,locator\n",
    );
    (0..500).for_each(|l| {
        writeln!(locs, "loc:g{l},Town {l},,municipality,IT,,,,,,,,src:gen,p. 2").unwrap()
    });
    env.write("large/localities.csv", locs);
    let mut mems = String::from("id,network,member,role,from,to,exit_reason,note,source,locator\n");
    (0..100_000).for_each(|i| {
        writeln!(
            mems,
            "mem:g{i},net:g{},loc:g{},member,{},,,,src:gen,p. 3",
            i % 200,
            i / 200,
            1990 + i % 30
        )
        .unwrap()
    });
    env.write("large/memberships.csv", mems);
    env.path("large")
}

/// At a terminal (a pseudo-terminal made by util-linux `script`), an import shows its phases —
/// each file read with its rows counted, the check, the write — and with `--json` it shows none.
#[test]
fn an_import_at_a_terminal_shows_its_phases_unless_json() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` (a pseudo-terminal) is not installed");
        return;
    }
    let env = Env::new();
    let kb = large_base(&env);
    let at_terminal = |db: &str, json: bool| {
        let line = format!(
            "{} --db {} import {}{}",
            Env::bin(),
            env.path(db).display(),
            kb.display(),
            if json { " --json" } else { "" }
        );
        let o = Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .current_dir(env.root())
            .stdin(Stdio::null())
            .output()
            .expect("script");
        assert!(o.status.success(), "{line}: {}", String::from_utf8_lossy(&o.stdout));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let shown = at_terminal("a.db", false);
    for phase in [
        "reading 2/4: memberships.csv (",
        " rows",
        "checking the records together",
        "writing 100,701 records",
    ] {
        assert!(shown.contains(phase), "no {phase:?} at the terminal:\n{shown}");
    }
    assert!(shown.contains("imported "), "{shown}");
    let quiet = at_terminal("b.db", true);
    assert!(
        !quiet.contains("reading ") && !quiet.contains("checking the records"),
        "--json at a terminal:\n{quiet}"
    );
    assert!(quiet.contains("\"imported\""), "{quiet}");
}
