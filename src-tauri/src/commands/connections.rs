//! Connections: the list, the form's save and test, AWS profiles, the sandbox's public facts.

use satchel_core::{Connection, ConnectionDraft, Error, Identity, SandboxInfo, Startup, TestReport};

use super::Engine;

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
pub async fn list_aws_profiles() -> Result<Vec<String>, Error> {
    Ok(satchel_core::connect::profiles::list_profiles())
}

/// The sandbox's endpoint and access key id (never its secret), when it runs.
#[tauri::command]
#[specta::specta]
pub async fn sandbox_info(engine: Engine<'_>) -> Result<Option<SandboxInfo>, Error> {
    Ok(engine.running_sandbox().await)
}

/// Who the connection's keys belong to (account, user or role), when the storage can say.
#[tauri::command]
#[specta::specta]
pub async fn connection_identity(engine: Engine<'_>, id: String) -> Result<Option<Identity>, Error> {
    engine.identity(&id).await
}
