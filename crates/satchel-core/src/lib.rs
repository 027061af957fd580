//! Satchel's engine. Everything the desktop app and the `satchel` CLI do goes through here; this
//! crate knows nothing of Tauri, so it is tested without a window.

pub mod buckets;
pub mod classify;
pub mod client;
pub mod config;
pub mod connection;
pub mod engine;
pub mod error;
pub mod keychain;
pub mod profiles;
pub mod sandbox;

pub use buckets::BucketSummary;
pub use config::Paths;
pub use connection::{Addressing, Connection, ConnectionDraft, CredentialSource, Endpoint};
pub use engine::{SandboxInfo, Satchel, Startup, TestReport};
pub use error::{Error, ErrorCode, Result};
pub use keychain::{Keychain, SecretKey};
