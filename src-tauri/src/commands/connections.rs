//! Connections: the list, the form's save and test, AWS profiles, the sandbox's public facts.

use satchel_core::{Connection, ConnectionDraft, CustomerKeyInfo, Error, Identity, NewKey, SandboxInfo, SecretKey, Startup, TestReport};

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

/// The connection's customer keys (SSE-C): names and fingerprints, never the keys.
#[tauri::command]
#[specta::specta]
pub async fn customer_keys(engine: Engine<'_>, connection_id: String) -> Result<Vec<CustomerKeyInfo>, Error> {
    engine.customer_keys(&engine.connection(&connection_id).await?).list()
}

/// Saves a customer key in the keychain: `pasted` (base64) when the user has one, else a new
/// random key. The key never comes back to the window.
#[tauri::command]
#[specta::specta]
pub async fn add_customer_key(engine: Engine<'_>, connection_id: String, name: String, pasted: Option<String>) -> Result<CustomerKeyInfo, Error> {
    let source = pasted.map_or(NewKey::Generate, |p| NewKey::Base64(SecretKey::new(p)));
    engine.add_customer_key(&engine.connection(&connection_id).await?, &name, source).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_customer_key(engine: Engine<'_>, connection_id: String, name: String) -> Result<(), Error> {
    engine.customer_keys(&engine.connection(&connection_id).await?).remove(&name).await
}

/// Saves a customer key to a file the user picks, to keep somewhere safe; the file's path when
/// saved, `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_customer_key(window: tauri::WebviewWindow, engine: Engine<'_>, connection_id: String, name: String) -> Result<Option<String>, Error> {
    let file = format!("satchel-key-{name}.txt");
    let Some(path) = super::in_dialog(&window, "Save a copy of the customer key", move |d| d.set_file_name(file).save_file()).await? else {
        return Ok(None);
    };
    engine.export_customer_key(&engine.connection(&connection_id).await?, &name, &path).await?;
    Ok(Some(path.display().to_string()))
}
