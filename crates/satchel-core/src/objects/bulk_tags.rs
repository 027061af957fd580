//! Tagging in bulk: every object a selection of keys and folders stands for, merged or replaced,
//! with every per-object failure kept.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::listing::expand;
use crate::connect::client::S3;
use crate::error::{KeyFailure, Result};
use crate::tags::{change_tags, validate_tags, Tag, TagMode, TagTarget};

/// Requests in flight for bulk tagging.
const IN_FLIGHT: usize = 16;

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
    let keys = expand(s3, bucket, selection, cancel).await?;
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
