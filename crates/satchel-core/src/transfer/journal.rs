//! The resume journal: for every multipart upload in progress, the upload id, the part size, the
//! file's size and modification time, and each part the storage acknowledged (number, size, ETag,
//! checksum). After a crash or a pause the next run finds the entry, asks the storage which parts it
//! holds (ListParts), and sends only the rest. SQLite in WAL mode: a part is journalled in well
//! under a millisecond, and a killed process loses at most the parts in flight.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};

/// Which upload an entry is for: where it goes and which local file it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferTarget {
    /// The connection, as a stable string (its id, or the endpoint for ad hoc CLI connections).
    pub storage: String,
    pub bucket: String,
    pub key: String,
    pub path: PathBuf,
}

/// The local file as it was when the upload started; a different stamp means it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub size: u64,
    pub modified_ns: i64,
}

impl FileStamp {
    pub fn of(path: &Path) -> std::io::Result<FileStamp> {
        let meta = std::fs::metadata(path)?;
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0);
        Ok(FileStamp { size: meta.len(), modified_ns })
    }
}

/// A part the storage acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalPart {
    pub number: i32,
    pub size: u64,
    pub etag: String,
    pub checksum: Option<String>,
}

/// An upload in progress, as journalled.
#[derive(Debug, Clone)]
pub struct JournalEntry {
    pub id: i64,
    pub upload_id: String,
    pub part_size: u64,
    /// The checksum algorithm the upload was created with ("crc32c", "crc64nvme", "md5").
    pub checksum: String,
    pub stamp: FileStamp,
    pub parts: Vec<JournalPart>,
}

/// An unfinished upload for the "resume?" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnfinishedUpload {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub id: i64,
    pub storage: String,
    pub bucket: String,
    pub key: String,
    /// The local file's name (the full path stays in Rust).
    pub file_name: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    /// Bytes the storage already acknowledged.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub done: u64,
    /// Seconds since the Unix epoch.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub started: i64,
}

pub struct Journal {
    db: Mutex<Connection>,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    storage TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    path BLOB NOT NULL,
    size INTEGER NOT NULL,
    modified_ns INTEGER NOT NULL,
    part_size INTEGER NOT NULL,
    upload_id TEXT NOT NULL,
    checksum TEXT NOT NULL,
    started INTEGER NOT NULL,
    UNIQUE (storage, bucket, key, path)
);
CREATE TABLE IF NOT EXISTS parts (
    upload INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    checksum TEXT,
    PRIMARY KEY (upload, number)
);
";

fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::new(ErrorCode::Config, format!("The transfer journal {} can't be used: {e}.", path.display()))
}

fn path_bytes(p: &Path) -> Vec<u8> {
    p.as_os_str().as_encoded_bytes().to_vec()
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

impl Journal {
    pub fn open(path: &Path) -> Result<Journal> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::new(ErrorCode::Config, format!("Couldn't create {}: {e}.", dir.display())))?;
        }
        let db = Connection::open(path).map_err(|e| db_error(path, e))?;
        db.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| db_error(path, e))?;
        db.pragma_update(None, "journal_mode", "WAL").map_err(|e| db_error(path, e))?;
        db.pragma_update(None, "synchronous", "NORMAL").map_err(|e| db_error(path, e))?;
        db.pragma_update(None, "foreign_keys", "ON").map_err(|e| db_error(path, e))?;
        db.execute_batch(SCHEMA).map_err(|e| db_error(path, e))?;
        Ok(Journal { db: Mutex::new(db), path: path.to_path_buf() })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let db = self.db.lock().expect("journal lock");
        f(&db).map_err(|e| db_error(&self.path, e))
    }

    pub fn find(&self, t: &TransferTarget) -> Result<Option<JournalEntry>> {
        self.with(|db| {
            let entry = db
                .query_row(
                    "SELECT id, upload_id, part_size, checksum, size, modified_ns FROM uploads
                     WHERE storage = ?1 AND bucket = ?2 AND key = ?3 AND path = ?4",
                    params![t.storage, t.bucket, t.key, path_bytes(&t.path)],
                    |r| {
                        Ok(JournalEntry {
                            id: r.get(0)?,
                            upload_id: r.get(1)?,
                            part_size: r.get::<_, i64>(2)? as u64,
                            checksum: r.get(3)?,
                            stamp: FileStamp { size: r.get::<_, i64>(4)? as u64, modified_ns: r.get(5)? },
                            parts: Vec::new(),
                        })
                    },
                )
                .optional()?;
            let Some(mut entry) = entry else { return Ok(None) };
            let mut q = db.prepare("SELECT number, size, etag, checksum FROM parts WHERE upload = ?1 ORDER BY number")?;
            entry.parts = q
                .query_map([entry.id], |r| {
                    Ok(JournalPart { number: r.get(0)?, size: r.get::<_, i64>(1)? as u64, etag: r.get(2)?, checksum: r.get(3)? })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some(entry))
        })
    }

    /// Records a new multipart upload (replacing any older entry for the same target).
    pub fn begin(&self, t: &TransferTarget, stamp: FileStamp, part_size: u64, upload_id: &str, checksum: &str) -> Result<i64> {
        let started = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        self.with(|db| {
            db.execute(
                "DELETE FROM uploads WHERE storage = ?1 AND bucket = ?2 AND key = ?3 AND path = ?4",
                params![t.storage, t.bucket, t.key, path_bytes(&t.path)],
            )?;
            db.execute(
                "INSERT INTO uploads (storage, bucket, key, path, size, modified_ns, part_size, upload_id, checksum, started)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    t.storage,
                    t.bucket,
                    t.key,
                    path_bytes(&t.path),
                    stamp.size as i64,
                    stamp.modified_ns,
                    part_size as i64,
                    upload_id,
                    checksum,
                    started
                ],
            )?;
            Ok(db.last_insert_rowid())
        })
    }

    pub fn part_done(&self, entry: i64, part: &JournalPart) -> Result<()> {
        self.with(|db| {
            db.execute(
                "INSERT OR REPLACE INTO parts (upload, number, size, etag, checksum) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![entry, part.number, part.size as i64, part.etag, part.checksum],
            )
            .map(drop)
        })
    }

    /// Forgets an upload: completed, aborted, or found gone.
    pub fn forget(&self, entry: i64) -> Result<()> {
        self.with(|db| db.execute("DELETE FROM uploads WHERE id = ?1", [entry]).map(drop))
    }

    /// Unfinished uploads, oldest first.
    pub fn unfinished(&self) -> Result<Vec<UnfinishedUpload>> {
        self.with(|db| {
            let mut q = db.prepare(
                "SELECT u.id, u.storage, u.bucket, u.key, u.path, u.size, u.started, COALESCE(SUM(p.size), 0)
                 FROM uploads u LEFT JOIN parts p ON p.upload = u.id GROUP BY u.id ORDER BY u.started, u.id",
            )?;
            let rows = q.query_map([], |r| {
                let path = path_from_bytes(r.get(4)?);
                Ok(UnfinishedUpload {
                    id: r.get(0)?,
                    storage: r.get(1)?,
                    bucket: r.get(2)?,
                    key: r.get(3)?,
                    file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    size: r.get::<_, i64>(5)? as u64,
                    started: r.get(6)?,
                    done: r.get::<_, i64>(7)? as u64,
                })
            })?;
            rows.collect()
        })
    }

    /// The target and upload id of an entry, to resume or abort it.
    pub fn target_of(&self, entry: i64) -> Result<Option<(TransferTarget, String)>> {
        self.with(|db| {
            db.query_row("SELECT storage, bucket, key, path, upload_id FROM uploads WHERE id = ?1", [entry], |r| {
                let path = path_from_bytes(r.get(3)?);
                Ok((TransferTarget { storage: r.get(0)?, bucket: r.get(1)?, key: r.get(2)?, path }, r.get(4)?))
            })
            .optional()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(key: &str) -> TransferTarget {
        TransferTarget { storage: "c".into(), bucket: "b".into(), key: key.into(), path: PathBuf::from("/data/ü file.bin") }
    }

    #[test]
    fn entries_survive_reopening_and_list_their_progress() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transfers.db");
        let stamp = FileStamp { size: 100, modified_ns: 7 };
        {
            let j = Journal::open(&path).unwrap();
            let id = j.begin(&target("k"), stamp, 10, "up-1", "crc32c").unwrap();
            for n in 1..=3 {
                j.part_done(id, &JournalPart { number: n, size: 10, etag: format!("e{n}"), checksum: Some("c".into()) }).unwrap();
            }
        }
        let j = Journal::open(&path).unwrap();
        let e = j.find(&target("k")).unwrap().unwrap();
        assert_eq!((e.upload_id.as_str(), e.part_size, e.stamp, e.parts.len()), ("up-1", 10, stamp, 3));
        let list = j.unfinished().unwrap();
        assert_eq!((list[0].done, list[0].size, list[0].file_name.as_str()), (30, 100, "ü file.bin"));
        assert_eq!(j.target_of(e.id).unwrap().unwrap().0, target("k"));
        // A new upload of the same target replaces the old entry and its parts.
        let id2 = j.begin(&target("k"), stamp, 10, "up-2", "crc32c").unwrap();
        assert!(j.find(&target("k")).unwrap().unwrap().parts.is_empty());
        j.forget(id2).unwrap();
        assert!(j.find(&target("k")).unwrap().is_none());
        assert!(j.unfinished().unwrap().is_empty());
    }
}
