//! The audit log: every change Satchel makes to a bucket's configuration, from the app or the CLI,
//! appended to a local SQLite file with when, which connection and bucket, the setting, and the
//! value before and after. Values are settings only (switches, policies): never a secret or a
//! presigned URL, which no setting holds.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    connection TEXT NOT NULL,
    bucket TEXT NOT NULL,
    setting TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    via TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_bucket ON changes (bucket, id);";

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub at: String,
    /// The connection's name when the change was made.
    pub connection: String,
    pub bucket: String,
    /// `public-access`, `policy`, ...
    pub setting: String,
    pub before: String,
    pub after: String,
    /// `app` or `cli`.
    pub via: String,
}

pub struct AuditLog {
    db: Mutex<Connection>,
}

impl AuditLog {
    pub fn open(path: &Path) -> Result<AuditLog> {
        let fail = |e: rusqlite::Error| Error::new(ErrorCode::Config, format!("Couldn't open the audit log {}: {e}.", path.display()));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::new(ErrorCode::Config, format!("Couldn't create {}: {e}.", dir.display())))?;
        }
        let db = Connection::open(path).map_err(fail)?;
        db.busy_timeout(Duration::from_secs(5)).map_err(fail)?;
        db.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
        db.execute_batch(SCHEMA).map_err(fail)?;
        Ok(AuditLog { db: Mutex::new(db) })
    }

    /// Appends a change, stamped now.
    pub fn record(&self, connection: &str, bucket: &str, setting: &str, before: &str, after: &str, via: &str) -> Result<AuditEntry> {
        let at = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        let entry = AuditEntry {
            at,
            connection: connection.into(),
            bucket: bucket.into(),
            setting: setting.into(),
            before: before.into(),
            after: after.into(),
            via: via.into(),
        };
        self.db
            .lock()
            .expect("audit lock")
            .execute(
                "INSERT INTO changes (at, connection, bucket, setting, before, after, via) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![entry.at, entry.connection, entry.bucket, entry.setting, entry.before, entry.after, entry.via],
            )
            .map_err(|e| Error::new(ErrorCode::Config, format!("Couldn't write the audit log: {e}.")))?;
        Ok(entry)
    }

    /// Changes, oldest first; of one bucket when given.
    pub fn entries(&self, bucket: Option<&str>) -> Result<Vec<AuditEntry>> {
        let db = self.db.lock().expect("audit lock");
        let read = |db: &Connection| -> rusqlite::Result<Vec<AuditEntry>> {
            let mut q = db.prepare("SELECT at, connection, bucket, setting, before, after, via FROM changes WHERE ?1 IS NULL OR bucket = ?1 ORDER BY id")?;
            let rows = q.query_map(params![bucket], |r| {
                Ok(AuditEntry { at: r.get(0)?, connection: r.get(1)?, bucket: r.get(2)?, setting: r.get(3)?, before: r.get(4)?, after: r.get(5)?, via: r.get(6)? })
            })?;
            rows.collect()
        };
        read(&db).map_err(|e| Error::new(ErrorCode::Config, format!("Couldn't read the audit log: {e}.")))
    }
}

/// Entries as CSV (header first), for the export.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("at,connection,bucket,setting,before,after,via\n");
    for e in entries {
        let row = [&e.at, &e.connection, &e.bucket, &e.setting, &e.before, &e.after, &e.via].map(|s| field(s));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_kept_in_order_per_bucket_and_export_as_csv() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(&dir.path().join("audit.db")).unwrap();
        log.record("Work", "a", "public-access", "all 4 on", "none on", "cli").unwrap();
        log.record("Work", "b", "public-access", "none on", "all 4 on", "app").unwrap();
        log.record("Work", "a", "policy", "{}", "{\"Version\": \"2012-10-17\"}", "cli").unwrap();
        // Reopened: the log is on disk.
        let log = AuditLog::open(&dir.path().join("audit.db")).unwrap();
        let a = log.entries(Some("a")).unwrap();
        assert_eq!(a.iter().map(|e| e.setting.as_str()).collect::<Vec<_>>(), ["public-access", "policy"]);
        assert_eq!(log.entries(None).unwrap().len(), 3);
        let csv = to_csv(&a);
        assert!(csv.starts_with("at,connection,bucket,setting,before,after,via\n"));
        assert!(csv.contains(",\"{\"\"Version\"\": \"\"2012-10-17\"\"}\",cli\n"), "{csv}");
    }
}
