//! The IPC surface: each command is one line of intent over the engine. Errors cross as the engine's
//! `{code, message, detail}`; no command ever returns a secret.

use satchel_core::bucket_empty::EmptyPhase;
use satchel_core::bucket_overview::BucketOverview;
use satchel_core::objects::{self, CopyReport, DeleteReport, ListingPage, MetadataEdit, ObjectProperties, Preview};
use satchel_core::download::{self, DownloadProgress, DownloadReport};
use satchel_core::rules::Tag;
use satchel_core::share::{IssuedLink, ShareLink, ShareRequest};
use satchel_core::tagging::{self, BulkTagReport, TagMode};
use satchel_core::staging::HeldSources;
use satchel_core::journal::UnfinishedUpload;
use satchel_core::multipart::{self, AbortReport, MultipartUpload};
use satchel_core::upload::{TransferProgress, UploadReport};
use satchel_core::upload_rules::RequiredTag;
use satchel_core::upload_summary::{ConflictChoice, UploadSummary};
use satchel_core::throttle::Throttle;
use satchel_core::{
    BucketSummary, Census, Connection, ConnectionDraft, CreateReport, EmptyProgress, EmptyReport, Error, NewBucket,
    SandboxInfo, Satchel, Startup, TestReport,
};
use tauri::ipc::Channel;
use tauri::State;

type Engine<'a> = State<'a, Satchel>;

/// What the window opens on; adds the sandbox or an AWS connection on first run.
#[tauri::command]
#[specta::specta]
pub async fn startup(engine: Engine<'_>) -> Result<Startup, Error> {
    engine.startup().await
}

#[tauri::command]
#[specta::specta]
pub async fn list_connections(engine: Engine<'_>) -> Result<Vec<Connection>, Error> {
    Ok(engine.connections().await)
}

/// Adds or edits a connection; a typed secret goes straight to the OS keychain.
#[tauri::command]
#[specta::specta]
pub async fn save_connection(engine: Engine<'_>, draft: ConnectionDraft) -> Result<Connection, Error> {
    engine.save(draft).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_connection(engine: Engine<'_>, id: String) -> Result<(), Error> {
    engine.remove(&id).await
}

#[tauri::command]
#[specta::specta]
pub async fn test_connection(engine: Engine<'_>, id: String) -> Result<TestReport, Error> {
    engine.test(&id).await
}

/// Tests what is in the connection form before it is saved.
#[tauri::command]
#[specta::specta]
pub async fn test_draft(engine: Engine<'_>, draft: ConnectionDraft) -> Result<TestReport, Error> {
    engine.test_draft(draft).await
}

/// Remembers the connection the user is looking at, to reopen on it.
#[tauri::command]
#[specta::specta]
pub async fn select_connection(engine: Engine<'_>, id: String) -> Result<(), Error> {
    engine.set_last_used(&id).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_buckets(engine: Engine<'_>, connection_id: String) -> Result<Vec<BucketSummary>, Error> {
    engine.list_buckets(&connection_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_aws_profiles() -> Result<Vec<String>, Error> {
    Ok(satchel_core::profiles::list_profiles())
}

/// The sandbox's endpoint and access key id (never its secret), when it runs.
#[tauri::command]
#[specta::specta]
pub async fn sandbox_info(engine: Engine<'_>) -> Result<Option<SandboxInfo>, Error> {
    Ok(engine.running_sandbox().await)
}

/// Checks a bucket name as the user types: the message names the broken rule.
#[tauri::command]
#[specta::specta]
pub async fn check_bucket_name(name: String) -> Result<(), Error> {
    satchel_core::rules::validate_bucket_name(&name)
}

/// Amazon S3's regions for the pickers, as (code, place) pairs.
#[tauri::command]
#[specta::specta]
pub async fn list_regions() -> Result<Vec<(String, String)>, Error> {
    Ok(satchel_core::regions::AWS_REGIONS.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect())
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

/// Empties and deletes a bucket, with progress through `progress` at ~10 Hz.
#[tauri::command]
#[specta::specta]
pub async fn delete_bucket(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    op_id: String,
    progress: Channel<EmptyProgress>,
) -> Result<EmptyReport, Error> {
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    engine.delete_bucket(&conn, &bucket, op.token(), &|p| progress.send(p.phase == EmptyPhase::Done, || p.clone())).await
}

/// Asks a running operation to stop; false if it already ended.
#[tauri::command]
#[specta::specta]
pub async fn cancel_operation(engine: Engine<'_>, op_id: String) -> Result<bool, Error> {
    Ok(engine.cancel_operation(&op_id))
}

/// A bucket's region and settings (versioning, object lock, public access, encryption).
#[tauri::command]
#[specta::specta]
pub async fn bucket_overview(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<BucketOverview, Error> {
    engine.bucket_overview(&engine.connection(&connection_id).await?, &bucket).await
}

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
    pages: Channel<ListingPage>,
) -> Result<f64, Error> {
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let cancel = op.token();
    let count = objects::list_all(&s3, &bucket, &prefix, recursive, cancel, |p| {
        let _ = pages.send(p);
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

/// Copies (or moves) a selection into a folder of a bucket of the same connection.
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
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let cancel = op.token();
    objects::transfer_within(&s3, &bucket, &selection, &dest_bucket, &dest_prefix, move_items, cancel).await
}

/// A bounded preview of a small text, JSON, CSV or image object.
#[tauri::command]
#[specta::specta]
pub async fn preview_object(engine: Engine<'_>, connection_id: String, bucket: String, key: String) -> Result<Preview, Error> {
    objects::preview(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key).await
}

/// Signs a download or upload link for an object and remembers its settings (not the URL).
#[tauri::command]
#[specta::specta]
pub async fn share_link(engine: Engine<'_>, connection_id: String, request: ShareRequest) -> Result<ShareLink, Error> {
    let link = engine.share(&engine.connection(&connection_id).await?, &request).await?;
    engine.link_history().record(&connection_id, &request, &link)?;
    Ok(link)
}

/// Issued links, newest first: what, when, until when; never the URL itself.
#[tauri::command]
#[specta::specta]
pub async fn link_history(engine: Engine<'_>) -> Result<Vec<IssuedLink>, Error> {
    Ok(engine.link_history().list())
}

/// Signs a fresh link with the settings of a remembered one.
#[tauri::command]
#[specta::specta]
pub async fn reissue_link(engine: Engine<'_>, id: String) -> Result<ShareLink, Error> {
    let old = engine.link_history().get(&id)?;
    let link = engine.share(&engine.connection(&old.connection_id).await?, &old.request).await?;
    engine.link_history().record(&old.connection_id, &old.request, &link)?;
    Ok(link)
}

#[tauri::command]
#[specta::specta]
pub async fn forget_link(engine: Engine<'_>, id: String) -> Result<(), Error> {
    engine.link_history().forget(&id)
}

/// A QR code of a link as SVG text (shown as a data: image).
#[tauri::command]
#[specta::specta]
pub async fn qr_code(text: String) -> Result<String, Error> {
    satchel_core::share::qr_svg(&text)
}

/// Asks for a folder with the native dialog (paths are chosen here, never by the window), then
/// downloads the selection into it. `None` when the user closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn download_items(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    selection: Vec<String>,
    op_id: String,
    progress: Channel<DownloadProgress>,
) -> Result<Option<DownloadReport>, Error> {
    let Some(dest) = in_dialog("Download to…", |d| d.pick_folder()).await? else { return Ok(None) };
    let s3 = engine.bucket_client_of(&connection_id, &bucket).await?;
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    download::download(&s3, &bucket, &selection, &dest, op.token(), &|p| progress.send(p.files_done == p.files_total, || p.clone()))
        .await
        .map(Some)
}

/// A native file dialog. It blocks until answered, so it runs off the async workers (on the main
/// thread it showed nothing).
async fn in_dialog<T: Send + 'static>(title: &'static str, pick: impl FnOnce(rfd::FileDialog) -> T + Send + 'static) -> Result<T, Error> {
    tokio::task::spawn_blocking(move || pick(rfd::FileDialog::new().set_title(title)))
        .await
        .map_err(|e| Error::internal(format!("the file dialog failed: {e}")))
}

/// Progress for a channel, at most ~10 updates a second; the last one always goes.
struct Throttled<T: tauri::ipc::IpcResponse> {
    channel: Channel<T>,
    gate: Throttle,
}

impl<T: tauri::ipc::IpcResponse> Throttled<T> {
    fn new(channel: Channel<T>) -> Self {
        Throttled { channel, gate: Throttle::ui() }
    }

    /// `make` runs only for updates that are sent.
    fn send(&self, last: bool, make: impl FnOnce() -> T) {
        if self.gate.admit(last) {
            let _ = self.channel.send(make());
        }
    }
}

/// An object's tags; `unsupported` where the storage has no tagging.
#[tauri::command]
#[specta::specta]
pub async fn object_tags(engine: Engine<'_>, connection_id: String, bucket: String, key: String) -> Result<Vec<Tag>, Error> {
    tagging::get_tags(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key).await
}

/// Sets one object's tags exactly (the properties panel edits the whole set); rules are checked first.
#[tauri::command]
#[specta::specta]
pub async fn set_object_tags(engine: Engine<'_>, connection_id: String, bucket: String, key: String, tags: Vec<Tag>) -> Result<(), Error> {
    tagging::put_tags(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key, &tags).await
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
    tagging::bulk_change(&s3, &bucket, &selection, &tags, &remove, mode, op.token(), &|done, total| {
        progress.send(done == total, || (done as f64, total as f64))
    })
    .await
}

/// Rewrites an object's headers, user metadata or storage class in place (keeps tags and encryption).
#[tauri::command]
#[specta::specta]
pub async fn edit_metadata(engine: Engine<'_>, connection_id: String, bucket: String, key: String, edit: MetadataEdit) -> Result<(), Error> {
    objects::edit_metadata(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &key, &edit).await
}

/// Asks for files (or a folder) with the native dialog and holds them for an upload. `None` when
/// the dialog was closed. Paths stay in Rust; the window gets an id and names.
#[tauri::command]
#[specta::specta]
pub async fn pick_upload_sources(engine: Engine<'_>, folder: bool) -> Result<Option<HeldSources>, Error> {
    let picked = pick_sources(folder).await?;
    Ok((!picked.is_empty()).then(|| engine.hold_sources(picked)))
}

/// The upload summary for held files going under `prefix`: counts, conflicts, required tags.
#[tauri::command]
#[specta::specta]
pub async fn plan_upload(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    prefix: String,
    sources_id: String,
    op_id: String,
) -> Result<UploadSummary, Error> {
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    engine.plan_upload(&conn, &bucket, &prefix, &sources_id, op.token()).await
}

/// Starts a planned upload with tags on every object; progress (bytes, files, files in flight,
/// retries) comes through `progress` at ~10 Hz.
#[tauri::command]
#[specta::specta]
pub async fn start_upload(
    engine: Engine<'_>,
    plan_id: String,
    tags: Vec<Tag>,
    conflicts: ConflictChoice,
    op_id: String,
    progress: Channel<TransferProgress>,
) -> Result<UploadReport, Error> {
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    engine
        .start_upload(&plan_id, tags, conflicts, op.control(), &|p| {
            progress.send(p.bytes_done == p.bytes_total && p.files_done + p.files_failed == p.files_total, || p.clone())
        })
        .await
}

/// Pauses a running upload; it ends with a report whose `next_plan` resumes it.
#[tauri::command]
#[specta::specta]
pub fn pause_operation(engine: Engine<'_>, op_id: String) -> bool {
    engine.pause_operation(&op_id)
}

/// Uploads a crash, a kill or a pause left unfinished (from the journal).
#[tauri::command]
#[specta::specta]
pub fn unfinished_uploads(engine: Engine<'_>) -> Result<Vec<UnfinishedUpload>, Error> {
    engine.unfinished_uploads()
}

/// A plan resuming the journalled uploads into one bucket.
#[tauri::command]
#[specta::specta]
pub async fn plan_unfinished(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<UploadSummary, Error> {
    engine.plan_unfinished(&engine.connection(&connection_id).await?, &bucket).await
}

/// Gives up journalled uploads, aborting them on the storage.
#[tauri::command]
#[specta::specta]
pub async fn discard_unfinished(engine: Engine<'_>, ids: Vec<f64>) -> Result<(), Error> {
    engine.discard_unfinished(&ids.into_iter().map(|i| i as i64).collect::<Vec<_>>()).await
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

/// Forgets held files or a plan the user closed. With `abort`, a paused or failed batch's plan is
/// cancelled: its multipart uploads are aborted; without, they stay under interrupted uploads.
#[tauri::command]
#[specta::specta]
pub async fn discard_upload(engine: Engine<'_>, id: String, abort: bool) -> Result<(), Error> {
    engine.discard_upload(&id, abort).await;
    Ok(())
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
    tagging::get_bucket_tags(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket).await
}

/// Replaces a bucket's tags (an empty list removes them).
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_tags(engine: Engine<'_>, connection_id: String, bucket: String, tags: Vec<Tag>) -> Result<(), Error> {
    tagging::put_bucket_tags(&engine.bucket_client_of(&connection_id, &bucket).await?, &bucket, &tags).await
}

async fn pick_sources(folder: bool) -> Result<Vec<std::path::PathBuf>, Error> {
    if folder {
        Ok(in_dialog("Upload a folder", |d| d.pick_folder()).await?.into_iter().collect())
    } else {
        Ok(in_dialog("Upload files", |d| d.pick_files()).await?.unwrap_or_default())
    }
}
