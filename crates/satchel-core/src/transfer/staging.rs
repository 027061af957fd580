//! What the app holds between a drop and an upload: dropped or picked files under an id, plans
//! waiting for the user's go, each connection's last rate (for the sheet's estimate), and the
//! resume journal, opened on first use.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};

use super::journal::Journal;
use super::summary::{StagedUpload, UploadSummary};
use crate::config::Paths;
use crate::connect::connection::{Connection, Endpoint};
use crate::tags::RulesStore;

/// Held files and plans of the running app.
pub struct Staging {
    pub(crate) rules: RulesStore,
    pub(crate) sources: Mutex<HashMap<String, Vec<PathBuf>>>,
    pub(crate) plans: Mutex<HashMap<String, StagedUpload>>,
    /// Bytes per second of each connection's last upload, for the summary's estimate.
    pub(crate) rates: Mutex<HashMap<String, f64>>,
    journal_path: PathBuf,
    /// Opened on first use; `None` when it can't be (uploads then simply don't resume).
    journal: OnceLock<Option<Arc<Journal>>>,
    /// What the user should hear about the journal (set aside, or unusable), told once.
    journal_notice: Mutex<Option<String>>,
    /// What each storage did with the classes uploads asked for.
    pub(crate) seen: super::seen::SeenStorage,
}

impl Staging {
    pub(crate) fn new(paths: &Paths) -> Staging {
        Staging {
            rules: RulesStore::new(paths),
            sources: Mutex::default(),
            plans: Mutex::default(),
            rates: Mutex::default(),
            journal_path: paths.data_dir.join("transfers.db"),
            journal: OnceLock::new(),
            journal_notice: Mutex::new(None),
            seen: super::seen::SeenStorage::new(paths),
        }
    }

    pub(crate) fn journal(&self) -> Option<Arc<Journal>> {
        self.journal
            .get_or_init(|| {
                let opened = Journal::open_or_set_aside(&self.journal_path);
                *self.journal_notice.lock().expect("notice lock") = opened.notice;
                opened.journal.map(Arc::new)
            })
            .clone()
    }

    /// Opens the journal if it wasn't yet, and hands over what the user should be told about it
    /// (once).
    pub(crate) fn journal_notice(&self) -> Option<String> {
        self.journal();
        self.journal_notice.lock().expect("notice lock").take()
    }

    /// Holds files or folders the user dropped or picked; the UI gets an id and names, not paths.
    pub(crate) fn hold(&self, paths: Vec<PathBuf>) -> HeldSources {
        let id = new_id();
        let names = paths.iter().take(NAMES_SHOWN).map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).collect();
        let held = HeldSources { sources_id: id.clone(), count: paths.len() as u32, names };
        self.sources.lock().expect("sources lock").insert(id, paths);
        held
    }

    /// Keeps a plan until it is started or discarded, and sums it up for the sheet.
    pub(crate) fn keep_plan(&self, staged: StagedUpload, prefix: &str) -> UploadSummary {
        let plan_id = new_id();
        let rate = self.rates.lock().expect("rates lock").get(&staged.connection_id).copied();
        let mut summary = staged.summary(&plan_id, prefix, rate);
        summary.classes_ignored = self.seen.class_refusal(&staged.connection_id).map(|e| e.message);
        self.plans.lock().expect("plans lock").insert(plan_id, staged);
        summary
    }
}

/// The journal's name for a connection: its id, or for a CLI `--endpoint` connection (which has
/// no saved id) the endpoint itself.
pub(crate) fn storage_name(conn: &Connection) -> String {
    match &conn.endpoint {
        Endpoint::Custom { url } if conn.id == "command-line" => format!("endpoint {url}"),
        _ => conn.id.clone(),
    }
}

/// How many dropped names the UI is told (for "report.csv and 41 more").
const NAMES_SHOWN: usize = 3;

/// Files held for an upload, as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeldSources {
    pub sources_id: String,
    /// How many files and folders were dropped or picked (folders count once).
    pub count: u32,
    /// The first few names.
    pub names: Vec<String>,
}

fn new_id() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 16)
}
