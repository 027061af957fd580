//! Connections: what a connection is, where its secret lives (the OS keychain), AWS profiles, the
//! embedded sandbox, S3 clients built from them, and the one place S3 errors are classified.

pub mod classify;
pub mod client;
pub mod connection;
pub mod customer_keys;
pub mod identity;
pub mod keychain;
pub mod profiles;
pub mod regions;
pub mod sandbox;
pub mod store;

pub use client::S3;
pub use identity::{Identity, PrincipalKind};
pub use connection::{Addressing, Connection, ConnectionDraft, CredentialSource, Endpoint};
pub use keychain::{Keychain, SecretKey};
pub use customer_keys::{CustomerKey, CustomerKeyInfo, CustomerKeys};
