//! The IPC surface: each command is one line of intent over the engine. Errors cross as the engine's
//! `{code, message, detail}`; no command ever returns a secret.

use satchel_core::{BucketSummary, Connection, ConnectionDraft, Error, SandboxInfo, Satchel, Startup, TestReport};
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
