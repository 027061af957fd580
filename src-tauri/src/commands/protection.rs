//! Settings that protect data: default encryption, object lock (the bucket's default retention
//! and each version's own) and lifecycle rules.

use satchel_core::governance::encryption::{BucketEncryption, EncryptionChoice};
use satchel_core::governance::lifecycle::{self, LifecycleRule};
use satchel_core::governance::object_lock::{self, DefaultRetention, ObjectLock, ObjectLockView, RetentionMode};
use satchel_core::{Error, LifecycleView, Via};
use serde::Serialize;

use super::Engine;

#[tauri::command]
#[specta::specta]
pub async fn bucket_encryption(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<BucketEncryption, Error> {
    engine.bucket_encryption(&engine.connection(&connection_id).await?, &bucket).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_bucket_encryption(engine: Engine<'_>, connection_id: String, bucket: String, choice: EncryptionChoice) -> Result<BucketEncryption, Error> {
    engine.set_bucket_encryption(&engine.connection(&connection_id).await?, &bucket, &choice, Via::App).await
}

#[tauri::command]
#[specta::specta]
pub async fn bucket_object_lock(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<ObjectLockView, Error> {
    engine.bucket_object_lock(&engine.connection(&connection_id).await?, &bucket).await
}

/// Sets (or with `null` removes) the default retention; compliance needs `confirmed`.
#[tauri::command]
#[specta::specta]
pub async fn set_default_retention(engine: Engine<'_>, connection_id: String, bucket: String, next: Option<DefaultRetention>, confirmed: bool) -> Result<ObjectLockView, Error> {
    engine.set_default_retention(&engine.connection(&connection_id).await?, &bucket, next, confirmed, Via::App).await
}

/// A version's retention and legal hold (`version_id` null: the current version).
#[tauri::command]
#[specta::specta]
pub async fn object_lock(engine: Engine<'_>, connection_id: String, bucket: String, key: String, version_id: Option<String>) -> Result<ObjectLock, Error> {
    engine.object_lock(&engine.connection(&connection_id).await?, &bucket, &key, version_id.as_deref()).await
}

/// Sets a version's retention until `until` (YYYY-MM-DD or RFC 3339). `bypass`: shortening a
/// governance retention was confirmed; `compliance_confirmed`: a compliance lock was.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn set_object_retention(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    key: String,
    version_id: Option<String>,
    mode: RetentionMode,
    until: String,
    bypass: bool,
    compliance_confirmed: bool,
) -> Result<ObjectLock, Error> {
    let until = object_lock::parse_until(&until)?;
    let conn = engine.connection(&connection_id).await?;
    engine.set_object_retention(&conn, &bucket, &key, version_id.as_deref(), mode, until, bypass, compliance_confirmed, Via::App).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_legal_hold(engine: Engine<'_>, connection_id: String, bucket: String, key: String, version_id: Option<String>, on: bool) -> Result<ObjectLock, Error> {
    engine.set_legal_hold(&engine.connection(&connection_id).await?, &bucket, &key, version_id.as_deref(), on, Via::App).await
}

/// The bucket's lifecycle rules, each as a sentence, overlaps, and the abort-uploads suggestion.
#[tauri::command]
#[specta::specta]
pub async fn bucket_lifecycle(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<LifecycleView, Error> {
    engine.bucket_lifecycle(&engine.connection(&connection_id).await?, &bucket).await
}

/// Replaces the rules (an empty list deletes them); a refused rule sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_lifecycle(engine: Engine<'_>, connection_id: String, bucket: String, rules: Vec<LifecycleRule>) -> Result<LifecycleView, Error> {
    engine.set_bucket_lifecycle(&engine.connection(&connection_id).await?, &bucket, &rules, Via::App).await
}

#[tauri::command]
#[specta::specta]
pub async fn abort_unfinished_uploads_after(engine: Engine<'_>, connection_id: String, bucket: String, days: u32) -> Result<LifecycleView, Error> {
    engine.abort_unfinished_uploads_after(&engine.connection(&connection_id).await?, &bucket, days, Via::App).await
}

/// What a draft of rules says, checked as a save would check it; sends nothing.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LifecycleDraftCheck {
    /// The first problem, as a save would refuse it; `None` when the rules can be saved.
    pub problem: Option<String>,
    pub sentences: Vec<String>,
    pub overlaps: Vec<String>,
}

#[tauri::command]
#[specta::specta]
pub fn check_lifecycle(rules: Vec<LifecycleRule>) -> LifecycleDraftCheck {
    LifecycleDraftCheck {
        problem: lifecycle::check(&rules).err().map(|e| e.message),
        sentences: rules.iter().map(LifecycleRule::sentence).collect(),
        overlaps: lifecycle::overlaps(&rules),
    }
}
