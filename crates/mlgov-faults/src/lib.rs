//! mlgov-faults: the test harness shared by the security, fault and soak tests — a minimal
//! blocking HTTP/1.1 client with timeouts on every step (loopback only), a handle on a running
//! `mlgov serve` process, and a reader of a process's resident memory.
//!
//! The tests themselves live in `tests/integration/`; this library does no work of its own.
//!
//! ## Design
//!
//! Tests only: security tests (injection, malformed and oversized bodies, path traversal,
//! schemathesis), fault tests (SIGKILL during import and serving, PostgreSQL restarts) and the soak
//! test, all against real processes on loopback; and the property-based fuzzing of every parser
//! (`tests/integration/fuzz/`, in-process: no panic, no hang, a stated allocation bound, problems
//! placed inside the input; seeded, about 30 s).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Default timeout of one HTTP request (connect, write and each read).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A parsed HTTP response.
#[derive(Clone, Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Header names and values in order.
    pub headers: Vec<(String, String)>,
    /// Body (de-chunked).
    pub body: Vec<u8>,
}

impl Resp {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as (lossy) text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Whether the content type is JSON.
    pub fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|t| t.starts_with("application/json"))
    }

    /// Checks the API error envelope `{"error": {"code", "message", "fields": [...]}}`; returns
    /// a description of what is wrong, or `None` when it is well formed.
    pub fn envelope_problem(&self) -> Option<String> {
        if !self.is_json() {
            return Some(format!(
                "content type {:?}, expected application/json",
                self.header("content-type")
            ));
        }
        let Some(v) = self.json() else {
            return Some(format!("body is not JSON: {}", self.text()));
        };
        let e = &v["error"];
        if !e["code"].is_string() || !e["message"].is_string() || !e["fields"].is_array() {
            return Some(format!("not the error envelope: {v}"));
        }
        None
    }
}

/// Why a request failed below HTTP.
#[derive(Debug)]
pub struct HttpError(pub String);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Sends one request (`Connection: close`) to `addr` and reads the whole response, with
/// `timeout` on connect, write and every read. `path` is sent verbatim (already encoded).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> Result<Resp, HttpError> {
    request_raw(addr, method, path, headers, body, true, timeout)
}

/// Like [`request`], but `content_length: false` omits the `Content-Length` header (so callers
/// can send their own, e.g. one that lies).
pub fn request_raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    content_length: bool,
    timeout: Duration,
) -> Result<Resp, HttpError> {
    let err = |what: &str, e: std::io::Error| HttpError(format!("{method} {path}: {what}: {e}"));
    let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(|e| err("connect", e))?;
    s.set_read_timeout(Some(timeout)).map_err(|e| err("timeout", e))?;
    s.set_write_timeout(Some(timeout)).map_err(|e| err("timeout", e))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if content_length && (!body.is_empty() || method == "POST") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).map_err(|e| err("write", e))?;
    // The server may answer (413) and close before reading a large body: keep what it said.
    let _ = s.write_all(body);
    if !content_length {
        let _ = s.shutdown(std::net::Shutdown::Write);
    }
    let deadline = Instant::now() + timeout;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if Instant::now() > deadline {
            return Err(HttpError(format!(
                "{method} {path}: no complete response within {timeout:?}"
            )));
        }
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && !buf.is_empty() => break,
            Err(e) => return Err(err("read", e)),
        }
    }
    parse(&buf).ok_or_else(|| {
        HttpError(format!(
            "{method} {path}: malformed response ({} bytes): {:?}",
            buf.len(),
            String::from_utf8_lossy(&buf[..buf.len().min(200)])
        ))
    })
}

/// GET with the default timeout.
pub fn get(addr: SocketAddr, path: &str) -> Result<Resp, HttpError> {
    request(addr, "GET", path, &[], b"", REQUEST_TIMEOUT)
}

fn parse(buf: &[u8]) -> Option<Resp> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let raw = &buf[end + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        let mut out = Vec::new();
        let mut rest = raw;
        loop {
            let i = rest.windows(2).position(|w| w == b"\r\n")?;
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..i]).trim(), 16).ok()?;
            if size == 0 {
                break;
            }
            out.extend_from_slice(rest.get(i + 2..i + 2 + size)?);
            rest = rest.get(i + 2 + size + 2..)?;
        }
        out
    } else {
        raw.to_vec()
    };
    Some(Resp { status, headers, body })
}

/// Percent-encodes every byte outside `A-Za-z0-9-._~` (RFC 3986 unreserved).
pub fn encode(s: &[u8]) -> String {
    let mut out = String::new();
    for b in s {
        if b.is_ascii_alphanumeric() || b"-._~".contains(b) {
            out.push(*b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `mlgov` binary to test: `$MLGOV_BIN`, else `mlgov` next to the test executable's
/// directory (`target/<profile>/mlgov`, built by `cargo test --workspace`), else built with
/// `cargo build -p mlgov-cli --bin mlgov` first.
pub fn mlgov_bin() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(b) = std::env::var_os("MLGOV_BIN") {
            return PathBuf::from(b);
        }
        let exe = std::env::current_exe().expect("test executable path");
        let profile_dir =
            exe.parent().and_then(Path::parent).expect("target/<profile>").to_path_buf();
        let bin = profile_dir.join("mlgov");
        if !bin.exists() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "-p", "mlgov-cli", "--bin", "mlgov"])
                .status()
                .expect("run cargo build");
            assert!(status.success(), "cargo build --bin mlgov failed");
        }
        assert!(bin.exists(), "no mlgov binary at {}", bin.display());
        bin
    })
    .clone()
}

/// `mlgov --db <db> <args>`: runs to completion and returns (exit code, stdout, stderr), killing
/// the process after `timeout`.
pub fn mlgov(db: &str, args: &[&str], timeout: Duration) -> (i32, String, String) {
    let mut child = Command::new(mlgov_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mlgov");
    let out = child.stdout.take().expect("stdout");
    let err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || read_all(out));
    let t_err = std::thread::spawn(move || read_all(err));
    let code = wait_timeout(&mut child, timeout).unwrap_or_else(|| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("mlgov --db {db} {args:?} did not finish within {timeout:?}");
    });
    (code, t_out.join().unwrap_or_default(), t_err.join().unwrap_or_default())
}

fn read_all(mut r: impl Read) -> String {
    let mut s = Vec::new();
    let _ = r.read_to_end(&mut s);
    String::from_utf8_lossy(&s).into_owned()
}

/// Waits for `child` up to `timeout`; its exit code (-1 when killed by a signal), or `None`.
pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<i32> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(st)) = child.try_wait() {
            return Some(st.code().unwrap_or(-1));
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running `mlgov serve` (killed with SIGKILL when dropped).
pub struct Server {
    /// The process.
    pub child: Child,
    /// The bound loopback address.
    pub addr: SocketAddr,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts `mlgov --db <db> --json serve --addr 127.0.0.1:0` and waits (up to `timeout`) for
    /// the `{"listening": url}` line. Errors with the server's stderr when it exits or is late.
    pub fn start(db: &str, timeout: Duration) -> Result<Server, String> {
        Self::start_with(db, &[], timeout)
    }

    /// Like [`Server::start`] with extra arguments after `serve`.
    pub fn start_with(db: &str, extra: &[&str], timeout: Duration) -> Result<Server, String> {
        let mut child = Command::new(mlgov_bin())
            .arg("--db")
            .arg(db)
            .arg("--json")
            .arg("serve")
            .arg("--addr")
            .arg("127.0.0.1:0")
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawn mlgov serve: {e}"))?;
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let err_text = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = err_text.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut s) = sink.lock()
                    && s.len() < 64 * 1024
                {
                    s.push_str(&line);
                    s.push('\n');
                }
            }
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(i) = line.find("http://") {
                    let url = line[i + 7..].trim_end_matches(['"', ',', ' ']).to_string();
                    let _ = tx.send(url);
                }
            }
        });
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(hostport) = rx.recv_timeout(Duration::from_millis(100)) {
                let addr = hostport
                    .to_socket_addrs()
                    .ok()
                    .and_then(|mut a| a.next())
                    .ok_or_else(|| format!("bad address {hostport:?}"))?;
                assert!(addr.ip().is_loopback(), "server must listen on loopback only, got {addr}");
                return Ok(Server { child, addr, stderr: err_text });
            }
            if let Ok(Some(st)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                return Err(format!(
                    "mlgov serve exited ({st}): {}",
                    err_text.lock().map(|s| s.clone()).unwrap_or_default()
                ));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "mlgov serve did not print its address within {timeout:?}: {}",
                    err_text.lock().map(|s| s.clone()).unwrap_or_default()
                ));
            }
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// GET with the default timeout.
    pub fn get(&self, path: &str) -> Result<Resp, HttpError> {
        get(self.addr, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Resident set size of process `pid` in KiB (`VmRSS` of `/proc/<pid>/status`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}
