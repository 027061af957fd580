//! Objects in a bucket: listing, properties, delete, folders, rename, copy/move, preview, metadata.

use satchel_core::objects::{self, CopyReport, DeleteReport, ListingColumns, MetadataEdit, ObjectProperties, Preview};
use satchel_core::transfer::TransferProgress;
use satchel_core::{BucketOf, Error};
use tauri::ipc::Channel;

use super::{Engine, Throttled};

/// Lists a folder (or everything below it when `recursive`), sending each page through `pages` as it
/// arrives; returns the number of objects. Cancellable with `cancel_operation(op_id)`.
#[tauri::command]
#[specta::specta]
pub async fn list_objects(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    prefix: String,
    recursive: bool,
    op_id: String,
    pages: Channel<ListingColumns>,
) -> Result<f64, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let cancel = op.token();
    let count = objects::list_all(&s3, &bucket, &prefix, recursive, cancel, |p| {
        let _ = pages.send(p.into());
    })
    .await?;
    Ok(count as f64)
}

#[tauri::command]
#[specta::specta]
pub async fn object_properties(engine: Engine<'_>, connection_id: String, bucket: String, key: String) -> Result<ObjectProperties, Error> {
    objects::properties(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key).await
}

/// Deletes the selected keys and folders (everything below a `prefix/`), in batches.
#[tauri::command]
#[specta::specta]
pub async fn delete_objects(engine: Engine<'_>, connection_id: String, bucket: String, selection: Vec<String>, op_id: String) -> Result<DeleteReport, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let cancel = op.token();
    async { objects::delete_keys(&s3, &bucket, &objects::expand(&s3, &bucket, &selection, cancel).await?).await }.await
}

/// Counts what deleting the selection would remove (for the confirmation).
#[tauri::command]
#[specta::specta]
pub async fn count_selection(engine: Engine<'_>, connection_id: String, bucket: String, selection: Vec<String>, op_id: String) -> Result<f64, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let cancel = op.token();
    objects::expand(&s3, &bucket, &selection, cancel).await.map(|k| k.len() as f64)
}

#[tauri::command]
#[specta::specta]
pub async fn create_folder(engine: Engine<'_>, connection_id: String, bucket: String, parent: String, name: String) -> Result<String, Error> {
    objects::create_folder(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &parent, &name).await
}

/// Renames a key or folder in place (server-side copy, then delete).
#[tauri::command]
#[specta::specta]
pub async fn rename_item(engine: Engine<'_>, connection_id: String, bucket: String, item: String, new_name: String, op_id: String) -> Result<CopyReport, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let cancel = op.token();
    objects::rename(&s3, &bucket, &item, &new_name, cancel).await
}

/// Copies (or moves) a selection into a folder of a bucket of the same connection: the storage
/// copies, each bucket read and written in its own region.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn copy_items(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    selection: Vec<String>,
    dest_bucket: String,
    dest_prefix: String,
    move_items: bool,
    op_id: String,
) -> Result<CopyReport, Error> {
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    let (from, to) = (BucketOf { connection: &conn, bucket: &bucket }, BucketOf { connection: &conn, bucket: &dest_bucket });
    engine.copy_items(from, &selection, to, &dest_prefix, move_items, op.token(), &|_| {}).await
}

/// Copies (or moves) a selection into a bucket of another connection (another storage, or other
/// keys), the bytes through Satchel, with progress for the transfers panel.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn copy_to_connection(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    selection: Vec<String>,
    dest_connection_id: String,
    dest_bucket: String,
    dest_prefix: String,
    move_items: bool,
    op_id: String,
    progress: Channel<TransferProgress>,
) -> Result<CopyReport, Error> {
    let (src, dst) = (engine.connection(&connection_id).await?, engine.connection(&dest_connection_id).await?);
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    let (from, to) = (BucketOf { connection: &src, bucket: &bucket }, BucketOf { connection: &dst, bucket: &dest_bucket });
    engine
        .copy_items(from, &selection, to, &dest_prefix, move_items, op.token(), &|p| {
            progress.send(p.files_done + p.files_failed == p.files_total, || p.clone())
        })
        .await
}

/// A bounded preview of a small text, JSON, CSV or image object.
#[tauri::command]
#[specta::specta]
pub async fn preview_object(engine: Engine<'_>, connection_id: String, bucket: String, key: String) -> Result<Preview, Error> {
    objects::preview(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key).await
}

/// Rewrites an object's headers, user metadata or storage class in place (keeps tags and encryption).
#[tauri::command]
#[specta::specta]
pub async fn edit_metadata(engine: Engine<'_>, connection_id: String, bucket: String, key: String, edit: MetadataEdit) -> Result<(), Error> {
    objects::edit_metadata(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key, &edit).await
}

/// Whether an object is archived, being restored, or readable until when.
#[tauri::command]
#[specta::specta]
pub async fn archive_status(engine: Engine<'_>, connection_id: String, bucket: String, key: String) -> Result<objects::archive::ArchiveStatus, Error> {
    objects::archive::status(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key).await
}

/// Asks for a restored copy (kept `days` days) of every archived object in the selection (keys,
/// and folders as `prefix/`); `progress` gets how many were handled.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn restore_from_archive(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    selection: Vec<String>,
    days: u32,
    tier: objects::archive::RestoreTier,
    op_id: String,
    progress: Channel<f64>,
) -> Result<objects::archive::RestoreReport, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    objects::archive::request_many(&s3, &bucket, &selection, days, tier, op.token(), |n| progress.send(false, || n as f64)).await
}
