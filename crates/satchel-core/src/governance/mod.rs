//! Bucket governance: the settings a bucket has after creation, one file per setting, each with a
//! read and an apply that the overview, the CLI and bucket creation share; whether a bucket is
//! public; and the audit log of every change made through Satchel.

pub mod accelerate;
pub mod audit;
pub mod cors;
pub mod encryption;
mod exposure;
pub mod object_lock;
pub mod lifecycle;
mod overview;
pub mod ownership;
pub mod policy;
pub mod public_access;
pub mod versioning;
pub mod website;

pub use audit::{AuditEntry, AuditLog};
pub use exposure::{exposure, Exposure, ExposureReport};
pub use overview::{overview, BucketOverview, Setting, SettingState};
pub use public_access::PublicAccessBlock;
