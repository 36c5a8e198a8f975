//! The fuzz harness: a per-thread counting allocator, one case run on its own thread under a time
//! limit and an allocation bound with panics caught, the seeded proptest configuration, and the
//! input strategies (arbitrary bytes, near-valid mutations of real files, deep nesting).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

// ---- limits ---------------------------------------------------------------------------------

/// The seed of every fuzz test unless `PROPTEST_RNG_SEED` gives another (then printed on failure
/// by proptest, so that a failure found with a random seed can be replayed).
pub const SEED: u64 = 0x6d6c_676f_7621;

/// Wall-clock limit of one case. A debug build parses every input of these tests in well under
/// a second; a case still running after this is a hang.
pub const CASE_TIMEOUT: Duration = Duration::from_secs(10);

/// Stack of the thread a case runs on: tokio's default for the server's worker threads, so that a
/// recursion too deep here would also be too deep for a request handler.
pub const STACK: usize = 2 * 1024 * 1024;

/// The allocation bound of one case: at most `64 × input size + 16 MiB` bytes live at any moment
/// on the parsing thread (the peak of the bytes it allocated minus those it freed).
pub fn bound(input_len: usize) -> usize {
    64usize.saturating_mul(input_len).saturating_add(16 << 20)
}

/// Beyond this, the allocator refuses the allocation (the process then aborts, after printing the
/// target and the input): the machine is protected from an input that asks for gigabytes.
pub const HARD_CAP: usize = 1 << 30;

// ---- counting allocator ----------------------------------------------------------------------

/// The system allocator, counting the live bytes of the threads that are running a case.
pub struct CountingAlloc;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    /// The case being run (target name and input), printed if the hard cap is hit.
    static CASE: Cell<(&'static str, *const u8, usize)> = const { Cell::new(("", std::ptr::null(), 0)) };
}

fn grow(by: usize) -> bool {
    ARMED
        .try_with(Cell::get)
        .ok()
        .filter(|a| *a)
        .map(|_| {
            let live = LIVE.with(|l| {
                let v = l.get().saturating_add(by as isize);
                l.set(v);
                v
            });
            PEAK.with(|p| p.set(p.get().max(live)));
            live <= HARD_CAP as isize
        })
        .unwrap_or(true)
}

fn shrink(by: usize) {
    if ARMED.try_with(Cell::get).unwrap_or(false) {
        LIVE.with(|l| l.set(l.get().saturating_sub(by as isize)));
    }
}

/// Prints the case that went over [`HARD_CAP`] without allocating (the allocator is refusing).
fn over_hard_cap(requested: usize) {
    let (target, ptr, len) = CASE.with(Cell::get);
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\nfuzz {target}: the case asked for {requested} more bytes beyond the hard cap of {HARD_CAP} bytes; the process aborts. Input ({len} bytes, hex): "
    );
    if !ptr.is_null() {
        // SAFETY: the input is kept alive by the runner (an `Arc`) until the case has finished.
        let input = unsafe { std::slice::from_raw_parts(ptr, len) };
        let mut buf = [0u8; 512];
        for chunk in input.chunks(256) {
            for (i, b) in chunk.iter().enumerate() {
                buf[2 * i] = b"0123456789abcdef"[(b >> 4) as usize];
                buf[2 * i + 1] = b"0123456789abcdef"[(b & 15) as usize];
            }
            let _ = err.write_all(&buf[..2 * chunk.len()]);
        }
    }
    let _ = err.write_all(b"\n");
}

// SAFETY: every call is forwarded to `System`; the counters are plain thread-locals without
// destructors, read with `try_with`.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !grow(layout.size()) {
            shrink(layout.size());
            ARMED.with(|a| a.set(false));
            over_hard_cap(layout.size());
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !grow(layout.size()) {
            shrink(layout.size());
            ARMED.with(|a| a.set(false));
            over_hard_cap(layout.size());
            return std::ptr::null_mut();
        }
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            if !grow(new_size - layout.size()) {
                shrink(new_size - layout.size());
                ARMED.with(|a| a.set(false));
                over_hard_cap(new_size - layout.size());
                return std::ptr::null_mut();
            }
        } else {
            shrink(layout.size() - new_size);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

// ---- one case --------------------------------------------------------------------------------

/// What one case gave, with its cost.
pub struct Ran<R> {
    /// The parser's result.
    pub value: R,
    /// Peak live bytes allocated by the parsing thread.
    pub peak: usize,
    /// Wall-clock time.
    pub elapsed: Duration,
}

thread_local! {
    /// Where the last panic on this thread happened.
    static PANICKED_AT: Cell<Option<String>> = const { Cell::new(None) };
}

/// On the case threads, a panic only notes its place (reported with the case if it escapes the
/// parser): the default hook's backtrace would be counted against the parser's allocations, and a
/// parser may catch panics of a library it calls. Other threads keep the previous hook.
fn quiet_panics_on_case_threads() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name().is_some_and(|n| n.starts_with("fuzz ")) {
                PANICKED_AT
                    .with(|p| p.set(info.location().map(|l| format!("{}:{}", l.file(), l.line()))));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `parse(input)` on a fresh thread ([`STACK`]) with its allocations counted: a panic, a run
/// longer than [`CASE_TIMEOUT`] or a peak above [`bound`] fails the case, naming `target`.
pub fn run<R: Send + 'static>(
    target: &'static str,
    input: &Arc<Vec<u8>>,
    parse: impl FnOnce(&[u8]) -> R + Send + 'static,
) -> Result<Ran<R>, TestCaseError> {
    quiet_panics_on_case_threads();
    let (tx, rx) = mpsc::channel();
    let data = Arc::clone(input);
    let spawned = std::thread::Builder::new()
        .name(format!("fuzz {target}"))
        .stack_size(STACK)
        .spawn(move || {
            let bytes: &[u8] = &data;
            CASE.with(|c| c.set((target, bytes.as_ptr(), bytes.len())));
            LIVE.with(|l| l.set(0));
            PEAK.with(|p| p.set(0));
            let start = Instant::now();
            ARMED.with(|a| a.set(true));
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(bytes)));
            ARMED.with(|a| a.set(false));
            let elapsed = start.elapsed();
            let peak = PEAK.with(Cell::get).max(0) as usize;
            let out = out.map_err(|p| {
                let message = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a non-text panic".into());
                match PANICKED_AT.with(Cell::take) {
                    Some(at) => format!("{message} (at {at})"),
                    None => message,
                }
            });
            let _ = tx.send((out, peak, elapsed));
        });
    spawned
        .map_err(|e| TestCaseError::fail(format!("{target}: cannot start the case thread: {e}")))?;
    let (out, peak, elapsed) = match rx.recv_timeout(CASE_TIMEOUT) {
        Ok(r) => r,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            return Err(TestCaseError::fail(format!(
                "{target}: HANG: no result within {CASE_TIMEOUT:?}"
            )));
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            return Err(TestCaseError::fail(format!(
                "{target}: the case thread died without a result"
            )));
        }
    };
    let value = out.map_err(|m| TestCaseError::fail(format!("{target}: PANIC: {m}")))?;
    let limit = bound(input.len());
    if peak > limit {
        return Err(TestCaseError::fail(format!(
            "{target}: ALLOCATION: peak {peak} bytes > bound {limit} (64 × {} + 16 MiB)",
            input.len()
        )));
    }
    Ok(Ran { value, peak, elapsed })
}

// ---- runner ----------------------------------------------------------------------------------

/// `cases` scaled by `MLGOV_FUZZ_SCALE` (default 1; e.g. 50 for a long local run).
pub fn scaled(cases: u32) -> u32 {
    let scale: f64 = std::env::var("MLGOV_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s: &f64| *s > 0.0)
        .unwrap_or(1.0);
    ((cases as f64 * scale).round() as u32).max(1)
}

/// The seeded configuration: [`SEED`] unless `PROPTEST_RNG_SEED` is set, no failure files (the
/// regressions are named tests), shrinking bounded in time.
pub fn config(cases: u32) -> Config {
    let mut c = Config {
        cases: scaled(cases),
        failure_persistence: None,
        max_shrink_iters: 2048,
        max_shrink_time: 60_000,
        ..Config::default()
    };
    if c.rng_seed == RngSeed::Random {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    c
}

/// Totals of one fuzz test, printed at its end (`cargo test -- --nocapture` shows them).
#[derive(Default)]
pub struct Totals {
    cases: Cell<u32>,
    worst_time: Cell<Duration>,
    worst_ratio: Cell<f64>,
    worst_peak: Cell<usize>,
}

impl Totals {
    /// Records one case.
    pub fn add<R>(&self, input_len: usize, ran: &Ran<R>) {
        self.cases.set(self.cases.get() + 1);
        self.worst_time.set(self.worst_time.get().max(ran.elapsed));
        self.worst_peak.set(self.worst_peak.get().max(ran.peak));
        self.worst_ratio.set(self.worst_ratio.get().max(ran.peak as f64 / bound(input_len) as f64));
    }
}

/// Runs `check` on `cases` inputs of `strategy` (seeded); a failing case is shrunk and reported
/// with the smallest failing input.
pub fn fuzz<S>(
    target: &'static str,
    cases: u32,
    strategy: S,
    check: impl Fn(&S::Value, &Totals) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: fmt::Debug,
{
    let mut runner = TestRunner::new(config(cases));
    let totals = Totals::default();
    let start = Instant::now();
    if let Err(e) = runner.run(&strategy, |v| check(&v, &totals)) {
        panic!("fuzz {target} failed (seed {}): {e}", runner.config().rng_seed);
    }
    eprintln!(
        "fuzz {target}: {} cases in {:.2?}; slowest {:.2?}; largest peak {} KiB ({:.1}% of its bound)",
        totals.cases.get(),
        start.elapsed(),
        totals.worst_time.get(),
        totals.worst_peak.get() / 1024,
        100.0 * totals.worst_ratio.get()
    );
}

// ---- inputs ----------------------------------------------------------------------------------

/// Input bytes, shown as an escaped byte string (its head and tail when long), or by how they
/// were made when that says more (a workbook: the edits of its XML).
#[derive(Clone, PartialEq, Eq)]
pub struct Bytes(pub Arc<Vec<u8>>, pub Option<Arc<String>>);

impl Bytes {
    /// The bytes.
    pub fn new(v: Vec<u8>) -> Bytes {
        Bytes(Arc::new(v), None)
    }

    /// The bytes, shown as `how` they were made.
    pub fn made(v: Vec<u8>, how: String) -> Bytes {
        Bytes(Arc::new(v), Some(Arc::new(how)))
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        if let Some(how) = &self.1 {
            return write!(f, "{how} ({} bytes)", b.len());
        }
        let show = |s: &[u8]| s.escape_ascii().to_string();
        if b.len() <= 4096 {
            write!(f, "b\"{}\" ({} bytes)", show(b), b.len())
        } else {
            write!(
                f,
                "b\"{}\" … b\"{}\" ({} bytes)",
                show(&b[..1024]),
                show(&b[b.len() - 256..]),
                b.len()
            )
        }
    }
}

/// Arbitrary bytes, up to `max`.
pub fn any_bytes(max: usize) -> impl Strategy<Value = Bytes> {
    proptest::collection::vec(any::<u8>(), 0..=max).prop_map(Bytes::new)
}

/// Bytes drawn mostly from the characters that matter to delimited text and markup (quotes,
/// separators, line ends, brackets, digits, a few letters, NUL, high bytes), up to `max`.
pub fn texty_bytes(max: usize) -> impl Strategy<Value = Bytes> {
    let byte = prop_oneof![
        4 => proptest::sample::select(b"\",;\t\r\n \0'=[]{}:.-#0123456789aeNA".to_vec()),
        2 => 0x20u8..0x7f,
        1 => any::<u8>(),
    ];
    proptest::collection::vec(byte, 0..=max).prop_map(Bytes::new)
}

/// What a mutation inserts.
#[derive(Clone, Debug)]
pub enum Piece {
    /// One byte.
    Byte(u8),
    /// A byte-order mark: 0 UTF-8, 1 UTF-16 LE, 2 UTF-16 BE.
    Bom(u8),
    /// A run of one byte (a huge field when long).
    Run(u8, usize),
    /// A short text typical of the formats (quotes, separators, line ends, markup).
    Text(&'static str),
}

/// Texts inserted by [`Piece::Text`].
pub const TEXTS: &[&str] = &[
    "\"",
    "\"\"",
    ",",
    ";",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\0",
    "'",
    "=",
    "''''=1",
    "NA",
    "-",
    "--",
    "2010",
    "2010-02-30",
    "9999-99-99",
    "-2147483648",
    "2147483647",
    "9223372036854775807",
    "-9223372036854775808",
    "1e309",
    "nan",
    "inf",
    "\u{feff}",
    "\u{202e}",
    "\x1b[31m",
    "é",
    "\u{10ffff}",
    "\u{fffd}",
    "[",
    "]",
    "{",
    "}",
    "[[",
    "]]",
    "=[",
    "a.b.c",
    "\"\"\"",
    "'''",
    "\\",
    "\\u0000",
    "<c r=\"XFD1048576\"/>",
    "<c r=\"A1048576\"/>",
    "r=\"XFD1048576\"",
    "<dimension ref=\"A1:XFD1048576\"/>",
    "&amp;",
    "&#0;",
    "<![CDATA[",
    "]]>",
    "<",
    ">",
    "%",
    "%0",
    "%zz",
    "+",
    "&",
    "loc:",
    "net:",
    "country:",
    "freq_",
    "nature_",
];

/// Numbers substituted by [`Op::Number`] for a run of digits.
pub const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "-2147483648",
    "2147483647",
    "4294967296",
    "-9223372036854775808",
    "9223372036854775807",
    "18446744073709551616",
    "1e309",
    "-0",
    "1.5",
    "00000000000000000001",
    "999999999999",
];

/// One edit of a seed file; positions are taken modulo the length at the time of the edit.
#[derive(Clone, Debug)]
pub enum Op {
    /// XOR a byte with a mask.
    Flip(usize, u8),
    /// Insert a piece.
    Insert(usize, Piece),
    /// Cut the file here.
    Truncate(usize),
    /// Delete up to `len` bytes.
    Delete(usize, usize),
    /// Repeat a slice of up to `len` bytes `times` times in place.
    Repeat(usize, usize, u8),
    /// Replace the run of digits at or after the position by one of [`NUMBERS`].
    Number(usize, usize),
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        3 => any::<u8>().prop_map(Piece::Byte),
        1 => (0u8..3).prop_map(Piece::Bom),
        1 => (proptest::sample::select(b"a\"',;\t\n\0 9x{[".to_vec()), prop_oneof![9 => 1usize..300, 1 => 1usize..130_000]).prop_map(|(b, n)| Piece::Run(b, n)),
        6 => proptest::sample::select(TEXTS).prop_map(Piece::Text),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<usize>(), 1u8..=255).prop_map(|(p, m)| Op::Flip(p, m)),
        6 => (any::<usize>(), piece()).prop_map(|(p, x)| Op::Insert(p, x)),
        1 => any::<usize>().prop_map(Op::Truncate),
        2 => (any::<usize>(), 1usize..64).prop_map(|(p, n)| Op::Delete(p, n)),
        1 => (any::<usize>(), 1usize..64, 2u8..40).prop_map(|(p, n, t)| Op::Repeat(p, n, t)),
        3 => (any::<usize>(), 0..NUMBERS.len()).prop_map(|(p, n)| Op::Number(p, n)),
    ]
}

/// Applies edits to a copy of `seed`.
pub fn apply(seed: &[u8], ops: &[Op]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for op in ops {
        let at = |p: usize, v: &Vec<u8>| p % (v.len() + 1);
        match op {
            Op::Flip(p, m) => {
                if !v.is_empty() {
                    let i = p % v.len();
                    v[i] ^= m;
                }
            }
            Op::Insert(p, piece) => {
                let i = at(*p, &v);
                let bytes: Vec<u8> = match piece {
                    Piece::Byte(b) => vec![*b],
                    Piece::Bom(0) => b"\xEF\xBB\xBF".to_vec(),
                    Piece::Bom(1) => b"\xFF\xFE".to_vec(),
                    Piece::Bom(_) => b"\xFE\xFF".to_vec(),
                    Piece::Run(b, n) => vec![*b; *n],
                    Piece::Text(t) => t.as_bytes().to_vec(),
                };
                v.splice(i..i, bytes);
            }
            Op::Truncate(p) => {
                let i = at(*p, &v);
                v.truncate(i);
            }
            Op::Delete(p, n) => {
                let i = at(*p, &v);
                let j = (i + n).min(v.len());
                v.drain(i..j);
            }
            Op::Repeat(p, n, t) => {
                let i = at(*p, &v);
                let j = (i + n).min(v.len());
                let s = v[i..j].to_vec();
                let rep: Vec<u8> = s.iter().copied().cycle().take(s.len() * *t as usize).collect();
                v.splice(j..j, rep);
            }
            Op::Number(p, n) => {
                let i = at(*p, &v);
                if let Some(s) = v[i..].iter().position(u8::is_ascii_digit).map(|k| i + k) {
                    let e =
                        v[s..].iter().position(|b| !b.is_ascii_digit()).map_or(v.len(), |k| s + k);
                    v.splice(s..e, NUMBERS[*n].bytes());
                }
            }
        }
    }
    v
}

/// A seed file (chosen among `seeds`) with 0 to 8 edits; shrinks towards fewer edits.
pub fn mutated(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Bytes> {
    let seeds = Arc::new(seeds);
    (0..seeds.len(), proptest::collection::vec(op(), 0..=8))
        .prop_map(move |(i, ops)| Bytes::new(apply(&seeds[i], &ops)))
}

/// Text nested `depth` deep: `open` repeated, an optional middle, `close` repeated.
pub fn nested(
    open: &'static str,
    middle: &'static str,
    close: &'static str,
    prefix: &'static str,
) -> impl Strategy<Value = Bytes> {
    (prop_oneof![3 => 1usize..200, 2 => 200usize..5_000, 1 => 5_000usize..60_000], any::<bool>())
        .prop_map(move |(depth, closed)| {
            let mut s = String::from(prefix);
            s.push_str(&open.repeat(depth));
            s.push_str(middle);
            if closed {
                s.push_str(&close.repeat(depth));
            }
            Bytes::new(s.into_bytes())
        })
}

/// 1 + the number of line feeds: no line of a diagnostic may lie beyond this.
pub fn line_count(bytes: &[u8]) -> usize {
    1 + bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Whether a message carries `line L, column C` (the TOML parser's form) inside `text`, or no
/// such pair at all (`None`).
pub fn toml_position_ok(message: &str, text: &str) -> Option<bool> {
    let i = message.find("line ")?;
    let rest = &message[i + 5..];
    let line: usize = rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    let col: Option<usize> = rest
        .find("column ")
        .and_then(|j| rest[j + 7..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok());
    let lines: Vec<&str> = text.split('\n').collect();
    // The TOML reader places an error at the end of the text after the last line (one past its
    // line end): a column of up to the line's length + 2.
    let ok = line >= 1
        && line <= lines.len()
        && col.is_none_or(|c| c >= 1 && c <= lines[line - 1].chars().count() + 2);
    Some(ok)
}
