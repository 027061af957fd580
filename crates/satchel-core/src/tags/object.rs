//! Object tags: read, set (merge into or replace the existing tags) and remove.

use serde::{Deserialize, Serialize};

use super::rules::{validate_tags, Tag, TagTarget};
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};

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
    get_version_tags(s3, bucket, key, None).await
}

/// The tags of one version of an object (`None`: the current one).
pub async fn get_version_tags(s3: &S3, bucket: &str, key: &str, version: Option<&str>) -> Result<Vec<Tag>> {
    let out = s3
        .client
        .get_object_tagging()
        .bucket(bucket)
        .key(key)
        .set_version_id(version.map(str::to_string))
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

pub(super) fn to_sdk(tags: &[Tag]) -> Result<Vec<aws_sdk_s3::types::Tag>> {
    tags.iter()
        .map(|t| aws_sdk_s3::types::Tag::builder().key(&t.key).value(&t.value).build().map_err(|e| Error::internal(e.to_string())))
        .collect()
}

pub(super) fn unsupported_as(e: Error, what: &str) -> Error {
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
