//! The one core error type: every failure has a stable `code`, a message that says what was being done and
//! why it failed (naming the file where there is one), and a CLI exit code.

use serde::{Serialize, Serializer};
use std::path::PathBuf;

/// The closed set of error codes the UI and scripts can rely on. Serialised in SCREAMING_SNAKE_CASE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The request itself was wrong (bad argument, unknown status).
    Usage,
    /// The capability exists in the contract but has not landed yet.
    NotAvailable,
    /// A file or directory could not be read or written.
    Io,
    /// The database could not be opened, migrated or queried.
    Database,
    /// The database was written by a newer Backdesk.
    DatabaseTooNew,
    /// Input data (a CSV row, a field value) failed validation.
    InvalidData,
    /// The thing asked for does not exist.
    NotFound,
    /// A document could not be read as anything we understand.
    UnreadableDocument,
    /// The OS keychain is locked, absent or holds no connection for the target.
    Keychain,
    /// An accounting system refused a request or could not be reached.
    Remote,
}

/// A row-level problem in an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// The column the problem is in, when there is one.
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {}: {}", self.line, column, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Every way the core can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{0}")]
    Usage(String),

    #[error("{0} is not available yet in this version of backdesk")]
    NotAvailable(&'static str),

    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("database error while trying to {action}: {source}")]
    Database {
        action: String,
        #[source]
        source: sqlx::Error,
    },

    #[error(
        "the database {} was written by a newer version of backdesk (schema version {found}, this version \
         understands up to {supported}); install the newer version or open another data directory",
        path.display()
    )]
    DatabaseTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("{file}: {}", join_rows(rows))]
    InvalidRows { file: String, rows: Vec<RowError> },

    #[error("{0}")]
    InvalidData(String),

    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: String },

    #[error("{file}: {reason}")]
    UnreadableDocument { file: String, reason: String },

    #[error("{0}")]
    Keychain(String),

    #[error("{target}: {message}")]
    Remote { target: String, message: String },
}

fn join_rows(rows: &[RowError]) -> String {
    let shown: Vec<String> = rows.iter().take(20).map(ToString::to_string).collect();
    let more = rows.len().saturating_sub(shown.len());
    let mut text = shown.join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    text.push_str("; nothing from this file was imported");
    text
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Usage(_) => ErrorCode::Usage,
            Self::NotAvailable(_) => ErrorCode::NotAvailable,
            Self::Io { .. } => ErrorCode::Io,
            Self::Database { .. } => ErrorCode::Database,
            Self::DatabaseTooNew { .. } => ErrorCode::DatabaseTooNew,
            Self::InvalidRows { .. } | Self::InvalidData(_) => ErrorCode::InvalidData,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::UnreadableDocument { .. } => ErrorCode::UnreadableDocument,
            Self::Keychain(_) => ErrorCode::Keychain,
            Self::Remote { .. } => ErrorCode::Remote,
        }
    }

    /// The CLI exit code (contracts/cli.md): 2 for usage and not-yet-available, 3 for data/IO errors.
    pub fn exit_code(&self) -> i32 {
        match self.code() {
            ErrorCode::Usage | ErrorCode::NotAvailable => 2,
            ErrorCode::Io
            | ErrorCode::Database
            | ErrorCode::DatabaseTooNew
            | ErrorCode::InvalidData
            | ErrorCode::NotFound
            | ErrorCode::UnreadableDocument
            | ErrorCode::Keychain
            | ErrorCode::Remote => 3,
        }
    }

    /// Wraps an I/O error with what was attempted and on which path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Wraps a database error with what was attempted.
    pub fn database(action: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Self {
        let action = action.into();
        move |source| Self::Database { action, source }
    }
}

/// The wire form for the UI: `{"code": "...", "message": "..."}`.
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("Error", 2)?;
        state.serialize_field("code", &self.code())?;
        state.serialize_field("message", &self.to_string())?;
        state.end()
    }
}

/// Result with the core error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_reaches_the_ui_as_code_and_message() {
        let error = Error::NotFound {
            what: "invoice",
            id: "42".into(),
        };
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "NOT_FOUND", "message": "invoice 42 does not exist"})
        );
    }

    #[test]
    fn row_errors_name_line_and_column_and_say_nothing_was_imported() {
        let error = Error::InvalidRows {
            file: "vendors.csv".into(),
            rows: vec![RowError {
                line: 3,
                column: Some("tax_id".into()),
                message: "bad".into(),
            }],
        };
        assert_eq!(
            error.to_string(),
            "vendors.csv: line 3, column tax_id: bad; nothing from this file was imported"
        );
        assert_eq!(error.exit_code(), 3);
    }

    #[test]
    fn usage_and_unavailable_exit_with_two() {
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        assert_eq!(Error::NotAvailable("watch").exit_code(), 2);
    }
}
