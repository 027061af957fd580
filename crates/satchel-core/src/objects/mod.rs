//! Objects: listing, properties and metadata edits, delete, folders, copy/move/rename, previews and
//! bulk tagging — everything done to objects already in a bucket.

pub mod archive;
mod bulk_tags;
mod copy;
mod delete;
mod folders;
mod listing;
mod location;
mod metadata;
mod preview;
mod properties;
mod stream_copy;
mod versions;

pub use bulk_tags::{bulk_change, BulkTagReport};
pub use stream_copy::stream_object;
pub use copy::{
    copy_in_parts, copy_object, plan_within, rename, run_copy, transfer_contents, transfer_one, transfer_within, Buckets, CopyPlan, CopyReport, CopyWatch, End,
    Headers, MAX_SINGLE_COPY,
};
pub use delete::{delete_keys, DeleteReport};
pub use folders::{create_folder, validate_folder_name};
pub use listing::{expand, list_all, list_page, ListingColumns, ListingPage, ObjectEntry};
pub use location::parse_s3_url;
pub use metadata::{edit_metadata, MetadataEdit};
pub use preview::{preview, preview_at, read_head, Preview, PREVIEW_BYTES, PREVIEW_IMAGE_BYTES};
pub use properties::{properties, properties_at, ObjectProperties};
pub use versions::{delete_version, deleted_keys, key_versions, list_versions, restore_version, undelete, undelete_many, UndeleteReport, VersionChange, VersionEntry, VersionPage};

/// Runs `work` on each item, at most `limit` at once, handing each outcome to `done` as it ends
/// (a task that panicked comes back as an internal error). Once `cancel` fires no new item is
/// started and those running finish; returns true when items were left unstarted.
pub(crate) async fn each_at_most<T, R, F, Fut>(
    items: impl IntoIterator<Item = T>,
    limit: usize,
    cancel: &tokio_util::sync::CancellationToken,
    work: F,
    mut done: impl FnMut(crate::error::Result<R>),
) -> bool
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = crate::error::Result<R>> + Send + 'static,
    R: Send + 'static,
{
    let mut queue = items.into_iter().peekable();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < limit && !cancel.is_cancelled() {
            let Some(item) = queue.next() else { break };
            running.spawn(work(item));
        }
        let Some(ended) = running.join_next().await else { break };
        done(ended.unwrap_or_else(|e| Err(crate::error::Error::internal(format!("a task failed: {e}")))));
    }
    queue.peek().is_some()
}

#[cfg(test)]
mod each_tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn at_most_the_limit_run_and_a_cancel_leaves_the_rest_unstarted() {
        let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let cancel = tokio_util::sync::CancellationToken::new();
        let work = |i: u32| {
            let (now, most) = (now.clone(), most.clone());
            async move {
                most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                if i == 3 { Err(crate::error::Error::invalid("three")) } else { Ok(i) }
            }
        };
        let mut seen = Vec::new();
        let left = super::each_at_most(0..20u32, 4, &cancel, work, |r| seen.push(r.is_ok())).await;
        assert!(!left);
        assert_eq!(seen.len(), 20);
        assert_eq!(seen.iter().filter(|ok| !**ok).count(), 1);
        assert_eq!(most.load(Ordering::SeqCst), 4);

        let mut count = 0;
        let left = super::each_at_most(0..20u32, 2, &cancel.clone(), work, |_| {
            count += 1;
            if count == 3 {
                cancel.cancel();
            }
        })
        .await;
        assert!(left, "items were left unstarted");
        assert!((3..=4).contains(&count), "{count}: those running finished, no new one started");
    }
}
