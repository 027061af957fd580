//! Uploads from the app go in three steps: files arrive (dropped on the window or picked in a
//! dialog) and are held under an id; they are planned into a bucket folder, which gives the summary
//! sheet; the user starts the plan with tags and a choice for conflicts. Paths never leave Rust: the
//! UI holds only ids. The CLI skips the sheet but goes through the same rule check.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::Satchel;

/// Objects a sync would remove, named in its summary; the count is always exact.
const SYNC_DELETES_SHOWN: usize = 200;
use crate::buckets::multipart;
use crate::connect::connection::Connection;
use crate::control::Control;
use crate::error::{Error, ErrorCode, KeyFailure, Result};
use crate::tags::{validate_tags, RequiredTag, Tag, TagTarget, UploadRules};
use crate::transfer::journal::{TransferTarget, UnfinishedUpload};
use crate::transfer::staging::{storage_name, HeldSources};
use crate::objects;
use crate::transfer::summary::{existing_keys, ConflictChoice, StagedUpload, SyncSummary, UploadSummary};
use crate::transfer::{self, Resume, TransferProgress, UploadItem, UploadOptions, UploadReport};

/// How what an upload sends is stored: `None`s leave the bucket's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadWrite {
    /// An S3 class name (STANDARD, INTELLIGENT_TIERING, STANDARD_IA, ONEZONE_IA, GLACIER_IR,
    /// GLACIER, DEEP_ARCHIVE).
    pub storage_class: Option<String>,
    pub encryption: Option<crate::governance::encryption::EncryptionChoice>,
    /// SSE-C: the name of one of the connection's customer keys (instead of `encryption`).
    #[serde(default)]
    pub customer_key: Option<String>,
}

impl Satchel {
    /// Holds files or folders the user dropped or picked; the UI gets an id and names, not paths.
    pub fn hold_sources(&self, paths: Vec<PathBuf>) -> HeldSources {
        self.staging.hold(paths)
    }

    /// Plans held files into `bucket` under `prefix` (a picked or dropped folder keeps its own name
    /// there) and says what would happen. Links to files inside folders are sent only with
    /// `follow_links`. The files stay held until the plan is started or dropped, so the same files
    /// can be planned again with the other choice.
    pub async fn plan_upload(
        &self,
        conn: &Connection,
        bucket: &str,
        prefix: &str,
        sources_id: &str,
        follow_links: bool,
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
                format!("{prefix}{}/", path.file_name().map(crate::transfer::key_segment).unwrap_or_default())
            } else {
                prefix.to_string()
            };
            let (i, p) = tokio::task::spawn_blocking(move || transfer::plan(&path, &under, follow_links))
                .await
                .map_err(|e| Error::internal(e.to_string()))?;
            items.extend(i);
            problems.extend(p);
        }
        problems.extend(transfer::take_out_same_keys(&mut items));
        for item in &items {
            // Files over 5 TiB are refused here, before anything starts.
            transfer::part_size_for(item.size, None)?;
        }
        let s3 = self.transfer_client(conn, bucket).await?;
        let taken = existing_keys(&s3, bucket, prefix, &items, cancel).await?;
        let rules = self.staging.rules.for_bucket(&conn.id, bucket)?;
        let staged = StagedUpload {
            connection_id: conn.id.clone(),
            bucket: bucket.to_string(),
            items,
            problems,
            taken,
            rules,
            settled: false,
            sources_id: Some(sources_id.to_string()),
            sync: None,
        };
        Ok(self.staging.keep_plan(staged, prefix))
    }

    /// Plans "Sync a folder here": the one held folder's contents compared with what `prefix`
    /// holds (as `satchel sync DIR s3://bucket/prefix` does); the new and changed files are the
    /// upload, and the objects the folder lacks are named, to remove only if the user asks.
    pub async fn plan_sync(&self, conn: &Connection, bucket: &str, prefix: &str, sources_id: &str, cancel: &CancellationToken) -> Result<UploadSummary> {
        let paths = self.staging.sources.lock().expect("sources lock").get(sources_id).cloned().unwrap_or_default();
        let [folder] = paths.as_slice() else { return Err(Error::invalid("Pick one folder to sync.")) };
        if !folder.is_dir() {
            return Err(Error::invalid(format!("{} is not a folder: syncing compares a folder with this one.", folder.display())));
        }
        if !prefix.is_empty() && !prefix.ends_with('/') {
            return Err(Error::invalid("The folder to sync into must end with \"/\"."));
        }
        let s3 = self.transfer_client(conn, bucket).await?;
        let plan = transfer::sync::plan_up(folder, &s3, bucket, prefix, &Default::default(), transfer::sync::Compare::Time, cancel).await?;
        let new = plan.send.iter().filter(|e| e.reason == transfer::sync::SyncReason::Missing).count() as u64;
        let summary = SyncSummary {
            folder: folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            new,
            changed: plan.send.len() as u64 - new,
            unchanged: plan.unchanged,
            delete: plan.delete.iter().take(SYNC_DELETES_SHOWN).cloned().collect(),
            delete_count: plan.delete.len() as u64,
        };
        let staged = StagedUpload {
            connection_id: conn.id.clone(),
            bucket: bucket.to_string(),
            items: plan.upload_items(),
            problems: plan.problems,
            taken: Default::default(),
            rules: self.staging.rules.for_bucket(&conn.id, bucket)?,
            // Replacing what changed is the point of a sync: there is no choice to ask for.
            settled: true,
            sources_id: Some(sources_id.to_string()),
            sync: Some((summary, plan.delete)),
        };
        Ok(self.staging.keep_plan(staged, prefix))
    }


    /// Starts a planned upload with `tags` on every object. Missing required tags refuse it before
    /// anything is sent, and the plan stays so the user can add them and start again.
    pub async fn start_upload(
        &self,
        plan_id: &str,
        tags: Vec<Tag>,
        conflicts: ConflictChoice,
        remove_missing: bool,
        control: &Arc<Control>,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<UploadReport> {
        self.start_upload_with(plan_id, tags, conflicts, remove_missing, &UploadWrite::default(), control, progress).await
    }

    /// [`Satchel::start_upload`], with the storage class and encryption of what is sent (the
    /// upload sheet's choice). A class or key that can't be sent refuses it before anything is.
    #[allow(clippy::too_many_arguments)]
    pub async fn start_upload_with(
        &self,
        plan_id: &str,
        tags: Vec<Tag>,
        conflicts: ConflictChoice,
        remove_missing: bool,
        write: &UploadWrite,
        control: &Arc<Control>,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<UploadReport> {
        let storage_class = write.storage_class.as_deref().map(transfer::parse_storage_class).transpose()?;
        if let Some(choice) = &write.encryption {
            crate::governance::encryption::check(choice)?;
        }
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
        let conn = self.connection(&staged.connection_id).await?;
        let customer_key = match (&write.customer_key, &write.encryption) {
            (Some(_), Some(_)) => return Err(Error::invalid("Pick one encryption: a customer key (SSE-C) or SSE-S3/SSE-KMS, not both.")),
            (Some(name), None) => Some(self.customer_keys(&conn).get(name).await?),
            (None, _) => None,
        };
        self.staging.seen.check_class(&storage_name(&conn), storage_class.as_ref())?;
        self.staging.plans.lock().expect("plans lock").remove(plan_id);
        self.release_sources(staged.sources_id.as_deref());
        let (items, skipped) = staged.resolve(conflicts);
        let opts = UploadOptions { tags, storage_class, encryption: write.encryption.clone(), customer_key, ..UploadOptions::default() };
        let mut report = self.send_checked(&conn, &staged.bucket, items, &opts, &staged.rules, control, progress).await?;
        report.skipped = skipped;
        report.failed.extend(staged.problems.iter().cloned());
        // A sync removes what the folder lacks only once everything it sends is there: a sync
        // stopped half-way never leaves the prefix with less than it had.
        if let (true, Some((_, gone))) = (remove_missing, &staged.sync) {
            if report.failed.is_empty() && report.unfinished.is_empty() && !report.cancelled && !report.paused && !gone.is_empty() {
                let s3 = self.transfer_client(&conn, &staged.bucket).await?;
                let d = objects::delete_keys(&s3, &staged.bucket, gone).await?;
                report.removed = d.deleted;
                report.failed.extend(d.failed);
            }
        }
        if !report.unfinished.is_empty() && !report.cancelled {
            // Paused or failed files: a plan to resume or retry them with the same keys.
            let next = StagedUpload {
                items: std::mem::take(&mut report.unfinished),
                problems: Vec::new(),
                taken: Default::default(),
                settled: true,
                sources_id: None,
                ..staged
            };
            report.next_plan = Some(self.staging.keep_plan(next, "").plan_id);
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
        self.release_sources(plan.sources_id.as_deref());
        let (true, true, Some(journal)) = (abort, plan.settled, self.staging.journal()) else { return };
        let Ok(conn) = self.connection(&plan.connection_id).await else { return };
        let storage = storage_name(&conn);
        let mut ids = Vec::new();
        for item in &plan.items {
            let target = TransferTarget {
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

    /// Lets go of held files once no plan made from them is waiting (a plan made again with the
    /// other choice for links shares them with the one it replaces).
    fn release_sources(&self, sources_id: Option<&str>) {
        let Some(id) = sources_id else { return };
        let plans = self.staging.plans.lock().expect("plans lock");
        if !plans.values().any(|p| p.sources_id.as_deref() == Some(id)) {
            self.staging.sources.lock().expect("sources lock").remove(id);
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
        self.staging.seen.check_class(&storage_name(conn), opts.storage_class.as_ref())?;
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
        let storage = storage_name(conn);
        let s3 = self.transfer_client(conn, bucket).await?;
        let started = Instant::now();
        let mut opts = opts.clone();
        if opts.resume.is_none() {
            opts.resume = self.resume_for(conn);
        }
        // A batch is one connection's: the same command against another storage is another run.
        if let (Some(r), Some(batch)) = (&opts.resume, &opts.batch) {
            opts.batch = Some(format!("{} {batch}", r.storage));
        }
        let probe = items.first().map(|i| i.key.clone());
        let mut report = transfer::upload(&s3, bucket, items, &opts, control, progress).await?;
        if let Some(key) = probe.filter(|k| report.files > 0 && !report.failed.iter().any(|f| &f.key == k)) {
            let kept = transfer::kept_as_asked(&s3, bucket, &key, &opts).await;
            if let (Some(asked), Some(other)) = (&opts.storage_class, &kept.other_class) {
                if let Err(e) = self.staging.seen.saw_class_ignored(&storage, asked.as_str(), other) {
                    tracing::warn!(error = %e.message, "couldn't remember that the storage ignores storage classes");
                }
            }
            report.notes.extend(kept.note);
        }
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
            sources_id: None,
            sync: None,
        };
        Ok(self.staging.keep_plan(staged, ""))
    }

    /// Gives up journalled uploads: aborts them on the storage (nothing left to bill) and forgets them.
    pub async fn discard_unfinished(&self, ids: &[i64]) -> Result<()> {
        let Some(journal) = self.staging.journal() else { return Ok(()) };
        let conns = self.connections().await;
        let mut running = 0;
        for &id in ids {
            // Taken first, so an upload another Satchel is running (or resuming right now) is left
            // to it, and two windows can't discard the same one twice.
            if !journal.claim(id)? {
                running += usize::from(journal.target_of(id)?.is_some());
                continue;
            }
            let Some((target, upload_id)) = journal.target_of(id)? else { continue };
            if let Some(conn) = conns.iter().find(|c| storage_name(c) == target.storage) {
                let s3 = self.transfer_client(conn, &target.bucket).await?;
                multipart::abort_one(&s3, &target.bucket, &target.key, &upload_id).await?;
            }
            journal.forget(id)?;
        }
        if running > 0 {
            return Err(Error::new(
                ErrorCode::InUse,
                format!("{running} of these uploads are running in another Satchel (a window or a command) and were left to it."),
            ));
        }
        Ok(())
    }

    /// What the user should be told about the resume journal (set aside, or unusable), once.
    /// The journal transfers through `conn` resume by, unless it can't be used.
    pub fn resume_for(&self, conn: &Connection) -> Option<Resume> {
        self.staging.journal().map(|journal| Resume { journal, storage: storage_name(conn) })
    }

    pub fn journal_notice(&self) -> Option<String> {
        self.staging.journal_notice()
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
