//! Satchel's engine. Everything the desktop app and the `satchel` CLI do goes through here; this
//! crate knows nothing of Tauri, so it is tested without a window.

pub mod bucket_create;
pub mod bucket_empty;
pub mod bucket_overview;
pub mod buckets;
pub mod classify;
pub mod client;
pub mod config;
pub mod connection;
pub mod download;
pub mod engine;
pub mod error;
pub mod format;
pub mod journal;
pub mod keychain;
pub mod multipart;
pub mod objects;
pub mod profiles;
pub mod regions;
pub mod retry;
pub mod rules;
pub mod sandbox;
pub mod tagging;
pub mod share;
pub mod staging;
pub mod throttle;
pub mod upload;
pub mod upload_rules;
pub mod upload_summary;

pub use bucket_create::{CreateReport, NewBucket};
pub use bucket_empty::{Census, EmptyProgress, EmptyReport};
pub use buckets::BucketSummary;
pub use tokio_util::sync::CancellationToken;
pub use config::Paths;
pub use connection::{Addressing, Connection, ConnectionDraft, CredentialSource, Endpoint};
pub use engine::{SandboxInfo, Satchel, Startup, TestReport};
pub use error::{Error, ErrorCode, Result};
pub use keychain::{Keychain, SecretKey};
