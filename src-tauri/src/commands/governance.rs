//! Bucket settings after creation.

use satchel_core::governance::BucketOverview;
use satchel_core::Error;

use super::Engine;

/// A bucket's region and settings (versioning, object lock, public access, encryption).
#[tauri::command]
#[specta::specta]
pub async fn bucket_overview(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<BucketOverview, Error> {
    engine.bucket_overview(&engine.connection(&connection_id).await?, &bucket).await
}
