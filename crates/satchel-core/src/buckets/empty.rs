//! Emptying and deleting a bucket for real: every version and delete marker, every unfinished
//! multipart upload, in batched DeleteObjects requests with several in flight. Versions protected by
//! object lock stay, and the user is told which and why; per-key errors are never swallowed.
//!
//! Emptying is bound to the census the user confirmed: it deletes no more versions and aborts no
//! more uploads than were counted, and no version modified after the newest one counted (the
//! storage's own clock). Finding more means something writes to the bucket: it stops, keeps the
//! bucket, and says how much appeared.

use std::collections::HashSet;
use std::sync::Arc;

use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};

/// DeleteObjects takes at most this many keys.
const BATCH: usize = 1000;
/// DeleteObjects requests in flight at once.
const IN_FLIGHT: usize = 4;
/// Re-list passes that catch objects written while emptying.
const MAX_PASSES: usize = 4;
/// Failed versions whose reason (legal hold, retention) is looked up; the rest keep the raw error.
const EXPLAINED: usize = 200;

/// What a bucket holds: the dry run before emptying.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Census {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub current_objects: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub noncurrent_versions: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub delete_markers: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unfinished_uploads: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    /// False when the storage can't list versions: the counts are of current objects only.
    pub versions_listed: bool,
    /// False when the storage can't list unfinished uploads.
    pub uploads_listed: bool,
    /// The newest last-modified time counted (ms since the epoch, by the storage's clock):
    /// anything newer was written after the count.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub newest_modified_ms: Option<i64>,
}

impl Census {
    pub fn is_empty(&self) -> bool {
        self.current_objects + self.noncurrent_versions + self.delete_markers + self.unfinished_uploads == 0
    }

    /// "12 objects, 3 older versions, 2 delete markers, 1 unfinished upload (4.1 MB)".
    pub fn describe(&self) -> String {
        let mut parts = vec![plural(self.current_objects, "object", "objects")];
        if self.noncurrent_versions > 0 {
            parts.push(plural(self.noncurrent_versions, "older version", "older versions"));
        }
        if self.delete_markers > 0 {
            parts.push(plural(self.delete_markers, "delete marker", "delete markers"));
        }
        if self.unfinished_uploads > 0 {
            parts.push(plural(self.unfinished_uploads, "unfinished upload", "unfinished uploads"));
        }
        format!("{} ({})", parts.join(", "), crate::format::bytes(self.bytes))
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One version (or delete marker) to delete. `version_id` is `None` on stores without versioning.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Version {
    key: String,
    version_id: Option<String>,
}

/// Progress while emptying, sent after each batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EmptyProgress {
    pub phase: EmptyPhase,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub deleted: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub failed: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub uploads_aborted: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EmptyPhase {
    #[default]
    DeletingVersions,
    AbortingUploads,
    DeletingBucket,
    Done,
}

/// A version that could not be deleted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Remaining {
    pub key: String,
    pub version_id: Option<String>,
    pub reason: String,
}

/// How emptying ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EmptyReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub deleted: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub uploads_aborted: u64,
    /// What is still there and why (object lock, permissions, errors).
    pub remaining: Vec<Remaining>,
    /// Unfinished uploads that could not be aborted.
    pub uploads_remaining: Vec<Remaining>,
    pub bucket_deleted: bool,
    pub cancelled: bool,
    /// Versions or uploads found beyond the confirmed census (at least this many): they were
    /// left alone, and the bucket is kept.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub appeared: u64,
}

impl EmptyReport {
    /// One sentence for the CLI and the dialog.
    pub fn summary(&self, bucket: &str) -> String {
        let mut s = format!("Deleted {} and aborted {}", plural(self.deleted, "version", "versions"), plural(self.uploads_aborted, "upload", "uploads"));
        if self.bucket_deleted {
            s.push_str(&format!("; bucket \"{bucket}\" deleted."));
        } else if self.appeared > 0 {
            s.push_str(&format!(
                "; stopped because {} appeared after the count, so \"{bucket}\" is kept. Something is writing to it; count again when it has stopped.",
                plural(self.appeared, "item", "items")
            ));
        } else if self.cancelled {
            s.push_str(&format!("; cancelled, so \"{bucket}\" is kept with what was not deleted yet."));
        } else {
            let n = self.remaining.len() + self.uploads_remaining.len();
            s.push_str(&format!("; \"{bucket}\" is kept because {} could not be deleted.", plural(n as u64, "item", "items")));
        }
        s
    }
}

/// Counts what a bucket holds, page by page. Stores without ListObjectVersions are counted with
/// ListObjectsV2; stores without ListMultipartUploads report `uploads_listed: false`.
pub async fn census(s3: &S3, bucket: &str, cancel: &CancellationToken) -> Result<Census> {
    let mut c = Census { versions_listed: true, uploads_listed: true, ..Census::default() };
    let mut lister = VersionLister::new(s3, bucket);
    while let Some(page) = lister.next_page().await? {
        if cancel.is_cancelled() {
            return Err(Error::new(ErrorCode::Cancelled, "Counting was cancelled."));
        }
        c.current_objects += page.current;
        c.noncurrent_versions += page.noncurrent;
        c.delete_markers += page.markers;
        c.bytes += page.bytes;
        let newest = page.versions.iter().filter_map(|(_, m)| *m).max();
        c.newest_modified_ms = c.newest_modified_ms.max(newest);
    }
    c.versions_listed = lister.versions_supported;
    match super::multipart::list_ids(s3, bucket).await {
        Ok(u) => c.unfinished_uploads = u.len() as u64,
        Err(e) if e.code == ErrorCode::Unsupported => c.uploads_listed = false,
        Err(e) => return Err(e),
    }
    Ok(c)
}

/// How many more versions and uploads emptying may remove: what the confirmed census counted.
#[derive(Debug)]
struct Allowance {
    versions: u64,
    uploads: u64,
    /// Versions modified after this were not counted, whatever the numbers say.
    newest_ms: Option<i64>,
}

/// Deletes everything the confirmed census counted, then the bucket. Protected or failing
/// versions are reported and keep the bucket; so does anything found beyond the census.
/// Cancelling stops after the batches in flight; the report says what is left.
pub async fn empty_and_delete(
    s3: &S3,
    bucket: &str,
    confirmed: &Census,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&EmptyProgress) + Send + Sync),
) -> Result<EmptyReport> {
    let mut allowance = Allowance {
        versions: confirmed.current_objects + confirmed.noncurrent_versions + confirmed.delete_markers,
        uploads: confirmed.unfinished_uploads,
        newest_ms: confirmed.newest_modified_ms,
    };
    let mut report = EmptyReport::default();
    let mut failed: HashSet<Version> = HashSet::new();
    let mut raw_failures: Vec<(Version, Error)> = Vec::new();
    let mut prog = EmptyProgress::default();

    for pass in 0..MAX_PASSES {
        let deleted_before = report.deleted;
        let seen = delete_all_versions(s3, bucket, cancel, &mut allowance, &mut failed, &mut raw_failures, &mut report, &mut prog, progress).await?;
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        if report.appeared > 0 {
            break;
        }
        prog.phase = EmptyPhase::AbortingUploads;
        progress(&prog);
        abort_uploads(s3, bucket, &mut allowance, &mut report).await?;
        if report.appeared > 0 {
            break;
        }
        prog.uploads_aborted = report.uploads_aborted;
        progress(&prog);
        if !raw_failures.is_empty() || !report.uploads_remaining.is_empty() {
            break;
        }
        // Something was written while we deleted (or this is the first pass): look again.
        if seen > 0 && pass + 1 < MAX_PASSES && report.deleted > deleted_before {
            continue;
        }
        prog.phase = EmptyPhase::DeletingBucket;
        progress(&prog);
        match s3.client.delete_bucket().bucket(bucket).send().await {
            Ok(_) => {
                report.bucket_deleted = true;
                break;
            }
            Err(e) if e.as_service_error().and_then(|s| aws_sdk_s3::error::ProvideErrorMetadata::code(s)) == Some("BucketNotEmpty") => {
                continue;
            }
            Err(e) => return Err(classify(&e, s3.attempt("delete the bucket"))),
        }
    }
    report.remaining = explain(s3, bucket, raw_failures).await;
    if !report.bucket_deleted && !report.cancelled && report.appeared == 0 && report.remaining.is_empty() && report.uploads_remaining.is_empty() {
        report.remaining.push(Remaining {
            key: String::new(),
            version_id: None,
            reason: "New objects kept arriving while the bucket was being emptied; try again when nothing writes to it.".into(),
        });
    }
    prog.phase = EmptyPhase::Done;
    progress(&prog);
    Ok(report)
}

/// One listing pass with deletes in flight behind it, within the allowance: the first version
/// beyond it stops the listing (counted in `report.appeared`). Returns how many versions the pass
/// saw.
#[allow(clippy::too_many_arguments)]
async fn delete_all_versions(
    s3: &S3,
    bucket: &str,
    cancel: &CancellationToken,
    allowance: &mut Allowance,
    failed: &mut HashSet<Version>,
    raw_failures: &mut Vec<(Version, Error)>,
    report: &mut EmptyReport,
    prog: &mut EmptyProgress,
    progress: &(dyn Fn(&EmptyProgress) + Send + Sync),
) -> Result<u64> {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut running: JoinSet<Result<(usize, Vec<(Version, Error)>)>> = JoinSet::new();
    let mut lister = VersionLister::new(s3, bucket);
    let mut seen = 0u64;
    let mut pending: Vec<Version> = Vec::new();
    let mut listing_error = None;
    loop {
        if cancel.is_cancelled() {
            break;
        }
        let page = match lister.next_page().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                listing_error = Some(e);
                break;
            }
        };
        seen += page.versions.len() as u64;
        for (v, modified) in page.versions.into_iter().filter(|(v, _)| !failed.contains(v)) {
            let written_after = matches!((modified, allowance.newest_ms), (Some(m), Some(newest)) if m > newest);
            if allowance.versions == 0 || written_after {
                report.appeared += 1;
            } else {
                allowance.versions -= 1;
                pending.push(v);
            }
        }
        if report.appeared > 0 {
            // What is pending was counted: it goes; nothing listed after it does.
            break;
        }
        while pending.len() >= BATCH || (lister.done && !pending.is_empty()) {
            let batch: Vec<Version> = pending.drain(..pending.len().min(BATCH)).collect();
            let permit = slots.clone().acquire_owned().await.expect("semaphore open");
            let (client, bucket) = (s3.clone(), bucket.to_string());
            running.spawn(async move {
                let _permit = permit;
                delete_batch(&client, &bucket, batch).await
            });
            // Collect whatever has finished, so progress moves while listing continues.
            while let Some(done) = running.try_join_next() {
                settle(done, failed, raw_failures, report, prog, progress)?;
            }
        }
    }
    while !pending.is_empty() && !cancel.is_cancelled() {
        let batch: Vec<Version> = pending.drain(..pending.len().min(BATCH)).collect();
        let (client, bucket) = (s3.clone(), bucket.to_string());
        running.spawn(async move { delete_batch(&client, &bucket, batch).await });
    }
    while let Some(done) = running.join_next().await {
        settle(done, failed, raw_failures, report, prog, progress)?;
    }
    match listing_error {
        Some(e) => Err(e),
        None => Ok(seen),
    }
}

fn settle(
    done: std::result::Result<Result<(usize, Vec<(Version, Error)>)>, tokio::task::JoinError>,
    failed: &mut HashSet<Version>,
    raw_failures: &mut Vec<(Version, Error)>,
    report: &mut EmptyReport,
    prog: &mut EmptyProgress,
    progress: &(dyn Fn(&EmptyProgress) + Send + Sync),
) -> Result<()> {
    let (deleted, errors) = done.map_err(|e| Error::internal(format!("delete task failed: {e}")))??;
    report.deleted += deleted as u64;
    for (v, e) in errors {
        if failed.insert(v.clone()) {
            raw_failures.push((v, e));
        }
    }
    prog.deleted = report.deleted;
    prog.failed = failed.len() as u64;
    progress(prog);
    Ok(())
}

/// One DeleteObjects request in quiet mode: the answer lists only failures, each kept.
async fn delete_batch(s3: &S3, bucket: &str, batch: Vec<Version>) -> Result<(usize, Vec<(Version, Error)>)> {
    let ids: Vec<ObjectIdentifier> = batch
        .iter()
        .filter_map(|v| ObjectIdentifier::builder().key(&v.key).set_version_id(v.version_id.clone()).build().ok())
        .collect();
    let delete = Delete::builder().set_objects(Some(ids)).quiet(true).build().map_err(|e| Error::internal(e.to_string()))?;
    let out = s3
        .client
        .delete_objects()
        .bucket(bucket)
        .delete(delete)
        .send()
        .await
        .map_err(|e| classify(&e, s3.attempt("delete objects")))?;
    let mut errors = Vec::new();
    for e in out.errors() {
        let v = Version { key: e.key().unwrap_or_default().to_string(), version_id: e.version_id().map(str::to_string) };
        let answer = crate::connect::classify::Answer {
            status: None,
            code: e.code(),
            message: e.message(),
            region: None,
            request_id: None,
            operation: Some("DeleteObject"),
        };
        errors.push((v, crate::connect::classify::from_answer(&answer, s3.attempt("delete this version"))));
    }
    Ok((batch.len() - errors.len(), errors))
}

/// Aborts every unfinished multipart upload; a store that can't list them is skipped.
async fn abort_uploads(s3: &S3, bucket: &str, allowance: &mut Allowance, report: &mut EmptyReport) -> Result<()> {
    let uploads = match super::multipart::list_ids(s3, bucket).await {
        Ok(u) => u,
        Err(e) if e.code == ErrorCode::Unsupported => return Ok(()),
        Err(e) => return Err(e),
    };
    // Uploads nobody counted are someone's upload in progress: none is aborted.
    if uploads.len() as u64 > allowance.uploads {
        report.appeared += uploads.len() as u64 - allowance.uploads;
        return Ok(());
    }
    allowance.uploads -= uploads.len() as u64;
    let uploads = uploads.into_iter().map(|(key, upload_id, _)| (key, upload_id)).collect();
    for (key, upload_id, outcome) in super::multipart::abort_each(s3, bucket, uploads).await {
        match outcome {
            Ok(true) => report.uploads_aborted += 1,
            Ok(false) => {}
            Err(e) => report.uploads_remaining.push(Remaining { key, version_id: Some(upload_id), reason: e.message }),
        }
    }
    Ok(())
}

/// Says why each failed version is still there: legal hold, retention, or the storage's answer.
async fn explain(s3: &S3, bucket: &str, failures: Vec<(Version, Error)>) -> Vec<Remaining> {
    let mut out = Vec::with_capacity(failures.len());
    for (i, (v, e)) in failures.into_iter().enumerate() {
        let mut reason = e.message.clone();
        if i < EXPLAINED {
            if let Some(why) = lock_reason(s3, bucket, &v).await {
                reason = why;
            }
        }
        out.push(Remaining { key: v.key, version_id: v.version_id, reason });
    }
    out
}

async fn lock_reason(s3: &S3, bucket: &str, v: &Version) -> Option<String> {
    let hold = s3.client.get_object_legal_hold().bucket(bucket).key(&v.key).set_version_id(v.version_id.clone()).send().await;
    if let Ok(h) = hold {
        if h.legal_hold().and_then(|l| l.status()).map(|s| s.as_str()) == Some("ON") {
            return Some("Protected by a legal hold (object lock). Remove the hold to delete it.".into());
        }
    }
    let retention = s3.client.get_object_retention().bucket(bucket).key(&v.key).set_version_id(v.version_id.clone()).send().await;
    if let Ok(r) = retention {
        if let Some(r) = r.retention() {
            let until = r.retain_until_date().and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok());
            let mode = r.mode().map(|m| m.as_str().to_lowercase()).unwrap_or_else(|| "retention".into());
            return Some(format!(
                "Protected by object lock ({mode} mode) until {}.",
                until.unwrap_or_else(|| "a date the storage did not say".into())
            ));
        }
    }
    None
}

/// One page of what a bucket holds.
struct Page {
    /// Each version with its last-modified time (ms since the epoch, the storage's clock).
    versions: Vec<(Version, Option<i64>)>,
    current: u64,
    noncurrent: u64,
    markers: u64,
    bytes: u64,
}

fn millis(t: Option<&aws_sdk_s3::primitives::DateTime>) -> Option<i64> {
    t.and_then(|t| t.to_millis().ok())
}

/// Pages through ListObjectVersions, or ListObjectsV2 where the storage has no versions.
struct VersionLister<'a> {
    s3: &'a S3,
    bucket: &'a str,
    key_marker: Option<String>,
    version_marker: Option<String>,
    token: Option<String>,
    versions_supported: bool,
    done: bool,
}

impl<'a> VersionLister<'a> {
    fn new(s3: &'a S3, bucket: &'a str) -> Self {
        VersionLister { s3, bucket, key_marker: None, version_marker: None, token: None, versions_supported: true, done: false }
    }

    async fn next_page(&mut self) -> Result<Option<Page>> {
        if self.done {
            return Ok(None);
        }
        if self.versions_supported {
            let r = self
                .s3
                .client
                .list_object_versions()
                .bucket(self.bucket)
                .set_key_marker(self.key_marker.clone())
                .set_version_id_marker(self.version_marker.clone())
                .send()
                .await;
            match r {
                Ok(out) => {
                    let mut p = Page { versions: Vec::new(), current: 0, noncurrent: 0, markers: 0, bytes: 0 };
                    for v in out.versions() {
                        if v.is_latest() == Some(true) {
                            p.current += 1;
                        } else {
                            p.noncurrent += 1;
                        }
                        p.bytes += v.size().unwrap_or(0).max(0) as u64;
                        p.versions.push((Version { key: v.key().unwrap_or_default().into(), version_id: v.version_id().map(str::to_string) }, millis(v.last_modified())));
                    }
                    for m in out.delete_markers() {
                        p.markers += 1;
                        p.versions.push((Version { key: m.key().unwrap_or_default().into(), version_id: m.version_id().map(str::to_string) }, millis(m.last_modified())));
                    }
                    if out.is_truncated() == Some(true) {
                        self.key_marker = out.next_key_marker().map(str::to_string);
                        self.version_marker = out.next_version_id_marker().map(str::to_string);
                        if self.key_marker.is_none() {
                            self.done = true;
                        }
                    } else {
                        self.done = true;
                    }
                    return Ok(Some(p));
                }
                Err(e) => {
                    let err = classify(&e, self.s3.attempt("list object versions"));
                    if err.code != ErrorCode::Unsupported {
                        return Err(err);
                    }
                    self.versions_supported = false;
                }
            }
        }
        let out = self
            .s3
            .client
            .list_objects_v2()
            .bucket(self.bucket)
            .set_continuation_token(self.token.clone())
            .send()
            .await
            .map_err(|e| classify(&e, self.s3.attempt("list objects")))?;
        let mut p = Page { versions: Vec::new(), current: 0, noncurrent: 0, markers: 0, bytes: 0 };
        for o in out.contents() {
            p.current += 1;
            p.bytes += o.size().unwrap_or(0).max(0) as u64;
            p.versions.push((Version { key: o.key().unwrap_or_default().into(), version_id: None }, millis(o.last_modified())));
        }
        match out.next_continuation_token() {
            Some(t) if out.is_truncated() == Some(true) => self.token = Some(t.to_string()),
            _ => self.done = true,
        }
        Ok(Some(p))
    }
}
