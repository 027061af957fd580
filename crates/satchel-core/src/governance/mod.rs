//! Bucket governance: the settings a bucket has after creation. One file per setting as they
//! become editable; today the read-only overview.

mod overview;

pub use overview::{overview, BucketOverview, Setting, SettingState};
