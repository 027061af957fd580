//! Server-side copy, move and rename that keep metadata, tags, storage class and encryption;
//! objects over 5 GiB are copied in parts (UploadPartCopy).
//!
//! A copy is pinned to the version it planned (x-amz-copy-source-if-match on the ETag read when
//! listing, or by the HEAD): a source rewritten in between is reported, never copied half old and
//! half new. A move deletes a source only if it is still the version that was copied. Reads go to
//! the source bucket's region and writes to the destination's, so copies between regions work.
//! Between two storages the bytes go through Satchel instead (`stream_copy`).

use std::collections::{HashMap, HashSet};

use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, MetadataDirective, TaggingDirective};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::delete::delete_keys;
use super::folders::validate_folder_name;
use super::listing::list_all;
use super::properties::not_found_as_object;
use crate::connect::classify::{classify, precondition_failed};
use crate::connect::client::S3;
use crate::connect::customer_keys::{with_key_if_needed, CopiesWithCustomerKey, CustomerKey, SendsCustomerKey};
use crate::error::{Error, ErrorCode, KeyFailure, Result};
use crate::tags::{self, Tag};

/// Above this, CopyObject refuses: copy in parts.
pub const MAX_SINGLE_COPY: u64 = 5 * 1024 * 1024 * 1024;
/// Part size for multipart copies.
pub(super) const COPY_PART: u64 = 512 * 1024 * 1024;

/// One end of a copy: a bucket, its key, and a client signed for that bucket's region. A source
/// may name an older version (restoring it); `None` is the current one.
#[derive(Clone, Copy)]
pub struct End<'a> {
    pub s3: &'a S3,
    pub bucket: &'a str,
    pub key: &'a str,
    pub version: Option<&'a str>,
}

impl<'a> End<'a> {
    pub fn new(s3: &'a S3, bucket: &'a str, key: &'a str) -> Self {
        End { s3, bucket, key, version: None }
    }

    /// The CopySource header naming this end.
    fn source(&self) -> String {
        match self.version {
            Some(v) => format!("{}/{}?versionId={}", self.bucket, encode_key(self.key), encode_key(v)),
            None => format!("{}/{}", self.bucket, encode_key(self.key)),
        }
    }
}

/// Copies one object server-side, keeping metadata, tags, storage class and encryption; objects
/// over 5 GiB are copied in parts. With `pin`, only that version (by ETag) is copied. Returns the
/// ETag of the version copied.
pub async fn copy_object(from: End<'_>, to: End<'_>, pin: Option<&str>) -> Result<Option<String>> {
    let read = |k: Option<CustomerKey>| {
        from.s3
            .client
            .head_object()
            .bucket(from.bucket)
            .key(from.key)
            .set_version_id(from.version.map(str::to_string))
            .set_if_match(pin.map(str::to_string))
            .customer_key(k.as_ref())
            .send()
    };
    let (head, customer_key) =
        with_key_if_needed(from.s3, (from.bucket, from.key, from.version), read, |e| changed_or(e, from, "read the object to copy")).await?;
    let size = head.content_length().unwrap_or(0).max(0) as u64;
    let etag = head.e_tag().map(str::to_string);
    if size <= MAX_SINGLE_COPY {
        let mut req = to
            .s3
            .client
            .copy_object()
            .bucket(to.bucket)
            .key(to.key)
            .copy_source(from.source())
            .set_copy_source_if_match(etag.clone())
            .metadata_directive(MetadataDirective::Copy)
            .tagging_directive(TaggingDirective::Copy)
            // An SSE-C copy is read with its key and written with the same one.
            .source_customer_key(customer_key.as_ref())
            .customer_key(customer_key.as_ref());
        if let Some(class) = head.storage_class() {
            req = req.storage_class(class.clone());
        }
        // Without these the copy would take the destination bucket's default encryption.
        if let Some(sse) = head.server_side_encryption() {
            req = req.server_side_encryption(sse.clone());
        }
        if let Some(kms) = head.ssekms_key_id() {
            req = req.ssekms_key_id(kms);
        }
        req.send().await.map_err(|e| changed_or(e, from, "copy the object"))?;
        return Ok(etag);
    }
    let headers = Headers { customer_key, ..Headers::of(&head) };
    copy_in_parts(from, to, size, &headers, COPY_PART, etag.as_deref()).await?;
    Ok(etag)
}

/// 412 on a pinned request means the source is no longer the version planned.
pub(super) fn changed_or<E>(e: aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>, from: End<'_>, action: &'static str) -> Error
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if precondition_failed(&e) {
        return Error::new(ErrorCode::Storage, "It changed since the copy was planned, so it was not copied; the source is as it was.");
    }
    not_found_as_object(classify(&e, from.s3.attempt(action)), from.bucket, from.key)
}

/// Sets what a `Headers` holds on a request that writes an object (CopyObject, PutObject,
/// CreateMultipartUpload: other builder types with the same setters).
macro_rules! with_headers {
    ($req:expr, $headers:expr) => {{
        let h: &$crate::objects::Headers = &$headers;
        let req = $req
            .set_metadata(h.metadata.clone())
            .set_content_type(h.content_type.clone())
            .set_cache_control(h.cache_control.clone())
            .set_content_disposition(h.content_disposition.clone())
            .set_content_encoding(h.content_encoding.clone())
            .set_storage_class(h.storage_class.clone())
            .set_server_side_encryption(h.encryption.clone())
            .set_ssekms_key_id(h.kms_key.clone());
        $crate::connect::customer_keys::SendsCustomerKey::customer_key(req, h.customer_key.as_ref())
    }};
}
pub(super) use with_headers;

/// What a multipart copy sets on the new object (a single CopyObject can keep them itself).
#[derive(Debug, Clone, Default)]
pub struct Headers {
    pub metadata: Option<HashMap<String, String>>,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    pub storage_class: Option<aws_sdk_s3::types::StorageClass>,
    pub encryption: Option<aws_sdk_s3::types::ServerSideEncryption>,
    pub kms_key: Option<String>,
    /// SSE-C: the key the source opened with, which the copy is written with too.
    pub customer_key: Option<CustomerKey>,
}

impl Headers {
    pub fn of(head: &aws_sdk_s3::operation::head_object::HeadObjectOutput) -> Headers {
        Headers {
            metadata: head.metadata().cloned(),
            content_type: head.content_type().map(str::to_string),
            cache_control: head.cache_control().map(str::to_string),
            content_disposition: head.content_disposition().map(str::to_string),
            content_encoding: head.content_encoding().map(str::to_string),
            storage_class: head.storage_class().cloned(),
            encryption: head.server_side_encryption().cloned(),
            kms_key: head.ssekms_key_id().map(str::to_string),
            customer_key: None,
        }
    }
}

/// Copies an object of `size` bytes in parts of `part` bytes (UploadPartCopy), giving the new
/// object `headers` and the source's tags. Works in place (same bucket and key): the tags are read
/// before the source is replaced. With `pin`, every part comes from that version (by ETag). A
/// failure aborts the upload, so nothing is left to be billed.
pub async fn copy_in_parts(from: End<'_>, to: End<'_>, size: u64, headers: &Headers, part: u64, pin: Option<&str>) -> Result<()> {
    let tags = read_tags(from).await?;
    let (s3, dst_bucket, dst_key) = (to.s3, to.bucket, to.key);
    let upload = with_headers!(s3.client.create_multipart_upload().bucket(dst_bucket).key(dst_key), headers)
        .send()
        .await
        .map_err(|e| classify(&e, s3.attempt("start a multipart copy")))?;
    let upload_id = upload.upload_id().unwrap_or_default().to_string();
    let customer_key = headers.customer_key.as_ref();
    let finished = match copy_parts(from, to, &upload_id, size, part, pin, customer_key).await {
        Ok(parts) => s3
            .client
            .complete_multipart_upload()
            .bucket(dst_bucket)
            .key(dst_key)
            .upload_id(&upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .customer_key(customer_key)
            .send()
            .await
            .map(drop)
            .map_err(|e| classify(&e, s3.attempt("finish the multipart copy"))),
        Err(e) => Err(e),
    };
    if let Err(e) = finished {
        // Nothing is left behind to be billed.
        let _ = s3.client.abort_multipart_upload().bucket(dst_bucket).key(dst_key).upload_id(&upload_id).send().await;
        return Err(e);
    }
    write_tags(s3, dst_bucket, dst_key, tags).await
}

async fn copy_parts(
    from: End<'_>,
    to: End<'_>,
    upload_id: &str,
    size: u64,
    part: u64,
    pin: Option<&str>,
    customer_key: Option<&CustomerKey>,
) -> Result<Vec<CompletedPart>> {
    let (s3, bucket, key, source) = (to.s3, to.bucket, to.key, from.source());
    let mut parts = Vec::new();
    let mut start = 0u64;
    let mut number = 1;
    while start < size {
        let end = (start + part).min(size) - 1;
        let out = s3
            .client
            .upload_part_copy()
            .bucket(bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(number)
            .copy_source(&source)
            .copy_source_range(format!("bytes={start}-{end}"))
            .set_copy_source_if_match(pin.map(str::to_string))
            .source_customer_key(customer_key)
            .customer_key(customer_key)
            .send()
            .await
            .map_err(|e| changed_or(e, from, "copy a part"))?;
        let etag = out.copy_part_result().and_then(|r| r.e_tag()).unwrap_or_default().to_string();
        parts.push(CompletedPart::builder().part_number(number).e_tag(etag).build());
        start = end + 1;
        number += 1;
    }
    Ok(parts)
}

/// An object's tags; none where the storage has no tagging.
pub(super) async fn read_tags(of: End<'_>) -> Result<Vec<Tag>> {
    match tags::get_version_tags(of.s3, of.bucket, of.key, of.version).await {
        Err(e) if e.code == ErrorCode::Unsupported => Ok(Vec::new()),
        other => other,
    }
}

async fn write_tags(s3: &S3, bucket: &str, key: &str, tags: Vec<Tag>) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    tags::write_object_tags(s3, bucket, key, &tags).await
}

/// CopySource is a URL path: encode everything but the separators.
pub(super) fn encode_key(key: &str) -> String {
    key.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What a move or copy of a selection did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CopyReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub copied: u64,
    /// Bytes of the objects copied (of those whose size was known when planning).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub deleted: u64,
    pub failed: Vec<KeyFailure>,
    /// Of the failed keys, those archived (Glacier Flexible Retrieval, Deep Archive): a restore
    /// makes them copyable.
    pub archived: Vec<String>,
    /// Stopped by a cancel: what was copied stays, nothing half-copied was kept, and a move deleted
    /// only the originals already copied.
    pub cancelled: bool,
}

/// The source and destination buckets of a copy, each with a client for its own region.
#[derive(Clone, Copy)]
pub struct Buckets<'a> {
    pub src: &'a S3,
    pub src_bucket: &'a str,
    pub dst: &'a S3,
    pub dst_bucket: &'a str,
    /// The ends are two storages (two connections): no server-side copy reaches across, so the
    /// bytes go through Satchel (`stream_copy`).
    pub across: bool,
}

/// What a copy tells as it goes (the app's transfers panel); `()` tells nothing.
pub trait CopyWatch: Send + Sync {
    /// An object starts copying; `size` as planned (0 when unknown).
    fn began(&self, _key: &str, _size: u64) {}
    /// Bytes of it have moved.
    fn moved(&self, _key: &str, _bytes: u64) {}
    /// It stopped: copied; or not, and then `failed` unless a cancel stopped it.
    fn ended(&self, _key: &str, _copied: bool, _failed: bool) {}
}

impl CopyWatch for () {}

/// The keys a copy of a selection will write, with where each goes and the version planned.
pub struct CopyPlan {
    selection: Vec<String>,
    items: Vec<Planned>,
}

impl CopyPlan {
    pub fn files(&self) -> u64 {
        self.items.len() as u64
    }

    /// Bytes of the keys whose size is known (all but single keys the storage didn't describe).
    pub fn bytes(&self) -> u64 {
        self.items.iter().filter_map(|i| i.size).sum()
    }
}

/// Plans a copy of keys and folders of the source bucket into `dst_prefix`: a folder keeps its
/// name and its inner structure, each key pinned to the version listed.
pub async fn plan_within(src: &S3, src_bucket: &str, selection: &[String], dst_prefix: &str, cancel: &CancellationToken) -> Result<CopyPlan> {
    let mut items = Vec::new();
    for item in selection {
        let parent_len = item.trim_end_matches('/').rfind('/').map(|i| i + 1).unwrap_or(0);
        for (key, etag, size) in etags_of(src, src_bucket, std::slice::from_ref(item), cancel).await? {
            let dst = format!("{dst_prefix}{}", &key[parent_len..]);
            items.push(Planned { src: key, dst, etag, size });
        }
    }
    Ok(CopyPlan { selection: selection.to_vec(), items })
}

/// Copies (and with `remove_source`, moves) keys and folders from the source bucket into
/// `dst_prefix` of the destination; a folder keeps its name and its inner structure. A source is
/// deleted only after its copy succeeded, and only if it is still the version copied.
pub async fn transfer_within(ends: Buckets<'_>, selection: &[String], dst_prefix: &str, remove_source: bool, cancel: &CancellationToken) -> Result<CopyReport> {
    let plan = plan_within(ends.src, ends.src_bucket, selection, dst_prefix, cancel).await?;
    or_cancelled(run_copy(ends, plan, remove_source, cancel, std::sync::Arc::new(())).await)
}

/// Runs a planned copy (or move), telling `watch` how each object goes; a cancel ends it with a
/// report that says so.
pub async fn run_copy(ends: Buckets<'_>, plan: CopyPlan, remove_source: bool, cancel: &CancellationToken, watch: std::sync::Arc<dyn CopyWatch>) -> Result<CopyReport> {
    run_plan(ends, &plan.selection, plan.items, remove_source, cancel, watch).await
}

/// Copies (or moves) everything under `src_prefix` to `dst_prefix` of the destination by paths
/// relative to the prefix (what `aws s3 cp --recursive` does), pinned to the listed versions.
pub async fn transfer_contents(ends: Buckets<'_>, src_prefix: &str, dst_prefix: &str, remove_source: bool, cancel: &CancellationToken) -> Result<CopyReport> {
    let selection = [src_prefix.to_string()];
    let plan = etags_of(ends.src, ends.src_bucket, &selection, cancel)
        .await?
        .into_iter()
        .map(|(key, etag, size)| Planned { dst: format!("{dst_prefix}{}", &key[src_prefix.len()..]), src: key, etag, size })
        .collect();
    or_cancelled(run_plan(ends, &selection, plan, remove_source, cancel, std::sync::Arc::new(())).await)
}

/// Copies (or moves) one key to exactly `dst_key`.
pub async fn transfer_one(ends: Buckets<'_>, src_key: &str, dst_key: &str, remove_source: bool, cancel: &CancellationToken) -> Result<CopyReport> {
    let selection = [src_key.to_string()];
    let plan = vec![Planned { src: src_key.to_string(), dst: dst_key.to_string(), etag: None, size: None }];
    or_cancelled(run_plan(ends, &selection, plan, remove_source, cancel, std::sync::Arc::new(())).await)
}

/// Renames one key or folder in place: `new_name` replaces the last path segment.
pub async fn rename(s3: &S3, bucket: &str, item: &str, new_name: &str, cancel: &CancellationToken) -> Result<CopyReport> {
    validate_folder_name(new_name).map_err(|e| Error::invalid(e.message.replace("Folder names", "Names").replace("folder", "item")))?;
    let is_folder = item.ends_with('/');
    let trimmed = item.trim_end_matches('/');
    let parent = trimmed.rfind('/').map(|i| &trimmed[..=i]).unwrap_or("");
    let new_item = format!("{parent}{}{}", new_name.trim(), if is_folder { "/" } else { "" });
    if new_item == item {
        return Ok(CopyReport::default());
    }
    let selection = [item.to_string()];
    let plan = etags_of(s3, bucket, &selection, cancel)
        .await?
        .into_iter()
        .map(|(k, etag, size)| Planned { dst: format!("{new_item}{}", &k[item.len()..]), src: k, etag, size })
        .collect();
    let ends = Buckets { src: s3, src_bucket: bucket, dst: s3, dst_bucket: bucket, across: false };
    or_cancelled(run_plan(ends, &selection, plan, true, cancel, std::sync::Arc::new(())).await)
}

/// One key to copy, where to, the version (ETag) planned and its size.
struct Planned {
    src: String,
    dst: String,
    etag: Option<String>,
    size: Option<u64>,
}

/// The keys a selection stands for, with their ETags and sizes: a folder's from its listing (no
/// request per key); a single key's size from a HEAD, its version left to the copy's own HEAD (a
/// key the storage doesn't describe is reported by the copy, not here).
async fn etags_of(s3: &S3, bucket: &str, selection: &[String], cancel: &CancellationToken) -> Result<Vec<(String, Option<String>, Option<u64>)>> {
    let mut out = Vec::new();
    for item in selection {
        if item.ends_with('/') {
            list_all(s3, bucket, item, true, cancel, |p| out.extend(p.objects.into_iter().map(|o| (o.key, o.etag, Some(o.size))))).await?;
        } else {
            let size = s3.client.head_object().bucket(bucket).key(item).send().await.ok().and_then(|h| h.content_length()).map(|l| l.max(0) as u64);
            out.push((item.clone(), None, size));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

/// Which of `copied` (key and the ETag copied) are still that version: a folder's keys by listing
/// it again, single keys by a HEAD each.
async fn still_as_copied(s3: &S3, bucket: &str, selection: &[String], copied: &HashMap<String, String>, cancel: &CancellationToken) -> Result<HashSet<String>> {
    let mut now: HashMap<String, String> = HashMap::new();
    for item in selection {
        if item.ends_with('/') {
            list_all(s3, bucket, item, true, cancel, |p| now.extend(p.objects.into_iter().filter_map(|o| Some((o.key, o.etag?))))).await?;
        } else if copied.contains_key(item) {
            if let Ok(h) = s3.client.head_object().bucket(bucket).key(item).send().await {
                now.extend(h.e_tag().map(|t| (item.clone(), t.to_string())));
            }
        }
    }
    Ok(copied.iter().filter(|(k, etag)| now.get(*k) == Some(*etag)).map(|(k, _)| k.clone()).collect())
}

async fn run_plan(
    ends: Buckets<'_>,
    selection: &[String],
    plan: Vec<Planned>,
    remove_source: bool,
    cancel: &CancellationToken,
    watch: std::sync::Arc<dyn CopyWatch>,
) -> Result<CopyReport> {
    let mut report = CopyReport::default();
    let mut tasks = tokio::task::JoinSet::new();
    let mut results: HashMap<String, (Option<u64>, Result<Option<String>>)> = HashMap::new();
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(8));
    for Planned { src, dst, etag, size } in plan {
        if cancel.is_cancelled() {
            break;
        }
        if !ends.across && ends.src_bucket == ends.dst_bucket && src == dst {
            continue;
        }
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("semaphore open"),
            _ = cancel.cancelled() => break,
        };
        let (s3_src, s3_dst, sb, db) = (ends.src.clone(), ends.dst.clone(), ends.src_bucket.to_string(), ends.dst_bucket.to_string());
        let (across, watch, cancel) = (ends.across, watch.clone(), cancel.clone());
        tasks.spawn(async move {
            let _permit = permit;
            let from = End::new(&s3_src, &sb, &src);
            let to = End::new(&s3_dst, &db, &dst);
            watch.began(&src, size.unwrap_or(0));
            let r = if across {
                super::stream_copy::stream_object(from, to, etag.as_deref(), &cancel, &*watch).await
            } else {
                let r = copy_object(from, to, etag.as_deref()).await;
                if r.is_ok() {
                    watch.moved(&src, size.unwrap_or(0));
                }
                r
            };
            watch.ended(&src, r.is_ok(), r.as_ref().is_err_and(|e| e.code != ErrorCode::Cancelled));
            (src, size, r)
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (src, size, r) = done.map_err(|e| Error::internal(e.to_string()))?;
        results.insert(src, (size, r));
    }
    let mut copied: HashMap<String, String> = HashMap::new();
    let mut unpinned = Vec::new();
    for (src, (size, r)) in results {
        match r {
            Ok(etag) => {
                report.copied += 1;
                report.bytes += size.unwrap_or(0);
                match etag {
                    Some(etag) => {
                        copied.insert(src, etag);
                    }
                    None => unpinned.push(src),
                }
            }
            Err(e) if e.code == ErrorCode::Cancelled => {}
            Err(e) => {
                if e.code == ErrorCode::Archived {
                    report.archived.push(src.clone());
                }
                report.failed.push(KeyFailure { key: src, reason: e.message })
            }
        }
    }
    if remove_source && !(copied.is_empty() && unpinned.is_empty()) {
        // A source rewritten after its copy would be lost with the delete: it is kept.
        let same = still_as_copied(ends.src, ends.src_bucket, selection, &copied, cancel).await?;
        for key in copied.keys().filter(|k| !same.contains(*k)) {
            report.failed.push(KeyFailure {
                key: key.clone(),
                reason: "It changed after it was copied, so it was kept; the copy has the earlier version.".into(),
            });
        }
        let mut to_delete: Vec<String> = same.into_iter().chain(unpinned).collect();
        to_delete.sort();
        let d = delete_keys(ends.src, ends.src_bucket, &to_delete).await?;
        report.deleted = d.deleted;
        report.failed.extend(d.failed);
    }
    report.cancelled = cancel.is_cancelled();
    report.failed.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(report)
}

/// A cancelled copy as an error, for callers that stop on one (the CLI, the copy dialog).
fn or_cancelled(report: Result<CopyReport>) -> Result<CopyReport> {
    match report {
        Ok(r) if r.cancelled => Err(Error::new(ErrorCode::Cancelled, format!("Cancelled after {} of the objects were copied; nothing copied was lost.", r.copied))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_source_keeps_slashes_and_encodes_the_rest() {
        assert_eq!(encode_key("a b/ü+x.txt"), "a%20b/%C3%BC%2Bx.txt");
    }
}
