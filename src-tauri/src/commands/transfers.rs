//! Transfers: downloads, and uploads from held files through a plan to a report; interrupted
//! uploads resumed or discarded.

use satchel_core::tags::Tag;
use satchel_core::transfer::{
    ConflictChoice, DownloadReport, HeldSources, IfExists, TransferProgress, UnfinishedUpload, UploadReport,
    UploadSummary,
};
use satchel_core::{DownloadSummary, DragLimits, Error, UploadWrite};
use tauri::ipc::Channel;

use super::{in_dialog, Engine, Throttled};

/// Asks for a folder with the native dialog, opened in the user's Downloads folder (paths are
/// chosen here, never by the window), then plans the download of the selection into it: what is
/// refused, which names are already taken. `None` when the user closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn plan_download(
    window: tauri::WebviewWindow,
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    selection: Vec<String>,
    op_id: String,
) -> Result<Option<DownloadSummary>, Error> {
    let start = tauri::Manager::path(&window).download_dir().ok().filter(|d| d.is_dir());
    let pick = move |d: rfd::FileDialog| match start {
        Some(dir) => d.set_directory(dir).pick_folder(),
        None => d.pick_folder(),
    };
    let Some(dest) = in_dialog(&window, "Download to…", pick).await? else { return Ok(None) };
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    engine.plan_download(&conn, &bucket, &selection, &dest, op.token()).await.map(Some)
}

/// Runs a planned download with the user's one choice for files already there.
#[tauri::command]
#[specta::specta]
pub async fn start_download(
    engine: Engine<'_>,
    plan_id: String,
    if_exists: IfExists,
    op_id: String,
    progress: Channel<TransferProgress>,
) -> Result<DownloadReport, Error> {
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    engine
        .start_download(&plan_id, if_exists, op.control(), &|p| {
            progress.send(p.is_last(), || p.clone())
        })
        .await
}

/// Forgets a planned download the user closed.
#[tauri::command]
#[specta::specta]
pub fn discard_download(engine: Engine<'_>, plan_id: String) -> Result<(), Error> {
    engine.discard_download(&plan_id);
    Ok(())
}

/// Where a drag out of the window got to.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct DragOut {
    /// The native drag is under way; `false`: the button was let go while the files were copied,
    /// and they wait for the same drag again.
    pub started: bool,
    #[specta(type = f64)]
    pub files: u64,
    #[specta(type = f64)]
    pub bytes: u64,
}

/// Copies the selection out (small enough for a drag: larger ones are refused with a pointer to
/// Download…) and starts the native drag of those files to the desktop or a file manager.
#[tauri::command]
#[specta::specta]
pub async fn drag_out(
    window: tauri::WebviewWindow,
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    selection: Vec<String>,
    op_id: String,
    progress: Channel<TransferProgress>,
) -> Result<DragOut, Error> {
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    let stage = engine
        .stage_drag(&conn, &bucket, &selection, DragLimits::DEFAULT, op.token(), &|p| progress.send(p.is_last(), || p.clone()))
        .await?;
    let started = crate::dragging::start(&window, stage.paths).await?;
    Ok(DragOut { started, files: stage.files, bytes: stage.bytes })
}

/// Asks for files (or a folder) with the native dialog and holds them for an upload. `None` when
/// the dialog was closed. Paths stay in Rust; the window gets an id and names.
#[tauri::command]
#[specta::specta]
pub async fn pick_upload_sources(window: tauri::WebviewWindow, engine: Engine<'_>, folder: bool) -> Result<Option<HeldSources>, Error> {
    let picked = pick_sources(&window, folder).await?;
    Ok((!picked.is_empty()).then(|| engine.hold_sources(picked)))
}

/// Asks for the folder to sync with the native dialog and holds it; `None` when it was closed.
#[tauri::command]
#[specta::specta]
pub async fn pick_sync_folder(window: tauri::WebviewWindow, engine: Engine<'_>) -> Result<Option<HeldSources>, Error> {
    let picked = in_dialog(&window, "Sync a folder into this one", |d| d.pick_folder()).await?;
    Ok(picked.map(|folder| engine.hold_sources(vec![folder])))
}

/// The upload summary for held files going under `prefix`: counts, conflicts, required tags;
/// links to files inside folders are followed only with `follow_links`.
#[tauri::command]
#[specta::specta]
pub async fn plan_upload(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    prefix: String,
    sources_id: String,
    follow_links: bool,
    op_id: String,
) -> Result<UploadSummary, Error> {
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    engine.plan_upload(&conn, &bucket, &prefix, &sources_id, follow_links, op.token()).await
}

/// Plans "Sync a folder here": the held folder's contents against `prefix` (new, changed,
/// unchanged, and what the folder lacks).
#[tauri::command]
#[specta::specta]
pub async fn plan_sync(engine: Engine<'_>, connection_id: String, bucket: String, prefix: String, sources_id: String, op_id: String) -> Result<UploadSummary, Error> {
    let conn = engine.connection(&connection_id).await?;
    let op = engine.operation(&op_id);
    engine.plan_sync(&conn, &bucket, &prefix, &sources_id, op.token()).await
}

/// Starts a planned upload with tags on every object; progress (bytes, files, files in flight,
/// retries) comes through `progress` at ~10 Hz. A sync's plan with `remove_missing` removes the
/// objects its folder lacks once everything else is there. `write`: the storage class and
/// encryption of what is sent (nulls: the bucket's defaults).
#[tauri::command]
#[specta::specta]
pub async fn start_upload(
    engine: Engine<'_>,
    plan_id: String,
    tags: Vec<Tag>,
    conflicts: ConflictChoice,
    remove_missing: bool,
    write: UploadWrite,
    op_id: String,
    progress: Channel<TransferProgress>,
) -> Result<UploadReport, Error> {
    let op = engine.operation(&op_id);
    let progress = Throttled::new(progress);
    engine
        .start_upload_with(&plan_id, tags, conflicts, remove_missing, &write, op.control(), &|p| {
            progress.send(p.is_last(), || p.clone())
        })
        .await
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

/// Forgets held files or a plan the user closed. With `abort`, a paused or failed batch's plan is
/// cancelled: its multipart uploads are aborted; without, they stay under interrupted uploads.
#[tauri::command]
#[specta::specta]
pub async fn discard_upload(engine: Engine<'_>, id: String, abort: bool) -> Result<(), Error> {
    engine.discard_upload(&id, abort).await;
    Ok(())
}

async fn pick_sources(window: &tauri::WebviewWindow, folder: bool) -> Result<Vec<std::path::PathBuf>, Error> {
    if folder {
        Ok(in_dialog(window, "Upload a folder", |d| d.pick_folder()).await?.into_iter().collect())
    } else {
        Ok(in_dialog(window, "Upload files", |d| d.pick_files()).await?.unwrap_or_default())
    }
}
