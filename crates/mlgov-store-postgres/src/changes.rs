//! Change propagation between servers on one PostgreSQL database.
//!
//! Writers announce a change in the transaction that makes it ([`notify`]: `pg_notify` on
//! [`CHANNEL`], delivered by PostgreSQL to every listening session when, and only if, the
//! transaction commits): the knowledge base's change sets (import, `mlgov demo`, approved
//! proposals, corrections, retractions), stored survey datasets and their releases (this crate),
//! and the survey collections and submitted answers of `mlgov-collect`.
//!
//! Each server over PostgreSQL runs a [`Listener`]: a thread of its own with one connection that
//! `LISTEN`s. Whenever a notification for its schema arrives, and at least every
//! [`ListenerOptions::poll`] in any case, it reads the database's [`fingerprint`] and hands it to
//! the server, which reloads when it differs from the fingerprint of what it serves. The poll is
//! the fallback: it sees a change whose notification was missed (the listener was reconnecting,
//! or the writer is a build without notifications or an operator's SQL), and its query checks
//! that the connection is alive. A lost connection is replaced with backoff (0.25 s doubling to
//! [`ListenerOptions::max_backoff`]), and the fingerprint is handed over again right after
//! reconnecting. Nothing here runs in a request.
//!
//! Notifications are database-wide, not per schema: the payload starts with the writer's
//! `current_schema()`, and a listener ignores those of other schemas (the tests run many schemas
//! on one database).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, GenericClient, NoTls};

use crate::{describe_error, redact};

/// The channel of change notifications.
pub const CHANNEL: &str = "mlgov_changed";

/// Announces a change of `what` (`kb`, `survey`, `release`, `answers`, …; for logs) to the
/// listening servers when the surrounding transaction commits. Call it inside the writing
/// transaction: a rolled-back transaction announces nothing.
///
/// # Errors
/// When the statement fails.
pub fn notify(tx: &mut impl GenericClient, what: &str) -> Result<(), postgres::Error> {
    tx.execute(
        "SELECT pg_notify($1, coalesce(current_schema(), '') || ' ' || $2::text)",
        &[&CHANNEL, &what],
    )?;
    Ok(())
}

/// A short text that changes whenever something a server shows from the database changes: the
/// newest change set (number and writing transaction, so that `mlgov demo` starting again at 1
/// is seen), the stored survey datasets (count and versions), the survey releases, and — when
/// survey collection's tables exist — the collected surveys and submitted responses. Cheap (index
/// look-ups and counts over small tables); in-progress answers are left out (only submitted
/// responses are analysed).
///
/// # Errors
/// When a query fails.
pub fn fingerprint(c: &mut impl GenericClient) -> Result<String, postgres::Error> {
    let exists = c.query_one("SELECT to_regclass('change_sets') IS NOT NULL, to_regclass('survey_datasets') IS NOT NULL, to_regclass('survey_releases') IS NOT NULL, to_regclass('survey_invitations') IS NOT NULL AND to_regclass('survey_collections') IS NOT NULL", &[])?;
    let mut parts = Vec::new();
    if exists.get::<_, bool>(0) {
        parts.push("'kb:' || (SELECT id::text || '@' || xmin::text FROM change_sets ORDER BY id DESC LIMIT 1)");
    }
    if exists.get::<_, bool>(1) {
        parts.push("(SELECT count(*)::text || '/' || coalesce(sum(version), 0)::text FROM survey_datasets)");
    }
    if exists.get::<_, bool>(2) {
        parts.push("(SELECT count(*)::text FROM survey_releases)");
    }
    if exists.get::<_, bool>(3) {
        parts.push("(SELECT count(*)::text FROM survey_collections)");
        parts.push("(SELECT count(*)::text || '/' || coalesce(max(submitted), 0)::text FROM survey_invitations WHERE submitted IS NOT NULL)");
    }
    if parts.is_empty() {
        return Ok(String::new());
    }
    // NULL parts (no change set yet) are written as '-' so that positions stay fixed.
    let sql = format!(
        "SELECT concat_ws(' ', {})",
        parts.iter().map(|p| format!("coalesce({p}, '-')")).collect::<Vec<_>>().join(", ")
    );
    Ok(c.query_one(&sql, &[])?.get(0))
}

/// Whether two fingerprints name the same knowledge base (the same newest change set), so that
/// what changed between them is the surveys alone: a server then keeps its base and reads only the
/// surveys again. Unknown or missing parts never match.
pub fn same_base(a: &str, b: &str) -> bool {
    let base = |f: &str| {
        f.split(' ').next().filter(|p| p.starts_with("kb:") && p.len() > 3).map(str::to_string)
    };
    matches!((base(a), base(b)), (Some(x), Some(y)) if x == y)
}

/// [`fingerprint`] over a connection of its own to `url` (off any tokio runtime).
///
/// # Errors
/// A message (password masked) when the server cannot be reached or a query fails.
pub fn fingerprint_at(url: &str) -> Result<String, String> {
    crate::reconnect::off_runtime(|| {
        let mut c = connect(url)?;
        let fp = fingerprint(&mut c).map_err(|e| describe_error(&e));
        crate::reconnect::discard(Some(c));
        fp
    })
}

/// Settings of a [`Listener`].
#[derive(Clone, Copy, Debug)]
pub struct ListenerOptions {
    /// Longest time between two fingerprints handed over (the fallback poll).
    pub poll: Duration,
    /// After a notification, how long to gather further notifications before reading the
    /// fingerprint (a burst of writes gives one reload).
    pub settle: Duration,
    /// Longest wait between two connection attempts.
    pub max_backoff: Duration,
}

impl Default for ListenerOptions {
    fn default() -> Self {
        ListenerOptions {
            poll: Duration::from_secs(5),
            settle: Duration::from_millis(50),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// A running listener thread (see the module documentation); stops when dropped (within one
/// [`ListenerOptions::poll`]).
pub struct Listener {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("running", &self.thread.as_ref().is_some_and(|t| !t.is_finished()))
            .finish()
    }
}

impl Listener {
    /// Starts listening on the database at `url` on a thread of its own; `on_fingerprint` is
    /// called on that thread with the database's [`fingerprint`] after every (re)connection,
    /// every relevant notification and every poll. It may block (a reload): notifications wait
    /// in the connection meanwhile and are handled together afterwards.
    ///
    /// # Errors
    /// When the thread cannot be spawned.
    pub fn spawn(
        url: &str,
        options: ListenerOptions,
        on_fingerprint: impl FnMut(&str) + Send + 'static,
    ) -> std::io::Result<Listener> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let url = url.to_string();
        let thread = std::thread::Builder::new()
            .name("mlgov-pg-listener".into())
            .spawn(move || run(&url, options, &flag, on_fingerprint))?;
        Ok(Listener { stop, thread: Some(thread) })
    }

    /// Asks the thread to stop and waits for it (at most about one poll).
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A connection for listening: bounded connect, and TCP keepalives and user timeout so that a
/// peer that vanished without closing is noticed within about a minute.
fn connect(url: &str) -> Result<Client, String> {
    let location = redact(url);
    let mut config: postgres::Config =
        url.parse().map_err(|e: postgres::Error| format!("{location}: {}", describe_error(&e)))?;
    config
        .connect_timeout(Duration::from_secs(10))
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(30))
        .keepalives_interval(Duration::from_secs(10))
        .keepalives_retries(3)
        .tcp_user_timeout(Duration::from_secs(60));
    config.connect(NoTls).map_err(|e| format!("connecting to {location}: {}", describe_error(&e)))
}

fn sleep_unless_stopped(d: Duration, stop: &AtomicBool) {
    let end = Instant::now() + d;
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now >= end {
            return;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(100)));
    }
}

fn run(
    url: &str,
    options: ListenerOptions,
    stop: &AtomicBool,
    mut on_fingerprint: impl FnMut(&str),
) {
    let location = redact(url);
    let mut backoff = Duration::from_millis(250);
    while !stop.load(Ordering::SeqCst) {
        match session(url, options, stop, &mut on_fingerprint, &mut backoff) {
            Ok(()) => return,
            Err(e) => {
                eprintln!(
                    "warning: change listener on {location}: {e}; reconnecting in {:.1} s (changes made through other servers are not seen meanwhile)",
                    backoff.as_secs_f64()
                );
                sleep_unless_stopped(backoff, stop);
                backoff = (backoff * 2).min(options.max_backoff);
            }
        }
    }
}

/// One connection's life: `Ok` when asked to stop, `Err` when the connection failed.
fn session(
    url: &str,
    options: ListenerOptions,
    stop: &AtomicBool,
    on_fingerprint: &mut impl FnMut(&str),
    backoff: &mut Duration,
) -> Result<(), String> {
    let mut client = connect(url)?;
    let result = listen(&mut client, options, stop, on_fingerprint, backoff);
    crate::reconnect::discard(Some(client));
    result
}

fn listen(
    client: &mut Client,
    options: ListenerOptions,
    stop: &AtomicBool,
    on_fingerprint: &mut impl FnMut(&str),
    backoff: &mut Duration,
) -> Result<(), String> {
    let pg = |e: postgres::Error| describe_error(&e);
    client.batch_execute(&format!("LISTEN {CHANNEL}")).map_err(pg)?;
    let schema: String =
        client.query_one("SELECT coalesce(current_schema(), '')", &[]).map_err(pg)?.get(0);
    let prefix = format!("{schema} ");
    // Whatever happened while this listener was not connected is caught up now.
    on_fingerprint(&fingerprint(client).map_err(pg)?);
    *backoff = Duration::from_millis(250);
    loop {
        let deadline = Instant::now() + options.poll;
        // Wait for a notification of this schema until the poll is due.
        let mut woken = false;
        while !woken {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            // Short waits, so that a stop request is seen within a second.
            let wait = (deadline - now).min(Duration::from_secs(1));
            let note = client.notifications().timeout_iter(wait).next().map_err(pg)?;
            match note {
                Some(n) => woken = n.channel() == CHANNEL && n.payload().starts_with(&prefix),
                None if client.is_closed() => return Err("the connection was closed".into()),
                None => {}
            }
        }
        if woken {
            // Let the rest of a burst of writes arrive, then drop what is pending: one
            // fingerprint, one reload.
            std::thread::sleep(options.settle);
            let mut notes = client.notifications();
            let mut it = notes.iter();
            while it.next().map_err(pg)?.is_some() {}
        }
        on_fingerprint(&fingerprint(client).map_err(pg)?);
    }
}
