//! What the properties panel shows of one object (a HEAD with checksums).

use serde::Serialize;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::connect::customer_keys::{with_key_if_needed, CustomerKey, SendsCustomerKey};
use crate::error::{Error, ErrorCode, Result};

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
    /// SSE-C: the name of the connection's customer key that opens it.
    pub customer_key: Option<String>,
    pub version_id: Option<String>,
    pub last_modified: Option<String>,
    /// (algorithm, value) pairs the storage returned.
    pub checksums: Vec<(String, String)>,
    /// `x-amz-meta-*`, without the prefix, sorted.
    pub metadata: Vec<(String, String)>,
}

pub async fn properties(s3: &S3, bucket: &str, key: &str) -> Result<ObjectProperties> {
    properties_at(s3, bucket, key, None).await
}

/// The properties of one version of an object (`None`: the current one).
pub async fn properties_at(s3: &S3, bucket: &str, key: &str, version: Option<&str>) -> Result<ObjectProperties> {
    Ok(opened_at(s3, bucket, key, version).await?.0)
}

/// The properties of an object with the customer key that opened it (SSE-C), for the reads that
/// follow.
pub(crate) async fn opened_at(s3: &S3, bucket: &str, key: &str, version: Option<&str>) -> Result<(ObjectProperties, Option<CustomerKey>)> {
    let head = |k: Option<CustomerKey>| {
        s3.client
            .head_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version.map(str::to_string))
            .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
            .customer_key(k.as_ref())
            .send()
    };
    let (h, opened_with) = with_key_if_needed(s3, (bucket, key, version), head, |e| {
        not_found_as_object(classify(&e, s3.attempt("read the object's properties")), bucket, key)
    })
    .await?;
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
    let props = ObjectProperties {
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
        customer_key: opened_with.as_ref().map(|k| k.name().to_string()),
        version_id: h.version_id().map(str::to_string),
        last_modified: h.last_modified().and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
        checksums,
        metadata,
    };
    Ok((props, opened_with))
}

/// A missing object said as one, not as a generic "not found".
pub(super) fn not_found_as_object(e: Error, bucket: &str, key: &str) -> Error {
    if e.code == ErrorCode::NotFound {
        Error::not_found(format!("There's no object s3://{bucket}/{key} (it may have just been deleted)."))
    } else {
        e
    }
}
