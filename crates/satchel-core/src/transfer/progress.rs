//! What a running transfer reports: bytes and files done, the files in flight, retries. The
//! engine counts in a [`Tally`] shared by its tasks; a snapshot goes to the window ~10 times a second.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::Serialize;

use super::retry::RetryNotice;

/// How many in-flight files the progress names.
const ACTIVE_SHOWN: usize = 8;

/// One file being sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileProgress {
    pub key: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
}

/// Where an upload batch stands; sent to the window about ten times a second.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransferProgress {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes_done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes_total: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files_done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files_failed: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files_total: u64,
    /// Files in flight (the first few), with their bytes done.
    pub active: Vec<FileProgress>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub retries: u64,
    /// Why the latest retry happened, in words.
    pub last_retry: Option<String>,
}

impl TransferProgress {
    /// Whether this is the batch's last word: every byte and every file accounted for. A throttle
    /// must never hold it back.
    pub fn is_last(&self) -> bool {
        self.bytes_done == self.bytes_total && self.files_done + self.files_failed == self.files_total
    }
}

/// How often progress goes out while bytes move (the window shows ~10 updates a second).
pub(crate) const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) bytes_total: u64,
    pub(crate) files_total: u64,
    pub(crate) bytes_done: AtomicU64,
    pub(crate) files_done: AtomicU64,
    pub(crate) files_failed: AtomicU64,
    pub(crate) retries: AtomicU64,
    pub(crate) last_retry: Mutex<Option<String>>,
    pub(crate) active: Mutex<BTreeMap<String, (u64, u64)>>,
}

impl Tally {
    pub(crate) fn snapshot(&self) -> TransferProgress {
        let active = self.active.lock().expect("tally lock");
        TransferProgress {
            bytes_done: self.bytes_done.load(Ordering::Relaxed),
            bytes_total: self.bytes_total,
            files_done: self.files_done.load(Ordering::Relaxed),
            files_failed: self.files_failed.load(Ordering::Relaxed),
            files_total: self.files_total,
            active: active.iter().take(ACTIVE_SHOWN).map(|(k, (d, s))| FileProgress { key: k.clone(), done: *d, size: *s }).collect(),
            retries: self.retries.load(Ordering::Relaxed),
            last_retry: self.last_retry.lock().expect("tally lock").clone(),
        }
    }

    /// A file starts moving: it is named among the files in flight.
    pub(crate) fn begin_file(&self, key: &str, size: u64) {
        self.active.lock().expect("tally lock").insert(key.to_string(), (0, size));
    }

    /// A file stopped moving: done, or (`failed`) counted as failed; a file stopped by a cancel or
    /// a pause is neither.
    pub(crate) fn end_file(&self, key: &str, done: bool, failed: bool) {
        self.active.lock().expect("tally lock").remove(key);
        if done {
            self.files_done.fetch_add(1, Ordering::Relaxed);
        } else if failed {
            self.files_failed.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn add_bytes(&self, key: &str, n: u64) {
        self.bytes_done.fetch_add(n, Ordering::Relaxed);
        if let Some(entry) = self.active.lock().expect("tally lock").get_mut(key) {
            entry.0 += n;
        }
    }

    /// Bytes of a copy that was thrown away (fetched again) no longer count as done.
    pub(crate) fn take_back(&self, key: &str, n: u64) {
        self.bytes_done.fetch_sub(n, Ordering::Relaxed);
        if let Some(entry) = self.active.lock().expect("tally lock").get_mut(key) {
            entry.0 = entry.0.saturating_sub(n);
        }
    }

    pub(crate) fn retried(&self, key: &str, notice: &RetryNotice) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        *self.last_retry.lock().expect("tally lock") = Some(format!("{key}: {} (retry {} of {})", notice.reason, notice.retry, notice.of));
    }
}
