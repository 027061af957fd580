//! Unfinished multipart uploads of a bucket, from any client: they are invisible in listings but
//! billed for their parts. Listed with their age and size, and aborted on request.

use serde::Serialize;
use tokio::task::JoinSet;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, KeyFailure, Result};

/// How many uploads have their parts counted (one ListParts each); the rest show no size.
const SIZED: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MultipartUpload {
    pub key: String,
    pub upload_id: String,
    /// When it was started, seconds since the Unix epoch.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub initiated: Option<i64>,
    pub parts: Option<u32>,
    /// Bytes held in its parts.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub bytes: Option<u64>,
}

/// Every unfinished upload's key and id.
pub async fn list_ids(s3: &S3, bucket: &str) -> Result<Vec<(String, String, Option<i64>)>> {
    let mut out = Vec::new();
    let (mut key_marker, mut id_marker): (Option<String>, Option<String>) = (None, None);
    loop {
        let page = s3
            .client
            .list_multipart_uploads()
            .bucket(bucket)
            .set_key_marker(key_marker.take())
            .set_upload_id_marker(id_marker.take())
            .send()
            .await
            .map_err(|e| classify(&e, s3.attempt("list unfinished uploads")))?;
        for u in page.uploads() {
            if let (Some(k), Some(id)) = (u.key(), u.upload_id()) {
                out.push((k.to_string(), id.to_string(), u.initiated().map(|t| t.secs())));
            }
        }
        if page.is_truncated() == Some(true) && page.next_key_marker().is_some() {
            key_marker = page.next_key_marker().map(str::to_string);
            id_marker = page.next_upload_id_marker().map(str::to_string);
        } else {
            break;
        }
    }
    Ok(out)
}

/// Unfinished uploads with their age, oldest first, and (for the first few hundred) their size.
pub async fn list(s3: &S3, bucket: &str) -> Result<Vec<MultipartUpload>> {
    let mut ids = list_ids(s3, bucket).await?;
    ids.sort_by_key(|(_, _, t)| *t);
    let mut sizing = JoinSet::new();
    for (i, (key, upload_id, _)) in ids.iter().enumerate().take(SIZED) {
        let (s3, bucket, key, upload_id) = (s3.clone(), bucket.to_string(), key.clone(), upload_id.clone());
        sizing.spawn(async move { (i, parts_of(&s3, &bucket, &key, &upload_id).await) });
    }
    let mut out: Vec<MultipartUpload> = ids
        .into_iter()
        .map(|(key, upload_id, initiated)| MultipartUpload { key, upload_id, initiated, parts: None, bytes: None })
        .collect();
    while let Some(done) = sizing.join_next().await {
        let (i, sized) = done.map_err(|e| Error::internal(e.to_string()))?;
        if let Ok((parts, bytes)) = sized {
            out[i].parts = Some(parts);
            out[i].bytes = Some(bytes);
        }
    }
    Ok(out)
}

async fn parts_of(s3: &S3, bucket: &str, key: &str, upload_id: &str) -> Result<(u32, u64)> {
    let (mut parts, mut bytes) = (0u32, 0u64);
    let mut marker: Option<String> = None;
    loop {
        let page = s3
            .client
            .list_parts()
            .bucket(bucket)
            .key(key)
            .upload_id(upload_id)
            .set_part_number_marker(marker.take())
            .send()
            .await
            .map_err(|e| classify(&e, s3.attempt("list an upload's parts")))?;
        for p in page.parts() {
            parts += 1;
            bytes += p.size().unwrap_or(0).max(0) as u64;
        }
        match (page.is_truncated(), page.next_part_number_marker()) {
            (Some(true), Some(m)) => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok((parts, bytes))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AbortReport {
    pub aborted: u32,
    pub failed: Vec<KeyFailure>,
}

/// Aborts one upload: `true` when this call aborted it, `false` when it was already gone
/// (finished or aborted by someone else meanwhile; nothing is left behind either way).
pub async fn abort_one(s3: &S3, bucket: &str, key: &str, upload_id: &str) -> Result<bool> {
    match s3.client.abort_multipart_upload().bucket(bucket).key(key).upload_id(upload_id).send().await {
        Ok(_) => Ok(true),
        Err(e) => match classify(&e, s3.attempt("abort an unfinished upload")) {
            err if err.code == ErrorCode::NotFound => Ok(false),
            err => Err(err),
        },
    }
}

/// Aborts at once at most this many.
const ABORTS_IN_FLIGHT: usize = 16;

/// Aborts uploads given as (key, upload id), several at once, each with its outcome.
pub async fn abort_each(s3: &S3, bucket: &str, uploads: Vec<(String, String)>) -> Vec<(String, String, Result<bool>)> {
    // Thousands of stale uploads must not become thousands of requests at once.
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(ABORTS_IN_FLIGHT));
    let mut running = JoinSet::new();
    for (key, upload_id) in uploads {
        let (s3, bucket, slots) = (s3.clone(), bucket.to_string(), slots.clone());
        running.spawn(async move {
            let _slot = slots.acquire_owned().await.expect("semaphore open");
            let r = abort_one(&s3, &bucket, &key, &upload_id).await;
            (key, upload_id, r)
        });
    }
    let mut out = Vec::new();
    while let Some(done) = running.join_next().await {
        out.push(done.unwrap_or_else(|e| (String::new(), String::new(), Err(Error::internal(format!("abort task failed: {e}"))))));
    }
    out
}

/// Aborts uploads given as (key, upload id); one already gone counts as aborted.
pub async fn abort(s3: &S3, bucket: &str, uploads: &[(String, String)]) -> AbortReport {
    let mut report = AbortReport::default();
    for (key, _, outcome) in abort_each(s3, bucket, uploads.to_vec()).await {
        match outcome {
            Ok(_) => report.aborted += 1,
            Err(e) => report.failed.push(KeyFailure { key, reason: e.message }),
        }
    }
    report.failed.sort_by(|a, b| a.key.cmp(&b.key));
    report
}
