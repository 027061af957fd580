//! Buckets: naming rules, the list, creation with safe defaults, emptying and deleting, and the
//! unfinished multipart uploads a bucket holds.

pub mod create;
pub mod empty;
mod list;
pub mod multipart;
mod naming;

pub use create::{CreateReport, NewBucket};
pub use empty::{Census, EmptyPhase, EmptyProgress, EmptyReport};
pub use list::{bucket_region, list_buckets, BucketSummary};
pub use naming::validate_bucket_name;
