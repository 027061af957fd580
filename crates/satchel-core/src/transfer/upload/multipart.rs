//! The multipart path of an upload: start or resume (from the journal and the storage's own list
//! of parts), send the parts within the budget, complete, and abort on failure or cancel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};

use super::{guess_type, kept_time, log_journal, planned_stamp, tagging_header, unchanged_since, FileOutcome, PartBody, Shared};
use crate::connect::client::S3;
use crate::connect::customer_keys::SendsCustomerKey;
use crate::error::{Error, ErrorCode, Result};
use crate::transfer::checksum::Checksum;
use crate::transfer::journal::{FileStamp, JournalPart, TransferTarget};
use crate::transfer::parts::DEFAULT_PART;
use crate::transfer::plan::UploadItem;
use crate::transfer::retry::with_retries;

/// Where a multipart upload starts from: a fresh upload, or one the journal says is under way.
struct Start {
    upload_id: String,
    entry: Option<i64>,
    done: HashMap<i32, CompletedPart>,
    resumed_bytes: u64,
    restarted: bool,
}

pub(super) async fn upload_multipart(shared: &Arc<Shared>, item: &UploadItem, part: u64, checksum: Checksum, streamed: bool) -> Result<FileOutcome> {
    let stamp = planned_stamp(item)?;
    let target = shared.opts.resume.as_ref().map(|r| TransferTarget {
        storage: r.storage.clone(),
        bucket: shared.bucket.clone(),
        key: item.key.clone(),
        path: item.path.clone(),
    });
    let start = start_multipart(shared, item, part, stamp, target.as_ref(), checksum).await?;
    let upload_id = start.upload_id.clone();
    let heartbeat = keep_owning(shared, start.entry);
    let result = send_parts(shared, item, part, &start, checksum, streamed).await;
    let finished = match result {
        Ok(parts) => complete(shared, item, &upload_id, parts, stamp, checksum).await,
        Err(e) => Err(e),
    };
    if let Some(h) = heartbeat {
        h.abort();
    }
    match finished {
        Ok(etag) => {
            if let (Some(r), Some(id)) = (&shared.opts.resume, start.entry) {
                log_journal(r.journal.forget(id));
            }
            Ok(FileOutcome { resumed_bytes: start.resumed_bytes, restarted: start.restarted, written: etag.map(|etag| (etag, stamp)) })
        }
        // Paused: the upload and its journal entry stay, to resume here or in another Satchel.
        Err(e) if e.code == ErrorCode::Cancelled && shared.control.is_paused() && start.entry.is_some() => {
            if let (Some(r), Some(id)) = (&shared.opts.resume, start.entry) {
                log_journal(r.journal.release(id));
            }
            Err(e)
        }
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

/// Refreshes the entry's heartbeat while the file uploads, so other processes see it running.
fn keep_owning(shared: &Arc<Shared>, entry: Option<i64>) -> Option<tokio::task::JoinHandle<()>> {
    let (r, id) = (shared.opts.resume.as_ref()?, entry?);
    let journal = r.journal.clone();
    Some(tokio::spawn(async move {
        loop {
            tokio::time::sleep(crate::transfer::journal::HEARTBEAT).await;
            log_journal(journal.beat(id));
        }
    }))
}

/// Best effort: a failure is logged, and the upload then shows among the bucket's unfinished ones.
async fn abort(s3: &S3, bucket: &str, key: &str, upload_id: &str) {
    if let Err(e) = crate::buckets::multipart::abort_one(s3, bucket, key, upload_id).await {
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
        // A journal that can't be read means no resume, never a failed upload.
        let found = r.journal.find(t).unwrap_or_else(|e| {
            tracing::warn!(error = %e.message, "transfer journal: starting this upload afresh");
            None
        });
        if let Some(entry) = found {
            match r.journal.claim(entry.id) {
                Ok(true) => {}
                Ok(false) => {
                    return Err(Error::new(
                        ErrorCode::InUse,
                        format!("{} is being uploaded to this key by another Satchel (a window or a command) right now.", item.path.display()),
                    ))
                }
                Err(e) => tracing::warn!(error = %e.message, "transfer journal: can't take the entry; going on"),
            }
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
    let (class, sse, kms_key, bucket_key) = shared.opts.write_headers();
    // Not dropped on a cancel: a start the storage had made but whose answer was dropped would leave
    // an upload nobody knows the id of, billed until a lifecycle rule clears it. Once it answers,
    // the parts see the cancel and abort it.
    let whole = tokio_util::sync::CancellationToken::new();
    let created = with_retries(&shared.opts.retry, &whole, s3.attempt("start a multipart upload"), &|n| shared.tally.retried(&item.key, n), || {
        s3.client
            .create_multipart_upload()
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
            _ = shared.control.token().cancelled() => return Err(Error::cancelled()),
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
                    .customer_key(shared.opts.customer_key.as_ref())
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
                    .customer_key(shared.opts.customer_key.as_ref())
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

/// Completes the upload; Ok with the object's ETag where the storage said it.
async fn complete(shared: &Shared, item: &UploadItem, upload_id: &str, parts: Vec<CompletedPart>, stamp: FileStamp, checksum: Checksum) -> Result<Option<String>> {
    // A file written to while it was read would be stored as a mix of old and new bytes.
    unchanged_since(item, stamp)?;
    let s3 = shared.client(checksum);
    let expected = ExpectedObject::of(item.size, &parts);
    let body = CompletedMultipartUpload::builder().set_parts(Some(parts)).build();
    let retried = std::sync::atomic::AtomicBool::new(false);
    let on_retry = |n: &crate::transfer::retry::RetryNotice| {
        retried.store(true, std::sync::atomic::Ordering::Relaxed);
        shared.tally.retried(&item.key, n)
    };
    // The SDK turns a 200 answer that carries an <Error> body into an error, so it is retried or
    // reported like any other.
    let done = with_retries(&shared.opts.retry, shared.control.token(), s3.attempt("finish the multipart upload"), &on_retry, || {
        s3.client
            .complete_multipart_upload()
            .bucket(&shared.bucket)
            .key(&item.key)
            .upload_id(upload_id)
            .multipart_upload(body.clone())
            .customer_key(shared.opts.customer_key.as_ref())
            .send()
    })
    .await;
    match done {
        Ok(out) => Ok(out.e_tag().map(str::to_string)),
        // A first Complete that the storage carried out but whose answer was lost: the retry
        // finds no upload. The object itself says whether it is the one just sent.
        Err(e) if retried.load(std::sync::atomic::Ordering::Relaxed) && e.detail.as_deref().is_some_and(|d| d.contains("NoSuchUpload")) => {
            let head = shared.s3.client.head_object().bucket(&shared.bucket).key(&item.key).customer_key(shared.opts.customer_key.as_ref()).send().await;
            match head {
                Ok(h) if expected.matches(h.content_length().unwrap_or(-1), h.e_tag()) => {
                    tracing::info!(key = %item.key, "Complete was retried and found done; the object is the one sent");
                    Ok(h.e_tag().map(str::to_string))
                }
                _ => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// What a completed multipart object looks like from a HEAD: its size, and its ETag, which for
/// parts with MD5 ETags is the MD5 of their digests followed by `-<parts>`.
#[derive(Debug)]
struct ExpectedObject {
    size: u64,
    parts: usize,
    etag: Option<String>,
}

impl ExpectedObject {
    fn of(size: u64, parts: &[CompletedPart]) -> ExpectedObject {
        use md5::Digest;
        let mut digest = md5::Md5::default();
        let mut all_md5 = true;
        for p in parts {
            match p.e_tag().map(|t| t.trim_matches('"')).and_then(hex16) {
                Some(bytes) => digest.update(bytes),
                None => all_md5 = false,
            }
        }
        let etag = all_md5.then(|| {
            let hex: String = digest.finalize().iter().map(|b| format!("{b:02x}")).collect();
            format!("{hex}-{}", parts.len())
        });
        ExpectedObject { size, parts: parts.len(), etag }
    }

    fn matches(&self, size: i64, etag: Option<&str>) -> bool {
        let Some(etag) = etag.map(|t| t.trim_matches('"')) else { return false };
        let etag_fits = match &self.etag {
            Some(expected) => etag.eq_ignore_ascii_case(expected),
            // Parts without MD5 ETags: at least the object is a multipart one of as many parts.
            None => etag.ends_with(&format!("-{}", self.parts)),
        };
        size == self.size as i64 && etag_fits
    }
}

/// The 16 bytes of a 32-digit hex MD5, or `None` for anything else.
fn hex16(s: &str) -> Option<[u8; 16]> {
    if s.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(n: i32, etag: &str) -> CompletedPart {
        CompletedPart::builder().part_number(n).e_tag(etag).build()
    }

    #[test]
    fn the_expected_multipart_etag_is_the_md5_of_the_part_digests() {
        // Two parts whose ETags are the MD5s of "a" and "b"; the object's ETag as S3 computes it.
        let parts = [part(1, "\"0cc175b9c0f1b6a831c399e269772661\""), part(2, "\"92eb5ffee6ae2fec3ad71c777531578f\"")];
        let expected = ExpectedObject::of(2, &parts);
        assert_eq!(expected.etag.as_deref(), Some("96e024ba2074fe77e8e965ba43a704be-2"));
        assert!(expected.matches(2, Some("\"96e024ba2074fe77e8e965ba43a704be-2\"")));
        assert!(!expected.matches(3, expected.etag.as_deref()), "another size");
        assert!(!expected.matches(2, Some("\"0cc175b9c0f1b6a831c399e269772661-2\"")), "another object");
        assert!(!expected.matches(2, None));
        let opaque = ExpectedObject::of(2, &[part(1, "x1"), part(2, "x2")]);
        assert!(opaque.matches(2, Some("\"whatever-2\"")) && !opaque.matches(2, Some("\"whatever-3\"")));
    }
}
