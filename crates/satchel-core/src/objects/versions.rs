//! Older versions and delete markers: list them, restore one over the current version, undelete
//! (remove the delete marker that hides an object) and delete one version for good.
//!
//! A restore is a server-side copy of the old version onto the same key: the history keeps every
//! version, and the copy keeps the old version's metadata and tags (multipart above 5 GiB, as
//! every copy does). Deleting a version is the one thing here that loses data: object lock is
//! honoured, never bypassed.

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::copy::{copy_object, End};
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, KeyFailure, Result};

/// One version of an object, or a delete marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionEntry {
    pub key: String,
    /// "null" for what was written before versioning was turned on (S3's own word for it).
    pub version_id: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    /// RFC 3339.
    pub last_modified: Option<String>,
    pub storage_class: Option<String>,
    pub etag: Option<String>,
    /// The version a plain GET returns (or, for a marker, the reason it returns 404).
    pub is_latest: bool,
    pub is_delete_marker: bool,
}

/// One page of versions: of a folder (sub-folders apart) or of everything below a prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionPage {
    pub folders: Vec<String>,
    /// Newest first within each key, keys in order: as S3 lists them.
    pub versions: Vec<VersionEntry>,
}

/// Lists every version and delete marker of `prefix` as a folder, or of everything below it when
/// `recursive`, page by page; returns how many were listed. A store without versions answers
/// with a plain-language `Unsupported`.
pub async fn list_versions(
    s3: &S3,
    bucket: &str,
    prefix: &str,
    recursive: bool,
    cancel: &CancellationToken,
    mut on_page: impl FnMut(VersionPage),
) -> Result<u64> {
    let (mut key_marker, mut version_marker) = (None::<String>, None::<String>);
    let mut count = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(Error::new(ErrorCode::Cancelled, "Listing versions was cancelled."));
        }
        let mut req = s3
            .client
            .list_object_versions()
            .bucket(bucket)
            .prefix(prefix)
            .set_key_marker(key_marker.take())
            .set_version_id_marker(version_marker.take());
        if !recursive {
            req = req.delimiter("/");
        }
        let out = req.send().await.map_err(|e| unsupported_versions(classify(&e, s3.attempt("list object versions"))))?;
        let mut page = VersionPage { folders: out.common_prefixes().iter().filter_map(|p| p.prefix().map(str::to_string)).collect(), versions: Vec::new() };
        for v in out.versions() {
            page.versions.push(VersionEntry {
                key: v.key().unwrap_or_default().to_string(),
                version_id: v.version_id().unwrap_or("null").to_string(),
                size: v.size().unwrap_or(0).max(0) as u64,
                last_modified: rfc3339(v.last_modified()),
                storage_class: v.storage_class().map(|c| c.as_str().to_string()),
                etag: v.e_tag().map(str::to_string),
                is_latest: v.is_latest() == Some(true),
                is_delete_marker: false,
            });
        }
        for m in out.delete_markers() {
            page.versions.push(VersionEntry {
                key: m.key().unwrap_or_default().to_string(),
                version_id: m.version_id().unwrap_or("null").to_string(),
                size: 0,
                last_modified: rfc3339(m.last_modified()),
                storage_class: None,
                etag: None,
                is_latest: m.is_latest() == Some(true),
                is_delete_marker: true,
            });
        }
        // S3 lists versions and markers apart; a key's history reads newest first.
        page.versions.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| b.last_modified.cmp(&a.last_modified)).then_with(|| b.is_latest.cmp(&a.is_latest)));
        page.versions.retain(|v| recursive || !(v.key == prefix && prefix.ends_with('/') && v.size == 0 && !v.is_delete_marker));
        count += page.versions.len() as u64;
        on_page(page);
        match (out.is_truncated(), out.next_key_marker()) {
            (Some(true), Some(k)) => {
                key_marker = Some(k.to_string());
                version_marker = out.next_version_id_marker().map(str::to_string);
            }
            _ => return Ok(count),
        }
    }
}

/// Every version and delete marker of one key, newest first.
pub async fn key_versions(s3: &S3, bucket: &str, key: &str) -> Result<Vec<VersionEntry>> {
    let mut all = Vec::new();
    list_versions(s3, bucket, key, true, &CancellationToken::new(), |p| all.extend(p.versions.into_iter().filter(|v| v.key == key))).await?;
    Ok(all)
}

fn rfc3339(t: Option<&aws_sdk_s3::primitives::DateTime>) -> Option<String> {
    t.and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

fn unsupported_versions(e: Error) -> Error {
    if e.code == ErrorCode::Unsupported {
        Error::new(ErrorCode::Unsupported, "This storage doesn't keep versions of objects.")
    } else {
        e
    }
}

/// The version of `key` named `version_id`, or a plain error saying it isn't there.
async fn find(s3: &S3, bucket: &str, key: &str, version_id: &str) -> Result<(VersionEntry, Vec<VersionEntry>)> {
    let all = key_versions(s3, bucket, key).await?;
    match all.iter().find(|v| v.version_id == version_id) {
        Some(v) => Ok((v.clone(), all)),
        None if all.is_empty() => Err(Error::not_found(format!("s3://{bucket}/{key} has no versions at all. Nothing was changed."))),
        None => Err(Error::not_found(format!(
            "s3://{bucket}/{key} has no version \"{version_id}\" (it has {}). Nothing was changed.",
            if all.len() == 1 { "1 version".to_string() } else { format!("{} versions", all.len()) }
        ))),
    }
}

/// What a restore or undelete did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionChange {
    pub key: String,
    /// The version now current; `None` when the storage doesn't say.
    pub current: Option<String>,
    /// For people: "Restored the version of 3 Dec 2026 …".
    pub summary: String,
}

/// Makes an older version current again: copies it over the key, keeping its metadata and tags.
/// The version restored stays in the history, and so does the one it replaces.
pub async fn restore_version(s3: &S3, bucket: &str, key: &str, version_id: &str) -> Result<VersionChange> {
    let (v, _) = find(s3, bucket, key, version_id).await?;
    if v.is_delete_marker {
        return Err(Error::invalid(format!(
            "Version \"{version_id}\" of {key} is a delete marker, which has no content to restore. To bring the object back, undelete it. Nothing was changed."
        )));
    }
    if v.is_latest {
        return Ok(VersionChange { key: key.into(), current: Some(v.version_id), summary: format!("{key}: that version is already the current one; nothing was changed.") });
    }
    let from = End { version: Some(version_id), ..End::new(s3, bucket, key) };
    copy_object(from, End::new(s3, bucket, key), None).await.map_err(|e| archived_or(e, &v))?;
    let current = key_versions(s3, bucket, key).await?.into_iter().find(|x| x.is_latest).map(|x| x.version_id);
    Ok(VersionChange {
        key: key.into(),
        current,
        summary: format!("Restored {key} as it was{}; the version it replaced is kept.", v.last_modified.as_deref().map(|t| format!(" on {}", crate::format::when(t))).unwrap_or_default()),
    })
}

fn archived_or(e: Error, v: &VersionEntry) -> Error {
    match v.storage_class.as_deref() {
        Some(c @ ("GLACIER" | "DEEP_ARCHIVE")) if e.code != ErrorCode::Cancelled => Error::new(
            e.code,
            format!("That version of {} is in {c}, an archive: restore it from the archive first, then copy it. ({})", v.key, e.message),
        ),
        _ => e,
    }
}

/// Brings back an object whose current version is a delete marker, by deleting that marker: the
/// version under it becomes current again. An object that isn't deleted is left alone.
pub async fn undelete(s3: &S3, bucket: &str, key: &str) -> Result<VersionChange> {
    let all = key_versions(s3, bucket, key).await?;
    let Some(latest) = all.iter().find(|v| v.is_latest) else {
        return Err(Error::not_found(format!("There's nothing at s3://{bucket}/{key}, deleted or not. Nothing was changed.")));
    };
    if !latest.is_delete_marker {
        return Ok(VersionChange { key: key.into(), current: Some(latest.version_id.clone()), summary: format!("{key} isn't deleted; nothing was changed.") });
    }
    delete_one(s3, bucket, key, &latest.version_id).await?;
    let now = key_versions(s3, bucket, key).await?.into_iter().find(|v| v.is_latest);
    let summary = match &now {
        Some(v) if v.is_delete_marker => format!("Removed a delete marker from {key}, but it was deleted twice: it is still deleted. Undelete it again."),
        Some(_) => format!("{key} is back."),
        None => format!("Removed the delete marker of {key}, but no older version was under it."),
    };
    Ok(VersionChange { key: key.into(), current: now.map(|v| v.version_id), summary })
}

/// Deletes one version (or delete marker) for good. Object lock decides: a locked version is
/// refused with the reason, never bypassed.
pub async fn delete_version(s3: &S3, bucket: &str, key: &str, version_id: &str) -> Result<VersionChange> {
    let (v, _) = find(s3, bucket, key, version_id).await?;
    delete_one(s3, bucket, key, version_id).await?;
    let now = key_versions(s3, bucket, key).await?.into_iter().find(|x| x.is_latest).map(|x| x.version_id);
    let what = if v.is_delete_marker { "the delete marker" } else { "the version" };
    Ok(VersionChange {
        key: key.into(),
        current: now,
        summary: format!("Deleted {what} {version_id} of {key}{} for good.", v.last_modified.as_deref().map(|t| format!(" ({})", crate::format::when(t))).unwrap_or_default()),
    })
}

async fn delete_one(s3: &S3, bucket: &str, key: &str, version_id: &str) -> Result<()> {
    s3.client
        .delete_object()
        .bucket(bucket)
        .key(key)
        .version_id(version_id)
        .send()
        .await
        .map(drop)
        .map_err(|e| locked_or(classify(&e, s3.attempt("delete a version")), key))
}

fn locked_or(e: Error, key: &str) -> Error {
    // S3 answers a locked version with AccessDenied; the classifier can't tell it from a missing
    // permission, but the message S3 sends says so.
    if e.code == ErrorCode::AccessDenied && e.message.to_ascii_lowercase().contains("object lock") {
        Error::new(ErrorCode::AccessDenied, format!("That version of {key} is protected by object lock until its retention ends; it can't be deleted."))
    } else {
        e
    }
}

/// Keys below `prefix` whose current version is a delete marker: deleted, and recoverable.
pub async fn deleted_keys(s3: &S3, bucket: &str, prefix: &str, cancel: &CancellationToken) -> Result<Vec<VersionEntry>> {
    let mut found = Vec::new();
    list_versions(s3, bucket, prefix, true, cancel, |p| found.extend(p.versions.into_iter().filter(|v| v.is_latest && v.is_delete_marker))).await?;
    Ok(found)
}

/// What a bulk undelete did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UndeleteReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub restored: u64,
    pub failed: Vec<KeyFailure>,
    pub cancelled: bool,
}

/// Undeletes many keys (their delete markers removed, several at once); `on_done` is told after
/// each with the count so far. Cancelling stops after those in flight.
pub async fn undelete_many(s3: &S3, bucket: &str, markers: &[VersionEntry], cancel: &CancellationToken, on_done: impl Fn(u64)) -> UndeleteReport {
    let mut report = UndeleteReport::default();
    // Collected, not a borrowing iterator: the future must be Send for any caller's lifetimes.
    let markers: Vec<VersionEntry> = markers.iter().filter(|m| m.is_delete_marker).cloned().collect();
    let work = |m: VersionEntry| {
        let (s3, bucket) = (s3.clone(), bucket.to_string());
        async move { Ok(delete_one(&s3, &bucket, &m.key, &m.version_id).await.map_err(|e| KeyFailure { key: m.key, reason: e.message })) }
    };
    report.cancelled = super::each_at_most(markers, 8, cancel, work, |r| {
        match r {
            Ok(Ok(())) => report.restored += 1,
            Ok(Err(failure)) => report.failed.push(failure),
            Err(e) => report.failed.push(KeyFailure { key: String::new(), reason: e.message }),
        }
        on_done(report.restored);
    })
    .await;
    report
}
