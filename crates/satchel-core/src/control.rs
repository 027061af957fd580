//! Stopping long work from outside: cancel ends it and gives up what is unfinished; pause ends it
//! and keeps what is under way to resume. Every cancellable operation of the engine holds one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

/// Stops a running transfer: cancel aborts what is unfinished; pause keeps it to resume.
#[derive(Debug, Default)]
pub struct Control {
    token: CancellationToken,
    paused: AtomicBool,
}

impl Control {
    pub fn new() -> Arc<Control> {
        Arc::new(Control::default())
    }

    pub fn token(&self) -> &CancellationToken {
        &self.token
    }

    pub fn cancel(&self) {
        self.token.cancel();
    }

    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        self.token.cancel();
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }
}
