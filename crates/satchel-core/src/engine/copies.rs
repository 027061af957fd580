//! Copies and moves from the app: within a connection the storage copies (nothing comes down);
//! to another connection's bucket the bytes go through Satchel. Either way with progress, for the
//! transfers panel.

use tokio_util::sync::CancellationToken;

use super::Satchel;
use crate::connect::Connection;
use crate::error::Result;
use crate::objects::{plan_within, Buckets, CopyReport};
use crate::transfer::{copy_with_progress, TransferProgress};

/// One end of a copy: a connection and a bucket of it.
pub struct BucketOf<'a> {
    pub connection: &'a Connection,
    pub bucket: &'a str,
}

impl Satchel {
    /// Copies (with `remove_source`, moves) keys and folders of `from` into `dst_prefix` of `to`:
    /// a folder keeps its name and contents; each original of a move is deleted only after its
    /// copy succeeded, and only if it is still the version copied.
    #[allow(clippy::too_many_arguments)]
    pub async fn copy_items(
        &self,
        from: BucketOf<'_>,
        selection: &[String],
        to: BucketOf<'_>,
        dst_prefix: &str,
        remove_source: bool,
        cancel: &CancellationToken,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<CopyReport> {
        let src = self.bucket_client(from.connection, from.bucket).await?;
        let dst = self.bucket_client(to.connection, to.bucket).await?;
        let across = from.connection.id != to.connection.id;
        let ends = Buckets { src: &src, src_bucket: from.bucket, dst: &dst, dst_bucket: to.bucket, across };
        let plan = plan_within(&src, from.bucket, selection, dst_prefix, cancel).await?;
        copy_with_progress(ends, plan, remove_source, cancel, progress).await
    }
}
