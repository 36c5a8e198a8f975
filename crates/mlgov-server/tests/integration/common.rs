//! Test harness: loads data/kb into a fresh store — a temporary SQLite file, or a schema of its
//! own on the PostgreSQL server named by `MLGOV_TEST_PG_URL` —, starts the app as `mlgov serve`
//! composes it (survey collection in the same database, accounts in memory with one admin and its
//! API token, the auth layer, the edge layer) on 127.0.0.1:0 and speaks
//! HTTP/1.1 over a plain TCP socket. [`both_backends!`] runs a test body on each backend (through
//! `mlgov_store_postgres::testing`, which also provides the database).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use mlgov_store::Store;
use mlgov_store_postgres::testing::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The password of every test account.
pub const PASSWORD: &str = "a long enough test password";

/// A running server and its database.
pub struct Env {
    /// Bound address.
    pub addr: SocketAddr,
    /// Keeps the database alive (removes the SQLite file or drops the PostgreSQL schema at the end).
    pub _db: TestDb,
    /// The state (to inspect the loaded base).
    pub state: mlgov_server::AppState,
    /// `Authorization` header value of an admin's API token.
    pub admin_bearer: String,
    /// `Authorization` header value of a viewer's API token.
    pub viewer_bearer: String,
    /// `Authorization` header value of the API token of a researcher in project `p1`.
    pub researcher_bearer: String,
    /// `Authorization` header value of the API token of a contributor (`cora`).
    pub contributor_bearer: String,
    /// Where the store is (SQLite file or PostgreSQL URL).
    pub location: PathBuf,
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
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    /// What the response tells a client, to compare two responses: status, content type and body,
    /// without what differs between any two requests (an error envelope's `request_id`, a page's
    /// `nonce="…"` attributes).
    pub fn comparable(&self) -> (u16, String, String) {
        let body = match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(mut v) => {
                if let Some(e) = v.get_mut("error").and_then(serde_json::Value::as_object_mut) {
                    e.remove("request_id");
                }
                v.to_string()
            }
            Err(_) => mlgov_auth::testing::without_nonces(&self.text()),
        };
        (self.status, self.header("content-type").unwrap_or("").to_string(), body)
    }
}

/// Runs each named `async fn name(env: Env)` as two tests, `on_sqlite::name` and
/// `on_postgres::name`, on a server started by [`Env::on`] (`on_both_backends!` of
/// `mlgov_store_postgres::testing`).
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mlgov_store_postgres::testing::on_both_backends!(async $crate::integration::common::Env::on; $($name),*);
    };
}

impl Env {
    /// Loads the bundled data into a fresh SQLite file and serves it.
    pub async fn start() -> Env {
        Env::on(TestDb::sqlite()).await
    }

    /// Loads the bundled data into a fresh store in `db` and serves it.
    pub async fn on(db: TestDb) -> Env {
        let kb_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb");
        let loaded = mlgov_interchange::read_path(&kb_dir)
            .unwrap_or_else(|e| panic!("bundled data: {:?}", e.diagnostics()));
        let location = PathBuf::from(db.location());
        {
            let (l, kb, backend) = (db.location(), loaded.kb, db.name());
            tokio::task::spawn_blocking(move || {
                let mut store =
                    mlgov_store_postgres::open_any(&l, mlgov_store_postgres::OpenMode::Create)
                        .unwrap_or_else(|e| panic!("creating the {backend} store: {e}"));
                store.replace_all(&kb).expect("load store");
            })
            .await
            .expect("load task");
        }
        let state = {
            let l = location.clone();
            tokio::task::spawn_blocking(move || mlgov_server::AppState::open(&l))
                .await
                .expect("open task")
                .expect("open store")
        };
        let auth = mlgov_auth::Auth::new(
            Box::new(mlgov_auth::SqliteAuthStore::in_memory().expect("auth store")),
            mlgov_auth::Config::default(),
        );
        let cli = mlgov_auth::Principal::cli_admin();
        let bearer = |name: &str, role: mlgov_auth::Role, projects: &[String]| {
            auth.add_user(&cli, name, role, PASSWORD, projects).expect("add user");
            format!("Bearer {}", auth.issue_token(&cli, name, "tests").expect("issue token").token)
        };
        let (admin_bearer, viewer_bearer) = (
            bearer("root", mlgov_auth::Role::Admin, &[]),
            bearer("vera", mlgov_auth::Role::Viewer, &[]),
        );
        let researcher_bearer = bearer("rita", mlgov_auth::Role::Researcher, &["p1".to_string()]);
        let contributor_bearer = bearer("cora", mlgov_auth::Role::Contributor, &[]);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        // Composed as `Server::run` composes it: the survey collection and the accounts (here in
        // memory, with the accounts above) mounted onto the app under the auth layer, and the
        // edge layer over everything.
        let collect = {
            let l = location.to_string_lossy().into_owned();
            let store = tokio::task::spawn_blocking(move || mlgov_collect::open_store(&l))
                .await
                .expect("collection store task")
                .expect("collection store");
            mlgov_collect::Collect::new(
                store,
                auth.clone(),
                mlgov_collect::Config {
                    kb_location: Some(location.to_string_lossy().into_owned()),
                    ..mlgov_collect::Config::default()
                },
            )
        };
        let app = mlgov_server::layer(mlgov_collect::http::mount(
            mlgov_server::app(state.clone()),
            auth.clone(),
            collect,
        ));
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .expect("serve")
        });
        Env {
            addr,
            _db: db,
            state,
            admin_bearer,
            viewer_bearer,
            researcher_bearer,
            contributor_bearer,
            location,
        }
    }

    /// Logs `user` in through the login form: the session cookie (`name=value`) and its CSRF
    /// token, as a browser holds them.
    pub async fn login(&self, user: &str) -> (String, String) {
        let body = format!("username={user}&password={}&next=%2F", PASSWORD.replace(' ', "+"));
        let r = self
            .request(
                "POST",
                "/login",
                &[("Content-Type", "application/x-www-form-urlencoded")],
                body.as_bytes(),
            )
            .await;
        assert_eq!(r.status, 303, "login {user}: {}", r.text());
        let cookie = r
            .header("set-cookie")
            .expect("a session cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let me = self.request("GET", "/api/v1/me", &[("Cookie", &cookie)], b"").await.json();
        (cookie, me["csrf_token"].as_str().expect("csrf token").to_string())
    }

    /// POSTs `body` as JSON with a bearer token.
    pub async fn post_json(&self, bearer: &str, path: &str, body: &serde_json::Value) -> Resp {
        let headers = [("Authorization", bearer), ("Content-Type", "application/json")];
        self.request("POST", path, &headers, body.to_string().as_bytes()).await
    }

    /// `files` proposed by a researcher and approved by an admin (both must succeed): the base
    /// now holds them. The proposal's id.
    pub async fn apply_change(&self, files: serde_json::Value) -> i64 {
        let id = self.propose(files).await;
        let path = format!("/api/v1/changes/{id}/approve");
        let a = self.post_json(&self.admin_bearer, &path, &serde_json::json!({})).await;
        assert_eq!(a.status, 200, "{}", a.text());
        id
    }

    /// A researcher's proposed change of these `files` (CSV text by file name), noted "fixture",
    /// which must be accepted (201); its id.
    pub async fn propose(&self, files: serde_json::Value) -> i64 {
        let body = serde_json::json!({"files": files, "note": "fixture"});
        let r = self.post_json(&self.researcher_bearer, "/api/v1/changes", &body).await;
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["proposal"]["id"].as_i64().expect("the proposal's id")
    }

    /// Sends a request and reads the whole response.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let mut s = tokio::net::TcpStream::connect(self.addr).await.expect("connect");
        let mut req =
            format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
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

    /// GET with an `Authorization` header.
    pub async fn get_as(&self, bearer: &str, path: &str) -> Resp {
        self.request("GET", path, &[("Authorization", bearer)], b"").await
    }

    /// Runs `f` on the store of this server (in a blocking task), then reloads the server's
    /// snapshot so that it sees what `f` wrote.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Store) -> T + Send + 'static,
    ) -> T {
        let location = self.location.clone();
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = mlgov_store_postgres::open_any(
                &location.to_string_lossy(),
                mlgov_store_postgres::OpenMode::Existing,
            )
            .expect("open the test store");
            let out = f(store.as_mut());
            state.reload().expect("reload");
            out
        })
        .await
        .expect("store task")
    }
}

fn parse(buf: &[u8]) -> Resp {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
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
        while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..i]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[i + 2..i + 2 + size]);
            rest = &rest[i + 2 + size + 2..];
        }
        out
    } else {
        raw.to_vec()
    };
    Resp { status, headers, body }
}

/// The records of a CSV text (RFC 4180: quoted fields with doubled quotes, line breaks inside
/// quotes), to read the API's CSV back.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}
