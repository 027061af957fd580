//! Share links: sign, history, reissue, QR codes.

use satchel_core::share::{IssuedLink, ShareLink, ShareRequest};
use satchel_core::Error;

use super::Engine;

/// Signs a download or upload link for an object and remembers its settings (not the URL).
#[tauri::command]
#[specta::specta]
pub async fn share_link(engine: Engine<'_>, connection_id: String, request: ShareRequest) -> Result<ShareLink, Error> {
    engine.share_link(&connection_id, &request).await
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
    engine.reissue_link(&id).await
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
