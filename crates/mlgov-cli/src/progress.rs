//! Progress of long commands on stderr, in phases: a spinner with the phase's elapsed time where the
//! work cannot be counted ("checking 1,000,000 records together"), a bar with counts where it can
//! ("analyses 3/15", "Monte Carlo runs 400/1,000"), and a message that says what is being done
//! ("reading 2/3: memberships.csv (17.9 MB) — 1,000,000 rows").
//!
//! Nothing is drawn with `--json` (a program reads the output; stderr stays for errors) or when
//! stderr is not a terminal (a pipe, a log file, CI): [`visible`] is the one rule, and
//! [`crate::ctx::Ctx::progress`] follows it too.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub use indicatif::{HumanBytes, HumanCount};

/// Whether progress is drawn: only for a person at a terminal, never with `--json`.
pub fn visible(json: bool, stderr_is_terminal: bool) -> bool {
    !json && stderr_is_terminal
}

/// A progress display in phases (see the module documentation). Cleared from the terminal when
/// finished or dropped, so that an error message is not mixed with it.
pub struct Phases {
    pb: ProgressBar,
    /// Whether anything is drawn ([`visible`]).
    shown: bool,
    /// Whether drawing has begun: at the first phase, so that nothing is drawn before there is
    /// something to say.
    started: AtomicBool,
}

// The message comes last and is cut to the terminal's width, so that a long one never wraps
// (a wrapped line leaves copies of itself behind when it is redrawn).
fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {elapsed:>3} {wide_msg}").expect("template")
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{spinner} {elapsed:>3} [{bar:20}] {human_pos}/{human_len} ~{eta} {wide_msg}",
    )
    .expect("template")
    .progress_chars("=> ")
}

impl Phases {
    /// Progress for a command given `--json` or not: drawn on stderr when [`visible`].
    pub fn new(json: bool) -> Phases {
        Phases {
            pb: ProgressBar::hidden(),
            shown: visible(json, std::io::stderr().is_terminal()),
            started: AtomicBool::new(false),
        }
    }

    /// Whether nothing is drawn.
    #[cfg(test)]
    pub fn is_hidden(&self) -> bool {
        !self.shown
    }

    /// Starts a phase whose amount of work is not known: a spinner, the message and the time
    /// since the phase began.
    pub fn step(&self, msg: impl Into<Cow<'static, str>>) {
        if !self.shown {
            return;
        }
        self.pb.set_style(spinner_style());
        self.pb.unset_length();
        self.pb.set_position(0);
        self.pb.reset_elapsed();
        self.pb.set_message(msg);
        self.start();
    }

    /// Starts a phase of `len` units of work: a bar with `done/len`, the time since the phase
    /// began and an estimate of the time left.
    pub fn counted(&self, msg: impl Into<Cow<'static, str>>, len: u64) {
        if !self.shown {
            return;
        }
        self.pb.set_style(bar_style());
        self.pb.set_length(len);
        self.pb.set_position(0);
        self.pb.reset_elapsed();
        self.pb.reset_eta();
        self.pb.set_message(msg);
        self.start();
    }

    /// Draws on stderr from now on, with the spinner turning (once).
    fn start(&self) {
        if !self.started.swap(true, Ordering::Relaxed) {
            self.pb.set_draw_target(ProgressDrawTarget::stderr());
            self.pb.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// Changes the message of the current phase.
    pub fn message(&self, msg: impl Into<Cow<'static, str>>) {
        if self.shown {
            self.pb.set_message(msg);
        }
    }

    /// Units of a counted phase done so far.
    pub fn set_position(&self, done: u64) {
        self.pb.set_position(done);
    }

    /// One more unit of a counted phase done.
    pub fn inc(&self, n: u64) {
        self.pb.inc(n);
    }

    /// Clears the display.
    pub fn finish(&self) {
        self.pb.finish_and_clear();
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        self.pb.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_drawn_only_for_a_person_at_a_terminal() {
        assert!(visible(false, true));
        assert!(!visible(true, true), "--json: nothing on stderr");
        assert!(!visible(false, false), "stderr is a pipe or a file");
        assert!(!visible(true, false));
    }

    #[test]
    fn hidden_progress_takes_every_call() {
        let p = Phases::new(true);
        assert!(p.is_hidden(), "--json hides progress even at a terminal");
        p.step("reading");
        p.counted("analyses", 3);
        p.inc(1);
        p.set_position(3);
        p.message("done");
        p.finish();
        if !std::io::stderr().is_terminal() {
            assert!(Phases::new(false).is_hidden(), "stderr is not a terminal here");
        }
    }
}
