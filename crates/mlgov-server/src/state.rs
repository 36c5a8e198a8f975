//! The shared server state: an immutable snapshot of the knowledge base and the stored surveys
//! (with its name index, precomputed lookups and a content hash used in ETags beside the build
//! fingerprint) behind `Arc<RwLock<..>>`, replaced wholesale on reload; plus a bounded cache of
//! rendered responses per snapshot.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use axum::body::Bytes;
use mlgov_domain::{Id, KnowledgeBase, NameIndex};
use mlgov_store::{Location, Store, StoreError};

use crate::digest::{Fnv1a, fnv1a};

/// A response at least this large was computed from large intermediate structures (the whole
/// GeoJSON layer: a spell per membership); the memory they held is handed back once it is cached.
pub(crate) const LARGE_RESPONSE: usize = 8 << 20;

/// How many rendered responses a snapshot keeps (cleared wholesale when full).
const CACHE_CAPACITY: usize = 4096;

/// How many bytes of rendered responses a snapshot keeps at most (cleared wholesale when full):
/// a crawler walking thousands of pages of a large base must not grow the server without bound.
/// The whole GeoJSON layer at a million memberships (≈ 60 MB) fits.
const CACHE_BYTES: usize = 128 << 20;

/// A cached response: content type and body.
#[derive(Clone, Debug)]
pub struct CachedResponse {
    /// `Content-Type` header value.
    pub content_type: &'static str,
    /// Body bytes.
    pub body: Bytes,
    /// `Link` header value (pagination of API lists), kept with the body.
    pub link: Option<axum::http::HeaderValue>,
}

/// Rendered responses of a snapshot and the bytes they hold.
#[derive(Default)]
struct ResponseCache {
    entries: HashMap<String, CachedResponse>,
    bytes: usize,
}

/// What is computed once per base from a whole snapshot by a module above this one (the lists
/// and overview of `derived.rs`): held here unseen, built on first use or by the warm-up thread.
pub(crate) type BaseCell = std::sync::OnceLock<Box<dyn std::any::Any + Send + Sync>>;

/// The warm-up of a snapshot swapped in: what is otherwise computed on first use, computed in the
/// background before the first request needs it (implemented by `derived.rs`).
pub(crate) trait WarmUp {
    /// Computes it.
    fn warm_up(&self);
}

/// One loaded version of the knowledge base with everything derived from it.
pub struct Snapshot {
    /// The knowledge base (shared with the snapshot that only changes the surveys:
    /// [`Snapshot::with_new_surveys`]; so are the index, names, lists and spanners).
    pub kb: Arc<KnowledgeBase>,
    /// Accent-insensitive name index.
    pub index: Arc<NameIndex>,
    /// FNV-1a hash of the knowledge base's JSON serialisation (plus the server version) and of
    /// the surveys' fingerprint: the strong part of every ETag, so that a reload with different
    /// data invalidates caches.
    pub content_hash: u64,
    /// The part of `content_hash` that is the base's and the server version's.
    base_hash: u64,
    /// Display name per entity id (public labels for anonymised localities).
    names: Arc<HashMap<Id, String>>,
    /// Stored survey datasets and their latest releases ([`crate::catalog::Catalog`]).
    pub surveys: crate::catalog::Catalog,
    /// Rendered responses keyed by path and query.
    cache: Mutex<ResponseCache>,
    /// Set when this snapshot is the base as recorded at an earlier moment (`?as_of=`).
    pub as_of: Option<AsOfView>,
    /// When this content was first served by this process (the `Last-Modified` of its responses;
    /// kept across a reload that finds the same content).
    pub loaded_at: SystemTime,
    /// Lists and overview computed once (by `derived.rs`, above this module; they do not depend
    /// on the surveys).
    derived: Arc<BaseCell>,
    /// The boundary-spanner comparison of the explorer's graph page, computed once.
    spanners: Arc<std::sync::OnceLock<Option<mlgov_analysis::spanners::SpannerComparison>>>,
}

/// What a snapshot read with `?as_of=` shows: the moment asked for and the change set it resolved
/// to (pages show it in a banner).
#[derive(Clone, Debug, serde::Serialize)]
pub struct AsOfView {
    /// The value of `as_of` as given (`2026-03-01`, a UTC time, `cs:12`).
    pub value: String,
    /// The latest change set recorded then (None: before anything was recorded).
    pub change_set: Option<i64>,
}

impl Snapshot {
    /// Builds a snapshot (index, names, hash) from a knowledge base without surveys.
    pub fn new(kb: KnowledgeBase) -> Snapshot {
        Snapshot::with_surveys(kb, crate::catalog::Catalog::default())
    }

    /// Builds a snapshot from a knowledge base and the stored surveys.
    pub fn with_surveys(mut kb: KnowledgeBase, surveys: crate::catalog::Catalog) -> Snapshot {
        // Lookups by id for every page and analysis of this snapshot (the base is read-only now),
        // built while another thread hashes the content: the content hash streams the JSON
        // serialisation through FNV-1a (no copy of the base).
        let (lookups, mut content_hash) = std::thread::scope(|sc| {
            let hash = sc.spawn(|| {
                let mut hasher = Fnv1a::default();
                let _ = serde_json::to_writer(&mut hasher, &kb);
                hasher.0
            });
            let lookups = mlgov_domain::index::KbIndex::build(&kb);
            (lookups, hash.join().expect("hashing the base"))
        });
        kb.freeze_with(lookups);
        let index = kb.index();
        content_hash ^= fnv1a(env!("CARGO_PKG_VERSION").as_bytes()).rotate_left(17);
        let base_hash = content_hash;
        content_hash ^= surveys.fingerprint().rotate_left(31);
        let surveys = surveys.with_localities(mlgov_analysis::survey::survey_localities(&kb));
        let mut names = HashMap::new();
        let ids = kb
            .localities
            .iter()
            .map(|x| &x.id)
            .chain(kb.networks.iter().map(|x| &x.id))
            .chain(kb.organisations.iter().map(|x| &x.id))
            .chain(kb.persons.iter().map(|x| &x.id))
            .chain(kb.events.iter().map(|x| &x.id))
            .chain(kb.sources.iter().map(|x| &x.id))
            .chain(kb.practices.iter().map(|x| &x.id));
        for id in ids {
            names.insert(id.clone(), kb.display_name(id));
        }
        Snapshot {
            kb: Arc::new(kb),
            index: Arc::new(index),
            content_hash,
            base_hash,
            names: Arc::new(names),
            surveys,
            cache: Mutex::default(),
            as_of: None,
            loaded_at: SystemTime::now(),
            derived: Default::default(),
            spanners: Default::default(),
        }
    }

    /// This snapshot's base with other surveys: what a change of the surveys alone (an answer
    /// submitted, a survey imported or released) needs, without reading the base again. Shares
    /// the base, its index, names, lists and spanners; starts an empty response cache.
    pub fn with_new_surveys(&self, surveys: crate::catalog::Catalog) -> Snapshot {
        let content_hash = self.base_hash ^ surveys.fingerprint().rotate_left(31);
        let surveys = surveys.with_localities(mlgov_analysis::survey::survey_localities(&self.kb));
        Snapshot {
            kb: self.kb.clone(),
            index: self.index.clone(),
            content_hash,
            base_hash: self.base_hash,
            names: self.names.clone(),
            surveys,
            cache: Mutex::default(),
            as_of: None,
            loaded_at: SystemTime::now(),
            derived: self.derived.clone(),
            spanners: self.spanners.clone(),
        }
    }

    /// The cell of what is computed once per base ([`BaseCell`]).
    pub(crate) fn base_cell(&self) -> &BaseCell {
        &self.derived
    }

    /// The Turin / Saint-Étienne boundary-spanner comparison (Caponio & Clément 2020) on the
    /// whole governance graph, computed on first use; `None` when the base lacks either city.
    pub fn spanners(&self) -> Option<&mlgov_analysis::spanners::SpannerComparison> {
        self.spanners
            .get_or_init(|| {
                let both = ["loc:turin", "loc:saint-etienne"]
                    .iter()
                    .all(|i| Id::parse(i).ok().is_some_and(|id| self.kb.locality(&id).is_some()));
                both.then(|| {
                    let full =
                        mlgov_analysis::graph::governance_graph(&self.kb, &Default::default())
                            .graph;
                    mlgov_analysis::spanners::compare(&self.kb, &full, 2018)
                })
            })
            .as_ref()
    }

    /// The display name of an id (public label for anonymised localities; the id when unknown).
    pub fn name(&self, id: &Id) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| self.kb.display_name(id))
    }

    /// Whether an entity id exists in the base.
    pub fn exists(&self, id: &Id) -> bool {
        self.names.contains_key(id)
    }

    /// A cached response for `key`.
    pub fn cached(&self, key: &str) -> Option<CachedResponse> {
        self.cache.lock().ok()?.entries.get(key).cloned()
    }

    /// Stores a rendered response (within [`CACHE_CAPACITY`] responses and [`CACHE_BYTES`]; a
    /// response larger than half the budget is not kept).
    pub fn store(&self, key: String, value: CachedResponse) {
        let size = key.len() + value.body.len();
        if size > CACHE_BYTES / 2 {
            return;
        }
        if let Ok(mut c) = self.cache.lock() {
            if c.entries.len() >= CACHE_CAPACITY || c.bytes + size > CACHE_BYTES {
                c.entries.clear();
                c.bytes = 0;
            }
            let key_len = key.len();
            if let Some(old) = c.entries.insert(key, value) {
                c.bytes = c.bytes.saturating_sub(key_len + old.body.len());
            }
            c.bytes += size;
        }
    }
}

/// The ETag of the response at `key` (path and query) given the data's content hash and the build
/// fingerprint: `"<content hash>-<build fingerprint>-<key hash>"`, so that new data, new templates
/// or assets, or another URL each change it.
pub fn etag(content_hash: u64, build: u64, key: &str) -> String {
    format!("\"{content_hash:016x}-{build:016x}-{:016x}\"", fnv1a(key.as_bytes()))
}

/// Hands memory freed after a load (the rows read, the grouping maps of the derived lists) back
/// to the operating system. glibc's allocator keeps freed memory in per-thread arenas; without
/// this a server over a million memberships holds several hundred megabytes it no longer uses.
/// Also called after a large response was computed ([`LARGE_RESPONSE`]).
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free pages of glibc's heaps to the kernel; it takes no
        // pointer and is thread-safe.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// How many earlier versions of the base (`?as_of=`, one per change set) a server keeps built.
const AS_OF_CAPACITY: usize = 8;

/// The state shared by every handler.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<RwLock<Arc<Snapshot>>>,
    /// Earlier versions of the base by the change set they end with, most recently used last;
    /// emptied on every reload (a store replaced by `mlgov demo` numbers change sets anew).
    as_of: Arc<Mutex<Vec<(Option<i64>, AppState)>>>,
    /// The database file the snapshot was loaded from (None for in-memory states in tests).
    pub db_path: Option<PathBuf>,
    /// Modification time of the database file at the last load.
    loaded_mtime: Arc<Mutex<Option<SystemTime>>>,
    /// PostgreSQL: the database's change fingerprint read before the last load
    /// (`mlgov_store_postgres::changes::fingerprint`), compared by [`AppState::reload_if_fingerprint`].
    loaded_fingerprint: Arc<Mutex<Option<String>>>,
    /// Held by a reload from start to end: reloads run one at a time, so that an older read of
    /// the store never replaces a newer one.
    reloading: Arc<Mutex<()>>,
    /// The sources' texts, for quoted passages in context.
    pub texts: Arc<crate::texts::Texts>,
}

impl AppState {
    /// A state over a knowledge base held in memory.
    pub fn from_kb(kb: KnowledgeBase) -> AppState {
        AppState::from_snapshot(Snapshot::new(kb))
    }

    fn from_snapshot(snap: Snapshot) -> AppState {
        let snap = Arc::new(snap);
        let warm = snap.clone();
        std::thread::spawn(move || {
            warm.warm_up();
            release_free_memory();
        });
        AppState {
            inner: Arc::new(RwLock::new(snap)),
            as_of: Arc::new(Mutex::new(Vec::new())),
            db_path: None,
            loaded_mtime: Arc::new(Mutex::new(None)),
            loaded_fingerprint: Arc::new(Mutex::new(None)),
            reloading: Arc::new(Mutex::new(())),
            texts: Arc::new(crate::texts::Texts::from_env()),
        }
    }

    /// Loads the knowledge base from an existing store: a SQLite file, or PostgreSQL when `db` is
    /// a `postgres://` URL (then the server's change listener triggers reloads, see
    /// [`AppState::reload_if_fingerprint`]).
    pub fn open(db: &Path) -> Result<AppState, StoreError> {
        let before = mtime(db);
        let fingerprint = change_mark(db);
        let mut s = AppState::from_snapshot(load_store(db)?);
        s.db_path = Some(db.to_path_buf());
        *s.loaded_mtime.lock().expect("mtime lock") = before;
        *s.loaded_fingerprint.lock().unwrap_or_else(|p| p.into_inner()) = fingerprint;
        Ok(s)
    }

    /// A state over the base as recorded at `view` (no surveys, no database: it never reloads).
    pub fn as_of_view(kb: KnowledgeBase, view: AsOfView) -> AppState {
        let mut snap = Snapshot::new(kb);
        snap.as_of = Some(view);
        AppState::from_snapshot(snap)
    }

    /// The state of the base as it was recorded at `at`, built once per change set and kept
    /// ([`AS_OF_CAPACITY`] versions, least recently used dropped); `value` is what the user asked.
    pub fn as_of(
        &self,
        value: &str,
        at: &mlgov_store::AsOf,
    ) -> Result<AppState, crate::error::ApiError> {
        let db = self.db_path.as_ref().ok_or_else(|| {
            crate::error::ApiError::field("as_of", "this server has no database with a history")
        })?;
        let store = mlgov_store_postgres::open(
            &Location::from_path(db),
            mlgov_store_postgres::OpenMode::Existing,
        )?;
        let cs = store.change_set_at(at)?;
        let view = AsOfView { value: value.to_string(), change_set: cs };
        {
            let mut cache = self.as_of.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(i) = cache.iter().position(|(k, _)| *k == cs) {
                let hit = cache.remove(i);
                let state = hit.1.clone();
                cache.push(hit);
                return Ok(state.relabelled(view));
            }
        }
        let kb = match cs {
            Some(n) => store.load_as_of(&mlgov_store::AsOf::ChangeSet(n))?,
            None => KnowledgeBase::default(),
        };
        let state = AppState::as_of_view(kb, view);
        let mut cache = self.as_of.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= AS_OF_CAPACITY {
            cache.remove(0);
        }
        cache.push((cs, state.clone()));
        Ok(state)
    }

    /// The change sets whose versions of the base are built and kept, least recently used first.
    pub fn as_of_versions(&self) -> Vec<Option<i64>> {
        self.as_of.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(k, _)| *k).collect()
    }

    /// The same built version shown under another `as_of` value (`2026-03-01` and `cs:4` may
    /// read the same change set): shares the knowledge base and the response cache, whose keys
    /// hold the URL with its `as_of`.
    fn relabelled(&self, view: AsOfView) -> AppState {
        let snap = self.snapshot();
        if snap.as_of.as_ref().is_some_and(|v| v.value == view.value) {
            return self.clone();
        }
        // Pages print the value asked for; the snapshot is rebuilt around the same (cloned)
        // base only when the label differs, which is rare (one label per change set in practice).
        AppState::as_of_view(KnowledgeBase::clone(&snap.kb), view)
    }

    /// The current snapshot (cheap: clones an `Arc`).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.read().map(|g| g.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Replaces the snapshot by one of `kb` without surveys.
    pub fn replace(&self, kb: KnowledgeBase) {
        self.replace_snapshot(Snapshot::new(kb));
    }

    fn replace_snapshot(&self, mut snap: Snapshot) {
        // Last-Modified has whole seconds: new content is dated at least a second after the
        // content it replaces, so that If-Modified-Since never hides it.
        let old = self.snapshot();
        snap.loaded_at = if old.content_hash == snap.content_hash {
            old.loaded_at
        } else {
            snap.loaded_at.max(old.loaded_at + std::time::Duration::from_secs(1))
        };
        let snap = Arc::new(snap);
        match self.inner.write() {
            Ok(mut g) => *g = snap.clone(),
            Err(p) => *p.into_inner() = snap.clone(),
        }
        // The lists and overview are computed in the background, before the first request needs
        // them (a request that comes first computes them itself, once).
        std::thread::spawn(move || {
            snap.warm_up();
            release_free_memory();
        });
    }

    /// Reloads from the database file; returns whether a database is attached.
    pub fn reload(&self) -> Result<bool, StoreError> {
        let Some(db) = &self.db_path else { return Ok(false) };
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|p| p.into_inner());
        self.reload_from(db, false)?;
        Ok(true)
    }

    /// The reload itself, under [`AppState::reloading`]. With `keep_same_base`, a database whose
    /// change mark names the base already loaded (only surveys or accounts changed: an answer
    /// submitted, a survey imported or released, a login) keeps the base and reads the surveys
    /// alone.
    fn reload_from(&self, db: &Path, keep_same_base: bool) -> Result<(), StoreError> {
        // The modification time (and PostgreSQL's fingerprint) is read before the store: a write
        // that lands while the store is read leaves a newer mark behind, and the next check
        // reloads again (read after, it would hide that write until the next one).
        let before = mtime(db);
        let fingerprint = change_mark(db);
        let loaded = self.loaded_fingerprint.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let same_base = matches!((&loaded, &fingerprint), (Some(a), Some(b)) if mlgov_store_postgres::changes::same_base(a, b));
        // (SQLite's mark is the base part alone.)
        let snap = if keep_same_base && same_base {
            let store = mlgov_store_postgres::open(
                &Location::from_path(db),
                mlgov_store_postgres::OpenMode::Existing,
            )?;
            self.snapshot().with_new_surveys(load_catalog(db, store.as_ref())?)
        } else {
            load_store(db)?
        };
        self.replace_snapshot(snap);
        self.as_of.lock().unwrap_or_else(|p| p.into_inner()).clear();
        *self.loaded_mtime.lock().expect("mtime lock") = before;
        *self.loaded_fingerprint.lock().unwrap_or_else(|p| p.into_inner()) = fingerprint;
        Ok(())
    }

    /// Reloads when `fingerprint` (the PostgreSQL database's, read by the server's change
    /// listener: `mlgov_store_postgres::changes`) differs from the one read before the last load;
    /// whether it reloaded. Runs on the listener's thread, never in a request.
    pub fn reload_if_fingerprint(&self, fingerprint: &str) -> Result<bool, StoreError> {
        let Some(db) = &self.db_path else { return Ok(false) };
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|p| p.into_inner());
        if self.loaded_fingerprint.lock().unwrap_or_else(|p| p.into_inner()).as_deref()
            == Some(fingerprint)
        {
            return Ok(false);
        }
        self.reload_from(db, true)?;
        Ok(true)
    }

    /// Takes the database file's current modification time as the loaded one (after the server
    /// opened its other tables, which may write to the file without changing the base).
    pub fn note_current_mtime(&self) {
        if let Some(db) = &self.db_path {
            *self.loaded_mtime.lock().expect("mtime lock") = mtime(db);
        }
    }

    /// Reloads when the database file (or its WAL) changed since the last load.
    pub fn reload_if_changed(&self) -> Result<bool, StoreError> {
        let Some(db) = &self.db_path else { return Ok(false) };
        let now = mtime(db);
        let last = *self.loaded_mtime.lock().expect("mtime lock");
        if now.is_some() && now != last {
            // Logins, audit entries and survey answers write to the same file: when the base's
            // mark is the one loaded, only the surveys are read again.
            let _one_at_a_time = self.reloading.lock().unwrap_or_else(|p| p.into_inner());
            self.reload_from(db, true)?;
            return Ok(true);
        }
        Ok(false)
    }
}

/// Reads the knowledge base and the survey catalogue from the store at `db`.
fn load_store(db: &Path) -> Result<Snapshot, StoreError> {
    let store: Box<dyn Store> = mlgov_store_postgres::open(
        &Location::from_path(db),
        mlgov_store_postgres::OpenMode::Existing,
    )?;
    let kb = store.load()?;
    let surveys = load_catalog(db, store.as_ref())?;
    Ok(Snapshot::with_surveys(kb, surveys))
}

/// The stored and collected surveys of the database.
fn load_catalog(db: &Path, store: &dyn Store) -> Result<crate::catalog::Catalog, StoreError> {
    // Collected surveys live in the collection tables of the same database.
    let collected = crate::catalog::collected_surveys(&db.to_string_lossy()).unwrap_or_else(|e| {
        eprintln!("warning: collected surveys are not listed in the explorer: {e}");
        Vec::new()
    });
    crate::catalog::Catalog::load(store, collected)
}

/// The change fingerprint of a PostgreSQL database, or the base mark of a SQLite file
/// (`SqliteStore::base_mark`); None when it cannot be read: then the next one differs and the
/// base is read again.
fn change_mark(db: &Path) -> Option<String> {
    match Location::from_path(db) {
        Location::Postgres(url) => mlgov_store_postgres::changes::fingerprint_at(&url)
            .map_err(|e| eprintln!("warning: reading the database's change fingerprint: {e}"))
            .ok(),
        Location::Sqlite(path) => {
            mlgov_store::SqliteStore::open_existing(&path).and_then(|s| s.base_mark()).ok()
        }
    }
}

/// Latest modification time of the database and its WAL file.
fn mtime(db: &Path) -> Option<SystemTime> {
    let main = std::fs::metadata(db).and_then(|m| m.modified()).ok();
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let wal = std::fs::metadata(PathBuf::from(wal)).and_then(|m| m.modified()).ok();
    main.max(wal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(bytes: usize) -> CachedResponse {
        CachedResponse {
            content_type: "text/html; charset=utf-8",
            body: Bytes::from(vec![b'x'; bytes]),
            link: None,
        }
    }

    #[test]
    fn the_response_cache_holds_at_most_its_byte_budget() {
        let s = Snapshot::new(KnowledgeBase::default());
        let big = CACHE_BYTES / 3;
        for i in 0..3 {
            s.store(format!("/page/{i}"), response(big));
        }
        // The third would have passed the budget: the cache was emptied first.
        assert!(s.cached("/page/0").is_none() && s.cached("/page/1").is_none());
        assert!(s.cached("/page/2").is_some());
        // Replacing an entry does not count it twice.
        for _ in 0..10 {
            s.store("/page/2".into(), response(big));
        }
        s.store("/page/3".into(), response(big));
        assert!(s.cached("/page/2").is_some() && s.cached("/page/3").is_some());
        // Larger than half the budget: never kept.
        s.store("/huge".into(), response(CACHE_BYTES / 2 + 1));
        assert!(s.cached("/huge").is_none());
        assert!(s.cache.lock().unwrap().bytes <= CACHE_BYTES);
    }
}
