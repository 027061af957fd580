//! The IPC surface, by domain (the same folders as satchel-core and ui/src/lib): each command is one
//! line of intent over the engine. Errors cross as the engine's `{code, message, detail}`; no
//! command ever returns a secret.

pub mod buckets;
pub mod connections;
pub mod governance;
pub mod objects;
pub mod operations;
pub mod protection;
pub mod share;
pub mod tags;
pub mod transfers;
pub mod versions;

use satchel_core::throttle::Throttle;
use satchel_core::{Error, Satchel};
use tauri::ipc::Channel;
use tauri::State;

pub(crate) type Engine<'a> = State<'a, Satchel>;

/// A native file dialog, modal to the window on Windows and macOS (a sheet there); rfd's GTK backend
/// takes no parent. It blocks until answered, so it runs off the async workers (on the main thread
/// it showed nothing on Linux; on macOS rfd hands the panel to the main thread itself).
pub(crate) async fn in_dialog<T: Send + 'static>(
    window: &tauri::WebviewWindow,
    title: &'static str,
    pick: impl FnOnce(rfd::FileDialog) -> T + Send + 'static,
) -> Result<T, Error> {
    let dialog = rfd::FileDialog::new().set_title(title).set_parent(window);
    tokio::task::spawn_blocking(move || pick(dialog))
        .await
        .map_err(|e| Error::internal(format!("the file dialog failed: {e}")))
}

/// Progress for a channel, at most ~10 updates a second; the last one always goes.
pub(crate) struct Throttled<T: tauri::ipc::IpcResponse> {
    channel: Channel<T>,
    gate: Throttle,
}

impl<T: tauri::ipc::IpcResponse> Throttled<T> {
    pub(crate) fn new(channel: Channel<T>) -> Self {
        Throttled { channel, gate: Throttle::ui() }
    }

    /// `make` runs only for updates that are sent.
    pub(crate) fn send(&self, last: bool, make: impl FnOnce() -> T) {
        if self.gate.admit(last) {
            let _ = self.channel.send(make());
        }
    }
}
