//! Uploads: files and folders to a bucket prefix. Small files go in one PUT, large ones in parallel
//! multipart parts. Memory is bounded: a part's buffer is reserved (a permit of the shared budget)
//! before the part is read, so at most `concurrency` part buffers exist whatever the file sizes. A
//! failed or cancelled multipart upload is aborted, so nothing is left behind to be billed.
//!
//! Not yet here (see the transfer-engine issue): the resume journal, pause, and fault-injection tests.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::classify::classify;
use crate::client::S3;
use crate::error::{Error, ErrorCode, Result};
use crate::objects::KeyFailure;
use crate::rules::{validate_tags, Tag, TagTarget};

const MIB: u64 = 1024 * 1024;
pub const MIN_PART: u64 = 5 * MIB;
pub const MAX_PART: u64 = 5 * 1024 * MIB;
pub const MAX_PARTS: u64 = 10_000;
pub const MAX_OBJECT: u64 = 5 * 1024 * 1024 * MIB;
pub const DEFAULT_PART: u64 = 16 * MIB;

/// The part size for a file: the one asked for (or 16 MiB), raised so the file fits in 10,000 parts.
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
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions { part_size: None, concurrency: 8, checksum: Checksum::Crc32c, tags: Vec::new() }
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
    /// Files not sent because their key existed and the user chose to skip them.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub skipped: u64,
}

/// One file to send and the key it becomes.
#[derive(Debug, Clone)]
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

/// Sends `items` to `bucket`, several files and parts at once within one memory budget.
pub async fn upload(
    s3: &S3,
    bucket: &str,
    items: Vec<UploadItem>,
    opts: &UploadOptions,
    cancel: &CancellationToken,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<UploadReport> {
    for item in &items {
        part_size_for(item.size, opts.part_size)?;
    }
    validate_tags(&opts.tags, TagTarget::Object)?;
    let concurrency = opts.concurrency.clamp(1, 64);
    // One permit is one part buffer: the budget is concurrency x part size.
    let budget = Arc::new(Semaphore::new(concurrency));
    let files = Arc::new(Semaphore::new(concurrency * 2));
    let done_bytes = Arc::new(AtomicU64::new(0));
    let total: u64 = items.iter().map(|i| i.size).sum();
    let mut report = UploadReport::default();
    let mut tasks = tokio::task::JoinSet::new();
    for item in items {
        let permit = tokio::select! {
            p = files.clone().acquire_owned() => p.expect("semaphore open"),
            _ = cancel.cancelled() => break,
        };
        let (s3, bucket, budget, counted, cancel, opts) =
            (s3.clone(), bucket.to_string(), budget.clone(), done_bytes.clone(), cancel.clone(), opts.clone());
        tasks.spawn(async move {
            let _permit = permit;
            let r = upload_one(&s3, &bucket, &item, &opts, &budget, &counted, &cancel).await;
            (item, r)
        });
        while let Some(done) = tasks.try_join_next() {
            settle(done, &mut report);
            progress(done_bytes.load(Ordering::Relaxed), total);
        }
    }
    while let Some(done) = tasks.join_next().await {
        settle(done, &mut report);
        progress(done_bytes.load(Ordering::Relaxed), total);
    }
    report.cancelled = cancel.is_cancelled();
    report.failed.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(report)
}

fn settle(done: std::result::Result<(UploadItem, Result<()>), tokio::task::JoinError>, report: &mut UploadReport) {
    match done {
        Ok((item, Ok(()))) => {
            report.files += 1;
            report.bytes += item.size;
        }
        Ok((_, Err(e))) if e.code == ErrorCode::Cancelled => {}
        Ok((item, Err(e))) => report.failed.push(KeyFailure { key: item.path.display().to_string(), reason: e.message }),
        Err(e) => report.failed.push(KeyFailure { key: String::new(), reason: format!("upload task failed: {e}") }),
    }
}

fn read_range(path: &Path, offset: u64, len: u64) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::invalid(format!("Can't read {}: {e}.", path.display())))?;
    let mut buf = vec![0u8; len as usize];
    read_exact_at(&file, &mut buf, offset).map_err(|e| Error::invalid(format!("Can't read {}: {e} (did it change or vanish?).", path.display())))?;
    Ok(buf)
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

async fn upload_one(
    s3: &S3,
    bucket: &str,
    item: &UploadItem,
    opts: &UploadOptions,
    budget: &Arc<Semaphore>,
    done_bytes: &AtomicU64,
    cancel: &CancellationToken,
) -> Result<()> {
    let part = part_size_for(item.size, opts.part_size)?;
    let content_type = guess_type(&item.key);
    if item.size <= part {
        let _permit = tokio::select! {
            p = budget.acquire() => p.expect("semaphore open"),
            _ = cancel.cancelled() => return Err(Error::new(ErrorCode::Cancelled, "Cancelled.")),
        };
        let (path, size) = (item.path.clone(), item.size);
        let body = tokio::task::spawn_blocking(move || read_range(&path, 0, size)).await.map_err(|e| Error::internal(e.to_string()))??;
        let mut req = s3
            .client
            .put_object()
            .bucket(bucket)
            .key(&item.key)
            .content_type(content_type)
            .set_tagging(tagging_header(&opts.tags))
            .body(ByteStream::from(body));
        if let Some(alg) = opts.checksum.algorithm() {
            req = req.checksum_algorithm(alg);
        }
        req.send().await.map_err(|e| classify(&e, s3.attempt("upload the file")))?;
        done_bytes.fetch_add(item.size, Ordering::Relaxed);
        return Ok(());
    }
    let mut create = s3
        .client
        .create_multipart_upload()
        .bucket(bucket)
        .key(&item.key)
        .content_type(content_type)
        .set_tagging(tagging_header(&opts.tags));
    if let Some(alg) = opts.checksum.algorithm() {
        create = create.checksum_algorithm(alg);
    }
    let created = create.send().await.map_err(|e| classify(&e, s3.attempt("start a multipart upload")))?;
    let upload_id = created.upload_id().unwrap_or_default().to_string();
    let result = send_parts(s3, bucket, item, part, &upload_id, opts, budget, done_bytes, cancel).await;
    match result {
        Ok(parts) => {
            let done = s3
                .client
                .complete_multipart_upload()
                .bucket(bucket)
                .key(&item.key)
                .upload_id(&upload_id)
                .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
                .send()
                .await;
            match done {
                Ok(_) => Ok(()),
                Err(e) => {
                    let _ = s3.client.abort_multipart_upload().bucket(bucket).key(&item.key).upload_id(&upload_id).send().await;
                    Err(classify(&e, s3.attempt("finish the multipart upload")))
                }
            }
        }
        Err(e) => {
            // Nothing is left behind to be billed.
            let _ = s3.client.abort_multipart_upload().bucket(bucket).key(&item.key).upload_id(&upload_id).send().await;
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn send_parts(
    s3: &S3,
    bucket: &str,
    item: &UploadItem,
    part: u64,
    upload_id: &str,
    opts: &UploadOptions,
    budget: &Arc<Semaphore>,
    done_bytes: &AtomicU64,
    cancel: &CancellationToken,
) -> Result<Vec<CompletedPart>> {
    let count = item.size.div_ceil(part);
    let mut tasks = tokio::task::JoinSet::new();
    let mut parts = Vec::with_capacity(count as usize);
    let mut sent = 0u64;
    for n in 0..count {
        // The buffer is reserved before the part is read.
        let permit = tokio::select! {
            p = budget.clone().acquire_owned() => p.expect("semaphore open"),
            _ = cancel.cancelled() => return Err(Error::new(ErrorCode::Cancelled, "Cancelled.")),
        };
        let (s3, bucket, key, path, upload_id, alg) =
            (s3.clone(), bucket.to_string(), item.key.clone(), item.path.clone(), upload_id.to_string(), opts.checksum.algorithm());
        let offset = n * part;
        let len = part.min(item.size - offset);
        tasks.spawn(async move {
            let _permit = permit;
            let body = tokio::task::spawn_blocking(move || read_range(&path, offset, len)).await.map_err(|e| Error::internal(e.to_string()))??;
            let number = i32::try_from(n + 1).expect("at most 10,000 parts");
            let mut req = s3.client.upload_part().bucket(&bucket).key(&key).upload_id(&upload_id).part_number(number).body(ByteStream::from(body));
            if let Some(alg) = alg {
                req = req.checksum_algorithm(alg);
            }
            let out = req.send().await.map_err(|e| classify(&e, s3.attempt("upload a part")))?;
            let done = CompletedPart::builder()
                .part_number(number)
                .set_e_tag(out.e_tag().map(str::to_string))
                .set_checksum_crc32_c(out.checksum_crc32_c().map(str::to_string))
                .set_checksum_crc64_nvme(out.checksum_crc64_nvme().map(str::to_string))
                .build();
            Ok::<_, Error>((done, len))
        });
        while let Some(r) = tasks.try_join_next() {
            let (p, len) = r.map_err(|e| Error::internal(e.to_string()))??;
            sent += len;
            done_bytes.fetch_add(len, Ordering::Relaxed);
            parts.push(p);
        }
    }
    while let Some(r) = tasks.join_next().await {
        let (p, len) = r.map_err(|e| Error::internal(e.to_string()))??;
        sent += len;
        done_bytes.fetch_add(len, Ordering::Relaxed);
        parts.push(p);
    }
    // Byte counts are checked before completing.
    if sent != item.size {
        return Err(Error::new(ErrorCode::Storage, format!("Sent {sent} bytes of {}; the file may have changed.", item.size)));
    }
    parts.sort_by_key(|p| p.part_number());
    Ok(parts)
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
