//! Metadata edits: an in-place server-side copy with new headers, user metadata or storage class.

use std::collections::HashMap;

use aws_sdk_s3::types::{MetadataDirective, TaggingDirective};
use serde::Serialize;

use super::copy::{copy_in_parts, encode_key, with_headers, End, Headers, COPY_PART, MAX_SINGLE_COPY};
use super::properties::not_found_as_object;
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::connect::customer_keys::{with_key_if_needed, CopiesWithCustomerKey, CustomerKey, SendsCustomerKey};
use crate::error::{Error, Result};

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
    let read = |k: Option<CustomerKey>| s3.client.head_object().bucket(bucket).key(key).customer_key(k.as_ref()).send();
    let (head, customer_key) =
        with_key_if_needed(s3, (bucket, key, None), read, |e| not_found_as_object(classify(&e, s3.attempt("read the object")), bucket, key)).await?;
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
        customer_key: customer_key.clone(),
    };
    if size > MAX_SINGLE_COPY {
        // In place, from the version just read: a rewrite meanwhile is not stitched into it.
        let here = End::new(s3, bucket, key);
        return copy_in_parts(here, here, size, &headers, COPY_PART, head.e_tag()).await;
    }
    let req = s3
        .client
        .copy_object()
        .bucket(bucket)
        .key(key)
        .copy_source(format!("{bucket}/{}", encode_key(key)))
        .set_copy_source_if_match(head.e_tag().map(str::to_string))
        .metadata_directive(MetadataDirective::Replace)
        .tagging_directive(TaggingDirective::Copy)
        .source_customer_key(customer_key.as_ref());
    let req = with_headers!(req, headers);
    req.send().await.map_err(|e| classify(&e, s3.attempt("rewrite the object's metadata")))?;
    Ok(())
}
