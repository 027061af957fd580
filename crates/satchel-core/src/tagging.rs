//! Object tags: read, set (merge into or replace the existing tags), remove, and the same in bulk
//! over a selection or a prefix, with every per-object failure kept.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::classify::classify;
use crate::client::S3;
use crate::error::{Error, ErrorCode, Result};
use crate::objects::{self, KeyFailure};
use crate::rules::{validate_tags, Tag, TagTarget};

/// Requests in flight for bulk tagging.
const IN_FLIGHT: usize = 16;

/// What a tag change does to the tags already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TagMode {
    /// Add these, overwriting values of the same keys, keeping the others.
    Merge,
    /// These become the only tags.
    Replace,
}

pub async fn get_tags(s3: &S3, bucket: &str, key: &str) -> Result<Vec<Tag>> {
    let out = s3
        .client
        .get_object_tagging()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| unsupported_as_tags(classify(&e, s3.attempt("read the object's tags"))))?;
    Ok(out.tag_set().iter().map(|t| Tag { key: t.key().to_string(), value: t.value().to_string() }).collect())
}

pub async fn put_tags(s3: &S3, bucket: &str, key: &str, tags: &[Tag]) -> Result<()> {
    validate_tags(tags, TagTarget::Object)?;
    if tags.is_empty() {
        s3.client
            .delete_object_tagging()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| unsupported_as_tags(classify(&e, s3.attempt("remove the object's tags"))))?;
        return Ok(());
    }
    write_object_tags(s3, bucket, key, tags).await
}

/// Replaces an object's tags with `tags` (not empty) as they are: for tags read from another
/// object, which need no checking again.
pub(crate) async fn write_object_tags(s3: &S3, bucket: &str, key: &str, tags: &[Tag]) -> Result<()> {
    let tagging = aws_sdk_s3::types::Tagging::builder().set_tag_set(Some(to_sdk(tags)?)).build().map_err(|e| Error::internal(e.to_string()))?;
    s3.client
        .put_object_tagging()
        .bucket(bucket)
        .key(key)
        .tagging(tagging)
        .send()
        .await
        .map_err(|e| unsupported_as_tags(classify(&e, s3.attempt("tag the object"))))?;
    Ok(())
}

/// The tags after a change: `changes` merged into `current` (or replacing it), minus `remove`.
pub fn combine(current: &[Tag], changes: &[Tag], remove: &[String], mode: TagMode) -> Vec<Tag> {
    let mut out: Vec<Tag> = match mode {
        TagMode::Replace => Vec::new(),
        TagMode::Merge => current.to_vec(),
    };
    for c in changes {
        match out.iter_mut().find(|t| t.key == c.key) {
            Some(t) => t.value = c.value.clone(),
            None => out.push(c.clone()),
        }
    }
    out.retain(|t| !remove.contains(&t.key));
    out
}

/// Changes the tags of one object; checks the result against the rules before any write.
pub async fn change_tags(s3: &S3, bucket: &str, key: &str, changes: &[Tag], remove: &[String], mode: TagMode) -> Result<Vec<Tag>> {
    validate_tags(changes, TagTarget::Object)?;
    let current = if mode == TagMode::Merge || !remove.is_empty() { get_tags(s3, bucket, key).await? } else { Vec::new() };
    let next = combine(&current, changes, remove, mode);
    put_tags(s3, bucket, key, &next).await?;
    Ok(next)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BulkTagReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub tagged: u64,
    pub failed: Vec<KeyFailure>,
    pub cancelled: bool,
}

/// Changes the tags of every object a selection of keys and folders stands for. A failure on one
/// object is recorded and the rest go on; nothing is dropped silently.
pub async fn bulk_change(
    s3: &S3,
    bucket: &str,
    selection: &[String],
    changes: &[Tag],
    remove: &[String],
    mode: TagMode,
    cancel: &CancellationToken,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<BulkTagReport> {
    validate_tags(changes, TagTarget::Object)?;
    let keys = objects::expand(s3, bucket, selection, cancel).await?;
    let total = keys.len() as u64;
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    let mut report = BulkTagReport::default();
    let (changes, remove) = (Arc::new(changes.to_vec()), Arc::new(remove.to_vec()));
    for key in keys {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("semaphore open"),
            _ = cancel.cancelled() => break,
        };
        let (s3, bucket, changes, remove) = (s3.clone(), bucket.to_string(), changes.clone(), remove.clone());
        tasks.spawn(async move {
            let _permit = permit;
            let r = change_tags(&s3, &bucket, &key, &changes, &remove, mode).await;
            (key, r)
        });
        while let Some(done) = tasks.try_join_next() {
            record(done, &mut report);
            progress(report.tagged + report.failed.len() as u64, total);
        }
    }
    while let Some(done) = tasks.join_next().await {
        record(done, &mut report);
        progress(report.tagged + report.failed.len() as u64, total);
    }
    report.cancelled = cancel.is_cancelled();
    report.failed.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(report)
}

fn record(done: std::result::Result<(String, Result<Vec<Tag>>), tokio::task::JoinError>, report: &mut BulkTagReport) {
    match done {
        Ok((_, Ok(_))) => report.tagged += 1,
        Ok((key, Err(e))) => report.failed.push(KeyFailure { key, reason: e.message }),
        Err(e) => report.failed.push(KeyFailure { key: String::new(), reason: format!("tagging task failed: {e}") }),
    }
}

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

fn to_sdk(tags: &[Tag]) -> Result<Vec<aws_sdk_s3::types::Tag>> {
    tags.iter()
        .map(|t| aws_sdk_s3::types::Tag::builder().key(&t.key).value(&t.value).build().map_err(|e| Error::internal(e.to_string())))
        .collect()
}

fn unsupported_as(e: Error, what: &str) -> Error {
    if e.code == ErrorCode::Unsupported {
        Error::unsupported(what)
    } else {
        e
    }
}

fn unsupported_as_tags(e: Error) -> Error {
    unsupported_as(e, "object tags")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(k: &str, v: &str) -> Tag {
        Tag { key: k.into(), value: v.into() }
    }

    #[test]
    fn merge_replace_and_remove() {
        let current = [t("project", "a"), t("owner", "x")];
        assert_eq!(combine(&current, &[t("project", "b"), t("cost", "1")], &[], TagMode::Merge), [t("project", "b"), t("owner", "x"), t("cost", "1")]);
        assert_eq!(combine(&current, &[t("cost", "1")], &[], TagMode::Replace), [t("cost", "1")]);
        assert_eq!(combine(&current, &[], &["owner".into()], TagMode::Merge), [t("project", "a")]);
    }
}
