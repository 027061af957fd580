//! A copy or move with progress, for the transfers panel: the same plan and copier as any copy
//! (`objects::run_copy`), its objects and bytes counted as they move. Across two storages the
//! bytes go through Satchel and are counted as they are read; within one, an object counts whole
//! when the storage has copied it.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::progress::{reported, Tally, TransferProgress};
use crate::error::Result;
use crate::objects::{run_copy, Buckets, CopyPlan, CopyReport, CopyWatch};


impl CopyWatch for Tally {
    fn began(&self, key: &str, size: u64) {
        self.begin_file(key, size);
    }

    fn moved(&self, key: &str, bytes: u64) {
        self.add_bytes(key, bytes);
    }

    fn ended(&self, key: &str, copied: bool, failed: bool) {
        if !copied {
            // Bytes read of an object that was not copied don't count as done.
            let moved = self.active.lock().expect("tally lock").get(key).map_or(0, |f| f.done);
            self.take_back(key, moved);
        }
        self.end_file(key, copied, failed);
    }
}

/// Runs a planned copy (or move) and reports its progress every tenth of a second.
pub async fn copy_with_progress(
    ends: Buckets<'_>,
    plan: CopyPlan,
    remove_source: bool,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&TransferProgress) + Send + Sync),
) -> Result<CopyReport> {
    let tally = Arc::new(Tally { files_total: plan.files(), bytes_total: plan.bytes(), ..Tally::default() });
    reported(&tally, progress, run_copy(ends, plan, remove_source, cancel, tally.clone())).await
}
