//! Bucket tags (at most 50): read, replace, remove.

use super::object::{to_sdk, unsupported_as};
use super::rules::{validate_tags, Tag, TagTarget};
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, Result};

/// A bucket's tags; a bucket without any answers `NoSuchTagSet`, which is an empty list here.
pub async fn get_bucket_tags(s3: &S3, bucket: &str) -> Result<Vec<Tag>> {
    match s3.client.get_bucket_tagging().bucket(bucket).send().await {
        Ok(out) => Ok(out.tag_set().iter().map(|t| Tag { key: t.key().to_string(), value: t.value().to_string() }).collect()),
        Err(e) if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("NoSuchTagSet") => Ok(Vec::new()),
        Err(e) => Err(unsupported_as(classify(&e, s3.attempt("read the bucket's tags")), "bucket tags")),
    }
}

/// Replaces a bucket's tags (at most 50); an empty list removes them all.
pub async fn put_bucket_tags(s3: &S3, bucket: &str, tags: &[Tag]) -> Result<()> {
    validate_tags(tags, TagTarget::Bucket)?;
    if tags.is_empty() {
        s3.client
            .delete_bucket_tagging()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| unsupported_as(classify(&e, s3.attempt("remove the bucket's tags")), "bucket tags"))?;
        return Ok(());
    }
    let tagging = aws_sdk_s3::types::Tagging::builder().set_tag_set(Some(to_sdk(tags)?)).build().map_err(|e| Error::internal(e.to_string()))?;
    s3.client
        .put_bucket_tagging()
        .bucket(bucket)
        .tagging(tagging)
        .send()
        .await
        .map_err(|e| unsupported_as(classify(&e, s3.attempt("tag the bucket")), "bucket tags"))?;
    Ok(())
}
