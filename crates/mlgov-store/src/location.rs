//! Where a store lives, as the `--db` value names it: the one place that tells a PostgreSQL URL
//! from a SQLite file path. The knowledge base, the accounts and survey collection all open their
//! tables through it, so they always agree on the backend.

use std::path::{Path, PathBuf};

/// A store's location: a PostgreSQL URL (`postgres://…` or `postgresql://…`, any case, leading
/// blanks allowed) or, for anything else, a SQLite file path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, as given.
    Postgres(String),
}

impl Location {
    /// Parses a `--db` value.
    pub fn parse(value: &str) -> Location {
        let lower = value.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Location::Postgres(value.to_string())
        } else {
            Location::Sqlite(PathBuf::from(value))
        }
    }

    /// The location of a `--db` value held as a path (a URL only if it reads as one; a file path
    /// that is not UTF-8 is kept as it is).
    pub fn from_path(value: &Path) -> Location {
        match value.to_str() {
            Some(s) => Location::parse(s),
            None => Location::Sqlite(value.to_path_buf()),
        }
    }

    /// What `postgres` (given the URL) or `sqlite` (given the file) opens here: the one choice of
    /// a backend by location, for every crate with tables of its own.
    pub fn open<T>(&self, postgres: impl FnOnce(&str) -> T, sqlite: impl FnOnce(&Path) -> T) -> T {
        match self {
            Location::Postgres(url) => postgres(url),
            Location::Sqlite(path) => sqlite(path),
        }
    }

    /// Whether this names a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Location::Postgres(_))
    }

    /// The SQLite file, if this is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_postgres_urls_only() {
        assert!(Location::parse("postgres://u@h/db").is_postgres());
        assert!(Location::parse("PostgreSQL://u@h/db").is_postgres());
        assert!(Location::parse("  postgres://u@h/db").is_postgres());
        assert_eq!(Location::parse("mlgov.db"), Location::Sqlite(PathBuf::from("mlgov.db")));
        assert!(!Location::parse("/tmp/postgres/mlgov.db").is_postgres());
        assert!(!Location::parse("sqlite://x").is_postgres());
        assert_eq!(
            Location::from_path(Path::new("postgres://u@h/db")),
            Location::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            Location::from_path(Path::new("a/b.db")).sqlite_path(),
            Some(Path::new("a/b.db"))
        );
    }
}
