//! [`Satchel`]: the engine handle that the desktop shell and the CLI both talk to. It owns the
//! connection list, the keychain, and the embedded sandbox when one is in use.

use std::collections::HashMap;
use std::time::Instant;

use rand::distr::{Alphanumeric, SampleString};
use serde::Serialize;
use tokio::sync::Mutex;

use crate::bucket_create::{self, CreateReport, NewBucket};
use crate::bucket_empty::{self, Census, EmptyProgress, EmptyReport};
use crate::buckets::{self, BucketSummary};
use tokio_util::sync::CancellationToken;
use crate::classify::detected_region;
use crate::client::{self, Patience, ResolvedCredentials, Target, S3};
use crate::config::{ConnectionFile, ConnectionStore, Paths};
use crate::connection::{
    validate_draft, Addressing, Connection, ConnectionDraft, CredentialSource, Endpoint,
};
use crate::error::{Error, ErrorCode, Result};
use crate::keychain::{Keychain, SecretKey};
use crate::profiles;
use crate::sandbox::{self, PortChoice, Sandbox, SANDBOX_REGION};

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

struct Running {
    sandbox: Sandbox,
    keys_persisted: bool,
}

impl Running {
    fn info(&self) -> SandboxInfo {
        SandboxInfo {
            endpoint: self.sandbox.endpoint(),
            access_key_id: self.sandbox.access_key_id().to_string(),
            folder: self.sandbox.dir().display().to_string(),
            keys_persisted: self.keys_persisted,
        }
    }
}

/// The engine.
pub struct Satchel {
    paths: Paths,
    store: ConnectionStore,
    keychain: Keychain,
    file: Mutex<ConnectionFile>,
    sandbox: Mutex<Option<Running>>,
    /// Notices found while loading, handed to the first caller of [`Satchel::startup`].
    load_notice: std::sync::Mutex<Option<String>>,
    /// Bucket regions learnt from the storage, per connection, so each bucket's requests are signed
    /// for its own region without the user knowing.
    regions: std::sync::Mutex<HashMap<(String, String), String>>,
    /// Long operations that can be cancelled, by the id their caller gave them.
    operations: std::sync::Mutex<HashMap<String, std::sync::Arc<crate::upload::Control>>>,
    /// Uploads being prepared: dropped or picked files, and plans waiting for the user's go.
    pub(crate) staging: crate::staging::Staging,
}

impl Satchel {
    /// Opens the engine over `paths`. A corrupt connection file does not stop it: it is kept aside
    /// and reported by [`Satchel::startup`].
    pub fn open(paths: Paths, keychain: Keychain) -> Result<Satchel> {
        let store = ConnectionStore::new(&paths);
        let loaded = store.load()?;
        let staging = crate::staging::Staging::new(&paths);
        Ok(Satchel {
            paths,
            store,
            keychain,
            file: Mutex::new(loaded.file),
            sandbox: Mutex::new(None),
            load_notice: std::sync::Mutex::new(loaded.notice),
            regions: std::sync::Mutex::new(HashMap::new()),
            operations: std::sync::Mutex::new(HashMap::new()),
            staging,
        })
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    /// Gets the app ready to show something: with no connection saved, adds one for the AWS
    /// credentials found on this machine, or else for the local sandbox; starts the sandbox if any
    /// connection uses it.
    pub async fn startup(&self) -> Result<Startup> {
        let mut notices: Vec<String> = self.load_notice.lock().expect("notice lock").take().into_iter().collect();
        let needs_default = self.file.lock().await.connections.is_empty();
        if needs_default {
            let conn = if profiles::aws_credentials_present() {
                Connection {
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
        {
            let f = self.file.lock().await;
            if f.connections.iter().any(|c| c.name.eq_ignore_ascii_case(&name) && Some(&c.id) != draft.id.as_ref()) {
                return Err(Error::invalid(format!("There's already a connection called \"{name}\".")));
            }
        }
        let conn = Connection {
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
        tracing::info!(id = %conn.id, name = %conn.name, "connection saved");
        Ok(conn)
    }

    /// Removes a connection and its secret.
    pub async fn remove(&self, id_or_name: &str) -> Result<()> {
        let conn = self.connection(id_or_name).await?;
        if matches!(conn.credentials, CredentialSource::Keychain { .. }) {
            self.keychain.remove(&conn.id).await?;
        }
        self.staging.rules.forget_connection(&conn.id)?;
        self.mutate(|f| {
            f.connections.retain(|c| c.id != conn.id);
            if f.last_used.as_deref() == Some(conn.id.as_str()) {
                f.last_used = None;
            }
            Ok(())
        })
        .await?;
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

    /// A client for real work on a saved connection.
    pub async fn client(&self, id_or_name: &str) -> Result<S3> {
        self.client_for(&self.connection(id_or_name).await?).await
    }

    /// A client for real work on any connection, saved or not (the CLI's `--endpoint`).
    pub async fn client_for(&self, conn: &Connection) -> Result<S3> {
        let creds = self.credentials(conn).await?;
        let target = self.target(conn, conn.signing_region()).await?;
        Ok(client::build(&target, creds, Patience::Work))
    }

    /// A client signing for `region` (a bucket's own, or a new bucket's).
    pub async fn client_in_region(&self, conn: &Connection, region: &str) -> Result<S3> {
        let creds = self.credentials(conn).await?;
        let target = self.target(conn, region).await?;
        Ok(client::build(&target, creds, Patience::Work))
    }

    /// [`Satchel::bucket_client`] for a saved connection, by id or name.
    pub async fn bucket_client_of(&self, id_or_name: &str, bucket: &str) -> Result<S3> {
        self.bucket_client(&self.connection(id_or_name).await?, bucket).await
    }

    /// A client for work inside `bucket`, signing for the bucket's own region (asked of the storage
    /// once, then remembered), so a bucket in another region than the connection's just works.
    pub async fn bucket_client(&self, conn: &Connection, bucket: &str) -> Result<S3> {
        let cache_key = (conn.id.clone(), bucket.to_string());
        let known = self.regions.lock().expect("regions lock").get(&cache_key).cloned();
        let region = match known {
            Some(r) => r,
            None => {
                let s3 = self.client_for(conn).await?;
                let r = buckets::bucket_region(&s3, bucket).await?.unwrap_or_else(|| s3.region.clone());
                self.regions.lock().expect("regions lock").insert(cache_key, r.clone());
                r
            }
        };
        if region == conn.signing_region() || conn.endpoint == Endpoint::Sandbox {
            return self.client_for(conn).await;
        }
        self.client_in_region(conn, &region).await
    }

    /// Creates a bucket with safe defaults, in the region asked for (the connection's if none).
    pub async fn create_bucket(&self, conn: &Connection, spec: &NewBucket) -> Result<CreateReport> {
        bucket_create::validate_new_bucket(spec)?;
        let region = spec.region.clone().unwrap_or_else(|| conn.signing_region().to_string());
        let s3 = self.client_in_region(conn, &region).await?;
        let report = bucket_create::create_bucket(&s3, spec).await?;
        self.regions.lock().expect("regions lock").insert((conn.id.clone(), spec.name.clone()), report.region.clone());
        Ok(report)
    }

    /// A bucket's region and main settings, each read independently.
    pub async fn bucket_overview(&self, conn: &Connection, bucket: &str) -> Result<crate::bucket_overview::BucketOverview> {
        Ok(crate::bucket_overview::overview(&self.bucket_client(conn, bucket).await?, bucket).await)
    }

    /// Signs a download or upload link for an object, with the credentials of `conn`.
    pub async fn share(&self, conn: &Connection, req: &crate::share::ShareRequest) -> Result<crate::share::ShareLink> {
        crate::share::share(&self.bucket_client(conn, &req.bucket).await?, req).await
    }

    /// The history of issued links (settings only; URLs are never stored).
    pub fn link_history(&self) -> crate::share::LinkHistory {
        crate::share::LinkHistory::new(&self.paths.config_dir)
    }

    /// The dry run before deleting: what the bucket holds.
    pub async fn census(&self, conn: &Connection, bucket: &str, cancel: &CancellationToken) -> Result<Census> {
        bucket_empty::census(&self.bucket_client(conn, bucket).await?, bucket, cancel).await
    }

    /// Empties the bucket (every version, delete marker and unfinished upload) and deletes it.
    pub async fn delete_bucket(
        &self,
        conn: &Connection,
        bucket: &str,
        cancel: &CancellationToken,
        progress: &(dyn Fn(&EmptyProgress) + Send + Sync),
    ) -> Result<EmptyReport> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let report = bucket_empty::empty_and_delete(&s3, bucket, cancel, progress).await?;
        if report.bucket_deleted {
            self.regions.lock().expect("regions lock").remove(&(conn.id.clone(), bucket.to_string()));
        }
        Ok(report)
    }

    /// Registers a cancellable operation under the caller's id; it is forgotten when the returned
    /// guard drops, however the work ends.
    pub fn operation(&self, op_id: &str) -> Operation<'_> {
        let control = crate::upload::Control::new();
        self.operations.lock().expect("operations lock").insert(op_id.to_string(), control.clone());
        Operation { engine: self, id: op_id.to_string(), control }
    }

    /// Cancels an operation; false if it already ended.
    pub fn cancel_operation(&self, op_id: &str) -> bool {
        match self.operations.lock().expect("operations lock").get(op_id) {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        }
    }

    /// Pauses a transfer: it stops, and what it had under way is kept to resume. False if it
    /// already ended.
    pub fn pause_operation(&self, op_id: &str) -> bool {
        match self.operations.lock().expect("operations lock").get(op_id) {
            Some(c) => {
                c.pause();
                true
            }
            None => false,
        }
    }

    /// "Test connection" for a connection that is not saved: nothing is corrected on disk.
    pub async fn test_unsaved(&self, conn: &Connection) -> Result<TestReport> {
        let creds = self.credentials(conn).await?;
        self.probe(conn, creds).await
    }

    pub async fn list_buckets(&self, id_or_name: &str) -> Result<Vec<BucketSummary>> {
        buckets::list_buckets(&self.client(id_or_name).await?).await
    }

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

    async fn sandbox_keys(&self, conn: &Connection) -> (String, SecretKey, bool) {
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

    async fn credentials(&self, conn: &Connection) -> Result<ResolvedCredentials> {
        match &conn.credentials {
            // The sandbox signs with whatever keys it was started with, even temporary ones.
            _ if conn.endpoint == Endpoint::Sandbox => {
                self.ensure_sandbox().await?;
                let running = self.sandbox.lock().await;
                let s = &running.as_ref().expect("ensured").sandbox;
                Ok(ResolvedCredentials::fixed(s.access_key_id(), s.secret()))
            }
            CredentialSource::Keychain { access_key_id } => {
                let secret = self.keychain.load(&conn.id, &conn.name).await?;
                Ok(ResolvedCredentials::fixed(access_key_id, &secret))
            }
            CredentialSource::Profile { .. } | CredentialSource::Environment => {
                client::resolve_chain(conn, conn.signing_region()).await
            }
        }
    }

    async fn target(&self, conn: &Connection, region: &str) -> Result<Target> {
        let sandbox_url = match conn.endpoint {
            Endpoint::Sandbox => Some(self.ensure_sandbox().await?.endpoint),
            _ => None,
        };
        Ok(Target {
            endpoint_url: client::endpoint_url(conn, sandbox_url.as_deref())?,
            region: if conn.endpoint == Endpoint::Sandbox { SANDBOX_REGION.to_string() } else { region.to_string() },
            addressing: if conn.endpoint == Endpoint::Sandbox { Addressing::PathStyle } else { conn.addressing },
        })
    }

    /// Lists buckets with one quick attempt; on a wrong-region answer that names the right region,
    /// tries once more with it.
    async fn probe(&self, conn: &Connection, creds: ResolvedCredentials) -> Result<TestReport> {
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

    /// Changes the connection file under its lock and writes it out; on a failed write the change is
    /// undone in memory too, so memory never claims what disk does not hold.
    async fn mutate(&self, change: impl FnOnce(&mut ConnectionFile) -> Result<()>) -> Result<()> {
        let mut f = self.file.lock().await;
        let mut next = f.clone();
        change(&mut next)?;
        self.store.save(&next)?;
        *f = next;
        Ok(())
    }
}

/// A running cancellable operation; see [`Satchel::operation`].
pub struct Operation<'a> {
    engine: &'a Satchel,
    id: String,
    control: std::sync::Arc<crate::upload::Control>,
}

impl Operation<'_> {
    pub fn token(&self) -> &CancellationToken {
        self.control.token()
    }

    pub fn control(&self) -> &std::sync::Arc<crate::upload::Control> {
        &self.control
    }
}

impl Drop for Operation<'_> {
    fn drop(&mut self) {
        self.engine.operations.lock().expect("operations lock").remove(&self.id);
    }
}

/// The connection for the embedded sandbox.
fn sandbox_connection() -> Connection {
    Connection {
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

fn new_id() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 12).to_ascii_lowercase()
}

