//! Objects: folder listings page by page (no per-object requests), recursive listing that streams,
//! properties, batched deletes, folders, and server-side copy/rename that keeps metadata, tags and
//! encryption.

use std::collections::HashMap;

use aws_sdk_s3::types::{
    CompletedMultipartUpload, CompletedPart, Delete, MetadataDirective, ObjectIdentifier, TaggingDirective,
};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::classify::classify;
use crate::client::S3;
use crate::error::{Error, ErrorCode, Result};

/// Above this, CopyObject refuses: copy in parts.
pub const MAX_SINGLE_COPY: u64 = 5 * 1024 * 1024 * 1024;
/// Part size for multipart copies.
const COPY_PART: u64 = 512 * 1024 * 1024;

/// One object as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ObjectEntry {
    pub key: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    /// RFC 3339.
    pub last_modified: Option<String>,
    pub storage_class: Option<String>,
    pub etag: Option<String>,
}

/// One page of a folder listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListingPage {
    /// Sub-folders (common prefixes), each ending with the delimiter.
    pub folders: Vec<String>,
    pub objects: Vec<ObjectEntry>,
    /// Pass back to get the next page; `None` on the last.
    pub next: Option<String>,
}

/// One page of `prefix` as a folder (delimiter `/`), or of everything below it when `recursive`.
pub async fn list_page(s3: &S3, bucket: &str, prefix: &str, recursive: bool, token: Option<String>) -> Result<ListingPage> {
    let mut req = s3.client.list_objects_v2().bucket(bucket).prefix(prefix).set_continuation_token(token);
    if !recursive {
        req = req.delimiter("/");
    }
    let out = req.send().await.map_err(|e| classify(&e, s3.attempt("list objects")))?;
    let objects = out
        .contents()
        .iter()
        .filter_map(|o| {
            Some(ObjectEntry {
                key: o.key()?.to_string(),
                size: o.size().unwrap_or(0).max(0) as u64,
                last_modified: o.last_modified().and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
                storage_class: o.storage_class().map(|c| c.as_str().to_string()),
                etag: o.e_tag().map(str::to_string),
            })
        })
        // In a folder view the folder marker (`prefix/` as a zero-byte key) is the folder, not a row in it.
        .filter(|o| recursive || o.key != prefix || prefix.is_empty())
        .collect();
    let folders = out.common_prefixes().iter().filter_map(|p| p.prefix().map(str::to_string)).collect();
    let next = match (out.is_truncated(), out.next_continuation_token()) {
        (Some(true), Some(t)) => Some(t.to_string()),
        _ => None,
    };
    Ok(ListingPage { folders, objects, next })
}

/// Lists a folder (or with `recursive`, everything below `prefix`), handing each page over as it
/// arrives so the first rows show at once. The next page is already being fetched while the caller
/// handles this one. Returns the number of objects.
pub async fn list_all(
    s3: &S3,
    bucket: &str,
    prefix: &str,
    recursive: bool,
    cancel: &CancellationToken,
    mut on_page: impl FnMut(ListingPage),
) -> Result<u64> {
    let fetch = |token: Option<String>| {
        let (s3, bucket, prefix) = (s3.clone(), bucket.to_string(), prefix.to_string());
        tokio::spawn(async move { list_page(&s3, &bucket, &prefix, recursive, token).await })
    };
    let mut next = fetch(None);
    let mut count = 0u64;
    loop {
        if cancel.is_cancelled() {
            next.abort();
            return Err(Error::new(ErrorCode::Cancelled, "Listing was cancelled."));
        }
        let page = (&mut next).await.map_err(|e| Error::internal(format!("listing task failed: {e}")))??;
        count += page.objects.len() as u64;
        let Some(token) = page.next.clone() else {
            on_page(page);
            return Ok(count);
        };
        next = fetch(Some(token));
        on_page(page);
    }
}

/// Everything the properties panel shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ObjectProperties {
    pub key: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    pub storage_class: Option<String>,
    pub encryption: Option<String>,
    pub kms_key_id: Option<String>,
    pub version_id: Option<String>,
    pub last_modified: Option<String>,
    /// (algorithm, value) pairs the storage returned.
    pub checksums: Vec<(String, String)>,
    /// `x-amz-meta-*`, without the prefix, sorted.
    pub metadata: Vec<(String, String)>,
}

pub async fn properties(s3: &S3, bucket: &str, key: &str) -> Result<ObjectProperties> {
    let h = s3
        .client
        .head_object()
        .bucket(bucket)
        .key(key)
        .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
        .send()
        .await
        .map_err(|e| not_found_as_object(classify(&e, s3.attempt("read the object's properties")), bucket, key))?;
    let mut checksums = Vec::new();
    for (name, v) in [
        ("CRC32", h.checksum_crc32()),
        ("CRC32C", h.checksum_crc32_c()),
        ("CRC64NVME", h.checksum_crc64_nvme()),
        ("SHA1", h.checksum_sha1()),
        ("SHA256", h.checksum_sha256()),
    ] {
        if let Some(v) = v {
            checksums.push((name.to_string(), v.to_string()));
        }
    }
    let mut metadata: Vec<(String, String)> = h.metadata().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    metadata.sort();
    Ok(ObjectProperties {
        key: key.to_string(),
        size: h.content_length().unwrap_or(0).max(0) as u64,
        etag: h.e_tag().map(str::to_string),
        content_type: h.content_type().map(str::to_string),
        cache_control: h.cache_control().map(str::to_string),
        content_disposition: h.content_disposition().map(str::to_string),
        content_encoding: h.content_encoding().map(str::to_string),
        storage_class: h.storage_class().map(|c| c.as_str().to_string()),
        encryption: h.server_side_encryption().map(|e| e.as_str().to_string()),
        kms_key_id: h.ssekms_key_id().map(str::to_string),
        version_id: h.version_id().map(str::to_string),
        last_modified: h.last_modified().and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
        checksums,
        metadata,
    })
}

fn not_found_as_object(e: Error, bucket: &str, key: &str) -> Error {
    if e.code == ErrorCode::NotFound {
        Error::not_found(format!("There's no object s3://{bucket}/{key} (it may have just been deleted)."))
    } else {
        e
    }
}

/// A key that could not be deleted or copied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyFailure {
    pub key: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeleteReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub deleted: u64,
    pub failed: Vec<KeyFailure>,
}

/// Expands a selection of keys and folders (`prefix/`) into every key it stands for.
pub async fn expand(s3: &S3, bucket: &str, selection: &[String], cancel: &CancellationToken) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    for item in selection {
        if item.ends_with('/') {
            list_all(s3, bucket, item, true, cancel, |p| keys.extend(p.objects.into_iter().map(|o| o.key))).await?;
            // The folder marker, if any, is listed with the rest; a folder without one has no key.
        } else {
            keys.push(item.clone());
        }
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Deletes keys with DeleteObjects, 1,000 per request; every per-key error is kept.
pub async fn delete_keys(s3: &S3, bucket: &str, keys: &[String]) -> Result<DeleteReport> {
    let mut report = DeleteReport::default();
    for chunk in keys.chunks(1000) {
        let ids: Vec<ObjectIdentifier> = chunk.iter().filter_map(|k| ObjectIdentifier::builder().key(k).build().ok()).collect();
        let delete = Delete::builder().set_objects(Some(ids)).quiet(true).build().map_err(|e| Error::internal(e.to_string()))?;
        let out = s3
            .client
            .delete_objects()
            .bucket(bucket)
            .delete(delete)
            .send()
            .await
            .map_err(|e| classify(&e, s3.attempt("delete objects")))?;
        let failed: Vec<KeyFailure> = out
            .errors()
            .iter()
            .map(|e| KeyFailure {
                key: e.key().unwrap_or_default().to_string(),
                reason: e.message().or(e.code()).unwrap_or("refused").to_string(),
            })
            .collect();
        report.deleted += (chunk.len() - failed.len()) as u64;
        report.failed.extend(failed);
    }
    Ok(report)
}

/// Checks a folder name typed by the user.
pub fn validate_folder_name(name: &str) -> Result<()> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid("Give the folder a name."));
    }
    if n.contains('/') {
        return Err(Error::invalid("Folder names can't contain \"/\"; create one level at a time."));
    }
    if n == "." || n == ".." {
        return Err(Error::invalid("\".\" and \"..\" can't be folder names."));
    }
    if n.chars().any(char::is_control) {
        return Err(Error::invalid("Folder names can't contain control characters."));
    }
    if n.len() > 1000 {
        return Err(Error::invalid("That folder name is too long for S3 (keys are at most 1,024 bytes)."));
    }
    Ok(())
}

/// Creates `parent` + `name/` as a zero-byte key, which is what every S3 tool shows as a folder.
pub async fn create_folder(s3: &S3, bucket: &str, parent: &str, name: &str) -> Result<String> {
    validate_folder_name(name)?;
    let key = format!("{parent}{}/", name.trim());
    s3.client
        .put_object()
        .bucket(bucket)
        .key(&key)
        .body(Vec::new().into())
        .send()
        .await
        .map_err(|e| classify(&e, s3.attempt("create the folder")))?;
    Ok(key)
}

/// Copies one object server-side, keeping metadata, tags, storage class and encryption; objects
/// over 5 GiB are copied in parts.
pub async fn copy_object(s3: &S3, src_bucket: &str, src_key: &str, dst_bucket: &str, dst_key: &str) -> Result<()> {
    let head = s3
        .client
        .head_object()
        .bucket(src_bucket)
        .key(src_key)
        .send()
        .await
        .map_err(|e| not_found_as_object(classify(&e, s3.attempt("read the object to copy")), src_bucket, src_key))?;
    let size = head.content_length().unwrap_or(0).max(0) as u64;
    let source = format!("{src_bucket}/{}", encode_key(src_key));
    if size <= MAX_SINGLE_COPY {
        let mut req = s3
            .client
            .copy_object()
            .bucket(dst_bucket)
            .key(dst_key)
            .copy_source(&source)
            .metadata_directive(MetadataDirective::Copy)
            .tagging_directive(TaggingDirective::Copy);
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
        req.send().await.map_err(|e| classify(&e, s3.attempt("copy the object")))?;
        return Ok(());
    }
    copy_in_parts(s3, (src_bucket, src_key), (dst_bucket, dst_key), size, &Headers::of(&head), COPY_PART).await
}

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
        }
    }
}

/// Copies an object of `size` bytes in parts of `part` bytes (UploadPartCopy), giving the new
/// object `headers` and the source's tags. Works in place (same bucket and key): the tags are read
/// before the source is replaced. A failure aborts the upload, so nothing is left to be billed.
pub async fn copy_in_parts(
    s3: &S3,
    (src_bucket, src_key): (&str, &str),
    (dst_bucket, dst_key): (&str, &str),
    size: u64,
    headers: &Headers,
    part: u64,
) -> Result<()> {
    let tags = read_tags(s3, src_bucket, src_key).await?;
    let source = format!("{src_bucket}/{}", encode_key(src_key));
    let upload = s3
        .client
        .create_multipart_upload()
        .bucket(dst_bucket)
        .key(dst_key)
        .set_metadata(headers.metadata.clone())
        .set_content_type(headers.content_type.clone())
        .set_cache_control(headers.cache_control.clone())
        .set_content_disposition(headers.content_disposition.clone())
        .set_content_encoding(headers.content_encoding.clone())
        .set_storage_class(headers.storage_class.clone())
        .set_server_side_encryption(headers.encryption.clone())
        .set_ssekms_key_id(headers.kms_key.clone())
        .send()
        .await
        .map_err(|e| classify(&e, s3.attempt("start a multipart copy")))?;
    let upload_id = upload.upload_id().unwrap_or_default().to_string();
    let finished = match copy_parts(s3, &source, dst_bucket, dst_key, &upload_id, size, part).await {
        Ok(parts) => s3
            .client
            .complete_multipart_upload()
            .bucket(dst_bucket)
            .key(dst_key)
            .upload_id(&upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
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

async fn copy_parts(s3: &S3, source: &str, bucket: &str, key: &str, upload_id: &str, size: u64, part: u64) -> Result<Vec<CompletedPart>> {
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
            .copy_source(source)
            .copy_source_range(format!("bytes={start}-{end}"))
            .send()
            .await
            .map_err(|e| classify(&e, s3.attempt("copy a part")))?;
        let etag = out.copy_part_result().and_then(|r| r.e_tag()).unwrap_or_default().to_string();
        parts.push(CompletedPart::builder().part_number(number).e_tag(etag).build());
        start = end + 1;
        number += 1;
    }
    Ok(parts)
}

/// An object's tags; none where the storage has no tagging.
async fn read_tags(s3: &S3, bucket: &str, key: &str) -> Result<Vec<crate::rules::Tag>> {
    match crate::tagging::get_tags(s3, bucket, key).await {
        Err(e) if e.code == ErrorCode::Unsupported => Ok(Vec::new()),
        other => other,
    }
}

async fn write_tags(s3: &S3, bucket: &str, key: &str, tags: Vec<crate::rules::Tag>) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    crate::tagging::write_object_tags(s3, bucket, key, &tags).await
}

/// CopySource is a URL path: encode everything but the separators.
fn encode_key(key: &str) -> String {
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
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub deleted: u64,
    pub failed: Vec<KeyFailure>,
}

/// Copies (and with `remove_source`, moves) keys and folders from `src_bucket` into `dst_prefix` of
/// `dst_bucket`; a folder keeps its name and its inner structure. A source is deleted only after
/// its copy succeeded.
pub async fn transfer_within(
    s3: &S3,
    src_bucket: &str,
    selection: &[String],
    dst_bucket: &str,
    dst_prefix: &str,
    remove_source: bool,
    cancel: &CancellationToken,
) -> Result<CopyReport> {
    let mut plan: Vec<(String, String)> = Vec::new();
    for item in selection {
        let parent_len = item.trim_end_matches('/').rfind('/').map(|i| i + 1).unwrap_or(0);
        for key in expand(s3, src_bucket, std::slice::from_ref(item), cancel).await? {
            let dst = format!("{dst_prefix}{}", &key[parent_len..]);
            plan.push((key, dst));
        }
    }
    run_plan(s3, src_bucket, dst_bucket, plan, remove_source, cancel).await
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
    let keys = expand(s3, bucket, &[item.to_string()], cancel).await?;
    let plan = keys.into_iter().map(|k| (k.clone(), format!("{new_item}{}", &k[item.len()..]))).collect();
    run_plan(s3, bucket, bucket, plan, true, cancel).await
}

async fn run_plan(
    s3: &S3,
    src_bucket: &str,
    dst_bucket: &str,
    plan: Vec<(String, String)>,
    remove_source: bool,
    cancel: &CancellationToken,
) -> Result<CopyReport> {
    let mut report = CopyReport::default();
    let mut copied_sources = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    let mut results: HashMap<String, Result<()>> = HashMap::new();
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(8));
    for (src, dst) in plan {
        if cancel.is_cancelled() {
            break;
        }
        if src_bucket == dst_bucket && src == dst {
            continue;
        }
        let permit = slots.clone().acquire_owned().await.expect("semaphore open");
        let (s3, sb, db) = (s3.clone(), src_bucket.to_string(), dst_bucket.to_string());
        tasks.spawn(async move {
            let _permit = permit;
            let r = copy_object(&s3, &sb, &src, &db, &dst).await;
            (src, r)
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (src, r) = done.map_err(|e| Error::internal(e.to_string()))?;
        results.insert(src, r);
    }
    for (src, r) in results {
        match r {
            Ok(()) => {
                report.copied += 1;
                copied_sources.push(src);
            }
            Err(e) => report.failed.push(KeyFailure { key: src, reason: e.message }),
        }
    }
    if remove_source && !copied_sources.is_empty() {
        copied_sources.sort();
        let d = delete_keys(s3, src_bucket, &copied_sources).await?;
        report.deleted = d.deleted;
        report.failed.extend(d.failed);
    }
    if cancel.is_cancelled() {
        return Err(Error::new(
            ErrorCode::Cancelled,
            format!("Cancelled after {} of the objects were copied; nothing copied was lost.", report.copied),
        ));
    }
    report.failed.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(report)
}

/// The first `max_bytes` of an object, for previews.
pub async fn read_head(s3: &S3, bucket: &str, key: &str, max_bytes: u64) -> Result<Vec<u8>> {
    if max_bytes == 0 {
        return Ok(Vec::new());
    }
    let out = s3
        .client
        .get_object()
        .bucket(bucket)
        .key(key)
        .range(format!("bytes=0-{}", max_bytes - 1))
        .send()
        .await
        .map_err(|e| not_found_as_object(classify(&e, s3.attempt("read the object")), bucket, key))?;
    let bytes = out.body.collect().await.map_err(|e| Error::new(ErrorCode::Storage, format!("The download broke off: {e}.")))?;
    let mut v = bytes.into_bytes().to_vec();
    v.truncate(max_bytes as usize);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_source_keeps_slashes_and_encodes_the_rest() {
        assert_eq!(encode_key("a b/ü+x.txt"), "a%20b/%C3%BC%2Bx.txt");
    }

    #[test]
    fn folder_names() {
        validate_folder_name("2024 reports").unwrap();
        for (bad, rule) in [("", "name"), ("a/b", "\"/\""), ("..", "\"..\""), ("a\tb", "control")] {
            assert!(validate_folder_name(bad).unwrap_err().message.contains(rule), "{bad}");
        }
    }
}

/// What a quick preview shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Preview {
    /// Text (also JSON and CSV); `truncated` when the object is longer than what was read.
    Text { text: String, truncated: bool, content_type: Option<String> },
    /// An image as a data: URL (the window's CSP allows data: images, nothing remote).
    Image { data_url: String },
    /// Nothing sensible to show; says why.
    None { reason: String },
}

/// Most bytes a preview reads.
pub const PREVIEW_BYTES: u64 = 256 * 1024;
/// Images up to this size are previewed whole.
pub const PREVIEW_IMAGE_BYTES: u64 = 8 * 1024 * 1024;

/// A bounded preview: a ranged GET of at most [`PREVIEW_BYTES`] for text, the whole of small images.
pub async fn preview(s3: &S3, bucket: &str, key: &str) -> Result<Preview> {
    let props = properties(s3, bucket, key).await?;
    let ct = props.content_type.clone().unwrap_or_default().to_ascii_lowercase();
    let ext = key.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let image_mime = match ext.as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ if ct.starts_with("image/") && ct != "image/svg+xml" => Some(ct.as_str()),
        _ => None,
    };
    if let Some(mime) = image_mime {
        if props.size > PREVIEW_IMAGE_BYTES {
            return Ok(Preview::None { reason: format!("The image is {}; previews show images up to {}.", crate::format::bytes(props.size), crate::format::bytes(PREVIEW_IMAGE_BYTES)) });
        }
        let bytes = read_head(s3, bucket, key, props.size).await?;
        return Ok(Preview::Image { data_url: format!("data:{mime};base64,{}", base64(&bytes)) });
    }
    let bytes = read_head(s3, bucket, key, PREVIEW_BYTES.min(props.size)).await?;
    let truncated = props.size > bytes.len() as u64;
    // Cut at the last full UTF-8 character; binary data is not text.
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.to_string(),
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
        Err(_) => return Ok(Preview::None { reason: "This file isn't text or an image Satchel can preview.".into() }),
    };
    if text.contains('\0') {
        return Ok(Preview::None { reason: "This file isn't text or an image Satchel can preview.".into() });
    }
    Ok(Preview::Text { text, truncated, content_type: props.content_type })
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16) | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8) | u32::from(*chunk.get(2).unwrap_or(&0));
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

#[cfg(test)]
mod preview_tests {
    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
    }
}

/// New headers and user metadata for an object; `None` keeps what is there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MetadataEdit {
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    /// The complete set of `x-amz-meta-*` (without the prefix); `None` keeps the current set.
    pub metadata: Option<Vec<(String, String)>>,
    pub storage_class: Option<String>,
}

/// Rewrites an object in place with new metadata or storage class: a server-side copy onto itself
/// that keeps its tags and encryption. Its ETag and last-modified time change.
pub async fn edit_metadata(s3: &S3, bucket: &str, key: &str, edit: &MetadataEdit) -> Result<()> {
    if let Some(meta) = &edit.metadata {
        for (k, _) in meta {
            if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(Error::invalid(format!(
                    "Metadata names may use letters, digits, hyphens and underscores; \"{k}\" doesn't fit."
                )));
            }
        }
    }
    let head = s3
        .client
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| not_found_as_object(classify(&e, s3.attempt("read the object")), bucket, key))?;
    let size = head.content_length().unwrap_or(0).max(0) as u64;
    let pick = |new: &Option<String>, old: Option<&str>| new.clone().or_else(|| old.map(str::to_string)).filter(|v| !v.is_empty());
    let metadata: HashMap<String, String> = match &edit.metadata {
        Some(m) => m.iter().cloned().collect(),
        None => head.metadata().cloned().unwrap_or_default(),
    };
    let class = edit
        .storage_class
        .clone()
        .map(|c| aws_sdk_s3::types::StorageClass::from(c.as_str()))
        .or_else(|| head.storage_class().cloned());
    let headers = Headers {
        metadata: Some(metadata),
        content_type: pick(&edit.content_type, head.content_type()),
        cache_control: pick(&edit.cache_control, head.cache_control()),
        content_disposition: pick(&edit.content_disposition, head.content_disposition()),
        content_encoding: pick(&edit.content_encoding, head.content_encoding()),
        storage_class: class,
        encryption: head.server_side_encryption().cloned(),
        kms_key: head.ssekms_key_id().map(str::to_string),
    };
    if size > MAX_SINGLE_COPY {
        return copy_in_parts(s3, (bucket, key), (bucket, key), size, &headers, COPY_PART).await;
    }
    let req = s3
        .client
        .copy_object()
        .bucket(bucket)
        .key(key)
        .copy_source(format!("{bucket}/{}", encode_key(key)))
        .metadata_directive(MetadataDirective::Replace)
        .tagging_directive(TaggingDirective::Copy)
        .set_metadata(headers.metadata)
        .set_content_type(headers.content_type)
        .set_cache_control(headers.cache_control)
        .set_content_disposition(headers.content_disposition)
        .set_content_encoding(headers.content_encoding)
        .set_storage_class(headers.storage_class)
        .set_server_side_encryption(headers.encryption)
        .set_ssekms_key_id(headers.kms_key);
    req.send().await.map_err(|e| classify(&e, s3.attempt("rewrite the object's metadata")))?;
    Ok(())
}
