//! Downloads: objects and whole prefixes into a chosen folder. A download is planned first (keys
//! listed, mapped to local paths, those that would land outside the folder refused, names already
//! taken found) so the user can choose what happens to files already there; then each object is
//! fetched by `fetch` into a temporary file beside its target and renamed over it when complete.

pub(crate) mod fetch;
mod partial;
mod place;
pub(crate) mod verify;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, KeyFailure, Result};
use crate::objects;
use crate::transfer::progress::{reported, Tally, TransferProgress};
use crate::transfer::journal::{Resume, SameBytes, SameRecorder, HEARTBEAT};
use fetch::{download_one, Fetched, Planned};
pub use place::{local_path, Destination, Folding, NameRules};
use place::{collides, create_folder, settle_target, walk_parent};

/// Objects above this are fetched in ranged parts.
pub const RANGED_THRESHOLD: u64 = 16 * 1024 * 1024;
/// Size of each ranged GET.
pub const PART_SIZE: u64 = 8 * 1024 * 1024;
/// Requests in flight across all files of a download: this many GETs of whole objects, or half as
/// many ranged GETs (a range weighs two, see `fetch::slots_for`). Small objects are bound by the
/// time each request waits, not by bytes: on 2 cores, 16 at once kept both busy where 8 left a
/// quarter idle (2,000 objects of 64 KiB from garage: 1.05 s against 1.12 s). A large object's
/// ranges were fastest 8 at a time (1 GiB: 1.12 s; 1.20 s at 16).
pub const CONCURRENCY: usize = 16;

/// What a download does where a file is already at a key's local path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum IfExists {
    /// Replace it (what `aws s3 cp` does).
    #[default]
    Overwrite,
    /// Leave it, and don't download that key.
    Skip,
    /// Keep both: the download takes a free name, `report (1).csv`.
    Rename,
}

impl IfExists {
    pub fn parse(s: &str) -> Result<IfExists> {
        match s {
            "overwrite" => Ok(IfExists::Overwrite),
            "skip" => Ok(IfExists::Skip),
            "rename" => Ok(IfExists::Rename),
            other => Err(Error::invalid(format!("\"{other}\" isn't a choice for existing files: use overwrite, skip or rename."))),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DownloadReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    /// Keys not downloaded because of where they would land.
    pub refused: Vec<KeyFailure>,
    pub failed: Vec<KeyFailure>,
    pub cancelled: bool,
    /// Keys not downloaded because a file was already there and the choice was to skip.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub skipped: u64,
    /// Keys overwritten on the storage while they downloaded: fetched again, so the file holds
    /// the newer version whole.
    pub changed: Vec<String>,
    /// Files whose bytes were checked against the object's checksum or MD5 ETag (the others had
    /// neither that covers the whole object).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub verified: u64,
    /// Bytes of large files an interrupted run had already written, not fetched again.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub resumed_bytes: u64,
    /// Keys whose interrupted download was dropped because the object changed since: fetched
    /// again from the start.
    pub restarted: Vec<String>,
    /// Of the failed keys, those archived (Glacier Flexible Retrieval, Deep Archive): a restore
    /// makes them readable.
    pub archived: Vec<String>,
    /// Stopped by a pause: `next_plan` downloads what is left (large files in flight go on from
    /// the ranges they have, small ones start over).
    pub paused: bool,
    /// The held plan that resumes a paused download or retries its failed keys (the app's).
    pub next_plan: Option<String>,
}

/// Keys checked and mapped to the disk, waiting for the choice about names already taken.
#[derive(Debug)]
pub struct DownloadPlan {
    dest: Destination,
    items: Vec<Planned>,
    /// Keys not downloaded because of where they would land.
    pub refused: Vec<KeyFailure>,
    /// The paths are final (what a paused or failed run left): the choice was made already.
    settled: bool,
    /// Where large files are journalled range by range, to resume after a kill, crash or pause.
    resume: Option<Resume>,
}

impl DownloadPlan {
    /// Keys already mapped to paths under `dest` (a sync's plan): (key, path, size, ETag, time).
    /// A key whose way meets a link is refused here as in any download.
    pub(crate) fn of_entries(dest: Destination, entries: Vec<(String, PathBuf, u64, Option<String>, Option<std::time::SystemTime>)>) -> DownloadPlan {
        let mut plan = DownloadPlan { items: Vec::new(), refused: Vec::new(), dest, settled: false, resume: None };
        let root = plan.dest.root.clone();
        for (key, path, size, etag, modified) in entries {
            match walk_parent(&root, &path, false) {
                Ok(()) => plan.items.push(Planned { key, path, size, etag, modified, root: root.clone(), version: None }),
                Err(why) => plan.refused.push(KeyFailure { key, reason: format!("Not downloaded: {why}.") }),
            }
        }
        plan
    }

    /// Journals large files range by range through `resume`, and resumes the ones an interrupted
    /// download of the same keys to the same paths left.
    pub fn resumable(mut self, resume: Option<Resume>) -> DownloadPlan {
        self.resume = resume;
        self
    }

    /// Removes what the plan's unfinished large files left for resuming (after a cancel).
    pub fn discard_partials(&self, bucket: &str) {
        let Some(resume) = &self.resume else { return };
        for item in self.items.iter().filter(|i| fetch::is_ranged(i.size, i.etag.as_deref())) {
            partial::discard(resume, bucket, &item.key, &item.path);
        }
    }

    pub fn files(&self) -> u64 {
        self.items.len() as u64
    }

    pub fn bytes(&self) -> u64 {
        self.items.iter().map(|i| i.size).sum()
    }

    pub fn root(&self) -> &Path {
        &self.dest.root
    }

    /// Local paths (relative to the folder) already taken: by a file on disk, or by an earlier key
    /// of the batch that the file system takes as the same name.
    pub fn conflicts(&self) -> Vec<String> {
        let mut planned = HashSet::new();
        let mut out = Vec::new();
        for item in &self.items {
            if collides(&item.path, self.dest.folding, &planned) {
                out.push(item.path.strip_prefix(&self.dest.root).unwrap_or(&item.path).to_string_lossy().into_owned());
            }
            planned.insert(self.dest.folding.identity(&item.path));
        }
        out
    }

    /// The paths each key is written to under `choice`, and the report so far (refused, skipped).
    fn settle(self, choice: IfExists) -> (Vec<Planned>, DownloadReport) {
        let mut report = DownloadReport { refused: self.refused, ..DownloadReport::default() };
        let mut planned = HashSet::new();
        let mut out = Vec::with_capacity(self.items.len());
        for item in self.items {
            match settle_target(item.path.clone(), choice, self.dest.folding, &mut planned) {
                Some(path) => out.push(Planned { path, ..item }),
                None => report.skipped += 1,
            }
        }
        (out, report)
    }
}

/// Plans a download of keys and folders (`prefix/`) of `bucket` into `dest`. A folder lands as a
/// folder of its own name; a key lands as its file name. A key whose way there meets a symbolic
/// link, or that would leave the folder, is refused and listed.
pub async fn plan_download(s3: &S3, bucket: &str, selection: &[String], dest: Destination, cancel: &CancellationToken) -> Result<DownloadPlan> {
    let mut plan = DownloadPlan { items: Vec::new(), refused: Vec::new(), dest, settled: false, resume: None };
    for item in selection {
        let parent = match item.trim_end_matches('/').rfind('/') {
            Some(i) => &item[..=i],
            None => "",
        };
        if item.ends_with('/') {
            let mut all = Vec::new();
            objects::list_all(s3, bucket, item, true, cancel, |p| all.extend(p.objects)).await?;
            plan.add(parent, all.into_iter().map(|o| (o.key, o.size, o.etag, o.last_modified)));
        } else {
            let props = objects::properties(s3, bucket, item).await?;
            plan.add(parent, [(item.clone(), props.size, props.etag, props.last_modified)]);
        }
    }
    Ok(plan)
}

/// Plans a download of everything under `prefix` into `dest` by paths relative to the prefix
/// (what `aws s3 cp --recursive` does), from one listing.
pub async fn plan_download_contents(s3: &S3, bucket: &str, prefix: &str, dest: Destination, cancel: &CancellationToken) -> Result<DownloadPlan> {
    let mut plan = DownloadPlan { items: Vec::new(), refused: Vec::new(), dest, settled: false, resume: None };
    let mut all = Vec::new();
    objects::list_all(s3, bucket, prefix, true, cancel, |p| all.extend(p.objects)).await?;
    plan.add(prefix, all.into_iter().map(|o| (o.key, o.size, o.etag, o.last_modified)));
    Ok(plan)
}

impl DownloadPlan {
    /// Listed keys (key, size, ETag, last modified), each mapped to its path relative to `parent`.
    fn add(&mut self, parent: &str, entries: impl IntoIterator<Item = (String, u64, Option<String>, Option<String>)>) {
        let root = self.dest.root.clone();
        for (key, size, etag, modified) in entries {
            let modified = modified.as_deref().and_then(crate::format::parse_time);
            match local_path(&root, parent, &key, self.dest.rules).and_then(|path| walk_parent(&root, &path, false).map(|()| path)) {
                Ok(path) => self.items.push(Planned { key, path, size, etag, modified, root: root.clone(), version: None }),
                Err(why) if why == "it is a folder marker" => {}
                Err(why) => self.refused.push(KeyFailure { key, reason: format!("Not downloaded: {why}.") }),
            }
        }
    }
}

/// Downloads a plan; `if_exists` says what happens to names already taken. Two keys of the batch
/// that land on one path never replace each other: the later is skipped or takes a free name.
pub async fn run_download(
    s3: &S3,
    bucket: &str,
    plan: DownloadPlan,
    if_exists: IfExists,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&TransferProgress) + Send + Sync),
) -> Result<DownloadReport> {
    let (report, left) = run_plan(s3, bucket, plan, if_exists, cancel, progress).await?;
    // Stopped for good: nothing is left on the disk for a resume no one will ask for. (Only a
    // kill or a crash leaves a large file's ranges, for the next run to go on from.)
    if report.cancelled {
        left.discard_partials(bucket);
    }
    Ok(report)
}

/// Runs a plan, and gives back what did not finish (stopped in flight, never started, or failed)
/// as a settled plan to resume or retry: the same paths, the choice already made.
pub async fn run_plan(
    s3: &S3,
    bucket: &str,
    mut plan: DownloadPlan,
    if_exists: IfExists,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&TransferProgress) + Send + Sync),
) -> Result<(DownloadReport, DownloadPlan)> {
    let dest = plan.dest.clone();
    let resume = plan.resume.take();
    let (items, report) = if plan.settled {
        (plan.items, DownloadReport { refused: plan.refused, ..DownloadReport::default() })
    } else {
        plan.settle(if_exists)
    };
    let (report, left) = run(s3, bucket, items, resume.as_ref(), report, cancel, progress).await?;
    Ok((report, DownloadPlan { dest, items: left, refused: Vec::new(), settled: true, resume }))
}

/// Plans and runs a download into `dest` with one choice for names already taken; large files are
/// journalled through `resume` when given.
#[allow(clippy::too_many_arguments)]
pub async fn download(
    s3: &S3,
    bucket: &str,
    selection: &[String],
    dest: &Path,
    if_exists: IfExists,
    resume: Option<Resume>,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&TransferProgress) + Send + Sync),
) -> Result<DownloadReport> {
    let plan = plan_download(s3, bucket, selection, Destination::at(dest)?, cancel).await?.resumable(resume);
    run_download(s3, bucket, plan, if_exists, cancel, progress).await
}

/// Downloads one key to exactly the file `target` (created or replaced), and nothing else: the
/// bytes go to a temporary file of its own beside the target, renamed over it when complete (a
/// large one journalled through `resume`, when given, so a killed run's next one goes on from it).
pub async fn download_file(
    s3: &S3,
    bucket: &str,
    key: &str,
    target: &Path,
    resume: Option<Resume>,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&TransferProgress) + Send + Sync),
) -> Result<DownloadReport> {
    download_version(s3, bucket, key, None, target, resume, cancel, progress).await
}

/// [`download_file`] of one version of the key (`None`: the current one).
#[allow(clippy::too_many_arguments)]
pub async fn download_version(
    s3: &S3,
    bucket: &str,
    key: &str,
    version: Option<&str>,
    target: &Path,
    resume: Option<Resume>,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&TransferProgress) + Send + Sync),
) -> Result<DownloadReport> {
    if target.is_dir() {
        return Err(Error::invalid(format!("{} is a folder; name a file, or end the path with / to download into it.", target.display())));
    }
    let root = fetch::folder_of(target).to_path_buf();
    create_folder(&root)?;
    let props = objects::properties_at(s3, bucket, key, version).await?;
    let path = root.join(target.file_name().ok_or_else(|| Error::invalid(format!("{} names no file.", target.display())))?);
    let modified = props.last_modified.as_deref().and_then(crate::format::parse_time);
    let version = version.map(str::to_string);
    let plan = vec![Planned { key: key.to_string(), path: path.clone(), size: props.size, etag: props.etag, modified, root, version }];
    let (report, _) = run(s3, bucket, plan, resume.as_ref(), DownloadReport::default(), cancel, progress).await?;
    if let (true, Some(resume)) = (report.cancelled, &resume) {
        partial::discard(resume, bucket, key, &path);
    }
    Ok(report)
}

/// Downloads a settled plan, several files and ranges at once; returns the report and the keys
/// that did not finish.
async fn run(
    s3: &S3,
    bucket: &str,
    plan: Vec<Planned>,
    resume: Option<&Resume>,
    mut report: DownloadReport,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&TransferProgress) + Send + Sync),
) -> Result<(DownloadReport, Vec<Planned>)> {
    let tally = Arc::new(Tally { files_total: plan.len() as u64, bytes_total: plan.iter().map(|p| p.size).sum(), ..Tally::default() });
    let slots = Arc::new(Semaphore::new(CONCURRENCY));
    // Open files are bounded too, whatever the number of keys.
    let open_files = Arc::new(Semaphore::new(2 * CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    let mut left = Vec::new();
    // Files now holding their object's current version, recorded for the next sync's comparison.
    let mut written = SameRecorder::new(resume, bucket);
    let mut waiting = plan.into_iter();
    // Other processes see this one's journalled downloads as running, not interrupted.
    let mut beat = tokio::time::interval(HEARTBEAT);
    let beat_journal = || {
        if let Some(r) = resume {
            if let Err(e) = r.journal.beat_downloads() {
                tracing::warn!(error = %e.message, "transfer journal");
            }
        }
    };
    reported(&tally, progress, async {
        for planned in waiting.by_ref() {
            let file_permit = loop {
                tokio::select! {
                    p = open_files.clone().acquire_owned() => break Some(p.expect("semaphore open")),
                    _ = cancel.cancelled() => break None,
                    _ = beat.tick() => beat_journal(),
                }
            };
            let Some(file_permit) = file_permit else {
                left.push(planned);
                break;
            };
            let (s3, bucket, slots, tally, cancel) = (s3.clone(), bucket.to_string(), slots.clone(), tally.clone(), cancel.clone());
            let resume = resume.cloned();
            tasks.spawn(async move {
                let _file_permit = file_permit;
                tally.begin_file(&planned.key, planned.size);
                let r = download_one(&s3, &bucket, &planned, resume.as_ref(), &slots, &tally, &cancel).await;
                tally.end_file(&planned.key, r.is_ok(), r.as_ref().is_err_and(|e| e.code != ErrorCode::Cancelled));
                (planned, r)
            });
            while let Some(done) = tasks.try_join_next() {
                settle(done, &mut report, &mut left, &mut written);
            }
        }
        left.extend(waiting);
        loop {
            tokio::select! {
                done = tasks.join_next() => match done {
                    Some(done) => settle(done, &mut report, &mut left, &mut written),
                    None => break,
                },
                _ = beat.tick() => beat_journal(),
            }
        }
    })
    .await;
    report.cancelled = cancel.is_cancelled();
    written.finish().await;
    Ok((report, left))
}

type Done = std::result::Result<(Planned, Result<Fetched>), tokio::task::JoinError>;

/// Adds a finished file to the report (and to `written`, as it is on the disk now); one that
/// failed or was stopped goes to `left`.
fn settle(done: Done, report: &mut DownloadReport, left: &mut Vec<Planned>, written: &mut SameRecorder) {
    match done {
        Ok((planned, Ok(fetched))) => {
            if let (None, Some(etag)) = (&planned.version, &fetched.etag) {
                if let Some(file) = SameBytes::now(&planned.key, &planned.path, etag) {
                    written.push(file);
                }
            }
            report.files += 1;
            report.bytes += fetched.size;
            if fetched.changed {
                report.changed.push(planned.key.clone());
            }
            report.verified += u64::from(fetched.verified);
            report.resumed_bytes += fetched.resumed;
            if fetched.restarted {
                report.restarted.push(planned.key);
            }
        }
        Ok((planned, Err(e))) => {
            if e.code == ErrorCode::Archived {
                report.archived.push(planned.key.clone());
            }
            if e.code != ErrorCode::Cancelled {
                report.failed.push(KeyFailure { key: planned.key.clone(), reason: e.message });
            }
            left.push(planned);
        }
        Err(e) => report.failed.push(KeyFailure { key: String::new(), reason: format!("download task failed: {e}") }),
    }
}
