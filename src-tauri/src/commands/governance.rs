//! Bucket settings after creation.

use satchel_core::governance::{AuditEntry, BucketOverview, ExposureReport, PublicAccessBlock};
use satchel_core::{Error, PublicAccessChange, Via};

use super::Engine;

/// A bucket's region and settings (versioning, object lock, public access, encryption).
#[tauri::command]
#[specta::specta]
pub async fn bucket_overview(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<BucketOverview, Error> {
    engine.bucket_overview(&engine.connection(&connection_id).await?, &bucket).await
}

/// Whether a bucket is public, why, and its Block Public Access switches.
#[tauri::command]
#[specta::specta]
pub async fn bucket_exposure(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<ExposureReport, Error> {
    engine.bucket_exposure(&engine.connection(&connection_id).await?, &bucket).await
}

/// Sets Block Public Access; turning any switch off needs `confirmed` (the bucket's name typed).
#[tauri::command]
#[specta::specta]
pub async fn set_public_access(engine: Engine<'_>, connection_id: String, bucket: String, block: PublicAccessBlock, confirmed: bool) -> Result<PublicAccessChange, Error> {
    engine.set_public_access(&engine.connection(&connection_id).await?, &bucket, block, confirmed, Via::App).await
}

/// The changes made through Satchel to a bucket's settings (all buckets' without one), oldest first.
#[tauri::command]
#[specta::specta]
pub fn audit_entries(engine: Engine<'_>, bucket: Option<String>) -> Result<Vec<AuditEntry>, Error> {
    engine.audit_entries(bucket.as_deref())
}
