//! How the binary behaves as a Unix tool: a closed pipe ends it quietly with exit 0, and it
//! prints shell completions and a manual page.

use std::io::Read;
use std::process::Stdio;

use crate::common::Env;

/// Runs `mlgov <args>`, reads only the first `keep` bytes of its output and closes the pipe, as
/// `| head -c keep` does; returns the exit code and stderr.
fn closed_after(env: &Env, args: &[&str], keep: usize) -> (Option<i32>, String) {
    let mut child = env.command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn mlgov");
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
    for args in [&["graph", "export", "--format", "graphml"][..], &["export", "--format", "json", "--out", "-"][..], &["networks", "overview"][..]] {
        let (code, err) = closed_after(&env, args, 100);
        assert_eq!(code, Some(0), "mlgov {args:?} | head -c100: {err}");
        assert!(!err.contains("panicked"), "mlgov {args:?}: {err}");
    }
}

#[test]
fn shell_completions_and_a_manual_page() {
    let env = Env::new();
    let bash = env.ok(&["completions", "bash"]);
    assert!(bash.contains("_mlgov") && bash.contains("graph") && bash.contains("--as-of"), "bash completion script");
    let fish = env.ok(&["completions", "fish"]);
    assert!(fish.contains("complete -c mlgov"));
    let man = env.ok(&["man"]);
    assert!(man.contains(".TH mlgov") && man.contains(".SH NAME") && man.contains("graph"), "roff manual page with the subcommands");
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
