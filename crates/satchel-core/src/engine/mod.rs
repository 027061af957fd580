//! [`Satchel`]: the engine handle that the desktop shell and the CLI both talk to. It owns the
//! connection list, the keychain, the embedded sandbox when one is in use, the operations under way
//! and the uploads and downloads being prepared. Its methods are grouped by concern, one file each.

mod buckets;
mod clients;
mod connections;
mod copies;
mod customer_keys;
mod downloads;
mod drag_out;
mod governance;
mod identity;
mod operations;
mod protection;
mod sandbox;
mod share;
mod uploads;

use std::collections::HashMap;
use std::sync::Arc;

use rand::distr::{Alphanumeric, SampleString};
use tokio::sync::Mutex;

pub use connections::{Startup, TestReport};
pub use copies::BucketOf;
pub use customer_keys::NewKey;
pub use downloads::DownloadSummary;
pub use drag_out::{DragLimits, DragStage};
pub use governance::{AuditFormat, PolicyChange, PolicyPreview, PolicyView, PublicAccessChange, Via, WebsiteView};
pub use operations::Operation;
pub use protection::LifecycleView;
pub use uploads::UploadWrite;
pub use sandbox::SandboxInfo;

use crate::config::{make_private, Paths};
use crate::connect::keychain::Keychain;
use crate::connect::store::{ConnectionFile, ConnectionStore};
use crate::control::Control;
use crate::error::Result;
use crate::transfer::staging::Staging;

/// The engine.
pub struct Satchel {
    paths: Paths,
    store: ConnectionStore,
    keychain: Keychain,
    file: Mutex<ConnectionFile>,
    sandbox: Mutex<Option<sandbox::Running>>,
    /// Notices found while loading, handed to the first caller of [`Satchel::startup`].
    load_notice: std::sync::Mutex<Option<String>>,
    /// Bucket regions learnt from the storage, per connection, so each bucket's requests are signed
    /// for its own region without the user knowing.
    regions: std::sync::Mutex<HashMap<(String, String), String>>,
    /// Long operations that can be cancelled, by the id their caller gave them.
    operations: std::sync::Mutex<HashMap<String, Arc<Control>>>,
    /// Uploads being prepared: dropped or picked files, and plans waiting for the user's go.
    staging: Staging,
    /// Downloads planned and waiting for the user's choice about files already there.
    downloads: std::sync::Mutex<HashMap<String, downloads::HeldDownload>>,
    /// The selection last copied out for a drag, kept for a second try at the same drag.
    dragged: std::sync::Mutex<Option<drag_out::Staged>>,
    /// The audit log of configuration changes, opened on the first change or read.
    audit: std::sync::Mutex<Option<Arc<crate::governance::AuditLog>>>,
    /// Who each connection's keys belong to, once asked (`None`: the store couldn't say).
    identities: std::sync::Mutex<HashMap<String, Option<crate::connect::Identity>>>,
    /// Whether each bucket has Transfer Acceleration on, per connection, once asked.
    accelerating: std::sync::Mutex<HashMap<(String, String), bool>>,
}

impl Satchel {
    /// Opens the engine over `paths`. A corrupt connection file does not stop it: it is kept aside
    /// and reported by [`Satchel::startup`].
    pub fn open(paths: Paths, keychain: Keychain) -> Result<Satchel> {
        for dir in [&paths.config_dir, &paths.data_dir] {
            if let Err(e) = make_private(dir) {
                tracing::warn!(dir = %dir.display(), error = %e, "couldn't make the folder private");
            }
        }
        let store = ConnectionStore::new(&paths);
        let loaded = store.load()?;
        let staging = Staging::new(&paths);
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
            downloads: std::sync::Mutex::new(HashMap::new()),
            dragged: std::sync::Mutex::new(None),
            audit: std::sync::Mutex::new(None),
            identities: std::sync::Mutex::new(HashMap::new()),
            accelerating: std::sync::Mutex::new(HashMap::new()),
        })
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }
}

fn new_id() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 12).to_ascii_lowercase()
}
