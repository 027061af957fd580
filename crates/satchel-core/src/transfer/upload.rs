//! Uploads: files and folders to a bucket prefix. Small files go in one PUT, large ones in parallel
//! multipart parts, many files at once.
//!
//! - Memory is bounded: a part reserves its size (in MiB) from a budget of `concurrency` x the part
//!   size asked for (8 x 8 MiB by default) before it takes a buffer and reads, so the bytes in
//!   flight stay within the budget. Part buffers are pooled and reused: fresh 16 MiB allocations
//!   per part fragmented the allocator's arenas and RSS reached twice the budget. Files over ~78 GiB
//!   get parts raised to fit 10,000 (up to 525 MiB at 5 TiB); a part bigger than the whole budget
//!   (from ~625 GiB at default settings, where parts pass 64 MiB) is not buffered: it streams from the file with its MD5 computed on the way and checked against the
//!   part's ETag, so memory stays bounded for any file size.
//! - The checksum (CRC32C, CRC64NVME or Content-MD5) is computed over the buffer and sent as a
//!   signed header. The payload is not hashed again for SigV4 (UNSIGNED-PAYLOAD): a second SHA-256
//!   pass over every byte adds no integrity the checksum lacks (TLS covers transit on https).
//!   Streaming parts with a checksum trailer (aws-chunked) would need no buffer at all, but garage
//!   refuses the SDK's chunk signatures over plain HTTP.
//! - Each request is retried by [`super::retry`]'s policy, per part; permanent errors stop the file.
//! - With a [`Journal`] (see [`multipart`]), every multipart upload and acknowledged part is recorded; a later run
//!   (after a pause, a crash or a kill) asks the storage which parts it holds and sends the rest.
//!   A file whose size or modification time changed starts again from zero, and says so.
//! - Cancel aborts unfinished multipart uploads, so nothing is left to be billed; pause keeps them.

mod multipart;

use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use aws_sdk_s3::primitives::ByteStream;
use serde::Serialize;
use tokio::sync::Semaphore;

use super::checksum::Checksum;
use super::journal::{FileStamp, Resume, SameBytes, SameRecorder};
use super::parts::{part_size_for, DEFAULT_PART, MIB};
use super::plan::UploadItem;
use super::progress::{reported, Tally, TransferProgress};
use super::retry::{with_retries, RetryPolicy};
use crate::connect::client::S3;
use crate::connect::customer_keys::SendsCustomerKey;
use crate::control::Control;
use crate::error::{Error, ErrorCode, KeyFailure, Result};
use crate::tags::{validate_tags, Tag, TagTarget};
pub use crate::tags::tagging_header;

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
    /// A name for this run (the CLI's command and its ends), with `resume`: each file it finishes is
    /// journalled under it, a later run of the same name skips the files finished and unchanged
    /// since, and the record goes when a run finishes everything.
    pub batch: Option<String>,
    /// The storage class of what is sent; `None`: the bucket's default (STANDARD).
    pub storage_class: Option<aws_sdk_s3::types::StorageClass>,
    /// The encryption of what is sent; `None`: the bucket's default encryption.
    pub encryption: Option<crate::governance::encryption::EncryptionChoice>,
    /// SSE-C: the customer key what is sent is encrypted with (instead of `encryption`).
    pub customer_key: Option<crate::connect::CustomerKey>,
}

impl UploadOptions {
    /// The headers `storage_class` and `encryption` become: (class, algorithm, KMS key, bucket key).
    pub(crate) fn write_headers(
        &self,
    ) -> (Option<aws_sdk_s3::types::StorageClass>, Option<aws_sdk_s3::types::ServerSideEncryption>, Option<String>, Option<bool>) {
        use crate::governance::encryption::EncryptionChoice;
        use aws_sdk_s3::types::ServerSideEncryption;
        match &self.encryption {
            None => (self.storage_class.clone(), None, None, None),
            Some(EncryptionChoice::SseS3) => (self.storage_class.clone(), Some(ServerSideEncryption::Aes256), None, None),
            Some(EncryptionChoice::SseKms { key_id, bucket_key }) => (
                self.storage_class.clone(),
                Some(ServerSideEncryption::AwsKms),
                key_id.as_deref().map(str::trim).filter(|k| !k.is_empty()).map(str::to_string),
                bucket_key.then_some(true),
            ),
        }
    }
}

/// What a storage kept of what an upload asked for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Kept {
    /// A sentence when the storage kept another class or no encryption.
    pub note: Option<String>,
    /// The class it stored instead of the one asked for.
    pub other_class: Option<String>,
}

/// Whether `key`, just uploaded with `opts`, was stored as asked: a sentence when the storage
/// kept another class or no encryption (garage accepts both headers and ignores them), so a
/// batch never claims what the storage didn't do.
pub async fn kept_as_asked(s3: &S3, bucket: &str, key: &str, opts: &UploadOptions) -> Kept {
    if opts.storage_class.is_none() && opts.encryption.is_none() && opts.customer_key.is_none() {
        return Kept::default();
    }
    let Ok(head) = s3.client.head_object().bucket(bucket).key(key).customer_key(opts.customer_key.as_ref()).send().await else {
        return Kept::default();
    };
    let mut lost = Vec::new();
    let mut other_class = None;
    if let Some(asked) = &opts.storage_class {
        // S3 leaves the header out for STANDARD.
        let held = head.storage_class().map(|c| c.as_str()).unwrap_or("STANDARD");
        if held != asked.as_str() {
            lost.push(format!("the storage class {} (it stored them as {held})", asked.as_str()));
            other_class = Some(held.to_string());
        }
    }
    if opts.encryption.is_some() && head.server_side_encryption().is_none() {
        lost.push("the encryption asked for (it reports none)".to_string());
    }
    if opts.customer_key.is_some() && head.sse_customer_algorithm().is_none() {
        lost.push("the customer key (it reports no SSE-C)".to_string());
    }
    let note = (!lost.is_empty()).then(|| format!("This storage didn't keep {} for what was uploaded.", lost.join(" or ")));
    Kept { note, other_class }
}

/// A storage class for uploads by its S3 name (any case, `-` for `_`), or a plain error listing them.
pub fn parse_storage_class(name: &str) -> Result<aws_sdk_s3::types::StorageClass> {
    const CLASSES: [&str; 7] = ["STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"];
    let wanted = name.trim().to_ascii_uppercase().replace('-', "_");
    match CLASSES.iter().find(|c| **c == wanted) {
        Some(c) => Ok(aws_sdk_s3::types::StorageClass::from(*c)),
        None => Err(Error::invalid(format!("\"{name}\" isn't a storage class uploads can use: {}.", CLASSES.join(", ")))),
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
            batch: None,
            storage_class: None,
            encryption: None,
            customer_key: None,
        }
    }
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
    /// Objects a sync removed because its folder no longer has them.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub removed: u64,
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
    /// Files an earlier, interrupted run of the same batch had finished: not sent again.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub already_sent: u64,
    /// What the user should know about how the objects were stored (a storage class or an
    /// encryption the storage didn't keep).
    pub notes: Vec<String>,
}

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

/// How one file went.
#[derive(Default)]
struct FileOutcome {
    resumed_bytes: u64,
    restarted: bool,
    /// The object's ETag as the storage answered, and the file as it was read.
    written: Option<(String, FileStamp)>,
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
    let (items, already_sent) = skip_finished(items, opts);
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
    let mut report = UploadReport { already_sent, ..UploadReport::default() };
    let mut tasks = tokio::task::JoinSet::new();
    // Files the storage now holds, recorded for the next sync's comparison.
    let mut written = SameRecorder::new(opts.resume.as_ref(), &shared.bucket);
    let mut waiting = items.into_iter();
    reported(&shared.tally, progress, async {
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
                // Journalled here, before the file's slot is let go: settled later, a run killed in
                // between would send again files the storage already holds.
                if r.is_ok() {
                    batch_file_done(&task_shared, &item);
                }
                (item, r)
            });
            while let Some(done) = tasks.try_join_next() {
                settle(done, &shared, &mut report, &mut written);
            }
        }
        report.unfinished.extend(waiting);
        while let Some(done) = tasks.join_next().await {
            settle(done, &shared, &mut report, &mut written);
        }
    })
    .await;
    report.cancelled = control.token().is_cancelled() && !control.is_paused();
    report.paused = control.is_paused();
    report.checksum = shared.checksum().name().to_string();
    report.failed.sort_by(|a, b| a.key.cmp(&b.key));
    written.finish().await;
    if let (Some(r), Some(batch)) = (&opts.resume, &opts.batch) {
        if report.unfinished.is_empty() && report.failed.is_empty() && !report.paused && !report.cancelled {
            log_journal(r.journal.forget_batch(batch));
        }
    }
    Ok(report)
}

/// Leaves out the files an interrupted run of the same batch finished and that are unchanged
/// since (a journal that can't be read means sending them all).
fn skip_finished(items: Vec<UploadItem>, opts: &UploadOptions) -> (Vec<UploadItem>, u64) {
    let (Some(r), Some(batch)) = (&opts.resume, &opts.batch) else { return (items, 0) };
    let done = match r.journal.batch_files(batch) {
        Ok(d) if !d.is_empty() => d,
        Ok(_) => return (items, 0),
        Err(e) => {
            tracing::warn!(error = %e.message, "transfer journal: sending every file of the batch");
            return (items, 0);
        }
    };
    let before = items.len();
    let left: Vec<UploadItem> = items
        .into_iter()
        .filter(|i| done.get(&(i.path.clone(), i.key.clone())).is_none_or(|stamp| FileStamp::of(&i.path).ok() != Some(*stamp)))
        .collect();
    let skipped = (before - left.len()) as u64;
    (left, skipped)
}

fn log_journal(r: Result<()>) {
    if let Err(e) = r {
        tracing::warn!(error = %e.message, "transfer journal");
    }
}

/// Records that this run (a named batch) finished `item`, as the file is now.
fn batch_file_done(shared: &Shared, item: &UploadItem) {
    if let (Some(r), Some(batch)) = (&shared.opts.resume, &shared.opts.batch) {
        if let Ok(stamp) = FileStamp::of(&item.path) {
            log_journal(r.journal.batch_file_done(batch, &item.path, &item.key, stamp));
        }
    }
}

fn settle(
    done: std::result::Result<(UploadItem, Result<FileOutcome>), tokio::task::JoinError>,
    shared: &Shared,
    report: &mut UploadReport,
    written: &mut SameRecorder,
) {
    match done {
        Ok((item, Ok(outcome))) => {
            if let Some((etag, stamp)) = outcome.written {
                written.push(SameBytes { key: item.key.clone(), path: item.path.clone(), etag, stamp });
            }
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
    shared.tally.begin_file(&item.key, item.size);
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
    // Failures are counted when the run settles the file (a cancel is not one).
    shared.tally.end_file(&item.key, result.is_ok(), false);
    if result.is_ok() && used != Checksum::Md5 && shared.checksum() != Checksum::Md5 {
        shared.checksum_mode.store(CHECKSUM_FLEXIBLE_OK, Ordering::Relaxed);
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
        // Parts bigger than the whole budget (raised to fit 10,000 parts: from ~625 GiB at default
        // settings): they stream from the file instead, each verified by the MD5 computed on the way against its ETag.
        return multipart::upload_multipart(shared, item, part, Checksum::Md5, true).await;
    }
    if item.size > part {
        return multipart::upload_multipart(shared, item, part, checksum, false).await;
    }
    let _permit = tokio::select! {
        p = shared.budget.acquire_many(shared.permits_for(item.size)) => p.expect("semaphore open"),
        _ = shared.control.token().cancelled() => return Err(Error::cancelled()),
    };
    // As for multipart: a file written to while it is read would be stored as a mix.
    let stamp = planned_stamp(item)?;
    let body = PartBody::read(shared, &item.path, 0, item.size, checksum).await?;
    if let Err(e) = unchanged_since(item, stamp) {
        body.recycle(shared);
        return Err(e);
    }
    let s3 = shared.client(checksum);
    let (class, sse, kms_key, bucket_key) = shared.opts.write_headers();
    let sent = with_retries(&shared.opts.retry, shared.control.token(), s3.attempt("upload the file"), &|n| shared.tally.retried(&item.key, n), || {
        s3.client
            .put_object()
            .bucket(&shared.bucket)
            .key(&item.key)
            .content_type(guess_type(&item.key))
            .set_metadata(kept_time(stamp))
            .set_tagging(tagging_header(&shared.opts.tags))
            .set_storage_class(class.clone())
            .set_server_side_encryption(sse.clone())
            .set_ssekms_key_id(kms_key.clone())
            .set_bucket_key_enabled(bucket_key)
            .customer_key(shared.opts.customer_key.as_ref())
            .set_checksum_algorithm(checksum.algorithm())
            .set_content_md5(body.md5.clone())
            .body(body.stream())
            .customize()
            .disable_payload_signing()
            .send()
    })
    .await;
    body.recycle(shared);
    let out = sent?;
    shared.tally.add_bytes(&item.key, item.size);
    Ok(FileOutcome { written: out.e_tag().map(|etag| (etag.to_string(), stamp)), ..FileOutcome::default() })
}

/// The file's modification time as the object's `mtime` metadata (see `mtime.rs`).
pub(super) fn kept_time(stamp: FileStamp) -> Option<std::collections::HashMap<String, String>> {
    super::mtime::to_metadata(stamp.modified_ns).map(|t| [(super::mtime::KEY.to_string(), t)].into())
}

/// The file's size and modification time before it is read; a size other than the plan's means
/// the file changed since it was planned.
fn planned_stamp(item: &UploadItem) -> Result<FileStamp> {
    let stamp = FileStamp::of(&item.path).map_err(|e| Error::invalid(format!("Can't read {}: {e}.", item.path.display())))?;
    if stamp.size != item.size {
        return Err(Error::invalid(format!("{} changed size since the upload was planned; plan it again.", item.path.display())));
    }
    Ok(stamp)
}

/// Checks, once the file was read, that it is still as it was before: otherwise nothing is stored.
fn unchanged_since(item: &UploadItem, stamp: FileStamp) -> Result<()> {
    let now = FileStamp::of(&item.path).map_err(|e| Error::invalid(format!("Can't read {}: {e} (did it vanish?).", item.path.display())))?;
    if now != stamp {
        return Err(Error::invalid(format!("{} changed while it was uploaded; nothing was stored. Upload it again when it's finished.", item.path.display())));
    }
    Ok(())
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
    fn tags_become_a_query_string() {
        let tags = [Tag { key: "project".into(), value: "blue sky".into() }, Tag { key: "a+b".into(), value: "x=y/z".into() }];
        assert_eq!(tagging_header(&tags).as_deref(), Some("project=blue%20sky&a%2Bb=x%3Dy%2Fz"));
        assert_eq!(tagging_header(&[]), None);
    }

}
