//! The resume journal: for every multipart upload in progress, the upload id, the part size, the
//! file's size and modification time, and each part the storage acknowledged (number, size, ETag,
//! checksum). After a crash or a pause the next run finds the entry, asks the storage which parts it
//! holds (ListParts), and sends only the rest. SQLite in WAL mode: a part is journalled in well
//! under a millisecond, and a killed process loses at most the parts in flight.
//!
//! The app, a second window and the CLI share the file, so every entry has an owner while an upload
//! is using it: the process id, when that process started, and a heartbeat refreshed as it runs.
//! An entry with a live owner is not "interrupted" anywhere else and can't be resumed or discarded
//! twice; an owner whose process is gone or whose heartbeat stopped no longer counts. A damaged
//! journal is set aside and a locked one is left alone: uploads then work without resume.
//!
//! Files known to hold an object's bytes are kept too (`same_bytes`): after a download, an upload
//! or a comparison, the key, the local path, the object's ETag and the file's size and time. A
//! sync down then tells an object it wrote or read from the file beside it without asking for it.
//!
//! Large downloads are journalled the same way: the version being fetched (its ETag), the
//! temporary file beside the target, and each range written to it with its CRC, so a download cut
//! short by a kill, a crash or a pause fetches only the ranges it lacks.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
        Ok(FileStamp::of_metadata(&std::fs::metadata(path)?))
    }

    pub fn of_metadata(meta: &std::fs::Metadata) -> FileStamp {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0);
        FileStamp { size: meta.len(), modified_ns }
    }
}

/// A local file that holds the bytes of an object version (see [`Journal::same_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SameBytes {
    pub key: String,
    pub path: PathBuf,
    pub etag: String,
    pub stamp: FileStamp,
}

impl SameBytes {
    /// `path` as it is now, holding the version of `key` with this ETag; None when it can't be read.
    pub fn now(key: &str, path: &Path, etag: &str) -> Option<SameBytes> {
        let stamp = FileStamp::of(path).ok()?;
        Some(SameBytes { key: key.to_string(), path: path.to_path_buf(), etag: etag.to_string(), stamp })
    }
}

/// A file's path as `same_bytes` keeps it: absolute, so a folder named "data" in one command
/// and "./data" in the next is one folder.
pub fn same_path(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// An ETag without its quotes: listings and answers don't always agree on them.
pub fn bare_etag(etag: &str) -> &str {
    etag.trim_matches('"')
}

/// How long a file's record is kept without being seen again.
const SAME_BYTES_KEPT_MS: i64 = 183 * 24 * 3600 * 1000;
/// How old a record's sighting may be before asking for it counts as seeing it again.
const SAME_BYTES_REFRESH_MS: i64 = 30 * 24 * 3600 * 1000;

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

/// The journal and the name of the storage its entries belong to: what a transfer needs to resume.
#[derive(Clone)]
pub struct Resume {
    pub journal: std::sync::Arc<Journal>,
    /// The connection as a stable string (see [`TransferTarget::storage`]).
    pub storage: String,
}

impl Resume {
    /// Records files that hold their objects' bytes (see [`Journal::same_bytes`]). A journal that
    /// can't take them costs only the next sync down its HEADs, so that is logged, not returned.
    pub fn record_same(&self, bucket: &str, files: &[SameBytes]) {
        if let Err(e) = self.journal.same_bytes(&self.storage, bucket, files) {
            tracing::warn!(error = %e.message, "transfer journal: files not recorded");
        }
    }

    /// [`Journal::known_same`] for this storage; nothing known when the journal can't be read.
    pub fn known_same(&self, bucket: &str, prefix: &str) -> std::collections::HashMap<(String, PathBuf), (String, FileStamp)> {
        self.journal.known_same(&self.storage, bucket, prefix).unwrap_or_else(|e| {
            tracing::warn!(error = %e.message, "transfer journal: nothing known of earlier transfers");
            Default::default()
        })
    }
}

/// Files a transfer wrote or sent, recorded as it goes (see [`Journal::same_bytes`]): a batch at a
/// time on a blocking thread, one write in flight, so the records of 2,000 files are not one long
/// write the end of the transfer waits for (60-90 ms on a journal of some 100,000 records).
pub(crate) struct SameRecorder {
    resume: Option<Resume>,
    bucket: String,
    pending: Vec<SameBytes>,
    writing: Option<tokio::task::JoinHandle<()>>,
}

/// Records gathered before a write to the journal starts (when none is in flight).
const SAME_BATCH: usize = 256;

impl SameRecorder {
    /// Records nothing without a journal.
    pub(crate) fn new(resume: Option<&Resume>, bucket: &str) -> SameRecorder {
        SameRecorder { resume: resume.cloned(), bucket: bucket.to_string(), pending: Vec::new(), writing: None }
    }

    pub(crate) fn push(&mut self, file: SameBytes) {
        if self.resume.is_none() {
            return;
        }
        self.pending.push(file);
        if self.pending.len() >= SAME_BATCH && self.writing.as_ref().is_none_or(|w| w.is_finished()) {
            self.writing = Some(self.write_pending());
        }
    }

    /// Records what is left, once the last batch is written.
    pub(crate) async fn finish(mut self) {
        if let Some(writing) = self.writing.take() {
            let _ = writing.await;
        }
        if !self.pending.is_empty() {
            let _ = self.write_pending().await;
        }
    }

    fn write_pending(&mut self) -> tokio::task::JoinHandle<()> {
        let (resume, bucket, batch) = (self.resume.clone(), self.bucket.clone(), std::mem::take(&mut self.pending));
        tokio::task::spawn_blocking(move || {
            if let Some(r) = resume {
                r.record_same(&bucket, &batch);
            }
        })
    }
}

impl std::fmt::Debug for Resume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resume").field("storage", &self.storage).finish()
    }
}

pub struct Journal {
    db: Mutex<Connection>,
    path: PathBuf,
    me: Owner,
    /// Set when the file turned out locked by someone else mid-run: later calls fail at once
    /// instead of each waiting for the lock (the uploads go on without resume).
    unusable: AtomicBool,
}

/// Who is using an entry: a process, told apart from a later one with the same id by its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    /// Milliseconds since the Unix epoch when this process first used a journal.
    pub started_ms: i64,
}

impl Owner {
    /// This process.
    pub fn me() -> Owner {
        static STARTED: OnceLock<i64> = OnceLock::new();
        Owner { pid: std::process::id(), started_ms: *STARTED.get_or_init(|| now_ms()) }
    }
}

/// How often a running upload refreshes its entries' heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// A heartbeat older than this means its owner stopped (hung, suspended long, or killed).
const STALE_MS: i64 = 45_000;

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Whether a process with this id runs (where the system lets us ask cheaply).
fn process_runs(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// What opening the journal gave: the journal when it can be used, and what the user should be
/// told when it couldn't be, or had to be set aside.
pub struct Opened {
    pub journal: Option<Journal>,
    pub notice: Option<String>,
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
    owner_pid INTEGER,
    owner_started INTEGER,
    heartbeat INTEGER,
    UNIQUE (storage, bucket, key, path)
);
CREATE TABLE IF NOT EXISTS batch_files (
    batch TEXT NOT NULL,
    path BLOB NOT NULL,
    key TEXT NOT NULL,
    size INTEGER NOT NULL,
    modified_ns INTEGER NOT NULL,
    PRIMARY KEY (batch, path, key)
);
CREATE TABLE IF NOT EXISTS same_bytes (
    storage TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    path BLOB NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    modified_ns INTEGER NOT NULL,
    seen INTEGER NOT NULL,
    PRIMARY KEY (storage, bucket, key, path)
);
-- Every write of records drops the stale ones: without this, a scan of them all.
CREATE INDEX IF NOT EXISTS same_bytes_seen ON same_bytes (seen);
CREATE TABLE IF NOT EXISTS downloads (
    id INTEGER PRIMARY KEY,
    storage TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    path BLOB NOT NULL,
    partial BLOB NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    part_size INTEGER NOT NULL,
    owner_pid INTEGER,
    owner_started INTEGER,
    heartbeat INTEGER,
    UNIQUE (storage, bucket, key, path)
);
CREATE TABLE IF NOT EXISTS download_ranges (
    download INTEGER NOT NULL REFERENCES downloads(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    len INTEGER NOT NULL,
    crc INTEGER,
    PRIMARY KEY (download, start)
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

/// Opens (or creates) the database and brings an older file's table up to this schema.
fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let db = Connection::open(path)?;
    // Short: two Satchels write a row in well under a millisecond; a longer wait means a lock
    // that is not going away, and the upload must not wait on it part after part.
    db.busy_timeout(Duration::from_secs(2))?;
    db.pragma_update(None, "journal_mode", "WAL")?;
    db.pragma_update(None, "synchronous", "NORMAL")?;
    db.pragma_update(None, "foreign_keys", "ON")?;
    db.execute_batch(SCHEMA)?;
    let has_owner: bool = db.query_row("SELECT COUNT(*) FROM pragma_table_info('uploads') WHERE name = 'owner_pid'", [], |r| r.get::<_, i64>(0))? > 0;
    if !has_owner {
        db.execute_batch("ALTER TABLE uploads ADD COLUMN owner_pid INTEGER; ALTER TABLE uploads ADD COLUMN owner_started INTEGER; ALTER TABLE uploads ADD COLUMN heartbeat INTEGER;")?;
    }
    Ok(db)
}

/// Whether SQLite's message says the file is not a usable database (as opposed to locked).
fn is_damage(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("not a database") || m.contains("malformed") || m.contains("corrupt")
}

/// Whether an owner (process id, its start, last heartbeat) still holds its entry at `now`.
fn live((pid, started, heartbeat): (Option<u32>, Option<i64>, Option<i64>), now: i64) -> bool {
    let (Some(pid), Some(started), Some(heartbeat)) = (pid, started, heartbeat) else { return false };
    let me = Owner::me();
    if pid == me.pid {
        // This process: held while one of its uploads runs; a previous process with the same id
        // (started at another time) is gone.
        return started == me.started_ms;
    }
    now - heartbeat < STALE_MS && process_runs(pid)
}

impl Journal {
    pub fn open(path: &Path) -> Result<Journal> {
        Journal::open_as(path, Owner::me())
    }

    /// Opens the journal as `me` (another owner than this process only in tests).
    pub fn open_as(path: &Path, me: Owner) -> Result<Journal> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::new(ErrorCode::Config, format!("Couldn't create {}: {e}.", dir.display())))?;
        }
        let db = connect(path).map_err(|e| db_error(path, e))?;
        Ok(Journal { db: Mutex::new(db), path: path.to_path_buf(), me, unusable: AtomicBool::new(false) })
    }

    /// Opens the journal for the app or the CLI, never failing: a damaged file is moved aside (so
    /// it can be looked at) and a new one started; a locked or unreadable one means no resume.
    pub fn open_or_set_aside(path: &Path) -> Opened {
        let damaged = match Journal::open(path) {
            Ok(j) => return Opened { journal: Some(j), notice: None },
            Err(e) if is_damage(&e.message) => e,
            Err(e) => {
                tracing::warn!(error = %e.message, "no transfer journal: uploads won't resume");
                let notice = format!("{} Uploads work, but an interrupted one will start again from the beginning.", e.message);
                return Opened { journal: None, notice: Some(notice) };
            }
        };
        let aside = path.with_extension(format!("db.damaged-{}", now_ms() / 1000));
        tracing::warn!(error = %damaged.message, aside = %aside.display(), "transfer journal damaged; setting it aside");
        let moved = std::fs::rename(path, &aside);
        for side in ["db-wal", "db-shm"] {
            let _ = std::fs::remove_file(path.with_extension(side));
        }
        match (moved, Journal::open(path)) {
            (Ok(()), Ok(j)) => Opened {
                journal: Some(j),
                notice: Some(format!(
                    "The transfer journal was damaged and was set aside as {}. Uploads interrupted before now can't be resumed; their unfinished uploads are still listed per bucket, where they can be aborted.",
                    aside.display()
                )),
            },
            (_, _) => Opened {
                journal: None,
                notice: Some("The transfer journal is damaged and couldn't be set aside. Uploads work, but an interrupted one will start again from the beginning.".into()),
            },
        }
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        if self.unusable.load(Ordering::Relaxed) {
            return Err(Error::new(ErrorCode::Config, "The transfer journal is locked by another program."));
        }
        let db = self.db.lock().expect("journal lock");
        f(&db).map_err(|e| {
            if matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)) {
                tracing::warn!("the transfer journal is locked by another program; uploads go on without resume");
                self.unusable.store(true, Ordering::Relaxed);
            }
            db_error(&self.path, e)
        })
    }

    /// Takes an entry for this process, unless a live owner (another process, or an upload of this
    /// one) has it. `false` means it is being uploaded elsewhere right now.
    pub fn claim(&self, entry: i64) -> Result<bool> {
        let me = self.me;
        self.with(|db| {
            let tx = db.unchecked_transaction()?;
            let owner: Option<(Option<u32>, Option<i64>, Option<i64>)> =
                tx.query_row("SELECT owner_pid, owner_started, heartbeat FROM uploads WHERE id = ?1", [entry], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
            let Some(owner) = owner else { return Ok(false) };
            if live(owner, now_ms()) {
                return Ok(false);
            }
            tx.execute(
                "UPDATE uploads SET owner_pid = ?2, owner_started = ?3, heartbeat = ?4 WHERE id = ?1",
                params![entry, me.pid, me.started_ms, now_ms()],
            )?;
            tx.commit()?;
            Ok(true)
        })
    }

    /// Lets go of an entry this process holds (paused or stopped: it may be resumed anywhere).
    pub fn release(&self, entry: i64) -> Result<()> {
        self.let_go("uploads", entry)
    }

    /// Clears the owner of an entry of `table` (uploads or downloads) if it is this process.
    fn let_go(&self, table: &str, entry: i64) -> Result<()> {
        let me = self.me;
        self.with(|db| {
            db.execute(
                &format!("UPDATE {table} SET owner_pid = NULL, owner_started = NULL, heartbeat = NULL WHERE id = ?1 AND owner_pid = ?2 AND owner_started = ?3"),
                params![entry, me.pid, me.started_ms],
            )
            .map(drop)
        })
    }

    /// Tells other processes this upload is still running.
    pub fn beat(&self, entry: i64) -> Result<()> {
        let me = self.me;
        self.with(|db| {
            db.execute(
                "UPDATE uploads SET heartbeat = ?4 WHERE id = ?1 AND owner_pid = ?2 AND owner_started = ?3",
                params![entry, me.pid, me.started_ms, now_ms()],
            )
            .map(drop)
        })
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

    /// Records a new multipart upload owned by this process (replacing any older entry for the
    /// same target).
    pub fn begin(&self, t: &TransferTarget, stamp: FileStamp, part_size: u64, upload_id: &str, checksum: &str) -> Result<i64> {
        let started = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        self.with(|db| {
            db.execute(
                "DELETE FROM uploads WHERE storage = ?1 AND bucket = ?2 AND key = ?3 AND path = ?4",
                params![t.storage, t.bucket, t.key, path_bytes(&t.path)],
            )?;
            db.execute(
                "INSERT INTO uploads (storage, bucket, key, path, size, modified_ns, part_size, upload_id, checksum, started, owner_pid, owner_started, heartbeat)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
                    started,
                    self.me.pid,
                    self.me.started_ms,
                    now_ms()
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

    /// Unfinished uploads that nothing is running now (no live owner), oldest first.
    pub fn unfinished(&self) -> Result<Vec<UnfinishedUpload>> {
        let now = now_ms();
        self.with(|db| {
            let mut q = db.prepare(
                "SELECT u.id, u.storage, u.bucket, u.key, u.path, u.size, u.started, COALESCE(SUM(p.size), 0),
                        u.owner_pid, u.owner_started, u.heartbeat
                 FROM uploads u LEFT JOIN parts p ON p.upload = u.id GROUP BY u.id ORDER BY u.started, u.id",
            )?;
            let rows = q.query_map([], |r| {
                if live((r.get(8)?, r.get(9)?, r.get(10)?), now) {
                    return Ok(None);
                }
                let path = path_from_bytes(r.get(4)?);
                Ok(Some(UnfinishedUpload {
                    id: r.get(0)?,
                    storage: r.get(1)?,
                    bucket: r.get(2)?,
                    key: r.get(3)?,
                    file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    size: r.get::<_, i64>(5)? as u64,
                    started: r.get(6)?,
                    done: r.get::<_, i64>(7)? as u64,
                }))
            })?;
            rows.filter_map(|r| r.transpose()).collect()
        })
    }

    /// Records that a run named `batch` (a CLI command) finished `key` from `path` as it was then.
    pub fn batch_file_done(&self, batch: &str, path: &Path, key: &str, stamp: FileStamp) -> Result<()> {
        self.with(|db| {
            db.execute(
                "INSERT OR REPLACE INTO batch_files (batch, path, key, size, modified_ns) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![batch, path_bytes(path), key, stamp.size as i64, stamp.modified_ns],
            )
            .map(drop)
        })
    }

    /// What an earlier, interrupted run named `batch` finished: (path, key) and the file's stamp.
    pub fn batch_files(&self, batch: &str) -> Result<std::collections::HashMap<(PathBuf, String), FileStamp>> {
        self.with(|db| {
            let mut q = db.prepare("SELECT path, key, size, modified_ns FROM batch_files WHERE batch = ?1")?;
            let rows = q.query_map([batch], |r| {
                Ok(((path_from_bytes(r.get(0)?), r.get(1)?), FileStamp { size: r.get::<_, i64>(2)? as u64, modified_ns: r.get(3)? }))
            })?;
            rows.collect()
        })
    }

    /// Records files that hold the bytes of the object version with this ETag, as each file is
    /// now; one transaction for all (a row each would cost a download of 2,000 small files more
    /// than its disk). Rows not seen for half a year go at the same time.
    pub fn same_bytes(&self, storage: &str, bucket: &str, files: &[SameBytes]) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        self.with(|db| {
            let tx = db.unchecked_transaction()?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT OR REPLACE INTO same_bytes (storage, bucket, key, path, etag, size, modified_ns, seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?;
                for f in files {
                    put.execute(params![storage, bucket, f.key, path_bytes(&same_path(&f.path)), bare_etag(&f.etag), f.stamp.size as i64, f.stamp.modified_ns, now])?;
                }
            }
            tx.execute("DELETE FROM same_bytes WHERE seen < ?1", [now - SAME_BYTES_KEPT_MS])?;
            tx.commit()
        })
    }

    /// What is known of the keys below `prefix`: (key, path) to the ETag and the file's stamp
    /// then. Paths are absolute: look them up through [`same_path`]. Asking counts as seeing them:
    /// a folder synced down unchanged week after week keeps its records (refreshed at most once
    /// a month, so asking seldom writes).
    pub fn known_same(&self, storage: &str, bucket: &str, prefix: &str) -> Result<std::collections::HashMap<(String, PathBuf), (String, FileStamp)>> {
        let now = now_ms();
        self.with(|db| {
            db.execute(
                "UPDATE same_bytes SET seen = ?4 WHERE storage = ?1 AND bucket = ?2 AND substr(key, 1, length(?3)) = ?3 AND seen < ?5",
                params![storage, bucket, prefix, now, now - SAME_BYTES_REFRESH_MS],
            )?;
            let mut q = db.prepare(
                "SELECT key, path, etag, size, modified_ns FROM same_bytes WHERE storage = ?1 AND bucket = ?2 AND substr(key, 1, length(?3)) = ?3",
            )?;
            let rows = q.query_map(params![storage, bucket, prefix], |r| {
                let stamp = FileStamp { size: r.get::<_, i64>(3)? as u64, modified_ns: r.get(4)? };
                Ok(((r.get(0)?, path_from_bytes(r.get(1)?)), (r.get(2)?, stamp)))
            })?;
            rows.collect()
        })
    }

    /// Forgets a run that finished everything.
    pub fn forget_batch(&self, batch: &str) -> Result<()> {
        self.with(|db| db.execute("DELETE FROM batch_files WHERE batch = ?1", [batch]).map(drop))
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

/// A large download in progress, as journalled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadEntry {
    pub id: i64,
    /// The version the ranges belong to.
    pub etag: String,
    pub size: u64,
    pub part_size: u64,
    /// The temporary file beside the target that holds the ranges.
    pub partial: PathBuf,
    /// Ranges written: (start, length, the CRC of their bytes when the object has one).
    pub ranges: Vec<(u64, u64, Option<u64>)>,
}

/// What `take_download` found for a target.
#[derive(Debug)]
pub enum DownloadClaim {
    /// No earlier download: a new one may be journalled.
    Free,
    /// An interrupted download, now this process's.
    Interrupted(DownloadEntry),
    /// Another live process (or another task here) is downloading it right now.
    Busy,
}

impl Journal {
    /// Finds the journalled download of a target and takes it for this process, unless a live
    /// owner (another process, or a download of this one) holds it.
    pub fn take_download(&self, t: &TransferTarget) -> Result<DownloadClaim> {
        let me = self.me;
        self.with(|db| {
            let tx = db.unchecked_transaction()?;
            let row = tx
                .query_row(
                    "SELECT id, etag, size, part_size, partial, owner_pid, owner_started, heartbeat FROM downloads
                     WHERE storage = ?1 AND bucket = ?2 AND key = ?3 AND path = ?4",
                    params![t.storage, t.bucket, t.key, path_bytes(&t.path)],
                    |r| {
                        let entry = DownloadEntry {
                            id: r.get(0)?,
                            etag: r.get(1)?,
                            size: r.get::<_, i64>(2)? as u64,
                            part_size: r.get::<_, i64>(3)? as u64,
                            partial: path_from_bytes(r.get(4)?),
                            ranges: Vec::new(),
                        };
                        Ok((entry, (r.get(5)?, r.get(6)?, r.get(7)?)))
                    },
                )
                .optional()?;
            let Some((mut entry, owner)) = row else { return Ok(DownloadClaim::Free) };
            if live(owner, now_ms()) {
                return Ok(DownloadClaim::Busy);
            }
            tx.execute(
                "UPDATE downloads SET owner_pid = ?2, owner_started = ?3, heartbeat = ?4 WHERE id = ?1",
                params![entry.id, me.pid, me.started_ms, now_ms()],
            )?;
            let mut q = tx.prepare("SELECT start, len, crc FROM download_ranges WHERE download = ?1 ORDER BY start")?;
            entry.ranges = q
                .query_map([entry.id], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64, r.get::<_, Option<i64>>(2)?.map(|c| c as u64))))?
                .collect::<rusqlite::Result<_>>()?;
            drop(q);
            tx.commit()?;
            Ok(DownloadClaim::Interrupted(entry))
        })
    }

    /// Records a new download of `etag` into `partial`, owned by this process (replacing any older
    /// entry for the same target).
    pub fn begin_download(&self, t: &TransferTarget, etag: &str, size: u64, part_size: u64, partial: &Path) -> Result<i64> {
        self.with(|db| {
            db.execute(
                "DELETE FROM downloads WHERE storage = ?1 AND bucket = ?2 AND key = ?3 AND path = ?4",
                params![t.storage, t.bucket, t.key, path_bytes(&t.path)],
            )?;
            db.execute(
                "INSERT INTO downloads (storage, bucket, key, path, partial, etag, size, part_size, owner_pid, owner_started, heartbeat)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    t.storage,
                    t.bucket,
                    t.key,
                    path_bytes(&t.path),
                    path_bytes(partial),
                    etag,
                    size as i64,
                    part_size as i64,
                    self.me.pid,
                    self.me.started_ms,
                    now_ms()
                ],
            )?;
            Ok(db.last_insert_rowid())
        })
    }

    /// Records a range written to the download's temporary file (and on its way to the disk).
    pub fn range_done(&self, entry: i64, start: u64, len: u64, crc: Option<u64>) -> Result<()> {
        self.with(|db| {
            db.execute(
                "INSERT OR REPLACE INTO download_ranges (download, start, len, crc) VALUES (?1, ?2, ?3, ?4)",
                params![entry, start as i64, len as i64, crc.map(|c| c as i64)],
            )
            .map(drop)
        })
    }

    /// Lets go of a download this process holds (paused: it may be resumed anywhere).
    pub fn release_download(&self, entry: i64) -> Result<()> {
        self.let_go("downloads", entry)
    }

    /// Forgets a download: complete, cancelled, or started over.
    pub fn forget_download(&self, entry: i64) -> Result<()> {
        self.with(|db| db.execute("DELETE FROM downloads WHERE id = ?1", [entry]).map(drop))
    }

    /// Tells other processes this process's downloads are still running.
    pub fn beat_downloads(&self) -> Result<()> {
        let me = self.me;
        self.with(|db| {
            db.execute("UPDATE downloads SET heartbeat = ?3 WHERE owner_pid = ?1 AND owner_started = ?2", params![me.pid, me.started_ms, now_ms()]).map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_known_to_hold_an_object_are_found_by_prefix_with_their_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(&dir.path().join("journal.db")).unwrap();
        let stamp = FileStamp { size: 5, modified_ns: 1_600_000_000_123_456_789 };
        let file = |key: &str, path: &str, etag: &str| SameBytes { key: key.into(), path: PathBuf::from(path), etag: etag.into(), stamp };
        j.same_bytes("garage", "b", &[file("p/a.txt", "/d/a.txt", "\"e1\""), file("q/b.txt", "/d/b.txt", "e2")]).unwrap();
        j.same_bytes("aws", "b", &[file("p/a.txt", "/d/a.txt", "e3")]).unwrap();
        let known = j.known_same("garage", "b", "p/").unwrap();
        assert_eq!(known.len(), 1, "{known:?}");
        assert_eq!(known[&("p/a.txt".to_string(), PathBuf::from("/d/a.txt"))], ("e1".to_string(), stamp), "kept without quotes");
        // Recorded again: the newer record replaces the older.
        j.same_bytes("garage", "b", &[file("p/a.txt", "/d/a.txt", "e4")]).unwrap();
        assert_eq!(j.known_same("garage", "b", "").unwrap().len(), 2);
        assert_eq!(j.known_same("garage", "b", "p/").unwrap()[&("p/a.txt".to_string(), PathBuf::from("/d/a.txt"))].0, "e4");
        // A relative path is kept as the absolute one it names.
        j.same_bytes("garage", "b", &[file("p/r.txt", "rel/r.txt", "e5")]).unwrap();
        let abs = std::env::current_dir().unwrap().join("rel/r.txt");
        assert!(j.known_same("garage", "b", "p/").unwrap().contains_key(&("p/r.txt".to_string(), abs.clone())));
        assert_eq!(same_path(Path::new("rel/./r.txt")), abs);
        // Records not seen for half a year go; asking for one keeps it seen.
        let seen = |key: &str| -> i64 { j.with(|db| db.query_row("SELECT seen FROM same_bytes WHERE storage = 'garage' AND key = ?1", [key], |r| r.get(0))).unwrap() };
        let age = |key: &str, days: i64| j.with(|db| db.execute("UPDATE same_bytes SET seen = seen - ?2 WHERE storage = 'garage' AND key = ?1", params![key, days * 24 * 3600 * 1000])).unwrap();
        age("p/a.txt", 100);
        j.known_same("garage", "b", "p/").unwrap();
        assert!(seen("p/a.txt") > now_ms() - 60_000, "asked for, it was seen again");
        age("p/a.txt", 200);
        age("p/r.txt", 200);
        j.same_bytes("garage", "b", &[file("q/c.txt", "/d/c.txt", "e6")]).unwrap();
        assert!(j.known_same("garage", "b", "p/").unwrap().is_empty(), "half a year unseen: dropped");
        assert_eq!(j.known_same("garage", "b", "q/").unwrap().len(), 2);
    }

    fn target(key: &str) -> TransferTarget {
        TransferTarget { storage: "c".into(), bucket: "b".into(), key: key.into(), path: PathBuf::from("/data/ü file.bin") }
    }

    #[test]
    fn entries_survive_reopening_and_list_their_progress() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transfers.db");
        let stamp = FileStamp { size: 100, modified_ns: 7 };
        {
            // An earlier run, gone now.
            let j = Journal::open_as(&path, Owner { pid: 99_999_999, started_ms: 1 }).unwrap();
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

    /// Another process (pid 1 always runs here) that started an upload and is still beating.
    fn other_live() -> Owner {
        Owner { pid: 1, started_ms: 42 }
    }

    #[test]
    fn an_upload_another_live_process_runs_is_not_offered_nor_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transfers.db");
        let stamp = FileStamp { size: 100, modified_ns: 7 };
        let theirs = Journal::open_as(&path, other_live()).unwrap();
        let id = theirs.begin(&target("running"), stamp, 10, "up-1", "crc32c").unwrap();
        let mine = Journal::open(&path).unwrap();
        assert!(mine.unfinished().unwrap().is_empty(), "a live upload is not interrupted");
        assert!(!mine.claim(id).unwrap(), "nor can it be resumed or discarded here");
        // Paused there: it is offered here, and taken once only.
        theirs.release(id).unwrap();
        assert_eq!(mine.unfinished().unwrap().len(), 1);
        assert!(mine.claim(id).unwrap());
        assert!(!theirs.claim(id).unwrap(), "a second taker is refused");
        assert!(mine.unfinished().unwrap().is_empty(), "running here now");
        mine.release(id).unwrap();
        assert_eq!(mine.unfinished().unwrap().len(), 1);
    }

    #[test]
    fn an_owner_whose_process_is_gone_or_silent_no_longer_holds_its_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transfers.db");
        let stamp = FileStamp { size: 100, modified_ns: 7 };
        // Above any pid_max: no such process.
        let killed = Journal::open_as(&path, Owner { pid: 99_999_999, started_ms: 1 }).unwrap();
        let a = killed.begin(&target("killed"), stamp, 10, "up-1", "crc32c").unwrap();
        let hung = Journal::open_as(&path, other_live()).unwrap();
        let b = hung.begin(&target("hung"), stamp, 10, "up-2", "crc32c").unwrap();
        hung.with(|db| db.execute("UPDATE uploads SET heartbeat = heartbeat - 60000 WHERE id = ?1", [b])).unwrap();
        let mine = Journal::open(&path).unwrap();
        assert_eq!(mine.unfinished().unwrap().len(), 2);
        assert!(mine.claim(a).unwrap() && mine.claim(b).unwrap());
    }

    #[test]
    fn a_damaged_journal_is_set_aside_and_a_new_one_started() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transfers.db");
        std::fs::write(&path, b"this is not a database, it was half-written by a full disk".repeat(100)).unwrap();
        let opened = Journal::open_or_set_aside(&path);
        let notice = opened.notice.expect("the user is told");
        assert!(notice.contains("damaged") && notice.contains("set aside"), "{notice}");
        let j = opened.journal.expect("a new journal");
        j.begin(&target("k"), FileStamp { size: 1, modified_ns: 1 }, 10, "up", "crc32c").unwrap();
        let aside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.contains("damaged")).collect();
        assert_eq!(aside.len(), 1, "kept to look at: {aside:?}");
        assert!(std::fs::read(dir.path().join(&aside[0])).unwrap().starts_with(b"this is not a database"));
    }

    #[test]
    fn a_locked_journal_fails_fast_after_the_first_wait() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transfers.db");
        let j = Journal::open(&path).unwrap();
        let holder = Connection::open(&path).unwrap();
        holder.execute_batch("BEGIN EXCLUSIVE; DELETE FROM parts;").unwrap();
        let stamp = FileStamp { size: 1, modified_ns: 1 };
        assert!(j.begin(&target("k"), stamp, 10, "up", "crc32c").is_err());
        let t = std::time::Instant::now();
        assert!(j.part_done(1, &JournalPart { number: 1, size: 1, etag: "e".into(), checksum: None }).is_err());
        assert!(t.elapsed() < Duration::from_millis(500), "no second wait");
    }

    #[test]
    fn a_journal_from_before_owners_is_brought_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transfers.db");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(&SCHEMA.replace("    owner_pid INTEGER,\n    owner_started INTEGER,\n    heartbeat INTEGER,\n", "")).unwrap();
        old.execute("INSERT INTO uploads (storage, bucket, key, path, size, modified_ns, part_size, upload_id, checksum, started) VALUES ('c', 'b', 'k', x'00', 1, 1, 1, 'u', 'crc32c', 1)", []).unwrap();
        drop(old);
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.unfinished().unwrap().len(), 1, "an old entry has no owner: it is interrupted");
    }

    #[test]
    fn a_download_is_taken_once_and_keeps_its_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transfers.db");
        let t = target("big.bin");
        let killed = Journal::open_as(&path, Owner { pid: 99_999_999, started_ms: 1 }).unwrap();
        assert!(matches!(killed.take_download(&t).unwrap(), DownloadClaim::Free));
        let id = killed.begin_download(&t, "\"e1\"", 30, 10, Path::new("/data/.big.bin.x.satchel-part")).unwrap();
        killed.range_done(id, 10, 10, Some(7)).unwrap();
        killed.range_done(id, 0, 10, None).unwrap();
        let live_elsewhere = Journal::open_as(&path, other_live()).unwrap();
        let mine = Journal::open(&path).unwrap();
        let DownloadClaim::Interrupted(e) = mine.take_download(&t).unwrap() else { panic!("the killed process's download is free to take") };
        assert_eq!((e.etag.as_str(), e.size, e.part_size), ("\"e1\"", 30, 10));
        assert_eq!(e.partial, PathBuf::from("/data/.big.bin.x.satchel-part"));
        assert_eq!(e.ranges, vec![(0, 10, None), (10, 10, Some(7))]);
        assert!(matches!(live_elsewhere.take_download(&t).unwrap(), DownloadClaim::Busy), "held here now");
        assert!(matches!(mine.take_download(&t).unwrap(), DownloadClaim::Busy), "nor twice in one process");
        mine.release_download(e.id).unwrap();
        assert!(matches!(live_elsewhere.take_download(&t).unwrap(), DownloadClaim::Interrupted(_)), "paused: anyone may resume it");
        live_elsewhere.forget_download(e.id).unwrap();
        assert!(matches!(mine.take_download(&t).unwrap(), DownloadClaim::Free));
    }
}
