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
pub use listing::{expand, list_all, list_page, ListingPage, ObjectEntry};
pub use location::parse_s3_url;
pub use metadata::{edit_metadata, MetadataEdit};
pub use preview::{preview, preview_at, read_head, Preview, PREVIEW_BYTES, PREVIEW_IMAGE_BYTES};
pub use properties::{properties, properties_at, ObjectProperties};
pub use versions::{delete_version, deleted_keys, key_versions, list_versions, restore_version, undelete, undelete_many, UndeleteReport, VersionChange, VersionEntry, VersionPage};
