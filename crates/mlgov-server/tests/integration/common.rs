//! Test harness: loads data/kb into a temporary SQLite store, starts the app on 127.0.0.1:0 and
//! speaks HTTP/1.1 over a plain TCP socket.

use std::net::SocketAddr;
use std::path::Path;

use mlgov_store::{SqliteStore, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A running server and its database.
pub struct Env {
    /// Bound address.
    pub addr: SocketAddr,
    /// Keeps the database alive.
    pub _dir: tempfile::TempDir,
    /// The state (to inspect the loaded base).
    pub state: mlgov_server::AppState,
}

/// A parsed response.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

impl Env {
    /// Loads the bundled data into a fresh SQLite file and serves it.
    pub async fn start() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("mlgov.db");
        let kb_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb");
        let loaded = mlgov_interchange::read_path(&kb_dir).unwrap_or_else(|e| panic!("bundled data: {:?}", e.diagnostics()));
        SqliteStore::open(&db).expect("create store").replace_all(&loaded.kb).expect("load store");
        let state = mlgov_server::AppState::open(&db).expect("open store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let app = mlgov_server::app(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Env { addr, _dir: dir, state }
    }

    /// Sends a request and reads the whole response.
    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let mut s = tokio::net::TcpStream::connect(self.addr).await.expect("connect");
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).await.expect("write");
        let _ = s.write_all(body).await;
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf).await;
        parse(&buf)
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.request("GET", path, &[], b"").await
    }
}

fn parse(buf: &[u8]) -> Resp {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).expect("status line");
    let headers: Vec<(String, String)> = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let raw = &buf[end + 4..];
    let chunked = headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        let mut out = Vec::new();
        let mut rest = raw;
        loop {
            let Some(i) = rest.windows(2).position(|w| w == b"\r\n") else { break };
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..i]).trim(), 16).unwrap_or(0);
            if size == 0 { break }
            out.extend_from_slice(&rest[i + 2..i + 2 + size]);
            rest = &rest[i + 2 + size + 2..];
        }
        out
    } else {
        raw.to_vec()
    };
    Resp { status, headers, body }
}
