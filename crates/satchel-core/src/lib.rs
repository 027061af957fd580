//! Satchel's engine. Everything the desktop app and the `satchel` CLI do goes through here; this
//! crate knows nothing of Tauri, so it is tested without a window.
//!
//! The modules form layers; each may use only those above it in this list (a test keeps it so):
//! 1. foundation: [`error`], [`format`], [`throttle`], [`config`], [`control`]
//! 2. [`connect`]: connections, keychain, profiles, sandbox, clients, error classification
//! 3. [`tags`]: tagging rules, object and bucket tags, required tags
//! 4. [`objects`], [`governance`]: what is done to objects, and each bucket setting with its read
//!    and apply (neither uses the other)
//! 5. [`buckets`]: list, create (applying governance's settings), empty and delete
//! 6. [`transfer`], [`share`]: uploads, downloads, links
//! 7. [`engine`]: [`Satchel`], the handle the shell and the CLI hold

pub mod config;
pub mod control;
pub mod error;
pub mod format;
pub mod throttle;

pub mod connect;

pub mod tags;

pub mod buckets;
pub mod governance;
pub mod objects;

pub mod share;
pub mod transfer;

pub mod engine;

#[cfg(test)]
mod layers;

pub use buckets::{BucketSummary, Census, CreateReport, EmptyProgress, EmptyReport, NewBucket};
pub use config::Paths;
pub use connect::{Addressing, Connection, ConnectionDraft, CredentialSource, CustomerKey, CustomerKeyInfo, CustomerKeys, Endpoint, Identity, Keychain, PrincipalKind, SecretKey};
pub use engine::{AuditFormat, BucketOf, NewKey, DownloadSummary, DragLimits, DragStage, LifecycleView, PolicyChange, PolicyPreview, PolicyView, PublicAccessChange, SandboxInfo, Satchel, Startup, TestReport, UploadWrite, Via, WebsiteView};
pub use error::{Error, ErrorCode, KeyFailure, Result};
pub use tokio_util::sync::CancellationToken;

/// Log directives added after whatever `SATCHEL_LOG` asks for: at trace level, the SDK's signer logs
/// each request with its headers, and an SSE-C request carries the customer key in one.
pub const LOG_CAPS: &[&str] = &["aws_sigv4=debug"];
