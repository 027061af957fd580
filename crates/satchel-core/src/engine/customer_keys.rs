//! A connection's SSE-C keys: added (generated here or pasted), listed, exported and removed. The
//! key itself goes from the keychain to the storage or to a file the user picked, never elsewhere.

use std::path::Path;

use super::Satchel;
use crate::connect::connection::Connection;
use crate::connect::customer_keys::{CustomerKey, CustomerKeyInfo, CustomerKeys};
use crate::connect::SecretKey;
use crate::error::{Error, Result};

/// Where a new key comes from.
#[derive(Debug)]
pub enum NewKey {
    /// 256 random bits from the OS.
    Generate,
    /// Pasted or piped in, as base64.
    Base64(SecretKey),
}

impl Satchel {
    pub fn customer_keys(&self, conn: &Connection) -> CustomerKeys {
        CustomerKeys::of(&self.keychain, &self.paths, &conn.id)
    }

    pub async fn add_customer_key(&self, conn: &Connection, name: &str, source: NewKey) -> Result<CustomerKeyInfo> {
        let key = match source {
            NewKey::Generate => CustomerKey::generate(name)?,
            NewKey::Base64(text) => CustomerKey::from_base64(name, text.expose())?,
        };
        self.customer_keys(conn).add(&key).await
    }

    /// Writes a key, in base64, to a file only the user can read, so it can be kept somewhere safe:
    /// without it, what it encrypted can't be read by anyone.
    pub async fn export_customer_key(&self, conn: &Connection, name: &str, to: &Path) -> Result<()> {
        let key = self.customer_keys(conn).get(name).await?;
        if to.is_dir() {
            return Err(Error::invalid(format!("{} is a folder: pick a file name to save the key as.", to.display())));
        }
        crate::config::write_atomic(to, format!("{}\n", key.expose_base64()).as_bytes(), "the key")
    }
}
