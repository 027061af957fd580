//! What a running transfer reports: bytes and files done, the files in flight, retries. The
//! engine counts in a [`Tally`] shared by its tasks; a snapshot goes to the window ~10 times a second.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::retry::RetryNotice;

/// How many in-flight files the progress names.
const ACTIVE_SHOWN: usize = 8;
/// How long a file has been moving before the progress names it. Most files of a batch of small
/// ones finish within a tenth of a second: naming them made the list a flicker nobody could read,
/// and redrawing it ten times a second cost the window more CPU than the rest of its progress.
const NAMED_AFTER: Duration = Duration::from_secs(1);

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
    /// Files that have been in flight for a second or more (the longest-moving few, oldest first),
    /// with their bytes done.
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
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Runs a transfer's `work` while its progress goes out on a clock, at the start and once more at
/// the end: figures move while one large file does, not only as files end.
pub(crate) async fn reported<T>(tally: &Tally, progress: &(dyn Fn(&TransferProgress) + Send + Sync), work: impl Future<Output = T>) -> T {
    tokio::pin!(work);
    // The first tick is at once: that is the start's update.
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    let out = loop {
        tokio::select! {
            out = &mut work => break out,
            _ = tick.tick() => progress(&tally.snapshot()),
        }
    };
    progress(&tally.snapshot());
    out
}

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) bytes_total: u64,
    pub(crate) files_total: u64,
    pub(crate) bytes_done: AtomicU64,
    pub(crate) files_done: AtomicU64,
    pub(crate) files_failed: AtomicU64,
    pub(crate) retries: AtomicU64,
    pub(crate) last_retry: Mutex<Option<String>>,
    pub(crate) active: Mutex<BTreeMap<String, InFlight>>,
}

/// A file being moved: bytes done of its size, since when.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InFlight {
    pub(crate) done: u64,
    size: u64,
    since: Instant,
}

impl Tally {
    pub(crate) fn snapshot(&self) -> TransferProgress {
        self.snapshot_at(Instant::now())
    }

    fn snapshot_at(&self, now: Instant) -> TransferProgress {
        let active = self.active.lock().expect("tally lock");
        let mut named: Vec<(&String, &InFlight)> = active.iter().filter(|(_, f)| now.saturating_duration_since(f.since) >= NAMED_AFTER).collect();
        named.sort_by_key(|(key, f)| (f.since, *key));
        named.truncate(ACTIVE_SHOWN);
        TransferProgress {
            bytes_done: self.bytes_done.load(Ordering::Relaxed),
            bytes_total: self.bytes_total,
            files_done: self.files_done.load(Ordering::Relaxed),
            files_failed: self.files_failed.load(Ordering::Relaxed),
            files_total: self.files_total,
            active: named.into_iter().map(|(key, f)| FileProgress { key: key.clone(), done: f.done, size: f.size }).collect(),
            retries: self.retries.load(Ordering::Relaxed),
            last_retry: self.last_retry.lock().expect("tally lock").clone(),
        }
    }

    /// A file starts moving: once it has moved for a while, it is named among the files in flight.
    pub(crate) fn begin_file(&self, key: &str, size: u64) {
        self.active.lock().expect("tally lock").insert(key.to_string(), InFlight { done: 0, size, since: Instant::now() });
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
            entry.done += n;
        }
    }

    /// Bytes of a copy that was thrown away (fetched again) no longer count as done.
    pub(crate) fn take_back(&self, key: &str, n: u64) {
        self.bytes_done.fetch_sub(n, Ordering::Relaxed);
        if let Some(entry) = self.active.lock().expect("tally lock").get_mut(key) {
            entry.done = entry.done.saturating_sub(n);
        }
    }

    pub(crate) fn retried(&self, key: &str, notice: &RetryNotice) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        *self.last_retry.lock().expect("tally lock") = Some(format!("{key}: {} (retry {} of {})", notice.reason, notice.retry, notice.of));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_only_files_moving_a_while_oldest_first() {
        let tally = Tally { files_total: 12, bytes_total: 1200, ..Tally::default() };
        let start = Instant::now();
        {
            let mut active = tally.active.lock().unwrap();
            for i in 0..10u64 {
                // f09 began first, f00 last: the names' order is not the list's.
                let since = start + Duration::from_millis(100 * (9 - i));
                active.insert(format!("f{i:02}"), InFlight { done: i, size: 100, since });
            }
        }
        tally.add_bytes("f03", 7);

        assert!(tally.snapshot_at(start + Duration::from_millis(999)).active.is_empty(), "nothing has moved for a second yet");
        let early = tally.snapshot_at(start + Duration::from_millis(1150));
        let names: Vec<&str> = early.active.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(names, ["f09", "f08"]);

        let later = tally.snapshot_at(start + Duration::from_secs(5));
        let names: Vec<&str> = later.active.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(names, ["f09", "f08", "f07", "f06", "f05", "f04", "f03", "f02"], "the longest-moving {ACTIVE_SHOWN}");
        assert_eq!(later.active[6], FileProgress { key: "f03".into(), done: 10, size: 100 });

        tally.end_file("f09", true, false);
        let after = tally.snapshot_at(start + Duration::from_secs(5));
        assert_eq!(after.active[0].key, "f08", "a file done leaves the list");
        assert_eq!(after.files_done, 1);
    }
}
