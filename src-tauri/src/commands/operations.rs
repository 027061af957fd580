//! Long operations the window started, by the id it gave them: cancel or pause.

use satchel_core::Error;

use super::Engine;

/// Asks a running operation to stop; false if it already ended.
#[tauri::command]
#[specta::specta]
pub async fn cancel_operation(engine: Engine<'_>, op_id: String) -> Result<bool, Error> {
    Ok(engine.cancel_operation(&op_id))
}

/// Pauses a running upload; it ends with a report whose `next_plan` resumes it.
#[tauri::command]
#[specta::specta]
pub fn pause_operation(engine: Engine<'_>, op_id: String) -> bool {
    engine.pause_operation(&op_id)
}
