//! Uploads from the app go in three steps: files arrive (dropped on the window or picked in a
//! dialog) and are held here under an id; they are planned into a bucket folder, which gives the
//! summary sheet; the user starts the plan with tags and a choice for conflicts. Paths never leave
//! Rust: the UI holds only ids. The CLI skips the sheet but goes through the same rule check.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::config::Paths;
use crate::connection::{Connection, Endpoint};
use crate::journal::{Journal, UnfinishedUpload};
use crate::engine::Satchel;
use crate::error::{Error, Result};
use crate::rules::{validate_tags, Tag, TagTarget};
use crate::objects::KeyFailure;
use crate::upload::{self, Control, Resume, TransferProgress, UploadItem, UploadOptions, UploadReport};
use crate::upload_rules::{RequiredTag, RulesStore, UploadRules};
use crate::upload_summary::{existing_keys, ConflictChoice, StagedUpload, UploadSummary};

/// Held files and plans of the running app.
pub struct Staging {
    pub(crate) rules: RulesStore,
    sources: Mutex<HashMap<String, Vec<PathBuf>>>,
    plans: Mutex<HashMap<String, StagedUpload>>,
    /// Bytes per second of each connection's last upload, for the summary's estimate.
    rates: Mutex<HashMap<String, f64>>,
    journal_path: PathBuf,
    /// Opened on first use; `None` when it can't be (uploads then simply don't resume).
    journal: OnceLock<Option<Arc<Journal>>>,
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
        }
    }

    fn journal(&self) -> Option<Arc<Journal>> {
        self.journal
            .get_or_init(|| match Journal::open(&self.journal_path) {
                Ok(j) => Some(Arc::new(j)),
                Err(e) => {
                    tracing::warn!(error = %e.message, "no transfer journal: uploads won't resume");
                    None
                }
            })
            .clone()
    }
}

/// The journal's name for a connection: its id, or for a CLI `--endpoint` connection (which has
/// no saved id) the endpoint itself.
fn storage_name(conn: &Connection) -> String {
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

impl Satchel {
    /// Holds files or folders the user dropped or picked; the UI gets an id and names, not paths.
    pub fn hold_sources(&self, paths: Vec<PathBuf>) -> HeldSources {
        let id = new_id();
        let names = paths.iter().take(NAMES_SHOWN).map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).collect();
        let held = HeldSources { sources_id: id.clone(), count: paths.len() as u32, names };
        self.staging.sources.lock().expect("sources lock").insert(id, paths);
        held
    }

    /// Plans held files into `bucket` under `prefix` (a picked or dropped folder keeps its own name
    /// there) and says what would happen. The files stay held until the plan is started or dropped.
    pub async fn plan_upload(
        &self,
        conn: &Connection,
        bucket: &str,
        prefix: &str,
        sources_id: &str,
        cancel: &CancellationToken,
    ) -> Result<UploadSummary> {
        let paths = self
            .staging
            .sources
            .lock()
            .expect("sources lock")
            .get(sources_id)
            .cloned()
            .ok_or_else(|| Error::not_found("Those files are no longer waiting to be uploaded; drop or pick them again."))?;
        if !prefix.is_empty() && !prefix.ends_with('/') {
            return Err(Error::invalid("The upload folder must end with \"/\"."));
        }
        let mut items = Vec::new();
        let mut problems = Vec::new();
        for path in paths {
            let under = if path.is_dir() {
                format!("{prefix}{}/", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
            } else {
                prefix.to_string()
            };
            let (i, p) = tokio::task::spawn_blocking(move || upload::plan(&path, &under))
                .await
                .map_err(|e| Error::internal(e.to_string()))?;
            items.extend(i);
            problems.extend(p);
        }
        for item in &items {
            // Files over 5 TiB are refused here, before anything starts.
            upload::part_size_for(item.size, None)?;
        }
        let s3 = self.bucket_client(conn, bucket).await?;
        let taken = existing_keys(&s3, bucket, prefix, &items, cancel).await?;
        let rules = self.staging.rules.for_bucket(&conn.id, bucket)?;
        let staged =
            StagedUpload { connection_id: conn.id.clone(), bucket: bucket.to_string(), items, problems, taken, rules, settled: false };
        self.staging.sources.lock().expect("sources lock").remove(sources_id);
        Ok(self.keep_plan(staged, prefix))
    }

    /// Keeps a plan until it is started or discarded, and sums it up for the sheet.
    fn keep_plan(&self, staged: StagedUpload, prefix: &str) -> UploadSummary {
        let plan_id = new_id();
        let rate = self.staging.rates.lock().expect("rates lock").get(&staged.connection_id).copied();
        let summary = staged.summary(&plan_id, prefix, rate);
        self.staging.plans.lock().expect("plans lock").insert(plan_id, staged);
        summary
    }

    /// Starts a planned upload with `tags` on every object. Missing required tags refuse it before
    /// anything is sent, and the plan stays so the user can add them and start again.
    pub async fn start_upload(
        &self,
        plan_id: &str,
        tags: Vec<Tag>,
        conflicts: ConflictChoice,
        control: &Arc<Control>,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<UploadReport> {
        let staged = self
            .staging
            .plans
            .lock()
            .expect("plans lock")
            .get(plan_id)
            .cloned()
            .ok_or_else(|| Error::not_found("This upload was already started or closed."))?;
        validate_tags(&tags, TagTarget::Object)?;
        staged.rules.check(&tags)?;
        self.staging.plans.lock().expect("plans lock").remove(plan_id);
        let conn = self.connection(&staged.connection_id).await?;
        let (items, skipped) = staged.resolve(conflicts);
        let opts = UploadOptions { tags, ..UploadOptions::default() };
        let mut report = self.send_checked(&conn, &staged.bucket, items, &opts, &staged.rules, control, progress).await?;
        report.skipped = skipped;
        report.failed.extend(staged.problems.iter().cloned());
        if !report.unfinished.is_empty() && !report.cancelled {
            // Paused or failed files: a plan to resume or retry them with the same keys.
            let next = StagedUpload {
                items: std::mem::take(&mut report.unfinished),
                problems: Vec::new(),
                taken: Default::default(),
                settled: true,
                ..staged
            };
            report.next_plan = Some(self.keep_plan(next, "").plan_id);
        }
        Ok(report)
    }

    /// Forgets held files or a plan the user closed without starting. With `abort`, a plan left by
    /// a pause or a failure (`next_plan`) is cancelled: its journalled multipart uploads are
    /// aborted, so nothing is left to be billed; without, they stay to resume later. Failures to
    /// abort are logged; the uploads then show as interrupted.
    pub async fn discard_upload(&self, id: &str, abort: bool) {
        self.staging.sources.lock().expect("sources lock").remove(id);
        let Some(plan) = self.staging.plans.lock().expect("plans lock").remove(id) else { return };
        let (true, true, Some(journal)) = (abort, plan.settled, self.staging.journal()) else { return };
        let Ok(conn) = self.connection(&plan.connection_id).await else { return };
        let storage = storage_name(&conn);
        let mut ids = Vec::new();
        for item in &plan.items {
            let target = crate::journal::TransferTarget {
                storage: storage.clone(),
                bucket: plan.bucket.clone(),
                key: item.key.clone(),
                path: item.path.clone(),
            };
            if let Ok(Some(entry)) = journal.find(&target) {
                ids.push(entry.id);
            }
        }
        if let Err(e) = self.discard_unfinished(&ids).await {
            tracing::warn!(error = %e.message, "couldn't abort the discarded plan's uploads");
        }
    }

    /// Uploads `items` after checking the bucket's required tags against `opts.tags` (the CLI's way
    /// in; the app's plans carry their rules and were checked when started).
    pub async fn upload_items(
        &self,
        conn: &Connection,
        bucket: &str,
        items: Vec<UploadItem>,
        opts: &UploadOptions,
        control: &Arc<Control>,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<UploadReport> {
        let rules = self.staging.rules.for_bucket(&conn.id, bucket)?;
        rules.check(&opts.tags)?;
        self.send_checked(conn, bucket, items, opts, &rules, control, progress).await
    }

    /// Sends items whose tags were already checked against `rules`; remembers the values used for
    /// the required keys and the rate reached.
    #[allow(clippy::too_many_arguments)]
    async fn send_checked(
        &self,
        conn: &Connection,
        bucket: &str,
        items: Vec<UploadItem>,
        opts: &UploadOptions,
        rules: &UploadRules,
        control: &Arc<Control>,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<UploadReport> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let started = Instant::now();
        let mut opts = opts.clone();
        if opts.resume.is_none() {
            opts.resume = self.staging.journal().map(|journal| Resume { journal, storage: storage_name(conn) });
        }
        let report = upload::upload(&s3, bucket, items, &opts, control, progress).await?;
        let secs = started.elapsed().as_secs_f64();
        if report.bytes > 0 && secs > 0.0 && !report.cancelled {
            self.staging.rates.lock().expect("rates lock").insert(conn.id.clone(), report.bytes as f64 / secs);
        }
        let required: Vec<Tag> =
            opts.tags.iter().filter(|t| rules.required.iter().any(|r| r.tag.key == t.key)).cloned().collect();
        if let Err(e) = self.staging.rules.remember(&conn.id, &required) {
            tracing::warn!(error = %e.message, "couldn't remember the tag values");
        }
        Ok(report)
    }

    /// Multipart uploads a crash, a kill or a pause left unfinished, from the journal.
    pub fn unfinished_uploads(&self) -> Result<Vec<UnfinishedUpload>> {
        match self.staging.journal() {
            Some(j) => j.unfinished(),
            None => Ok(Vec::new()),
        }
    }

    /// A plan that resumes the journalled uploads of `bucket`: only the parts the storage lacks are
    /// sent. Files that vanished since are listed as problems.
    pub async fn plan_unfinished(&self, conn: &Connection, bucket: &str) -> Result<UploadSummary> {
        let journal = self.staging.journal().ok_or_else(|| Error::not_found("There is no transfer journal to resume from."))?;
        let storage = storage_name(conn);
        let mut items = Vec::new();
        let mut problems = Vec::new();
        for u in journal.unfinished()?.into_iter().filter(|u| u.storage == storage && u.bucket == bucket) {
            let Some((target, _)) = journal.target_of(u.id)? else { continue };
            match std::fs::metadata(&target.path) {
                Ok(m) if m.is_file() => items.push(UploadItem { path: target.path, key: u.key, size: m.len() }),
                _ => problems.push(KeyFailure { key: target.path.display().to_string(), reason: "The file is no longer there.".into() }),
            }
        }
        if items.is_empty() && problems.is_empty() {
            return Err(Error::not_found(format!("Nothing is waiting to be resumed in {bucket}.")));
        }
        let rules = self.staging.rules.for_bucket(&conn.id, bucket)?;
        let staged = StagedUpload {
            connection_id: conn.id.clone(),
            bucket: bucket.to_string(),
            items,
            problems,
            taken: Default::default(),
            rules,
            settled: true,
        };
        Ok(self.keep_plan(staged, ""))
    }

    /// Gives up journalled uploads: aborts them on the storage (nothing left to bill) and forgets them.
    pub async fn discard_unfinished(&self, ids: &[i64]) -> Result<()> {
        let Some(journal) = self.staging.journal() else { return Ok(()) };
        let conns = self.connections().await;
        for &id in ids {
            let Some((target, upload_id)) = journal.target_of(id)? else { continue };
            if let Some(conn) = conns.iter().find(|c| storage_name(c) == target.storage) {
                let s3 = self.bucket_client(conn, &target.bucket).await?;
                crate::multipart::abort_one(&s3, &target.bucket, &target.key, &upload_id).await?;
            }
            journal.forget(id)?;
        }
        Ok(())
    }

    /// What uploads into `bucket` must carry.
    pub fn upload_rules(&self, conn: &Connection, bucket: &str) -> Result<UploadRules> {
        self.staging.rules.for_bucket(&conn.id, bucket)
    }

    /// The required tags declared for the connection (`bucket` is `None`) or for one bucket.
    pub fn required_tags(&self, conn: &Connection, bucket: Option<&str>) -> Result<Vec<RequiredTag>> {
        self.staging.rules.declared(&conn.id, bucket)
    }

    /// Replaces the required tags of the connection (`bucket` is `None`) or of one bucket.
    pub fn set_required_tags(&self, conn: &Connection, bucket: Option<&str>, required: Vec<RequiredTag>) -> Result<()> {
        self.staging.rules.declare(&conn.id, bucket, required)
    }
}
