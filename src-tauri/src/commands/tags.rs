//! Tags: object tags (one or in bulk), bucket tags, required tags.

use satchel_core::objects::{self, BulkTagReport};
use satchel_core::tags::{self, RequiredTag, Tag, TagMode};
use satchel_core::Error;
use tauri::ipc::Channel;

use super::{Engine, Throttled};

/// An object's tags; `unsupported` where the storage has no tagging.
#[tauri::command]
#[specta::specta]
pub async fn object_tags(engine: Engine<'_>, connection_id: String, bucket: String, key: String) -> Result<Vec<Tag>, Error> {
    tags::get_tags(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key).await
}

/// Sets one object's tags exactly (the properties panel edits the whole set); rules are checked first.
#[tauri::command]
#[specta::specta]
pub async fn set_object_tags(engine: Engine<'_>, connection_id: String, bucket: String, key: String, tags: Vec<Tag>) -> Result<(), Error> {
    tags::put_tags(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key, &tags).await
}

/// Tags every object of a selection (keys and folders), merging or replacing; per-object failures kept.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn bulk_tag(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    selection: Vec<String>,
    tags: Vec<Tag>,
    remove: Vec<String>,
    mode: TagMode,
    op_id: String,
    progress: Channel<(f64, f64)>,
) -> Result<BulkTagReport, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    objects::bulk_change(&s3, &bucket, &selection, &tags, &remove, mode, op.token(), &|done, total| {
        progress.send(done == total, || (done as f64, total as f64))
    })
    .await
}

/// The required tags declared for a connection (`bucket` null) or one of its buckets.
#[tauri::command]
#[specta::specta]
pub async fn required_tags(engine: Engine<'_>, connection_id: String, bucket: Option<String>) -> Result<Vec<RequiredTag>, Error> {
    engine.required_tags(&engine.connection(&connection_id).await?, bucket.as_deref())
}

#[tauri::command]
#[specta::specta]
pub async fn set_required_tags(
    engine: Engine<'_>,
    connection_id: String,
    bucket: Option<String>,
    required: Vec<RequiredTag>,
) -> Result<(), Error> {
    engine.set_required_tags(&engine.connection(&connection_id).await?, bucket.as_deref(), required)
}

#[tauri::command]
#[specta::specta]
pub async fn bucket_tags(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<Vec<Tag>, Error> {
    tags::get_bucket_tags(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket).await
}

/// Replaces a bucket's tags (an empty list removes them).
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_tags(engine: Engine<'_>, connection_id: String, bucket: String, tags: Vec<Tag>) -> Result<(), Error> {
    tags::put_bucket_tags(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &tags).await
}
