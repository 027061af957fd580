//! Secret keys live only in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows). There is deliberately no fallback: if the keychain can't be used, saving a
//! key fails with a message saying why, and nothing is written anywhere else.

use crate::error::{Error, ErrorCode, Result};

/// The keychain "service" every Satchel entry is filed under; the "user" is the connection id.
const SERVICE: &str = "satchel";

/// A secret access key. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    pub fn new(value: impl Into<String>) -> Self {
        SecretKey(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// The OS keychain, addressed by connection id.
#[derive(Debug, Clone, Default)]
pub struct Keychain {
    service: String,
}

impl Keychain {
    pub fn new() -> Self {
        Keychain { service: SERVICE.to_string() }
    }

    /// A keychain whose entries are filed under another service name, so tests don't touch a
    /// user's real entries.
    pub fn with_service(service: impl Into<String>) -> Self {
        Keychain { service: service.into() }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Stores the secret for a connection, replacing any earlier one.
    pub async fn store(&self, connection_id: &str, secret: &SecretKey) -> Result<()> {
        let (service, user, secret) = (self.service.clone(), connection_id.to_string(), secret.clone());
        blocking(move || {
            let entry = keyring::Entry::new(&service, &user).map_err(|e| unavailable(&e, "save"))?;
            entry.set_password(secret.expose()).map_err(|e| unavailable(&e, "save"))
        })
        .await
    }

    /// Reads the secret for a connection.
    pub async fn load(&self, connection_id: &str, connection_name: &str) -> Result<SecretKey> {
        self.read(connection_id).await?.ok_or_else(|| {
            Error::new(
                ErrorCode::CredentialsMissing,
                format!("The secret key for \"{connection_name}\" is not in the system keychain. Edit the connection and enter it again."),
            )
        })
    }

    /// Reads the entry filed under `user`, `None` when there is none.
    pub async fn read(&self, user: &str) -> Result<Option<SecretKey>> {
        let (service, user) = (self.service.clone(), user.to_string());
        blocking(move || {
            let entry = keyring::Entry::new(&service, &user).map_err(|e| unavailable(&e, "read"))?;
            match entry.get_password() {
                Ok(p) => Ok(Some(SecretKey(p))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(unavailable(&e, "read")),
            }
        })
        .await
    }

    /// Removes the secret for a connection; a missing entry is not an error.
    pub async fn remove(&self, connection_id: &str) -> Result<()> {
        let (service, user) = (self.service.clone(), connection_id.to_string());
        blocking(move || {
            let entry = keyring::Entry::new(&service, &user).map_err(|e| unavailable(&e, "remove"))?;
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(unavailable(&e, "remove")),
            }
        })
        .await
    }
}

// The Secret Service client blocks on D-Bus; keep it off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::internal(format!("keychain task failed: {e}")))?
}

fn unavailable(e: &keyring::Error, verb: &str) -> Error {
    let (code, message) = match e {
        keyring::Error::NoStorageAccess(_) => (
            ErrorCode::KeychainUnavailable,
            format!("The system keychain is locked, so Satchel couldn't {verb} the secret key. Unlock your keychain (log in to the desktop session) and try again."),
        ),
        keyring::Error::NoDefaultStore | keyring::Error::PlatformFailure(_) => (
            ErrorCode::KeychainUnavailable,
            format!("Satchel couldn't reach the system keychain to {verb} the secret key. On Linux this needs a Secret Service such as GNOME Keyring or KWallet running in your session."),
        ),
        // Windows' Credential Manager holds at most 2,560 bytes; the store refuses rather than cut.
        // The secret is what's wrong, not the keychain.
        keyring::Error::TooLong(_, limit) => (
            ErrorCode::InvalidInput,
            format!(
                "This secret is longer than the system keychain can hold ({} bytes at most), so it wasn't saved. Check that only the key was pasted.",
                crate::format::count(u64::from(*limit))
            ),
        ),
        _ => (ErrorCode::KeychainUnavailable, format!("The system keychain refused to {verb} the secret key.")),
    };
    Error::new(code, message).with_detail(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_too_long_for_the_store_is_refused_in_plain_words() {
        let e = unavailable(&keyring::Error::TooLong("password".into(), 2560), "save");
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("2,560 bytes"), "{}", e.message);
        assert!(!e.message.contains("password"), "{}", e.message);
    }
}
