//! Drags out of the window, to the desktop or a file manager: the native drag of files the engine
//! staged, started from Rust (the window never names a path). The `drag` crate does the platform
//! work. On Linux two things are added around it: the drag starts only while the button is still
//! held (the copy may have outlasted the gesture; a drag begun after the release would follow the
//! pointer until the next click), and the URIs handed to the drop target are escaped (the crate
//! writes `file://` and the raw path, which a name with `%`, `#` or a space turns into another
//! file or none).

use std::path::PathBuf;

use satchel_core::Error;

/// What the pointer carries while dragging.
const ICON: &[u8] = include_bytes!("../../icons/32x32.png");

/// Starts the native drag of `paths` if the button is still down; `false` when it was let go while
/// the files were being copied, so the window can ask for the drag again.
pub async fn start(window: &tauri::WebviewWindow, paths: Vec<PathBuf>) -> Result<bool, Error> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let target = window.clone();
    window
        .run_on_main_thread(move || {
            let _ = tx.send(begin(&target, paths));
        })
        .map_err(|e| Error::internal(format!("couldn't reach the window to start the drag: {e}")))?;
    rx.await.map_err(|_| Error::internal("the window closed before the drag started"))?
}

fn ended(result: drag::DragResult, _at: drag::CursorPosition) {
    tracing::debug!(?result, "drag out ended");
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::internal(format!("couldn't start the drag: {e}"))
}

#[cfg(target_os = "linux")]
fn begin(window: &tauri::WebviewWindow, paths: Vec<PathBuf>) -> Result<bool, Error> {
    let gtk_window = window.gtk_window().map_err(failed)?;
    if !button_held(&gtk_window) {
        return Ok(false);
    }
    let uris: Vec<String> = paths.iter().filter_map(|p| gtk::glib::filename_to_uri(p, None).ok().map(Into::into)).collect();
    drag::start_drag(&gtk_window, drag::DragItem::Files(paths), drag::Image::Raw(ICON.to_vec()), ended, drag::Options::default()).map_err(failed)?;
    hand_over_escaped(&gtk_window, uris);
    Ok(true)
}

#[cfg(not(target_os = "linux"))]
fn begin(window: &tauri::WebviewWindow, paths: Vec<PathBuf>) -> Result<bool, Error> {
    drag::start_drag(window, drag::DragItem::Files(paths), drag::Image::Raw(ICON.to_vec()), ended, drag::Options::default()).map_err(failed)?;
    Ok(true)
}

/// Whether the primary button is down over the display right now.
#[cfg(target_os = "linux")]
fn button_held(window: &gtk::ApplicationWindow) -> bool {
    use gtk::prelude::*;
    let Some(surface) = window.window() else { return false };
    let Some(pointer) = surface.display().default_seat().and_then(|seat| seat.pointer()) else { return false };
    let (_, _, _, mask) = surface.device_position(&pointer);
    mask.contains(gtk::gdk::ModifierType::BUTTON1_MASK)
}

/// Answers the drop target's request for data after the crate's own handler, with escaped URIs;
/// both this and its clean-up go when the drag ends.
#[cfg(target_os = "linux")]
fn hand_over_escaped(window: &gtk::ApplicationWindow, uris: Vec<String>) {
    use gtk::glib::SignalHandlerId;
    use gtk::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    let data = window.connect_drag_data_get(move |_, _, selection, _, _| {
        let uris: Vec<&str> = uris.iter().map(String::as_str).collect();
        selection.set_uris(&uris);
    });
    let ours: Rc<RefCell<Vec<SignalHandlerId>>> = Rc::new(RefCell::new(vec![data]));
    let end = window.connect_drag_end({
        let ours = ours.clone();
        move |w, _| {
            for id in ours.borrow_mut().drain(..) {
                w.disconnect(id);
            }
        }
    });
    ours.borrow_mut().push(end);
}
