//! One object onto the disk: ranged GETs in parallel, each streamed to its place in a temporary
//! file beside the target (no part is held in memory), all pinned to the ETag read when planning.
//! An object overwritten during its download answers 412 (or another ETag) and is fetched again
//! whole, never stitched from two versions. The bytes are checked as they arrive (see `verify`): a
//! mismatch fetches the object once more, then fails, and the file never takes its name. Large
//! objects are journalled range by range (see `partial`), so an interrupted download resumes.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::partial::{Partial, Version};
use super::place::walk_parent;
use super::verify::{self, Expected, RangeDigest, Running};
use super::{PART_SIZE, RANGED_THRESHOLD};
use crate::connect::classify::{classify, precondition_failed};
use crate::connect::client::S3;
use crate::connect::customer_keys::{needs_customer_key, SendsCustomerKey};
use crate::error::{Error, ErrorCode, Result};
use crate::objects;
use crate::transfer::progress::Tally;
use crate::transfer::journal::Resume;

/// Times an object that keeps changing is fetched before its download fails.
const FETCHES: u32 = 3;
/// Times an object whose bytes arrive other than its checksum says is fetched before it fails.
const CORRUPT_FETCHES: u32 = 2;
/// The most one write to the file holds (smaller chunks are gathered up to it, per range in
/// flight). Small on purpose: Linux (ext4's large folios, 6.16 and later) gives a write a page-cache
/// block of its size. In a VM whose host takes back free memory (free page reporting: Firecracker,
/// WSL2, many cloud VMs), large blocks come from memory the host must fault in again on first touch,
/// while blocks up to 32 KiB are mostly pages just freed by the socket buffers the bytes came from.
/// There a 1 GiB download spent 2-3 s in the kernel with writes of 256 KiB, 0.7 s with 32 KiB.
const WRITE_PIECE: usize = 32 * 1024;

/// One key and where it goes; `root` is the folder nothing may be written outside of.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    pub key: String,
    pub path: std::path::PathBuf,
    pub size: u64,
    /// The version the download is pinned to, as read when planning.
    pub etag: Option<String>,
    /// An older version by id (versioned buckets); `None`: the current one.
    pub version: Option<String>,
    /// The object's last-modified time, given to the file (as `aws s3 cp` does) unless the object
    /// keeps the time of the file it was uploaded from (`mtime`), so a later sync sees it unchanged.
    pub modified: Option<std::time::SystemTime>,
    pub root: std::path::PathBuf,
}

/// What became of one object that was written.
pub(super) struct Fetched {
    pub size: u64,
    /// It changed on the storage during the download and was fetched again.
    pub changed: bool,
    /// Its bytes were checked against a checksum or an MD5 ETag.
    pub verified: bool,
    /// Bytes an interrupted run had already written, not fetched again.
    pub resumed: u64,
    /// An interrupted download of an older version was dropped, and this one started over.
    pub restarted: bool,
    /// The ETag of the version written (the one planned, or the newer one fetched after a change).
    pub etag: Option<String>,
}

/// Why a range stopped.
enum Stop {
    /// The object is not the version the download is pinned to any more.
    Changed,
    /// The bytes that arrived don't hash to what the storage says the object holds.
    Corrupt,
    /// The object is encrypted with a customer key (SSE-C) that wasn't sent.
    KeyNeeded,
    Failed(Error),
}

/// One range fetched.
struct Range {
    start: u64,
    len: u64,
    digest: Option<RangeDigest>,
    /// What a whole GET's own answer says the bytes hash to (its MD5 ETag), when nothing else does.
    expected: Option<Expected>,
    /// The SDK checked a whole-object checksum sent with this response.
    checked_by_sdk: bool,
    /// The file time the object keeps in its metadata (`mtime`), as this response said.
    stored_mtime: Option<std::time::SystemTime>,
}

/// One object into `plan.path`, through a temporary file of its own beside it, renamed over the
/// target when complete and removed on any error or cancel.
pub(super) async fn download_one(
    s3: &S3,
    bucket: &str,
    plan: &Planned,
    resume: Option<&Resume>,
    slots: &Arc<Semaphore>,
    tally: &Tally,
    cancel: &CancellationToken,
) -> Result<Fetched> {
    let path = plan.path.as_path();
    walk_parent(&plan.root, path, true).map_err(|why| Error::new(ErrorCode::Config, format!("Not downloaded: {why}.")))?;
    let (mut size, mut etag, mut modified) = (plan.size, plan.etag.clone(), plan.modified);
    let (mut changes, mut corrupt) = (0, 0);
    // An SSE-C object's requests all carry its key, found once the storage asks for one.
    let mut keyed: Option<S3> = None;
    loop {
        let sent = AtomicU64::new(0);
        let with = keyed.as_ref().unwrap_or(s3);
        let stop = match fetch_whole(with, bucket, &plan.key, plan.version.as_deref(), path, (size, etag.as_deref(), modified), resume, slots, &sent, tally, cancel).await {
            Ok(w) => return Ok(Fetched { size, changed: changes > 0, verified: w.verified, resumed: w.resumed, restarted: w.restarted, etag }),
            Err(Stop::Failed(e)) => return Err(e),
            Err(Stop::KeyNeeded) => {
                let key = s3.customer_keys.opening(s3, bucket, &plan.key, plan.version.as_deref()).await?;
                keyed = Some(S3 { customer_keys: s3.customer_keys.holding(key), ..s3.clone() });
                continue;
            }
            Err(stop) => stop,
        };
        // The bytes of the discarded copy no longer count as done.
        tally.take_back(&plan.key, sent.load(Ordering::Relaxed));
        if matches!(stop, Stop::Corrupt) {
            corrupt += 1;
            tracing::warn!(key = %plan.key, "downloaded bytes don't match the object's checksum; fetching it again");
            if corrupt >= CORRUPT_FETCHES {
                return Err(Error::new(
                    ErrorCode::Storage,
                    format!("{} arrived damaged twice: its bytes don't match its checksum. Nothing was kept; try again later.", plan.key),
                ));
            }
            continue;
        }
        changes += 1;
        if changes >= FETCHES {
            return Err(Error::new(ErrorCode::Storage, format!("{} kept changing during the download ({FETCHES} tries); nothing was written.", plan.key)));
        }
        tracing::info!(key = %plan.key, changes, "object changed during its download; fetching it again");
        let now = objects::properties_at(keyed.as_ref().unwrap_or(s3), bucket, &plan.key, plan.version.as_deref()).await?;
        (size, etag, modified) = (now.size, now.etag, now.last_modified.as_deref().and_then(crate::format::parse_time));
    }
}

/// Every range of one version of the object into its temporary file (one an interrupted run left,
/// when it holds ranges of this version), checked, then the rename. Ok(true) when the bytes were
/// checked against a checksum or the MD5 ETag.
#[allow(clippy::too_many_arguments)]
async fn fetch_whole(
    s3: &S3,
    bucket: &str,
    key: &str,
    version: Option<&str>,
    path: &Path,
    (size, etag, modified): (u64, Option<&str>, Option<std::time::SystemTime>),
    resume: Option<&Resume>,
    slots: &Arc<Semaphore>,
    sent: &AtomicU64,
    tally: &Tally,
    cancel: &CancellationToken,
) -> std::result::Result<Whole, Stop> {
    let io = |e: std::io::Error| Stop::Failed(Error::new(ErrorCode::Config, format!("Couldn't write {}: {e}.", path.display())));
    let ranged = is_ranged(size, etag);
    // A ranged GET carries no checksum of the whole object: ask for it once, before the ranges.
    let (expected, step) = if ranged { ranged_check(s3, bucket, key, version, etag, size).await? } else { (None, size) };
    let partial = if ranged {
        Partial::resumable(resume, &Version { bucket, key, path, etag, size, part_size: step })
    } else {
        Partial::fresh(path)
    }
    .map_err(io)?;
    if ranged {
        // Ranges land out of order: the file has its full length from the start.
        partial.file.set_len(size).map_err(io)?;
    }
    let resumed = partial.resumed_bytes();
    let got = match get_ranges(s3, bucket, key, version, etag, (size, step, ranged), expected, &partial, sent, tally, slots, cancel).await {
        // A composite that doesn't match may come of parts of uneven sizes, not of damage.
        Err(Stop::Corrupt) if matches!(expected, Some(Expected::Composite(..))) && !parts_are_even(s3, bucket, key, version, etag, size, step).await => Ok((false, None)),
        got => got,
    };
    match got {
        Ok((verified, stored_mtime)) => {
            // A file that replaces one already there is flushed to disk before the rename, so a
            // crash can't leave the name with neither the old bytes nor the new. A new file is not
            // (as rclone, the AWS CLI and boto3 don't): waiting for the device on every file would
            // make a download of 2,000 small files, or of one big one, wait on the disk rather than
            // the network; a crash leaves it to be downloaded again.
            // The file's own time when the object kept it (see mtime.rs), else when it was written.
            if let Some(t) = stored_mtime.or(modified) {
                partial.file.set_modified(t).map_err(io)?;
            }
            if std::fs::symlink_metadata(path).is_ok() {
                // Off the async threads: the device is slow.
                let flushed = partial.file.clone();
                tokio::task::spawn_blocking(move || flushed.sync_all()).await.map_err(|e| Stop::Failed(Error::internal(e.to_string())))?.map_err(io)?;
            }
            let restarted = partial.restarted;
            partial.finish(path).map_err(io)?;
            Ok(Whole { verified, resumed, restarted })
        }
        Err(stop) => {
            // Stopped from outside, a journalled file stays for the next run (the caller removes
            // it unless this was a pause); after anything else it goes.
            partial.stop(matches!(&stop, Stop::Failed(e) if e.code == ErrorCode::Cancelled));
            Err(stop)
        }
    }
}

/// What `fetch_whole` did for an object it wrote.
struct Whole {
    verified: bool,
    /// Bytes an interrupted run had already written.
    resumed: u64,
    /// An interrupted download of another version was dropped.
    restarted: bool,
}

/// The ranges the partial file lacks, fetched in parallel into it, then the whole checked. Ok(true)
/// when the bytes were checked against a checksum or the MD5 ETag.
#[allow(clippy::too_many_arguments)]
async fn get_ranges(
    s3: &S3,
    bucket: &str,
    key: &str,
    version: Option<&str>,
    etag: Option<&str>,
    (size, step, ranged): (u64, u64, bool),
    expected: Option<Expected>,
    partial: &Partial,
    sent: &AtomicU64,
    tally: &Tally,
    slots: &Arc<Semaphore>,
    cancel: &CancellationToken,
) -> std::result::Result<(bool, Option<std::time::SystemTime>), Stop> {
    let ranges: Vec<(u64, u64)> = if ranged { (0..size).step_by(step as usize).map(|s| (s, (s + step).min(size))).collect() } else { vec![(0, size)] };
    let mut written = 0u64;
    let mut done = Vec::new();
    let mut parts = tokio::task::JoinSet::new();
    for (start, end) in ranges {
        if let Some(&(_, len, crc)) = partial.done.iter().find(|(s, len, _)| *s == start && *len == end - start) {
            written += len;
            sent.fetch_add(len, Ordering::Relaxed);
            tally.add_bytes(key, len);
            done.push(Range { start, len, digest: crc.map(RangeDigest::Crc), expected: None, checked_by_sdk: false, stored_mtime: None });
            continue;
        }
        let permit = tokio::select! {
            p = slots.clone().acquire_many_owned(slots_for(ranged)) => p.expect("semaphore open"),
            _ = cancel.cancelled() => break,
        };
        let (s3, bucket, key, file, cancel) = (s3.clone(), bucket.to_string(), key.to_string(), partial.file.clone(), cancel.clone());
        let (pin, version) = (etag.map(str::to_string), version.map(str::to_string));
        parts.spawn(async move {
            let _permit = permit;
            fetch_range(&s3, &bucket, &key, version.as_deref(), pin.as_deref(), &file, (start, end), ranged, expected, &cancel).await
        });
    }
    let mut stop = None;
    while let Some(joined) = parts.join_next().await {
        match joined.map_err(|e| Stop::Failed(Error::internal(e.to_string()))).and_then(|r| r) {
            Ok(range) => {
                written += range.len;
                sent.fetch_add(range.len, Ordering::Relaxed);
                tally.add_bytes(key, range.len);
                if ranged {
                    // Written, not flushed: after a power cut the next run's check of the whole
                    // object catches a range the disk lost.
                    partial.range_done(range.start, range.len, range.digest.and_then(RangeDigest::crc));
                }
                done.push(range);
            }
            // A change wins over other errors: fetching again is the answer to both.
            Err(Stop::Changed) => {
                stop = Some(Stop::Changed);
                parts.abort_all();
            }
            Err(e) => {
                if !matches!(stop, Some(Stop::Changed)) {
                    stop.get_or_insert(e);
                }
            }
        }
    }
    if cancel.is_cancelled() && stop.is_none() && written != size {
        stop = Some(Stop::Failed(Error::cancelled()));
    }
    if stop.is_none() && written != size {
        // The store may ignore If-Match; a short or long body means another version all the same.
        stop = Some(Stop::Changed);
    }
    if let Some(stop) = stop {
        return Err(stop);
    }
    // The whole object's CRC (ranged), or a whole GET's MD5 ETag; the SDK checked any checksum
    // header of a whole GET itself.
    let expected = expected.or(match done.as_slice() {
        [only] => only.expected,
        _ => None,
    });
    let stored_mtime = done.iter().find_map(|r| r.stored_mtime);
    let verified = match expected {
        _ if size == 0 || matches!(done.as_slice(), [only] if only.checked_by_sdk) => true,
        Some(expected) => match done.iter().map(|r| r.digest.map(|d| (r.start, r.len, d))).collect::<Option<Vec<_>>>() {
            Some(digests) => verify::matches(expected, digests) || return Err(Stop::Corrupt),
            // A range an earlier run wrote without its CRC: nothing to check the whole against.
            None => false,
        },
        None => false,
    };
    Ok((verified, stored_mtime))
}

/// Of the download's request slots (see `CONCURRENCY`), what one GET takes: a range two, a whole
/// object one.
fn slots_for(ranged: bool) -> u32 {
    if ranged {
        2
    } else {
        1
    }
}

/// Whether an object is fetched in ranges: a large one, and a multipart one of any size (it may
/// carry only a composite checksum, which ranges that are its parts can be checked against and a
/// whole GET can't).
pub(super) fn is_ranged(size: u64, etag: Option<&str>) -> bool {
    size > RANGED_THRESHOLD || etag.is_some_and(verify::is_multipart_etag)
}

/// What a ranged download is checked against, and the size of its ranges: the object's
/// full-object CRC with ranges of `PART_SIZE`; or, for a multipart object with a composite
/// checksum, the composite with ranges that are its parts (told by a HEAD of its first and last
/// part, all pinned to the ETag). Neither: nothing to check, ranges of `PART_SIZE`.
async fn ranged_check(s3: &S3, bucket: &str, key: &str, version: Option<&str>, etag: Option<&str>, size: u64) -> std::result::Result<(Option<Expected>, u64), Stop> {
    let head = |part: Option<i32>| {
        s3.client
            .head_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version.map(str::to_string))
            .set_if_match(etag.map(str::to_string))
            .set_part_number(part)
            .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
            .customer_key(s3.customer_keys.held())
            .send()
    };
    let h = match head(None).await {
        Ok(h) => h,
        Err(e) if precondition_failed(&e) => return Err(Stop::Changed),
        // Not knowing the checksum is no reason not to download.
        Err(_) => return Ok((None, PART_SIZE)),
    };
    if let Some(full) = verify::full_object_crc(h.checksum_crc32(), h.checksum_crc32_c(), h.checksum_crc64_nvme()) {
        // A multipart object's CRC32 or CRC32C covers the whole only when the store says so (some
        // stores answer one part's CRC without the `-N`): otherwise a sound file would look damaged.
        let multipart = etag.is_some_and(verify::is_multipart_etag);
        let whole = !multipart || h.checksum_type() == Some(&aws_sdk_s3::types::ChecksumType::FullObject) || h.checksum_crc64_nvme().is_some();
        return Ok((whole.then_some(full), PART_SIZE));
    }
    let Some((composite, parts)) = verify::composite_crc(h.checksum_crc32(), h.checksum_crc32_c()) else { return Ok((None, PART_SIZE)) };
    let length = |r: std::result::Result<aws_sdk_s3::operation::head_object::HeadObjectOutput, _>| r.ok().and_then(|h| h.content_length()).map(|l| l as u64);
    let first = length(head(Some(1)).await);
    let last = if parts == 1 { first } else { length(head(Some(parts as i32)).await) };
    match (first, last) {
        // Parts of one size but the last, as every tool uploads them: the ranges can be the parts.
        (Some(p), Some(l)) if p > 0 && (parts - 1) * p + l == size && l <= p => Ok((Some(composite), p)),
        _ => Ok((None, PART_SIZE)),
    }
}

/// What an object's bytes hash to, and how it splits into ranges for that (its parts, for a
/// composite checksum): its MD5 ETag when single-part (no request), or what the checksums a HEAD
/// gives allow. `None` when nothing covers the whole object (or the object changed meanwhile).
pub(crate) async fn content_check(s3: &S3, bucket: &str, key: &str, etag: Option<&str>, size: u64) -> Option<(Expected, u64)> {
    if let Some(md5) = etag.filter(|e| !verify::is_multipart_etag(e)).and_then(|e| verify::md5_etag(e, false)) {
        return Some((md5, size.max(1)));
    }
    match ranged_check(s3, bucket, key, None, etag, size).await {
        Ok((Some(expected), step)) => Some((expected, step)),
        _ => None,
    }
}

/// Whether every part but the last has the size of the first: only then are ranges of that size
/// the parts a composite checksum was made from (asked when the check fails, before calling the
/// bytes damaged).
async fn parts_are_even(s3: &S3, bucket: &str, key: &str, version: Option<&str>, etag: Option<&str>, size: u64, step: u64) -> bool {
    let parts = size.div_ceil(step);
    for n in 2..parts {
        let h = s3.client.head_object().bucket(bucket).key(key).set_version_id(version.map(str::to_string)).set_if_match(etag.map(str::to_string)).part_number(n as i32);
        let h = h.customer_key(s3.customer_keys.held()).send().await;
        if h.ok().and_then(|h| h.content_length()) != Some(step as i64) {
            return false;
        }
    }
    true
}

/// A new temporary file next to `path`, under a random name no other download uses (tempfile's
/// create-new: a link planted at that name is never opened). The returned path removes the file
/// when dropped, so an error or a cancel leaves nothing behind; `persist` renames it over `path`.
pub(super) fn temporary_beside(path: &Path) -> std::io::Result<(tempfile::TempPath, std::fs::File)> {
    temporary_with(path, 6)
}

/// `random` characters in the name; none only in tests, to plant something at the exact name.
fn temporary_with(path: &Path, random: usize) -> std::io::Result<(tempfile::TempPath, std::fs::File)> {
    let tmp = with_temporary_names(path, random, |names, dir| names.tempfile_in(dir))?;
    let (file, tmp) = tmp.into_parts();
    Ok((tmp, file))
}

/// The folder `path` is in (`.` for a bare name).
pub(super) fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Hands `take` the names a download's temporary files beside `path` get, in `path`'s folder:
/// `.{name}.{random}.satchel-part` (what `partial::is_ours` recognises).
pub(super) fn with_temporary_names<T>(path: &Path, random: usize, take: impl FnOnce(&tempfile::Builder, &Path) -> std::io::Result<T>) -> std::io::Result<T> {
    let dir = folder_of(path);
    let prefix = format!(".{}.", path.file_name().unwrap_or_default().to_string_lossy());
    let mut names = tempfile::Builder::new();
    names.prefix(&prefix).suffix(".satchel-part").rand_bytes(random);
    take(&names, dir)
}

/// One range (or the whole object), pinned with If-Match; stops between chunks when cancelled, so
/// a cancelled file never completes. Each range's CRC is computed as it streams when the whole
/// object's CRC is `expected`; a whole GET without a checksum header computes its MD5 instead, when
/// its ETag is one (checked by `fetch_whole` with the rest).
#[allow(clippy::too_many_arguments)]
async fn fetch_range(
    s3: &S3,
    bucket: &str,
    key: &str,
    version: Option<&str>,
    etag: Option<&str>,
    file: &std::fs::File,
    (start, end): (u64, u64),
    ranged: bool,
    expected: Option<Expected>,
    cancel: &CancellationToken,
) -> std::result::Result<Range, Stop> {
    if start == end {
        return Ok(Range { start, len: 0, digest: None, expected: None, checked_by_sdk: false, stored_mtime: None });
    }
    let mut req = s3
        .client
        .get_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version.map(str::to_string))
        .set_if_match(etag.map(str::to_string))
        .customer_key(s3.customer_keys.held());
    if ranged {
        req = req.range(format!("bytes={start}-{}", end - 1));
    }
    // A request the storage is slow to answer must not hold up a pause or a cancel.
    let sent = tokio::select! {
        sent = req.send() => sent,
        _ = cancel.cancelled() => return Err(Stop::Failed(Error::cancelled())),
    };
    let out = match sent {
        Ok(out) => out,
        Err(e) if precondition_failed(&e) => return Err(Stop::Changed),
        Err(e) if needs_customer_key(&e) && s3.customer_keys.held().is_none() => return Err(Stop::KeyNeeded),
        Err(e) => return Err(Stop::Failed(classify(&e, s3.attempt("download the object")))),
    };
    // A store that ignores If-Match still names the version it sent.
    if let (Some(pin), Some(got)) = (etag, out.e_tag()) {
        if pin != got {
            return Err(Stop::Changed);
        }
    }
    // The SDK checks a full-object checksum header on a whole GET by itself.
    let checked_by_sdk = !ranged && verify::full_object_crc(out.checksum_crc32(), out.checksum_crc32_c(), out.checksum_crc64_nvme()).is_some();
    let keyed = matches!(out.server_side_encryption(), Some(aws_sdk_s3::types::ServerSideEncryption::AwsKms | aws_sdk_s3::types::ServerSideEncryption::AwsKmsDsse))
        || out.sse_customer_algorithm().is_some();
    let own = if ranged || checked_by_sdk { None } else { out.e_tag().and_then(|t| verify::md5_etag(t, keyed)) };
    let mut running = expected.or(own).map(Running::for_expected);
    let stored_mtime = out.metadata().and_then(crate::transfer::mtime::stored);
    let mut body = out.body;
    let mut offset = start;
    // Chunks arrive a few KiB at a time: gathered, they reach the disk in fewer, larger writes.
    let mut pending = bytes::BytesMut::new();
    // Writes `bytes`, which end at byte `upto` of the object.
    let write = |bytes: &[u8], upto: u64| {
        write_at(file, bytes, upto - bytes.len() as u64).map_err(|e| Stop::Failed(Error::new(ErrorCode::Config, format!("Couldn't write the file: {e}."))))
    };
    loop {
        let next = tokio::select! {
            next = body.try_next() => next,
            _ = cancel.cancelled() => return Err(Stop::Failed(Error::cancelled())),
        };
        let chunk = match next {
            Ok(chunk) => chunk,
            Err(e) if verify::is_sdk_mismatch(&e) => return Err(Stop::Corrupt),
            Err(e) => return Err(Stop::Failed(Error::new(ErrorCode::Storage, format!("The download broke off: {e}.")))),
        };
        let Some(chunk) = chunk else { break };
        if offset + chunk.len() as u64 > end {
            return Err(Stop::Changed);
        }
        if let Some(r) = running.as_mut() {
            r.update(&chunk);
        }
        offset += chunk.len() as u64;
        if pending.is_empty() && chunk.len() >= WRITE_PIECE {
            write(&chunk, offset)?;
            continue;
        }
        pending.extend_from_slice(&chunk);
        if pending.len() >= WRITE_PIECE {
            write(&pending, offset)?;
            pending.clear();
        }
    }
    if !pending.is_empty() {
        write(&pending, offset)?;
    }
    Ok(Range { start, len: offset - start, digest: running.map(Running::finish), expected: own, checked_by_sdk, stored_mtime })
}

/// Writes `buf` at `offset` in writes of at most [`WRITE_PIECE`].
fn write_at(file: &std::fs::File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    let mut at = offset;
    for piece in buf.chunks(WRITE_PIECE) {
        write_all_at(file, piece, at)?;
        at += piece.len() as u64;
    }
    Ok(())
}

#[cfg(unix)]
fn write_all_at(file: &std::fs::File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(windows)]
fn write_all_at(file: &std::fs::File, mut buf: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, buf, offset)?;
        buf = &buf[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write longer than a piece lands whole, at its offset, around what is already there.
    #[test]
    fn a_long_write_lands_whole_in_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let file = std::fs::File::options().create_new(true).read(true).write(true).open(&path).unwrap();
        write_at(&file, b"head", 0).unwrap();
        let long: Vec<u8> = (0..3 * WRITE_PIECE + 17).map(|i| (i % 251) as u8).collect();
        write_at(&file, &long, 4).unwrap();
        let on_disk = std::fs::read(&path).unwrap();
        assert_eq!(&on_disk[..4], b"head");
        assert_eq!(&on_disk[4..], &long[..]);
    }

    #[test]
    fn two_downloads_never_share_a_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt");
        let (one_tmp, _f1) = temporary_beside(&target).unwrap();
        let (two_tmp, _f2) = temporary_beside(&target).unwrap();
        let (one, two) = (one_tmp.to_path_buf(), two_tmp.to_path_buf());
        assert_ne!(one, two);
        assert_eq!(one.parent(), Some(dir.path()));
        assert!(one.file_name().unwrap().to_string_lossy().starts_with(".a.txt."));
    }

    /// A link planted at the temporary file's name is never opened: creation is create-new
    /// (O_EXCL), so the link's target outside the folder is untouched.
    #[cfg(unix)]
    #[test]
    fn a_link_at_the_temporary_name_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let precious = outside.path().join("precious");
        std::fs::write(&precious, "mine").unwrap();
        let target = dir.path().join("a.txt");
        std::os::unix::fs::symlink(&precious, dir.path().join(".a.txt..satchel-part")).unwrap();
        // The same name every time (no random part): it is taken by the link, so creation fails.
        let e = temporary_with(&target, 0).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "mine");
        // A dangling link is not followed either (it would create the file outside).
        std::fs::remove_file(&precious).unwrap();
        assert!(temporary_with(&target, 0).is_err());
        assert!(!precious.exists());
    }
}
