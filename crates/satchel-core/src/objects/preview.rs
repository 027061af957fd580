//! Quick previews: a bounded ranged GET of text, or a small image whole.

use serde::Serialize;

use super::properties::{not_found_as_object, opened_at};
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::connect::customer_keys::{with_key_if_needed, CustomerKey, SendsCustomerKey};
use crate::error::{Error, ErrorCode, Result};

/// The first `max_bytes` of an object, for previews.
pub async fn read_head(s3: &S3, bucket: &str, key: &str, max_bytes: u64) -> Result<Vec<u8>> {
    if max_bytes == 0 {
        return Ok(Vec::new());
    }
    let get = |k: Option<CustomerKey>| read_range(s3, bucket, key, None, max_bytes, k);
    let (bytes, _) = with_key_if_needed(s3, (bucket, key, None), get, |e| not_found_as_object(classify(&e, s3.attempt("read the object")), bucket, key)).await?;
    finish_read(bytes, max_bytes).await
}

/// The first `max_bytes` of one version, with the customer key that opens it (SSE-C).
async fn read_head_at(s3: &S3, bucket: &str, key: &str, version: Option<&str>, max_bytes: u64, customer_key: Option<&CustomerKey>) -> Result<Vec<u8>> {
    if max_bytes == 0 {
        return Ok(Vec::new());
    }
    let out = read_range(s3, bucket, key, version, max_bytes, customer_key.cloned())
        .await
        .map_err(|e| not_found_as_object(classify(&e, s3.attempt("read the object")), bucket, key))?;
    finish_read(out, max_bytes).await
}

fn read_range(
    s3: &S3,
    bucket: &str,
    key: &str,
    version: Option<&str>,
    max_bytes: u64,
    customer_key: Option<CustomerKey>,
) -> impl std::future::Future<
    Output = std::result::Result<
        aws_sdk_s3::operation::get_object::GetObjectOutput,
        aws_sdk_s3::error::SdkError<aws_sdk_s3::operation::get_object::GetObjectError, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    >,
> {
    s3.client
        .get_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version.map(str::to_string))
        .range(format!("bytes=0-{}", max_bytes - 1))
        .customer_key(customer_key.as_ref())
        .send()
}

async fn finish_read(out: aws_sdk_s3::operation::get_object::GetObjectOutput, max_bytes: u64) -> Result<Vec<u8>> {
    let bytes = out.body.collect().await.map_err(|e| Error::new(ErrorCode::Storage, format!("The download broke off: {e}.")))?;
    let mut v = bytes.into_bytes().to_vec();
    v.truncate(max_bytes as usize);
    Ok(v)
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
    preview_at(s3, bucket, key, None).await
}

/// The preview of one version of an object (`None`: the current one).
pub async fn preview_at(s3: &S3, bucket: &str, key: &str, version: Option<&str>) -> Result<Preview> {
    let (props, customer_key) = opened_at(s3, bucket, key, version).await?;
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
        let bytes = read_head_at(s3, bucket, key, version, props.size, customer_key.as_ref()).await?;
        return Ok(Preview::Image { data_url: format!("data:{mime};base64,{}", aws_smithy_types::base64::encode(&bytes)) });
    }
    let bytes = read_head_at(s3, bucket, key, version, PREVIEW_BYTES.min(props.size), customer_key.as_ref()).await?;
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
