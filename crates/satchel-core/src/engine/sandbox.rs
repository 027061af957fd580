//! The embedded local sandbox: started on demand with keys kept in the keychain.

use serde::Serialize;

use super::Satchel;
use crate::connect::connection::{Connection, CredentialSource, Endpoint};
use crate::connect::keychain::SecretKey;
use crate::connect::sandbox::{self, PortChoice, Sandbox};
use crate::error::{ErrorCode, Result};

/// The sandbox as the UI may see it: never its secret.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SandboxInfo {
    pub endpoint: String,
    pub access_key_id: String,
    pub folder: String,
    /// False when the keychain could not keep the keys, so they change at every start.
    pub keys_persisted: bool,
}

pub(super) struct Running {
    pub(super) sandbox: Sandbox,
    pub(super) keys_persisted: bool,
}

impl Running {
    pub(super) fn info(&self) -> SandboxInfo {
        SandboxInfo {
            endpoint: self.sandbox.endpoint(),
            access_key_id: self.sandbox.access_key_id().to_string(),
            folder: self.sandbox.dir().display().to_string(),
            keys_persisted: self.keys_persisted,
        }
    }
}

impl Satchel {
    /// Starts the sandbox if it isn't running, with the keys kept in the keychain (made and kept
    /// there on first use). If the keychain can't be used, the keys are temporary for this run.
    pub async fn ensure_sandbox(&self) -> Result<SandboxInfo> {
        let mut running = self.sandbox.lock().await;
        if running.is_none() {
            let sandbox_conn = self.file.lock().await.connections.iter().find(|c| c.endpoint == Endpoint::Sandbox).cloned();
            let (access_key_id, secret, keys_persisted) = match &sandbox_conn {
                Some(c) => self.sandbox_keys(c).await,
                None => {
                    let (id, secret) = sandbox::new_keys();
                    (id, secret, false)
                }
            };
            let preferred = self.file.lock().await.sandbox_port;
            let port = preferred.map(PortChoice::Prefer).unwrap_or(PortChoice::Any);
            let sandbox = Sandbox::start(&self.paths.sandbox_dir(), port, &access_key_id, &secret).await?;
            if preferred != Some(sandbox.port()) {
                let p = sandbox.port();
                self.mutate(|f| {
                    f.sandbox_port = Some(p);
                    Ok(())
                })
                .await?;
            }
            *running = Some(Running { sandbox, keys_persisted });
        }
        Ok(running.as_ref().expect("started above").info())
    }

    /// The sandbox's public facts if it runs; never starts it.
    pub async fn running_sandbox(&self) -> Option<SandboxInfo> {
        self.sandbox.lock().await.as_ref().map(Running::info)
    }

    /// Stops the embedded sandbox, if it runs.
    pub async fn stop_sandbox(&self) {
        *self.sandbox.lock().await = None;
    }

    pub(super) async fn sandbox_keys(&self, conn: &Connection) -> (String, SecretKey, bool) {
        let CredentialSource::Keychain { access_key_id } = &conn.credentials else {
            let (id, s) = sandbox::new_keys();
            return (id, s, false);
        };
        match self.keychain.load(&conn.id, &conn.name).await {
            Ok(secret) => (access_key_id.clone(), secret, true),
            Err(e) if e.code == ErrorCode::CredentialsMissing => {
                let secret = sandbox::new_keys().1;
                let kept = self.keychain.store(&conn.id, &secret).await.is_ok();
                (access_key_id.clone(), secret, kept)
            }
            Err(e) => {
                tracing::warn!(error = %e, "sandbox keys not persisted");
                (access_key_id.clone(), sandbox::new_keys().1, false)
            }
        }
    }
}
