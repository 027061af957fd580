//! Versions of objects: versioning on or suspended, older versions and delete markers listed,
//! previewed, restored, undeleted and deleted for good.

use satchel_core::governance::versioning::VersioningView;
use satchel_core::objects::{self, Preview, UndeleteReport, VersionChange, VersionEntry, VersionPage};
use satchel_core::{Error, Via};
use tauri::ipc::Channel;

use super::{Engine, Throttled};

#[tauri::command]
#[specta::specta]
pub async fn bucket_versioning(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<VersioningView, Error> {
    engine.bucket_versioning(&engine.connection(&connection_id).await?, &bucket).await
}

/// Enables (`on`) or suspends versioning; recorded in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_versioning(engine: Engine<'_>, connection_id: String, bucket: String, on: bool) -> Result<VersioningView, Error> {
    engine.set_bucket_versioning(&engine.connection(&connection_id).await?, &bucket, on, Via::App).await
}

/// Every version and delete marker of a folder (or of everything below it), sent page by page
/// through `pages`; returns how many. Cancellable with `cancel_operation(op_id)`.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn list_versions(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    prefix: String,
    recursive: bool,
    op_id: String,
    pages: Channel<VersionPage>,
) -> Result<f64, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let n = objects::list_versions(&s3, &bucket, &prefix, recursive, op.token(), |p| {
        let _ = pages.send(p);
    })
    .await?;
    Ok(n as f64)
}

/// Every version and delete marker of one object, newest first.
#[tauri::command]
#[specta::specta]
pub async fn object_versions(engine: Engine<'_>, connection_id: String, bucket: String, key: String) -> Result<Vec<VersionEntry>, Error> {
    objects::key_versions(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key).await
}

#[tauri::command]
#[specta::specta]
pub async fn preview_version(engine: Engine<'_>, connection_id: String, bucket: String, key: String, version_id: String) -> Result<Preview, Error> {
    objects::preview_at(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key, Some(&version_id)).await
}

/// Makes an older version current again (a copy that keeps its metadata and tags).
#[tauri::command]
#[specta::specta]
pub async fn restore_version(engine: Engine<'_>, connection_id: String, bucket: String, key: String, version_id: String) -> Result<VersionChange, Error> {
    objects::restore_version(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key, &version_id).await
}

/// Deletes one version or delete marker for good (object lock decides).
#[tauri::command]
#[specta::specta]
pub async fn delete_version(engine: Engine<'_>, connection_id: String, bucket: String, key: String, version_id: String) -> Result<VersionChange, Error> {
    objects::delete_version(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key, &version_id).await
}

/// Brings back one deleted object (its delete marker removed).
#[tauri::command]
#[specta::specta]
pub async fn undelete_object(engine: Engine<'_>, connection_id: String, bucket: String, key: String) -> Result<VersionChange, Error> {
    objects::undelete(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key).await
}

/// The deleted objects below a folder: keys whose current version is a delete marker.
#[tauri::command]
#[specta::specta]
pub async fn deleted_objects(engine: Engine<'_>, connection_id: String, bucket: String, prefix: String, op_id: String) -> Result<Vec<VersionEntry>, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    objects::deleted_keys(&s3, &bucket, &prefix, op.token()).await
}

/// Undeletes the chosen keys among the deleted objects below `prefix` (read again from the
/// storage, so only what is still deleted is touched); `progress` gets the count done.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn undelete_objects(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    prefix: String,
    keys: Vec<String>,
    op_id: String,
    progress: Channel<f64>,
) -> Result<UndeleteReport, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let wanted: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
    let markers: Vec<VersionEntry> = objects::deleted_keys(&s3, &bucket, &prefix, op.token()).await?.into_iter().filter(|m| wanted.contains(m.key.as_str())).collect();
    let total = markers.len() as u64;
    let progress = Throttled::new(progress);
    Ok(objects::undelete_many(&s3, &bucket, &markers, op.token(), |n| progress.send(n == total, || n as f64)).await)
}

/// Saves one version of a file where the user picks (a native Save dialog, named after the file);
/// the path saved to, `None` when the dialog was closed. Cancellable with `cancel_operation(op_id)`.
#[tauri::command]
#[specta::specta]
pub async fn download_version(window: tauri::WebviewWindow, engine: Engine<'_>, connection_id: String, bucket: String, key: String, version_id: String, op_id: String) -> Result<Option<String>, Error> {
    let name = key.rsplit('/').next().unwrap_or(&key).to_string();
    let Some(path) = super::in_dialog(&window, "Save this version as…", move |d| d.set_file_name(name).save_file()).await? else {
        return Ok(None);
    };
    let op = engine.operation(&op_id);
    engine.download_version(&engine.connection(&connection_id).await?, &bucket, &key, &version_id, &path, op.token(), &|_| {}).await?;
    Ok(Some(path.display().to_string()))
}
