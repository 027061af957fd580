//! Server-side copy, move and rename that keep metadata, tags, storage class and encryption;
//! objects over 5 GiB are copied in parts (UploadPartCopy).

use std::collections::HashMap;

use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, MetadataDirective, TaggingDirective};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::delete::delete_keys;
use super::folders::validate_folder_name;
use super::listing::expand;
use super::properties::not_found_as_object;
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, KeyFailure, Result};
use crate::tags::{self, Tag};

/// Above this, CopyObject refuses: copy in parts.
pub const MAX_SINGLE_COPY: u64 = 5 * 1024 * 1024 * 1024;
/// Part size for multipart copies.
pub(super) const COPY_PART: u64 = 512 * 1024 * 1024;

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
async fn read_tags(s3: &S3, bucket: &str, key: &str) -> Result<Vec<Tag>> {
    match tags::get_tags(s3, bucket, key).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_source_keeps_slashes_and_encodes_the_rest() {
        assert_eq!(encode_key("a b/ü+x.txt"), "a%20b/%C3%BC%2Bx.txt");
    }
}
