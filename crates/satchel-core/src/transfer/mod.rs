//! Transfers: part sizes and checksums, progress, upload planning and the upload engine with its
//! multipart path, downloads, retries, the resume journal, and what the app holds between a drop
//! and an upload.

mod checksum;
mod copy;
pub mod download;
pub mod journal;
mod parts;
pub mod mtime;
mod plan;
mod progress;
pub mod retry;
mod seen;
pub(crate) mod staging;
pub mod summary;
pub mod sync;
mod upload;

pub use checksum::Checksum;
pub use copy::copy_with_progress;
pub use download::{download, download_file, download_version, plan_download, plan_download_contents, run_download, run_plan, Destination, DownloadPlan, DownloadReport, IfExists};
pub use journal::{Journal, Resume, UnfinishedUpload};
pub use parts::{parse_size, part_size_for, DEFAULT_PART, MAX_OBJECT, MAX_PART, MAX_PARTS, MIN_PART};
pub use plan::{key_segment, plan, take_out_same_keys, UploadItem};
pub use progress::{FileProgress, TransferProgress};
pub use retry::RetryPolicy;
pub use staging::HeldSources;
pub use summary::{ConflictChoice, UploadSummary};
pub use upload::{guess_type, kept_as_asked, Kept, parse_storage_class, tagging_header, upload, UploadOptions, UploadReport};
