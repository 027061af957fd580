//! Uploads: files and folders to a bucket prefix. Small files go in one PUT, large ones in parallel
//! multipart parts, many files at once.
//!
//! - Memory is bounded: a part reserves its size (in MiB) from a budget of `concurrency` x the part
//!   size asked for (8 x 8 MiB by default) before it takes a buffer and reads, so the bytes in
//!   flight stay within the budget. Part buffers are pooled and reused: fresh 16 MiB allocations
//!   per part fragmented the allocator's arenas and RSS reached twice the budget. A part bigger
//!   than the whole budget (files over ~80 GiB get raised parts, up to 525 MiB at 5 TiB) is not
//!   buffered: it streams from the file with its MD5 computed on the way and checked against the
//!   part's ETag, so memory stays bounded for any file size.
//! - The checksum (CRC32C, CRC64NVME or Content-MD5) is computed over the buffer and sent as a
//!   signed header. The payload is not hashed again for SigV4 (UNSIGNED-PAYLOAD): a second SHA-256
//!   pass over every byte adds no integrity the checksum lacks (TLS covers transit on https).
//!   Streaming parts with a checksum trailer (aws-chunked) would need no buffer at all, but garage
//!   refuses the SDK's chunk signatures over plain HTTP.
//! - Each request is retried by [`crate::retry`]'s policy, per part; permanent errors stop the file.
//! - With a [`Journal`], every multipart upload and acknowledged part is recorded; a later run
//!   (after a pause, a crash or a kill) asks the storage which parts it holds and sends the rest.
//!   A file whose size or modification time changed starts again from zero, and says so.
//! - Cancel aborts unfinished multipart uploads, so nothing is left to be billed; pause keeps them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::client::S3;
use crate::error::{Error, ErrorCode, Result};
use crate::journal::{FileStamp, Journal, JournalPart, TransferTarget};
use crate::objects::KeyFailure;
use crate::retry::{with_retries, RetryNotice, RetryPolicy};
use crate::rules::{validate_tags, Tag, TagTarget};

const MIB: u64 = 1024 * 1024;
pub const MIN_PART: u64 = 5 * MIB;
pub const MAX_PART: u64 = 5 * 1024 * MIB;
pub const MAX_PARTS: u64 = 10_000;
pub const MAX_OBJECT: u64 = 5 * 1024 * 1024 * MIB;
/// 8 MiB parts upload as fast as 16 MiB ones here (2.9 s for 1 GiB on garage either way) with
/// half the memory: peak RSS 84 MiB instead of 148.
pub const DEFAULT_PART: u64 = 8 * MIB;

/// The part size for a file: the one asked for (or 8 MiB), raised so the file fits in 10,000 parts.
pub fn part_size_for(size: u64, requested: Option<u64>) -> Result<u64> {
    if size > MAX_OBJECT {
        return Err(Error::invalid(format!(
            "This file is {}; S3 objects can be at most 5 TiB.",
            crate::format::bytes(size)
        )));
    }
    let asked = requested.unwrap_or(DEFAULT_PART);
    if asked < MIN_PART || asked > MAX_PART {
        return Err(Error::invalid("Part sizes must be between 5 MiB and 5 GiB."));
    }
    let needed = size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
    Ok(asked.max(needed).min(MAX_PART))
}

/// Parses `16M`, `64MiB`, `1G` or bytes.
pub fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let n: u64 = t[..split].parse().map_err(|_| Error::invalid(format!("\"{text}\" isn't a size: write e.g. 16M or 1G.")))?;
    let mult = match t[split..].trim() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => MIB,
        "g" | "gb" | "gib" => 1024 * MIB,
        _ => return Err(Error::invalid(format!("\"{text}\" isn't a size: the unit must be K, M or G."))),
    };
    Ok(n.saturating_mul(mult))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    Crc32c,
    Crc64nvme,
    /// For stores that reject flexible checksums: Content-MD5 computed by the SDK where required.
    Md5,
}

impl Checksum {
    pub fn parse(s: &str) -> Result<Checksum> {
        match s.to_ascii_lowercase().as_str() {
            "crc32c" => Ok(Checksum::Crc32c),
            "crc64nvme" => Ok(Checksum::Crc64nvme),
            "md5" => Ok(Checksum::Md5),
            other => Err(Error::invalid(format!("Unknown checksum \"{other}\": use crc32c, crc64nvme or md5."))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Checksum::Crc32c => "crc32c",
            Checksum::Crc64nvme => "crc64nvme",
            Checksum::Md5 => "md5",
        }
    }

    fn algorithm(self) -> Option<ChecksumAlgorithm> {
        match self {
            Checksum::Crc32c => Some(ChecksumAlgorithm::Crc32C),
            Checksum::Crc64nvme => Some(ChecksumAlgorithm::Crc64Nvme),
            Checksum::Md5 => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct UploadOptions {
    pub part_size: Option<u64>,
    pub concurrency: usize,
    pub checksum: Checksum,
    /// Tags every uploaded object carries, sent with the object itself (x-amz-tagging), so no
    /// object is ever visible untagged.
    pub tags: Vec<Tag>,
    pub retry: RetryPolicy,
    /// Where multipart uploads are journalled for resuming; `None` sends everything afresh.
    pub resume: Option<Resume>,
    /// Bytes of part buffers in use at once; `None` is `concurrency` x the part size.
    pub budget: Option<u64>,
}

/// The journal and the name of the storage its entries belong to.
#[derive(Clone)]
pub struct Resume {
    pub journal: Arc<Journal>,
    /// The connection as a stable string (see [`TransferTarget::storage`]).
    pub storage: String,
}

impl std::fmt::Debug for Resume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resume").field("storage", &self.storage).finish()
    }
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            part_size: None,
            concurrency: 8,
            checksum: Checksum::Crc32c,
            tags: Vec::new(),
            retry: RetryPolicy::default(),
            resume: None,
            budget: None,
        }
    }
}

/// Stops a running transfer: cancel aborts what is unfinished; pause keeps it to resume.
#[derive(Debug, Default)]
pub struct Control {
    token: CancellationToken,
    paused: AtomicBool,
}

impl Control {
    pub fn new() -> Arc<Control> {
        Arc::new(Control::default())
    }

    pub fn token(&self) -> &CancellationToken {
        &self.token
    }

    pub fn cancel(&self) {
        self.token.cancel();
    }

    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        self.token.cancel();
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }
}

/// One file being sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileProgress {
    pub key: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
}

/// Where an upload batch stands; sent to the window about ten times a second.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransferProgress {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes_done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes_total: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files_done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files_failed: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files_total: u64,
    /// Files in flight (the first few), with their bytes done.
    pub active: Vec<FileProgress>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub retries: u64,
    /// Why the latest retry happened, in words.
    pub last_retry: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    /// Files that could not be read or sent, each with why (the path is in `key`).
    pub failed: Vec<KeyFailure>,
    pub cancelled: bool,
    /// Stopped by pause: unfinished multipart uploads are kept to resume.
    pub paused: bool,
    /// Bytes not sent again because the storage already held them from an earlier run.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub resumed_bytes: u64,
    /// Files whose earlier, unfinished upload was dropped because the file changed since.
    pub restarted: Vec<String>,
    /// The checksum used; "md5" when the storage refused flexible checksums and Satchel fell back.
    pub checksum: String,
    /// Files not uploaded (failed, cancelled or paused before finishing), to retry or resume.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub unfinished: Vec<UploadItem>,
    /// A plan of the files not uploaded (paused or failed), to resume or retry them.
    pub next_plan: Option<String>,
    /// Files not sent because their key existed and the user chose to skip them.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub skipped: u64,
}

/// One file to send and the key it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadItem {
    pub path: PathBuf,
    pub key: String,
    pub size: u64,
}

/// Files under `source` (a file or a folder) as keys under `prefix`, relative paths kept, `/`
/// separated. Symlinked folders are not followed (no loops); unreadable entries are reported.
pub fn plan(source: &Path, prefix: &str) -> (Vec<UploadItem>, Vec<KeyFailure>) {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let meta = match std::fs::metadata(source) {
        Ok(m) => m,
        Err(e) => {
            problems.push(KeyFailure { key: source.display().to_string(), reason: format!("Can't read it: {e}.") });
            return (items, problems);
        }
    };
    if meta.is_file() {
        let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        items.push(UploadItem { path: source.to_path_buf(), key: format!("{prefix}{name}"), size: meta.len() });
        return (items, problems);
    }
    let mut stack = vec![(source.to_path_buf(), prefix.to_string())];
    while let Some((dir, key_prefix)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(KeyFailure { key: dir.display().to_string(), reason: format!("Can't read the folder: {e}.") });
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_symlink() && path.is_dir() {
                problems.push(KeyFailure { key: path.display().to_string(), reason: "A link to a folder is not followed.".into() });
            } else if kind.is_dir() {
                stack.push((path, format!("{key_prefix}{name}/")));
            } else {
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_file() => items.push(UploadItem { path, key: format!("{key_prefix}{name}"), size: m.len() }),
                    Ok(_) => {}
                    Err(e) => problems.push(KeyFailure { key: path.display().to_string(), reason: format!("Can't read it: {e}.") }),
                }
            }
        }
    }
    items.sort_by(|a, b| a.key.cmp(&b.key));
    (items, problems)
}

/// How many in-flight files the progress names.
const ACTIVE_SHOWN: usize = 8;

/// Buffers at least this big are pooled; smaller ones are cheap to allocate.
const POOLED: u64 = MIB;

/// Checksum mode learnt during a run.
const CHECKSUM_UNKNOWN: u8 = 0;
const CHECKSUM_FLEXIBLE_OK: u8 = 1;
const CHECKSUM_MD5: u8 = 2;

/// What every task of a run shares.
struct Shared {
    s3: S3,
    /// The same without the SDK's own checksums, for Content-MD5.
    s3_md5: S3,
    bucket: String,
    opts: UploadOptions,
    /// MiB of part buffers that may be in use at once.
    budget: Arc<Semaphore>,
    budget_mib: u32,
    /// Part buffers given back after sending, to be filled again.
    buffers: Mutex<Vec<Vec<u8>>>,
    control: Arc<Control>,
    tally: Tally,
    /// Whether the storage took a flexible checksum yet, or refused it and MD5 is used instead.
    checksum_mode: AtomicU8,
}

#[derive(Default)]
struct Tally {
    bytes_total: u64,
    files_total: u64,
    bytes_done: AtomicU64,
    files_done: AtomicU64,
    files_failed: AtomicU64,
    retries: AtomicU64,
    last_retry: Mutex<Option<String>>,
    active: Mutex<BTreeMap<String, (u64, u64)>>,
}

impl Tally {
    fn snapshot(&self) -> TransferProgress {
        let active = self.active.lock().expect("tally lock");
        TransferProgress {
            bytes_done: self.bytes_done.load(Ordering::Relaxed),
            bytes_total: self.bytes_total,
            files_done: self.files_done.load(Ordering::Relaxed),
            files_failed: self.files_failed.load(Ordering::Relaxed),
            files_total: self.files_total,
            active: active.iter().take(ACTIVE_SHOWN).map(|(k, (d, s))| FileProgress { key: k.clone(), done: *d, size: *s }).collect(),
            retries: self.retries.load(Ordering::Relaxed),
            last_retry: self.last_retry.lock().expect("tally lock").clone(),
        }
    }

    fn add_bytes(&self, key: &str, n: u64) {
        self.bytes_done.fetch_add(n, Ordering::Relaxed);
        if let Some(entry) = self.active.lock().expect("tally lock").get_mut(key) {
            entry.0 += n;
        }
    }

    fn retried(&self, key: &str, notice: &RetryNotice) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        *self.last_retry.lock().expect("tally lock") = Some(format!("{key}: {} (retry {} of {})", notice.reason, notice.retry, notice.of));
    }
}

/// How one file went.
#[derive(Default)]
struct FileOutcome {
    resumed_bytes: u64,
    restarted: bool,
}

impl Shared {
    fn client(&self, checksum: Checksum) -> &S3 {
        if checksum == Checksum::Md5 {
            &self.s3_md5
        } else {
            &self.s3
        }
    }

    /// The budget a buffer of `len` bytes takes: its MiB, at least one, at most the whole budget.
    fn permits_for(&self, len: u64) -> u32 {
        (len.div_ceil(MIB).max(1) as u32).min(self.budget_mib)
    }

    fn checksum(&self) -> Checksum {
        if self.checksum_mode.load(Ordering::Relaxed) == CHECKSUM_MD5 {
            Checksum::Md5
        } else {
            self.opts.checksum
        }
    }
}

/// Sends `items` to `bucket`, several files and parts at once within one budget of parts in flight.
pub async fn upload(
    s3: &S3,
    bucket: &str,
    items: Vec<UploadItem>,
    opts: &UploadOptions,
    control: &Arc<Control>,
    progress: &(dyn Fn(&TransferProgress) + Send + Sync),
) -> Result<UploadReport> {
    for item in &items {
        part_size_for(item.size, opts.part_size)?;
    }
    validate_tags(&opts.tags, TagTarget::Object)?;
    let concurrency = opts.concurrency.clamp(1, 64);
    let budget_mib = opts
        .budget
        .unwrap_or(concurrency as u64 * opts.part_size.unwrap_or(DEFAULT_PART))
        .div_ceil(MIB)
        .max(1) as u32;
    let shared = Arc::new(Shared {
        s3: s3.for_transfers(false),
        s3_md5: s3.for_transfers(true),
        bucket: bucket.to_string(),
        opts: opts.clone(),
        // One permit is one part (or small file) in flight.
        budget: Arc::new(Semaphore::new(budget_mib as usize)),
        budget_mib,
        buffers: Mutex::new(Vec::with_capacity(concurrency)),
        control: control.clone(),
        tally: Tally { bytes_total: items.iter().map(|i| i.size).sum(), files_total: items.len() as u64, ..Tally::default() },
        checksum_mode: AtomicU8::new(if opts.checksum == Checksum::Md5 { CHECKSUM_MD5 } else { CHECKSUM_UNKNOWN }),
    });
    // Files are opened a bounded number at a time; parts of big files fill the budget.
    let files = Arc::new(Semaphore::new(concurrency * 2));
    let mut report = UploadReport::default();
    let mut tasks = tokio::task::JoinSet::new();
    let mut waiting = items.into_iter();
    for item in waiting.by_ref() {
        let permit = tokio::select! {
            p = files.clone().acquire_owned() => p.expect("semaphore open"),
            _ = control.token().cancelled() => {
                report.unfinished.push(item);
                break;
            }
        };
        let task_shared = shared.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let r = upload_with_fallback(&task_shared, &item).await;
            (item, r)
        });
        while let Some(done) = tasks.try_join_next() {
            settle(done, &shared, &mut report);
            progress(&shared.tally.snapshot());
        }
    }
    report.unfinished.extend(waiting);
    while let Some(done) = tasks.join_next().await {
        settle(done, &shared, &mut report);
        progress(&shared.tally.snapshot());
    }
    report.cancelled = control.token().is_cancelled() && !control.is_paused();
    report.paused = control.is_paused();
    report.checksum = shared.checksum().name().to_string();
    report.failed.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(report)
}

fn settle(
    done: std::result::Result<(UploadItem, Result<FileOutcome>), tokio::task::JoinError>,
    shared: &Shared,
    report: &mut UploadReport,
) {
    match done {
        Ok((item, Ok(outcome))) => {
            report.files += 1;
            report.bytes += item.size;
            report.resumed_bytes += outcome.resumed_bytes;
            if outcome.restarted {
                report.restarted.push(item.key.clone());
            }
        }
        Ok((item, Err(e))) if e.code == ErrorCode::Cancelled => report.unfinished.push(item),
        Ok((item, Err(e))) => {
            shared.tally.files_failed.fetch_add(1, Ordering::Relaxed);
            report.failed.push(KeyFailure { key: item.path.display().to_string(), reason: e.message });
            report.unfinished.push(item);
        }
        Err(e) => report.failed.push(KeyFailure { key: String::new(), reason: format!("upload task failed: {e}") }),
    }
}

/// Uploads one file; if the storage refuses the flexible checksum before any has been accepted, it
/// tries once more with Content-MD5 and keeps MD5 for the rest of the run.
async fn upload_with_fallback(shared: &Arc<Shared>, item: &UploadItem) -> Result<FileOutcome> {
    shared.tally.active.lock().expect("tally lock").insert(item.key.clone(), (0, item.size));
    let used = shared.checksum();
    let first = upload_one(shared, item, used).await;
    let result = match first {
        Err(e) if used != Checksum::Md5 && shared.checksum_mode.load(Ordering::Relaxed) != CHECKSUM_FLEXIBLE_OK && refuses_checksum(&e) => {
            tracing::warn!(key = %item.key, error = %e.message, "flexible checksum refused; trying Content-MD5");
            shared.checksum_mode.store(CHECKSUM_MD5, Ordering::Relaxed);
            upload_one(shared, item, Checksum::Md5).await.inspect_err(|_| {
                // MD5 didn't help either: the refusal was about something else.
                let _ = shared.checksum_mode.compare_exchange(CHECKSUM_MD5, CHECKSUM_UNKNOWN, Ordering::Relaxed, Ordering::Relaxed);
            })
        }
        other => other,
    };
    shared.tally.active.lock().expect("tally lock").remove(&item.key);
    if result.is_ok() {
        shared.tally.files_done.fetch_add(1, Ordering::Relaxed);
        if used != Checksum::Md5 && shared.checksum() != Checksum::Md5 {
            shared.checksum_mode.store(CHECKSUM_FLEXIBLE_OK, Ordering::Relaxed);
        }
    }
    result
}

/// A refusal that could mean "this storage doesn't take flexible checksums": a 400 or 501 that is
/// not about access, region or a missing bucket.
fn refuses_checksum(e: &Error) -> bool {
    let detail = e.detail.as_deref().unwrap_or("");
    matches!(e.code, ErrorCode::Storage | ErrorCode::Unsupported | ErrorCode::InvalidInput)
        && (detail.contains("HTTP 400") || detail.contains("HTTP 501"))
}

fn cancelled() -> Error {
    Error::new(ErrorCode::Cancelled, "Cancelled.")
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, buf, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}

/// A part's (or small file's) bytes in a pooled buffer, with its Content-MD5 when that is the
/// checksum; sent once per try without copying.
struct PartBody {
    bytes: bytes::Bytes,
    md5: Option<String>,
}

impl PartBody {
    /// Reads the range into a buffer (the caller holds its share of the budget). Part-sized
    /// buffers come from the pool; small files get their own small allocation.
    async fn read(shared: &Shared, path: &Path, offset: u64, len: u64, checksum: Checksum) -> Result<PartBody> {
        let pooled = if len >= POOLED { shared.buffers.lock().expect("buffers lock").pop() } else { None };
        let mut buf = pooled.unwrap_or_default();
        let path = path.to_path_buf();
        let buf = tokio::task::spawn_blocking(move || {
            buf.clear();
            buf.resize(len as usize, 0);
            let file = std::fs::File::open(&path).map_err(|e| Error::invalid(format!("Can't read {}: {e}.", path.display())))?;
            read_exact_at(&file, &mut buf, offset)
                .map_err(|e| Error::invalid(format!("Can't read {}: {e} (did it change or vanish?).", path.display())))?;
            Ok::<_, Error>(buf)
        })
        .await
        .map_err(|e| Error::internal(e.to_string()))??;
        let md5 = (checksum == Checksum::Md5).then(|| {
            use md5::Digest;
            aws_smithy_types::base64::encode(md5::Md5::digest(&buf))
        });
        Ok(PartBody { bytes: bytes::Bytes::from(buf), md5 })
    }

    fn stream(&self) -> ByteStream {
        ByteStream::from(self.bytes.clone())
    }

    /// Gives a part-sized buffer back to the pool once no request holds it any more; the pool
    /// never keeps more than the budget.
    fn recycle(self, shared: &Shared) {
        if self.bytes.len() < POOLED as usize {
            return;
        }
        if let Ok(buf) = self.bytes.try_into_mut() {
            let buf = Vec::from(buf);
            let mut pool = shared.buffers.lock().expect("buffers lock");
            let kept: usize = pool.iter().map(Vec::capacity).sum();
            if (kept + buf.capacity()) as u64 <= u64::from(shared.budget_mib) * MIB {
                pool.push(buf);
            }
        }
    }
}

async fn upload_one(shared: &Arc<Shared>, item: &UploadItem, checksum: Checksum) -> Result<FileOutcome> {
    let part = part_size_for(item.size, shared.opts.part_size)?;
    if item.size > part && part > u64::from(shared.budget_mib) * MIB {
        // Parts bigger than the whole budget (files over ~80 GiB get raised parts): they stream
        // from the file instead, each verified by the MD5 computed on the way against its ETag.
        return upload_multipart(shared, item, part, Checksum::Md5, true).await;
    }
    if item.size > part {
        return upload_multipart(shared, item, part, checksum, false).await;
    }
    let _permit = tokio::select! {
        p = shared.budget.acquire_many(shared.permits_for(item.size)) => p.expect("semaphore open"),
        _ = shared.control.token().cancelled() => return Err(cancelled()),
    };
    let body = PartBody::read(shared, &item.path, 0, item.size, checksum).await?;
    let s3 = shared.client(checksum);
    let sent = with_retries(&shared.opts.retry, shared.control.token(), s3.attempt("upload the file"), &|n| shared.tally.retried(&item.key, n), || {
        s3.client
            .put_object()
            .bucket(&shared.bucket)
            .key(&item.key)
            .content_type(guess_type(&item.key))
            .set_tagging(tagging_header(&shared.opts.tags))
            .set_checksum_algorithm(checksum.algorithm())
            .set_content_md5(body.md5.clone())
            .body(body.stream())
            .customize()
            .disable_payload_signing()
            .send()
    })
    .await;
    body.recycle(shared);
    sent?;
    shared.tally.add_bytes(&item.key, item.size);
    Ok(FileOutcome::default())
}

/// Where a multipart upload starts from: a fresh upload, or one the journal says is under way.
struct Start {
    upload_id: String,
    entry: Option<i64>,
    done: HashMap<i32, CompletedPart>,
    resumed_bytes: u64,
    restarted: bool,
}

async fn upload_multipart(shared: &Arc<Shared>, item: &UploadItem, part: u64, checksum: Checksum, streamed: bool) -> Result<FileOutcome> {
    let stamp = FileStamp::of(&item.path).map_err(|e| Error::invalid(format!("Can't read {}: {e}.", item.path.display())))?;
    if stamp.size != item.size {
        return Err(Error::invalid(format!("{} changed size since the upload was planned; plan it again.", item.path.display())));
    }
    let target = shared.opts.resume.as_ref().map(|r| TransferTarget {
        storage: r.storage.clone(),
        bucket: shared.bucket.clone(),
        key: item.key.clone(),
        path: item.path.clone(),
    });
    let start = start_multipart(shared, item, part, stamp, target.as_ref(), checksum).await?;
    let upload_id = start.upload_id.clone();
    let result = send_parts(shared, item, part, &start, checksum, streamed).await;
    let finished = match result {
        Ok(parts) => complete(shared, item, &upload_id, parts, stamp, checksum).await,
        Err(e) => Err(e),
    };
    match finished {
        Ok(()) => {
            if let (Some(r), Some(id)) = (&shared.opts.resume, start.entry) {
                log_journal(r.journal.forget(id));
            }
            Ok(FileOutcome { resumed_bytes: start.resumed_bytes, restarted: start.restarted })
        }
        // Paused: the upload and its journal entry stay, to resume.
        Err(e) if e.code == ErrorCode::Cancelled && shared.control.is_paused() && start.entry.is_some() => Err(e),
        Err(e) => {
            // Nothing is left behind to be billed.
            abort(&shared.s3, &shared.bucket, &item.key, &upload_id).await;
            if let (Some(r), Some(id)) = (&shared.opts.resume, start.entry) {
                log_journal(r.journal.forget(id));
            }
            Err(e)
        }
    }
}

fn log_journal(r: Result<()>) {
    if let Err(e) = r {
        tracing::warn!(error = %e.message, "transfer journal");
    }
}

/// Best effort: a failure is logged, and the upload then shows among the bucket's unfinished ones.
async fn abort(s3: &S3, bucket: &str, key: &str, upload_id: &str) {
    if let Err(e) = crate::multipart::abort_one(s3, bucket, key, upload_id).await {
        tracing::warn!(key, error = %e.message, "abort failed");
    }
}

/// Resumes the journalled upload of this file when it is still valid, else starts a new one.
async fn start_multipart(
    shared: &Arc<Shared>,
    item: &UploadItem,
    part: u64,
    stamp: FileStamp,
    target: Option<&TransferTarget>,
    checksum: Checksum,
) -> Result<Start> {
    let mut restarted = false;
    if let (Some(r), Some(t)) = (&shared.opts.resume, target) {
        if let Some(entry) = r.journal.find(t)? {
            let same_file = entry.stamp == stamp;
            if same_file && entry.part_size == part && entry.checksum == checksum.name() {
                match held_parts(shared, item, &entry.upload_id, part).await {
                    Ok(held) => {
                        let mut done = HashMap::new();
                        let mut resumed_bytes = 0;
                        for p in held {
                            let journalled = entry.parts.iter().find(|j| j.number == p.number);
                            // The storage's list is the truth; the journal fills in a checksum it omits.
                            let checksum_value = p.checksum.clone().or_else(|| journalled.and_then(|j| j.checksum.clone()));
                            resumed_bytes += p.size;
                            done.insert(p.number, completed_part(checksum, p.number, Some(p.etag.clone()), checksum_value));
                        }
                        shared.tally.add_bytes(&item.key, resumed_bytes);
                        tracing::info!(key = %item.key, parts = done.len(), "resuming a multipart upload");
                        return Ok(Start { upload_id: entry.upload_id, entry: Some(entry.id), done, resumed_bytes, restarted: false });
                    }
                    Err(e) if e.code == ErrorCode::Cancelled => return Err(e),
                    Err(e) => {
                        // Aborted or expired on the storage's side (or unreadable with these
                        // credentials): start again; a real problem shows on the new upload.
                        tracing::info!(key = %item.key, error = %e.message, "journalled upload is gone; starting again");
                        log_journal(r.journal.forget(entry.id));
                    }
                }
            } else {
                restarted = !same_file;
                abort(&shared.s3, &shared.bucket, &item.key, &entry.upload_id).await;
                log_journal(r.journal.forget(entry.id));
            }
        }
    }
    let s3 = shared.client(checksum);
    let created = with_retries(&shared.opts.retry, shared.control.token(), s3.attempt("start a multipart upload"), &|n| shared.tally.retried(&item.key, n), || {
        s3.client
            .create_multipart_upload()
            .bucket(&shared.bucket)
            .key(&item.key)
            .content_type(guess_type(&item.key))
            .set_tagging(tagging_header(&shared.opts.tags))
            .set_checksum_algorithm(checksum.algorithm())
            .send()
    })
    .await?;
    let upload_id = created.upload_id().unwrap_or_default().to_string();
    let entry = match (&shared.opts.resume, target) {
        (Some(r), Some(t)) => match r.journal.begin(t, stamp, part, &upload_id, checksum.name()) {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::warn!(error = %e.message, "transfer journal: this upload can't be resumed");
                None
            }
        },
        _ => None,
    };
    Ok(Start { upload_id, entry, done: HashMap::new(), resumed_bytes: 0, restarted })
}

/// Parts the storage holds for an upload, keeping only those of the expected size.
async fn held_parts(shared: &Shared, item: &UploadItem, upload_id: &str, part: u64) -> Result<Vec<JournalPart>> {
    let s3 = &shared.s3;
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = with_retries(&shared.opts.retry, shared.control.token(), s3.attempt("list the uploaded parts"), &|_| {}, || {
            s3.client.list_parts().bucket(&shared.bucket).key(&item.key).upload_id(upload_id).set_part_number_marker(marker.clone()).send()
        })
        .await?;
        for p in page.parts() {
            let (Some(n), Some(etag)) = (p.part_number(), p.e_tag()) else { continue };
            let size = p.size().unwrap_or(0).max(0) as u64;
            let expected = part.min(item.size.saturating_sub((n as u64 - 1) * part));
            if n >= 1 && size == expected {
                let checksum = p.checksum_crc32_c().or(p.checksum_crc64_nvme()).map(str::to_string);
                out.push(JournalPart { number: n, size, etag: etag.to_string(), checksum });
            }
        }
        if page.is_truncated() == Some(true) {
            marker = page.next_part_number_marker().map(str::to_string);
            if marker.is_none() {
                break;
            }
        } else {
            break;
        }
    }
    Ok(out)
}

fn completed_part(checksum: Checksum, number: i32, etag: Option<String>, value: Option<String>) -> CompletedPart {
    let b = CompletedPart::builder().part_number(number).set_e_tag(etag);
    match checksum {
        Checksum::Crc32c => b.set_checksum_crc32_c(value).build(),
        Checksum::Crc64nvme => b.set_checksum_crc64_nvme(value).build(),
        Checksum::Md5 => b.build(),
    }
}

async fn send_parts(
    shared: &Arc<Shared>,
    item: &UploadItem,
    part: u64,
    start: &Start,
    checksum: Checksum,
    streamed: bool,
) -> Result<Vec<CompletedPart>> {
    let count = item.size.div_ceil(part);
    let mut tasks = tokio::task::JoinSet::new();
    let mut parts: Vec<CompletedPart> = start.done.values().cloned().collect();
    let mut sent: u64 = start.resumed_bytes;
    for n in 0..count {
        let number = i32::try_from(n + 1).expect("at most 10,000 parts");
        if start.done.contains_key(&number) {
            continue;
        }
        // The part's slot is taken before it is read.
        let permit = tokio::select! {
            p = shared.budget.clone().acquire_many_owned(if streamed {
                // A streamed part holds a read buffer, not the part: it takes a default part's share.
                shared.permits_for(DEFAULT_PART)
            } else {
                shared.permits_for(part.min(item.size - n * part))
            }) => p.expect("semaphore open"),
            _ = shared.control.token().cancelled() => return Err(cancelled()),
        };
        let (shared2, item2, upload_id, entry) = (shared.clone(), item.clone(), start.upload_id.clone(), start.entry);
        let offset = n * part;
        let len = part.min(item.size - offset);
        tasks.spawn(async move {
            let _permit = permit;
            let shared = shared2;
            let item = item2;
            if streamed {
                let etag = send_streamed_part(&shared, &item, &upload_id, number, offset, len).await?;
                if let (Some(r), Some(id)) = (&shared.opts.resume, entry) {
                    let journalled = JournalPart { number, size: len, etag: etag.clone(), checksum: None };
                    log_journal(r.journal.part_done(id, &journalled));
                }
                shared.tally.add_bytes(&item.key, len);
                return Ok((completed_part(checksum, number, Some(etag), None), len));
            }
            let body = PartBody::read(&shared, &item.path, offset, len, checksum).await?;
            let s3 = shared.client(checksum);
            let out = with_retries(&shared.opts.retry, shared.control.token(), s3.attempt("upload a part"), &|n| shared.tally.retried(&item.key, n), || {
                s3.client
                    .upload_part()
                    .bucket(&shared.bucket)
                    .key(&item.key)
                    .upload_id(&upload_id)
                    .part_number(number)
                    .set_checksum_algorithm(checksum.algorithm())
                    .set_content_md5(body.md5.clone())
                    .body(body.stream())
                    .customize()
                    .disable_payload_signing()
                    .send()
            })
            .await;
            body.recycle(&shared);
            let out = out?;
            let etag = out.e_tag().map(str::to_string);
            let value = out.checksum_crc32_c().or(out.checksum_crc64_nvme()).map(str::to_string);
            if let (Some(r), Some(id)) = (&shared.opts.resume, entry) {
                let journalled = JournalPart { number, size: len, etag: etag.clone().unwrap_or_default(), checksum: value.clone() };
                log_journal(r.journal.part_done(id, &journalled));
            }
            shared.tally.add_bytes(&item.key, len);
            Ok::<_, Error>((completed_part(checksum, number, etag, value), len))
        });
        while let Some(r) = tasks.try_join_next() {
            let (p, len) = r.map_err(|e| Error::internal(e.to_string()))??;
            sent += len;
            parts.push(p);
        }
    }
    while let Some(r) = tasks.join_next().await {
        let (p, len) = r.map_err(|e| Error::internal(e.to_string()))??;
        sent += len;
        parts.push(p);
    }
    // Byte counts are checked before completing.
    if sent != item.size {
        return Err(Error::new(ErrorCode::Storage, format!("Sent {sent} bytes of {}; the file may have changed.", item.size)));
    }
    parts.sort_by_key(|p| p.part_number());
    Ok(parts)
}

/// Sends one part straight from the file (no buffer), hashing it on the way; the storage's ETag of
/// a part is its MD5, so a mismatch means the bytes were damaged and the part is sent again.
async fn send_streamed_part(shared: &Shared, item: &UploadItem, upload_id: &str, number: i32, offset: u64, len: u64) -> Result<String> {
    let s3 = shared.client(Checksum::Md5);
    for attempt in 1..=shared.opts.retry.attempts {
        let digest: Arc<Mutex<Option<md5::Md5>>> = Arc::new(Mutex::new(None));
        let out = with_retries(&shared.opts.retry, shared.control.token(), s3.attempt("upload a part"), &|n| shared.tally.retried(&item.key, n), || {
            let digest = digest.clone();
            async move {
                let file = match ByteStream::read_from().path(&item.path).offset(offset).length(aws_sdk_s3::primitives::Length::Exact(len)).buffer_size(STREAM_CHUNK).build().await {
                    Ok(b) => b,
                    Err(e) => return Ok(Err(Error::invalid(format!("Can't read {}: {e} (did it change or vanish?).", item.path.display())))),
                };
                let hasher = Arc::new(Mutex::new(md5::Md5::default()));
                *digest.lock().expect("digest lock") = None;
                let body = ByteStream::from_body_1_x(HashingBody { inner: file.into_inner(), hasher: hasher.clone() });
                let sent = s3
                    .client
                    .upload_part()
                    .bucket(&shared.bucket)
                    .key(&item.key)
                    .upload_id(upload_id)
                    .part_number(number)
                    .content_length(len as i64)
                    .body(body)
                    .customize()
                    .disable_payload_signing()
                    .send()
                    .await;
                let taken = std::mem::take(&mut *hasher.lock().expect("hasher lock"));
                *digest.lock().expect("digest lock") = Some(taken);
                sent.map(Ok)
            }
        })
        .await??;
        let etag = out.e_tag().unwrap_or_default().trim_matches('"').to_ascii_lowercase();
        let computed = digest.lock().expect("digest lock").take().map(|h| {
            use md5::Digest;
            h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
        });
        // Under SSE-KMS or SSE-C the ETag is not the MD5; TLS and TCP are what remain then.
        let kms = out.server_side_encryption().is_some_and(|e| e.as_str().starts_with("aws:kms")) || out.sse_customer_algorithm().is_some();
        if kms || computed.as_deref() == Some(etag.as_str()) {
            return Ok(out.e_tag().unwrap_or_default().to_string());
        }
        tracing::warn!(key = %item.key, part = number, attempt, "part ETag doesn't match its MD5; sending it again");
    }
    Err(Error::new(ErrorCode::Storage, format!("Part {number} of {} kept arriving damaged (its ETag never matched its MD5).", item.key)))
}

/// How much of the file a streamed part reads at a time.
const STREAM_CHUNK: usize = 1024 * 1024;

/// A request body that hashes what passes through it.
struct HashingBody {
    inner: aws_smithy_types::body::SdkBody,
    hasher: Arc<Mutex<md5::Md5>>,
}

impl http_body::Body for HashingBody {
    type Data = bytes::Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<std::result::Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let polled = std::pin::Pin::new(&mut self.inner).poll_frame(cx);
        if let std::task::Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                use md5::Digest;
                self.hasher.lock().expect("hasher lock").update(data);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

async fn complete(shared: &Shared, item: &UploadItem, upload_id: &str, parts: Vec<CompletedPart>, stamp: FileStamp, checksum: Checksum) -> Result<()> {
    // A file written to while it was read would be stored as a mix of old and new bytes.
    let now = FileStamp::of(&item.path).map_err(|e| Error::invalid(format!("Can't read {}: {e} (did it vanish?).", item.path.display())))?;
    if now != stamp {
        return Err(Error::invalid(format!("{} changed while it was uploaded; nothing was stored. Upload it again when it's finished.", item.path.display())));
    }
    let s3 = shared.client(checksum);
    let body = CompletedMultipartUpload::builder().set_parts(Some(parts)).build();
    // The SDK turns a 200 answer that carries an <Error> body into an error, so it is retried or
    // reported like any other.
    with_retries(&shared.opts.retry, shared.control.token(), s3.attempt("finish the multipart upload"), &|n| shared.tally.retried(&item.key, n), || {
        s3.client.complete_multipart_upload().bucket(&shared.bucket).key(&item.key).upload_id(upload_id).multipart_upload(body.clone()).send()
    })
    .await?;
    Ok(())
}

/// Tags as the x-amz-tagging header wants them: a URL query string, spaces as %20.
pub fn tagging_header(tags: &[Tag]) -> Option<String> {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    // RFC 3986 unreserved characters stay as they are; everything else is escaped.
    const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    if tags.is_empty() {
        return None;
    }
    let pairs: Vec<String> =
        tags.iter().map(|t| format!("{}={}", utf8_percent_encode(&t.key, QUERY), utf8_percent_encode(&t.value, QUERY))).collect();
    Some(pairs.join("&"))
}

/// Content-Type from the extension.
pub fn guess_type(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" => "text/csv",
        "txt" | "log" => "text/plain",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "parquet" => "application/vnd.apache.parquet",
        "md" => "text/markdown",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_sizes_keep_within_10000_parts() {
        assert_eq!(part_size_for(1, None).unwrap(), DEFAULT_PART);
        let big = 1024 * 1024 * MIB; // 1 TiB
        let p = part_size_for(big, None).unwrap();
        assert!(big.div_ceil(p) <= MAX_PARTS && p % MIB == 0);
        assert!(part_size_for(MAX_OBJECT + 1, None).unwrap_err().message.contains("5 TiB"));
        assert!(part_size_for(10, Some(MIB)).is_err());
    }

    #[test]
    fn tags_become_a_query_string() {
        let tags = [Tag { key: "project".into(), value: "blue sky".into() }, Tag { key: "a+b".into(), value: "x=y/z".into() }];
        assert_eq!(tagging_header(&tags).as_deref(), Some("project=blue%20sky&a%2Bb=x%3Dy%2Fz"));
        assert_eq!(tagging_header(&[]), None);
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("16M").unwrap(), 16 * MIB);
        assert_eq!(parse_size("1g").unwrap(), 1024 * MIB);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert!(parse_size("lots").is_err());
    }
}
