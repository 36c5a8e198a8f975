//! A database failure that keeps its cause: the words every store shows (`StoreError::Database`,
//! and the accounts' and collection's database errors) and the driver's error behind them, so
//! that `std::error::Error::source` chains reach `rusqlite`'s or `postgres`'s error.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// What failed in the database, in words, and the driver's error when there is one (its
/// [`Error::source`]). Shown as the words alone; equal when the words are (the accounts' and
/// collection's errors compare in tests).
#[derive(Clone, Debug)]
pub struct DatabaseError {
    message: String,
    source: Option<Arc<dyn Error + Send + Sync>>,
}

impl DatabaseError {
    /// A failure with no underlying error (a rule of the store, a schema too new).
    pub fn new(message: impl Into<String>) -> DatabaseError {
        DatabaseError { message: message.into(), source: None }
    }

    /// A failure caused by `source` (the driver's error), described by `message`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl Error + Send + Sync + 'static,
    ) -> DatabaseError {
        DatabaseError { message: message.into(), source: Some(Arc::new(source)) }
    }

    /// The words shown for this failure.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<String> for DatabaseError {
    fn from(message: String) -> Self {
        DatabaseError::new(message)
    }
}

impl From<&str> for DatabaseError {
    fn from(message: &str) -> Self {
        DatabaseError::new(message)
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for DatabaseError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

impl PartialEq for DatabaseError {
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
    }
}

impl Eq for DatabaseError {}
