//! Long operations the caller can cancel or pause by the id it gave them.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::Satchel;
use crate::control::Control;

impl Satchel {
    /// Registers a cancellable operation under the caller's id; it is forgotten when the returned
    /// guard drops, however the work ends.
    pub fn operation(&self, op_id: &str) -> Operation<'_> {
        let control = Control::new();
        self.operations.lock().expect("operations lock").insert(op_id.to_string(), control.clone());
        Operation { engine: self, id: op_id.to_string(), control }
    }

    /// Cancels an operation; false if it already ended.
    pub fn cancel_operation(&self, op_id: &str) -> bool {
        match self.operations.lock().expect("operations lock").get(op_id) {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        }
    }

    /// Pauses a transfer: it stops, and what it had under way is kept to resume. False if it
    /// already ended.
    pub fn pause_operation(&self, op_id: &str) -> bool {
        match self.operations.lock().expect("operations lock").get(op_id) {
            Some(c) => {
                c.pause();
                true
            }
            None => false,
        }
    }
}

/// A running cancellable operation; see [`Satchel::operation`].
pub struct Operation<'a> {
    engine: &'a Satchel,
    id: String,
    control: Arc<Control>,
}

impl Operation<'_> {
    pub fn token(&self) -> &CancellationToken {
        self.control.token()
    }

    pub fn control(&self) -> &Arc<Control> {
        &self.control
    }
}

impl Drop for Operation<'_> {
    fn drop(&mut self) {
        self.engine.operations.lock().expect("operations lock").remove(&self.id);
    }
}
