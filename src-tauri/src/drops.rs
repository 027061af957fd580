//! Files dropped on the window from the OS. The paths stay in Rust: they are held by the engine and
//! the window is told only an id and a few names, which it turns into an upload plan.

use satchel_core::transfer::HeldSources;
use satchel_core::Satchel;
use serde::{Deserialize, Serialize};
use tauri::{DragDropEvent, Manager, Window, WindowEvent};
use tauri_specta::Event;

/// Files are being dragged over the window (`true`) or left it (`false`): the drop overlay.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct DropHover {
    pub active: bool,
}

/// Files were dropped and are held for an upload; `x`, `y` is where, in the page's CSS pixels, so
/// the window can send them to the folder row or the sidebar bucket they were dropped on.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct FilesDropped {
    pub held: HeldSources,
    pub x: f64,
    pub y: f64,
}

pub fn on_window_event(window: &Window, event: &WindowEvent) {
    let WindowEvent::DragDrop(drag) = event else { return };
    let app = window.app_handle();
    let engine = app.state::<Satchel>();
    let sent = match drag {
        // Our own drag out, passing over the window (or let go on it): not files to upload.
        DragDropEvent::Enter { paths, .. } | DragDropEvent::Drop { paths, .. } if engine.is_drag_out(paths) => return,
        DragDropEvent::Enter { .. } => DropHover { active: true }.emit(app),
        DragDropEvent::Leave => DropHover { active: false }.emit(app),
        DragDropEvent::Drop { paths, position } => {
            let _ = DropHover { active: false }.emit(app);
            if paths.is_empty() {
                return;
            }
            let held = engine.hold_sources(paths.clone());
            let at = position.to_logical::<f64>(window.scale_factor().unwrap_or(1.0));
            FilesDropped { held, x: at.x, y: at.y }.emit(app)
        }
        _ => return,
    };
    if let Err(e) = sent {
        tracing::warn!(error = %e, "couldn't tell the window about a drop");
    }
}
