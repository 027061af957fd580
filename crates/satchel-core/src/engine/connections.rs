//! The connection list: first start, add, edit, remove, test, and the region a test corrects.

use std::time::Instant;

use serde::Serialize;

use super::{new_id, Satchel};
use crate::connect::classify::detected_region;
use crate::connect::client::{self, Patience, ResolvedCredentials};
use crate::connect::connection::{validate_draft, Addressing, Connection, ConnectionDraft, CredentialSource, Endpoint};
use crate::connect::keychain::SecretKey;
use crate::connect::profiles;
use crate::connect::sandbox::{self, SANDBOX_REGION};
use crate::connect::store::ConnectionFile;
use crate::buckets;
use crate::error::{Error, Result};

/// What "Test connection" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TestReport {
    pub bucket_count: u32,
    /// The region that worked.
    pub region: String,
    /// Set when the region the connection had was wrong and the storage's answer gave this one.
    pub corrected_region: Option<String>,
    pub elapsed_ms: u32,
}

/// What the app opens on.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Startup {
    pub connections: Vec<Connection>,
    /// The connection to show first.
    pub selected: Option<String>,
    /// Things the user must be told (a config file kept aside, a keychain that can't be used).
    pub notices: Vec<String>,
}

impl Satchel {
    /// Gets the app ready to show something: with no connection saved, adds one for the AWS
    /// credentials found on this machine, or else for the local sandbox; starts the sandbox if any
    /// connection uses it.
    pub async fn startup(&self) -> Result<Startup> {
        let mut notices: Vec<String> = self.load_notice.lock().expect("notice lock").take().into_iter().collect();
        notices.extend(self.staging.journal_notice());
        let needs_default = self.file.lock().await.connections.is_empty();
        if needs_default {
            let conn = if profiles::aws_credentials_present() {
                Connection {
                    accelerate: false,
                    id: new_id(),
                    name: "AWS".into(),
                    endpoint: Endpoint::Aws,
                    region: std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()),
                    addressing: Addressing::VirtualHosted,
                    credentials: CredentialSource::Environment,
                }
            } else {
                sandbox_connection()
            };
            self.mutate(|f| {
                f.last_used = Some(conn.id.clone());
                f.connections.push(conn);
                Ok(())
            })
            .await?;
        }
        if self.file.lock().await.connections.iter().any(|c| c.endpoint == Endpoint::Sandbox) {
            if let Err(e) = self.ensure_sandbox().await {
                notices.push(e.message);
            } else if let Some(r) = self.sandbox.lock().await.as_ref() {
                if !r.keys_persisted {
                    notices.push(
                        "The system keychain can't be used, so the sandbox's keys are temporary and change when Satchel restarts.".into(),
                    );
                }
            }
        }
        let f = self.file.lock().await;
        let selected = f
            .last_used
            .clone()
            .filter(|id| f.connections.iter().any(|c| &c.id == id))
            .or_else(|| f.connections.first().map(|c| c.id.clone()));
        Ok(Startup { connections: f.connections.clone(), selected, notices })
    }

    pub async fn connections(&self) -> Vec<Connection> {
        self.file.lock().await.connections.clone()
    }

    /// Finds a connection by id, or by name (case-insensitive) for the CLI.
    pub async fn connection(&self, id_or_name: &str) -> Result<Connection> {
        let f = self.file.lock().await;
        f.connections
            .iter()
            .find(|c| c.id == id_or_name)
            .or_else(|| f.connections.iter().find(|c| c.name.eq_ignore_ascii_case(id_or_name)))
            .cloned()
            .ok_or_else(|| Error::not_found(format!("There's no connection called \"{id_or_name}\".")))
    }

    /// Adds or updates a connection. For keys, the secret goes to the keychain first: if the keychain
    /// refuses, nothing is saved at all.
    pub async fn save(&self, draft: ConnectionDraft) -> Result<Connection> {
        validate_draft(&draft)?;
        let existing = match &draft.id {
            Some(id) => Some(self.connection(id).await?),
            None => None,
        };
        let name = draft.name.trim().to_string();
        // Checked here before the keychain is touched, and again on the file as it is on disk when
        // writing (another process may have added the name since).
        check_name_free(&*self.file.lock().await, &name, draft.id.as_deref())?;
        let conn = Connection {
            accelerate: draft.accelerate,
            id: existing.as_ref().map(|c| c.id.clone()).unwrap_or_else(new_id),
            name,
            endpoint: normalise_endpoint(draft.endpoint),
            region: draft.region.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
            addressing: draft.addressing,
            credentials: match draft.credentials {
                CredentialSource::Keychain { access_key_id } => {
                    CredentialSource::Keychain { access_key_id: access_key_id.trim().to_string() }
                }
                other => other,
            },
        };
        let new_secret = draft.secret_access_key.map(|s| SecretKey::new(s.trim()));
        if let (CredentialSource::Keychain { .. }, Some(secret)) = (&conn.credentials, &new_secret) {
            self.keychain.store(&conn.id, secret).await?;
        }
        let saved = self
            .mutate(|f| {
                check_name_free(f, &conn.name, Some(&conn.id))?;
                f.connections.retain(|c| c.id != conn.id);
                f.connections.push(conn.clone());
                Ok(())
            })
            .await;
        if let Err(e) = saved {
            if existing.is_none() && new_secret.is_some() {
                let _ = self.keychain.remove(&conn.id).await;
            }
            return Err(e);
        }
        // A connection that no longer uses stored keys should not leave its old secret behind.
        if let Some(old) = existing {
            if matches!(old.credentials, CredentialSource::Keychain { .. })
                && !matches!(conn.credentials, CredentialSource::Keychain { .. })
            {
                let _ = self.keychain.remove(&conn.id).await;
            }
        }
        self.forget_identity(&conn.id);
        tracing::info!(id = %conn.id, name = %conn.name, "connection saved");
        Ok(conn)
    }

    /// Removes a connection and its secret.
    pub async fn remove(&self, id_or_name: &str) -> Result<()> {
        let conn = self.connection(id_or_name).await?;
        self.staging.rules.forget_connection(&conn.id)?;
        self.mutate(|f| {
            f.connections.retain(|c| c.id != conn.id);
            if f.last_used.as_deref() == Some(conn.id.as_str()) {
                f.last_used = None;
            }
            Ok(())
        })
        .await?;
        // The secret goes last, once no file names the connection: a failure before this point
        // leaves a working connection, never one whose secret is gone.
        if matches!(conn.credentials, CredentialSource::Keychain { .. }) {
            self.keychain.remove(&conn.id).await?;
        }
        if conn.endpoint == Endpoint::Sandbox && !self.file.lock().await.connections.iter().any(|c| c.endpoint == Endpoint::Sandbox) {
            *self.sandbox.lock().await = None;
        }
        Ok(())
    }

    /// Remembers which connection the user looked at last.
    pub async fn set_last_used(&self, id: &str) -> Result<()> {
        let id = self.connection(id).await?.id;
        self.mutate(|f| {
            f.last_used = Some(id);
            Ok(())
        })
        .await
    }

    /// "Test connection" for a saved connection: lists buckets within 10 seconds. When the region
    /// was wrong and the storage named the right one, the connection is corrected and saved.
    pub async fn test(&self, id_or_name: &str) -> Result<TestReport> {
        let conn = self.connection(id_or_name).await?;
        let creds = self.credentials(&conn).await?;
        let report = self.probe(&conn, creds).await?;
        if let Some(region) = &report.corrected_region {
            let (id, region) = (conn.id.clone(), region.clone());
            self.mutate(|f| {
                if let Some(c) = f.connections.iter_mut().find(|c| c.id == id) {
                    c.region = Some(region);
                }
                Ok(())
            })
            .await?;
        }
        Ok(report)
    }

    /// "Test connection" for what is in the form, before it is saved. A draft editing a saved
    /// connection without a new secret is tested with the stored one.
    pub async fn test_draft(&self, draft: ConnectionDraft) -> Result<TestReport> {
        validate_draft(&draft)?;
        let conn = Connection {
            accelerate: draft.accelerate,
            id: draft.id.clone().unwrap_or_else(|| "draft".into()),
            name: draft.name.trim().to_string(),
            endpoint: normalise_endpoint(draft.endpoint.clone()),
            region: draft.region.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string),
            addressing: draft.addressing,
            credentials: draft.credentials.clone(),
        };
        let creds = match (&conn.credentials, &draft.secret_access_key) {
            (CredentialSource::Keychain { access_key_id }, Some(secret)) => {
                ResolvedCredentials::fixed(access_key_id.trim(), &SecretKey::new(secret.trim()))
            }
            _ => self.credentials(&conn).await?,
        };
        self.probe(&conn, creds).await
    }

    /// "Test connection" for a connection that is not saved: nothing is corrected on disk.
    pub async fn test_unsaved(&self, conn: &Connection) -> Result<TestReport> {
        let creds = self.credentials(conn).await?;
        self.probe(conn, creds).await
    }

    /// Lists buckets with one quick attempt; on a wrong-region answer that names the right region,
    /// tries once more with it.
    pub(super) async fn probe(&self, conn: &Connection, creds: ResolvedCredentials) -> Result<TestReport> {
        let started = Instant::now();
        let region = conn.signing_region().to_string();
        let s3 = client::build(&self.target(conn, &region).await?, creds.clone(), Patience::Probe);
        let (list, corrected_region) = match buckets::list_buckets(&s3).await {
            Ok(list) => (list, None),
            Err(e) => match detected_region(&e).filter(|r| *r != region).map(str::to_string) {
                Some(right) => {
                    let s3 = client::build(&self.target(conn, &right).await?, creds, Patience::Probe);
                    (buckets::list_buckets(&s3).await?, Some(right))
                }
                None => return Err(e),
            },
        };
        Ok(TestReport {
            bucket_count: u32::try_from(list.len()).unwrap_or(u32::MAX),
            region: corrected_region.clone().unwrap_or(region),
            corrected_region,
            elapsed_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
        })
    }

    /// Changes the connection file as it is on disk now, under its file lock (the CLI or a second
    /// window may have written since this one loaded), and keeps the result in memory; on a failed
    /// write memory is left as it was, so it never claims what disk does not hold.
    pub(super) async fn mutate(&self, change: impl FnOnce(&mut ConnectionFile) -> Result<()>) -> Result<()> {
        let mut f = self.file.lock().await;
        *f = self.store.update(change)?;
        Ok(())
    }
}

/// Connection names are unique, whatever their case; `id` is the connection being edited, if any.
fn check_name_free(file: &ConnectionFile, name: &str, id: Option<&str>) -> Result<()> {
    if file.connections.iter().any(|c| c.name.eq_ignore_ascii_case(name) && Some(c.id.as_str()) != id) {
        return Err(Error::invalid(format!("There's already a connection called \"{name}\".")));
    }
    Ok(())
}

/// The connection for the embedded sandbox.
fn sandbox_connection() -> Connection {
    Connection {
        accelerate: false,
        id: new_id(),
        name: "Local sandbox".into(),
        endpoint: Endpoint::Sandbox,
        region: Some(SANDBOX_REGION.to_string()),
        addressing: Addressing::PathStyle,
        credentials: CredentialSource::Keychain { access_key_id: sandbox::new_keys().0 },
    }
}

fn normalise_endpoint(e: Endpoint) -> Endpoint {
    match e {
        Endpoint::Custom { url } => Endpoint::Custom { url: url.trim().trim_end_matches('/').to_string() },
        other => other,
    }
}
