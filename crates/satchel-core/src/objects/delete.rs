//! Batched deletes: 1,000 keys a request, every per-key error kept.

use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use serde::Serialize;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, KeyFailure, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeleteReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub deleted: u64,
    pub failed: Vec<KeyFailure>,
}

/// Deletes keys with DeleteObjects, 1,000 per request; every per-key error is kept.
pub async fn delete_keys(s3: &S3, bucket: &str, keys: &[String]) -> Result<DeleteReport> {
    let mut report = DeleteReport::default();
    for chunk in keys.chunks(1000) {
        let ids: Vec<ObjectIdentifier> = chunk.iter().filter_map(|k| ObjectIdentifier::builder().key(k).build().ok()).collect();
        let delete = Delete::builder().set_objects(Some(ids)).quiet(true).build().map_err(|e| Error::internal(e.to_string()))?;
        let out = s3
            .client
            .delete_objects()
            .bucket(bucket)
            .delete(delete)
            .send()
            .await
            .map_err(|e| classify(&e, s3.attempt("delete objects")))?;
        let failed: Vec<KeyFailure> = out
            .errors()
            .iter()
            .map(|e| KeyFailure {
                key: e.key().unwrap_or_default().to_string(),
                reason: e.message().or(e.code()).unwrap_or("refused").to_string(),
            })
            .collect();
        report.deleted += (chunk.len() - failed.len()) as u64;
        report.failed.extend(failed);
    }
    Ok(report)
}
