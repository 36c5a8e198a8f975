//! Files only their owner may read: the SQLite database (argon2id password hashes, session and
//! token digests, raw survey answers) and every file mlgov writes that holds raw answers or a
//! secret. On Unix, such a file is created with mode [`FILE_MODE`] (0600) and a directory mlgov
//! creates for such files with [`DIR_MODE`] (0700); the umask can only take bits away. Elsewhere
//! these are plain file operations with the platform's defaults.
//!
//! A *new* database file is created here, empty, before SQLite opens it
//! ([`create_database_file`]): SQLite gives the `-wal`, `-shm` and `-journal` files it creates
//! beside a database the database file's own mode, so they are private from their first byte.
//!
//! An *existing* file keeps its mode, database included: it may have been set on purpose (a group
//! that backs the database up, a service account that reads it), and silently changing it could
//! break such a set-up. [`exposed_database`] and [`exposed`] say when one is open to every local
//! user, so that the command line can warn ([`exposed_warning`]).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Mode of a new private file: read and write for its owner only.
pub const FILE_MODE: u32 = 0o600;
/// Mode of a directory mlgov creates for private files.
pub const DIR_MODE: u32 = 0o700;

/// Opens `path` for writing, truncated; a new file is created with [`FILE_MODE`], an existing one
/// keeps its mode.
///
/// # Errors
/// Whatever opening the file gives.
pub fn create(path: &Path) -> io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    o.open(path)
}

/// Writes `bytes` to `path` as [`create`] opens it.
///
/// # Errors
/// Whatever opening or writing the file gives.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = create(path)?;
    f.write_all(bytes)?;
    f.flush()
}

/// Creates `dir` and its missing parents with [`DIR_MODE`]; directories that exist are left as
/// they are.
///
/// # Errors
/// Whatever creating a directory gives.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(DIR_MODE);
    }
    b.create(dir)
}

/// Whether SQLite reads `path` as a file name (not `:memory:`, a `file:` URI or the empty name of
/// a temporary database).
fn is_file_name(path: &Path) -> bool {
    let s = path.as_os_str();
    !(s.is_empty() || s == ":memory:" || path.to_str().is_some_and(|p| p.starts_with("file:")))
}

/// Creates an empty database file at `path` with [`FILE_MODE`] when there is none, for SQLite to
/// open next (SQLite reads an empty file as an empty database, and creates its `-wal`, `-shm` and
/// `-journal` files with the database file's mode). Whether it created the file; an existing file
/// is left as it is, and names that are not files (`:memory:`, `file:` URIs) are left alone.
///
/// # Errors
/// Whatever creating the file gives (a missing directory, no permission): SQLite would fail there
/// too, and callers may leave the error to SQLite's own message.
pub fn create_database_file(path: &Path) -> io::Result<bool> {
    if !is_file_name(path) {
        return Ok(false);
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    match o.open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// The mode of `path` when it exists and users other than its owner and group may read or write
/// it (`None` otherwise, and always off Unix).
#[must_use]
pub fn exposed(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o006 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The files of the database at `path` — the file itself and its `-wal` and `-shm` companions,
/// those that exist — that every local user may read or write ([`exposed`]), with their modes.
#[must_use]
pub fn exposed_database(path: &Path) -> Vec<(PathBuf, u32)> {
    if !is_file_name(path) {
        return Vec::new();
    }
    let with = |suffix: &str| {
        let mut p = path.as_os_str().to_os_string();
        p.push(suffix);
        PathBuf::from(p)
    };
    [path.to_path_buf(), with("-wal"), with("-shm")]
        .into_iter()
        .filter_map(|p| exposed(&p).map(|m| (p, m)))
        .collect()
}

/// A warning for the database at `path` when [`exposed_database`] finds files of it open to every
/// local user: what they hold, and the command that makes them private. `None` when there is
/// nothing to say.
#[must_use]
pub fn exposed_warning(path: &Path) -> Option<String> {
    let files = exposed_database(path);
    if files.is_empty() {
        return None;
    }
    let listed: Vec<String> =
        files.iter().map(|(p, m)| format!("{} (mode {m:04o})", p.display())).collect();
    let names: Vec<String> =
        files.iter().map(|(p, _)| shell_word(&p.display().to_string())).collect();
    Some(format!(
        "warning: every user of this machine can read {}; the database holds password hashes and raw survey answers. mlgov creates new databases 0600 but leaves an existing file's mode as it is: run `chmod 600 {}`",
        listed.join(", "),
        names.join(" ")
    ))
}

/// `s` quoted for a POSIX shell when it needs to be.
fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_files_and_directories_are_private_existing_ones_keep_their_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        create_dir_all(&dir).unwrap();
        assert_eq!((mode(&tmp.path().join("a")), mode(&dir)), (0o700, 0o700));
        let f = dir.join("answers.csv");
        write(&f, b"x").unwrap();
        assert_eq!(mode(&f), 0o600);
        assert_eq!(exposed(&f), None);
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&f, b"y").unwrap();
        assert_eq!(
            (mode(&f), std::fs::read(&f).unwrap()),
            (0o644, b"y".to_vec()),
            "an existing file keeps its mode"
        );
        assert_eq!(exposed(&f), Some(0o644));
    }

    #[test]
    fn a_new_database_file_is_created_private_and_an_existing_one_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("my db.sqlite");
        assert!(create_database_file(&db).unwrap());
        assert!(!create_database_file(&db).unwrap(), "already there");
        assert_eq!(mode(&db), 0o600);
        assert_eq!(exposed_warning(&db), None);
        for p in [":memory:", "file:x.db?mode=memory", ""] {
            assert!(!create_database_file(Path::new(p)).unwrap(), "{p}");
        }
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        let wal = tmp.path().join("my db.sqlite-wal");
        std::fs::write(&wal, b"").unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(
            exposed_database(&db),
            vec![(db.clone(), 0o644)],
            "group access is left to the owner's choice"
        );
        let w = exposed_warning(&db).unwrap();
        assert!(
            w.contains("(mode 0644)") && w.ends_with(&format!("chmod 600 '{}'`", db.display())),
            "{w}"
        );
        assert!(create_database_file(&tmp.path().join("no/such/dir.db")).is_err());
    }
}
