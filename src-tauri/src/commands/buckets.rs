//! Buckets: list, name check, regions, create, census and delete, unfinished multipart uploads.

use satchel_core::buckets::multipart::{self, AbortReport, MultipartUpload};
use satchel_core::buckets::EmptyPhase;
use satchel_core::{BucketSummary, Census, CreateReport, EmptyProgress, EmptyReport, Error, NewBucket};
use tauri::ipc::Channel;

use super::{Engine, Throttled};

#[tauri::command]
#[specta::specta]
pub async fn list_buckets(engine: Engine<'_>, connection_id: String) -> Result<Vec<BucketSummary>, Error> {
    engine.list_buckets(&connection_id).await
}

/// Checks a bucket name as the user types: the message names the broken rule.
#[tauri::command]
#[specta::specta]
pub async fn check_bucket_name(name: String) -> Result<(), Error> {
    satchel_core::buckets::validate_bucket_name(&name)
}

/// Amazon S3's regions for the pickers, as (code, place) pairs.
#[tauri::command]
#[specta::specta]
pub async fn list_regions() -> Result<Vec<(String, String)>, Error> {
    Ok(satchel_core::connect::regions::AWS_REGIONS.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect())
}

#[tauri::command]
#[specta::specta]
pub async fn create_bucket(engine: Engine<'_>, connection_id: String, spec: NewBucket) -> Result<CreateReport, Error> {
    engine.create_bucket(&engine.connection(&connection_id).await?, &spec).await
}

/// The dry run before deleting; cancellable through `cancel_operation(op_id)`.
#[tauri::command]
#[specta::specta]
pub async fn bucket_census(engine: Engine<'_>, connection_id: String, bucket: String, op_id: String) -> Result<Census, Error> {
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    let cancel = op.token();
    engine.census(&conn, &bucket, cancel).await
}

/// Empties and deletes a bucket, no more than the census the user confirmed, with progress through
/// `progress` at ~10 Hz.
#[tauri::command]
#[specta::specta]
pub async fn delete_bucket(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    confirmed: Census,
    op_id: String,
    progress: Channel<EmptyProgress>,
) -> Result<EmptyReport, Error> {
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    engine.delete_bucket(&conn, &bucket, &confirmed, op.token(), &|p| progress.send(p.phase == EmptyPhase::Done, || p.clone())).await
}

/// A bucket's unfinished multipart uploads from any client, with age and size.
#[tauri::command]
#[specta::specta]
pub async fn multipart_uploads(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<Vec<MultipartUpload>, Error> {
    multipart::list(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket).await
}

/// Aborts unfinished multipart uploads, given as (key, upload id).
#[tauri::command]
#[specta::specta]
pub async fn abort_multipart_uploads(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    uploads: Vec<(String, String)>,
) -> Result<AbortReport, Error> {
    Ok(multipart::abort(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &uploads).await)
}
