//! Sync: what to send so that a destination matches its source, a local folder and a bucket prefix
//! in either direction. A file goes when the other side lacks it, when the sizes differ, or when the
//! source is newer: a local file modified after the object was last written, or an object written
//! after the local file's time. This is the rule `aws s3 sync` follows, and it needs no request per
//! object: one listing of each side. Uploads keep the file's time with the object (`mtime`, as
//! rclone does) and downloads give it back to the file, so a downloaded file is older than its
//! object: an object written after the file is asked for the time it keeps (one HEAD each, only for
//! those), and is unchanged when that is the file's. An object that keeps no time gives the file
//! its own last-modified time instead, so it is never asked twice. Neither is one the journal
//! records the file beside it as holding (same ETag, file unchanged since): what this machine
//! downloaded, uploaded or found the same before. With `delete`, what the source
//! no longer has is removed. Rerunning an interrupted sync sends only what is still missing or different. Compared by checksum instead
//! (`Compare::Checksum`), files of the same size are read and hashed to what the object's MD5 ETag or
//! its checksums say (as `rclone --checksum`): times are ignored, and an object nothing covers
//! whole falls back to the time rule.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::download::fetch::content_check;
use super::download::verify::file_matches;
use super::download::{local_path, Destination};
use super::journal::{bare_etag, same_path, FileStamp, Resume, SameBytes};
use super::mtime;
use super::plan::{plan, UploadItem};
use crate::connect::client::S3;
use crate::error::{Error, KeyFailure, Result};
use crate::format::parse_time;
use crate::objects;

/// Which paths take part: all, less those matching an exclude, unless an include matches them
/// again. Patterns match the path relative to the folder or prefix; `*` also matches `/`, as in
/// `aws s3 sync` (`--exclude '*.tmp'` leaves out `a/b/c.tmp`).
#[derive(Debug, Clone, Default)]
pub struct SyncFilter {
    include: Vec<glob::Pattern>,
    exclude: Vec<glob::Pattern>,
}

impl SyncFilter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<SyncFilter> {
        let compile = |list: &[String]| {
            list.iter()
                .map(|p| glob::Pattern::new(p).map_err(|e| Error::invalid(format!("\"{p}\" isn't a pattern Satchel understands: {e}."))))
                .collect::<Result<Vec<_>>>()
        };
        Ok(SyncFilter { include: compile(include)?, exclude: compile(exclude)? })
    }

    pub fn admits(&self, relative: &str) -> bool {
        !self.exclude.iter().any(|p| p.matches(relative)) || self.include.iter().any(|p| p.matches(relative))
    }
}

/// Why a file is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncReason {
    /// The destination lacks it.
    Missing,
    /// The sizes differ.
    Size,
    /// The source was modified after the destination's copy.
    Newer,
    /// Same size, other bytes (compared by checksum).
    Checksum,
}

/// How files of the same size are told apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Compare {
    /// By modification time: no file is read, no request per object.
    #[default]
    Time,
    /// By the bytes' MD5 or CRC against the object's: every such file is read.
    Checksum,
}

impl SyncReason {
    /// The word the CLI prints, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncReason::Missing => "missing",
            SyncReason::Size => "size",
            SyncReason::Newer => "newer",
            SyncReason::Checksum => "checksum",
        }
    }
}

/// One file to send: its key, its local path, its size, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SyncEntry {
    pub key: String,
    pub path: PathBuf,
    pub size: u64,
    pub reason: SyncReason,
    /// The object's ETag and time, for a download.
    #[serde(skip)]
    pub(crate) remote: Option<(Option<String>, Option<SystemTime>)>,
}

/// What a sync would do.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncPlan {
    pub send: Vec<SyncEntry>,
    /// Keys (uploading) or local paths (downloading) the source no longer has: removed with `delete`.
    pub delete: Vec<String>,
    pub unchanged: u64,
    /// Left out by the filters.
    pub excluded: u64,
    /// Files or keys that can't take part (unreadable files, keys that can't be a local path).
    pub problems: Vec<KeyFailure>,
}

impl SyncPlan {
    pub fn bytes(&self) -> u64 {
        self.send.iter().map(|e| e.size).sum()
    }

    /// The uploads this plan stands for.
    pub fn upload_items(&self) -> Vec<UploadItem> {
        self.send.iter().map(|e| UploadItem { path: e.path.clone(), key: e.key.clone(), size: e.size }).collect()
    }
}

/// An object as the comparison needs it.
struct Remote {
    size: u64,
    etag: Option<String>,
    modified: Option<SystemTime>,
}

/// Every object below `prefix`, by key.
async fn remote_objects(s3: &S3, bucket: &str, prefix: &str, cancel: &CancellationToken) -> Result<HashMap<String, Remote>> {
    let mut out = HashMap::new();
    objects::list_all(s3, bucket, prefix, true, cancel, |page| {
        for o in page.objects {
            let modified = o.last_modified.as_deref().and_then(parse_time);
            out.insert(o.key, Remote { size: o.size, etag: o.etag, modified });
        }
    })
    .await?;
    Ok(out)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Whether `a` is later than `b` by the storage's precision (whole seconds): a file changed within
/// the second of its upload must not look newer than its object forever after.
fn later(a: SystemTime, b: SystemTime) -> bool {
    let secs = |t: SystemTime| t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    secs(a) > secs(b)
}

/// A folder key (`a/`) is a marker, not a file to sync.
fn is_marker(key: &str) -> bool {
    key.ends_with('/')
}

/// What to upload so `bucket/prefix` matches the folder `dir`.
pub async fn plan_up(dir: &Path, s3: &S3, bucket: &str, prefix: &str, filter: &SyncFilter, compare: Compare, cancel: &CancellationToken) -> Result<SyncPlan> {
    let (dir_owned, prefix_owned) = (dir.to_path_buf(), prefix.to_string());
    let (items, problems) = tokio::task::spawn_blocking(move || plan(&dir_owned, &prefix_owned, false))
        .await
        .map_err(|e| Error::internal(e.to_string()))?;
    let remote = remote_objects(s3, bucket, prefix, cancel).await?;
    let mut sync = SyncPlan { problems, ..SyncPlan::default() };
    let mut seen = HashSet::new();
    let mut same_size = Vec::new();
    for item in items {
        let relative = item.key[prefix.len()..].to_string();
        if !filter.admits(&relative) {
            sync.excluded += 1;
            seen.insert(item.key);
            continue;
        }
        let reason = match remote.get(&item.key) {
            None => Some(SyncReason::Missing),
            Some(r) if r.size != item.size => Some(SyncReason::Size),
            Some(r) => match (modified(&item.path), r.modified) {
                (Some(local), Some(written)) if later(local, written) => Some(SyncReason::Newer),
                _ => None,
            },
        };
        seen.insert(item.key.clone());
        let entry = SyncEntry { key: item.key, path: item.path, size: item.size, reason: reason.unwrap_or(SyncReason::Newer), remote: None };
        match (reason, &compare) {
            (None | Some(SyncReason::Newer), Compare::Checksum) => {
                let etag = remote.get(&entry.key).and_then(|r| r.etag.clone());
                same_size.push((entry, reason, etag));
            }
            (Some(_), _) => sync.send.push(entry),
            (None, _) => sync.unchanged += 1,
        }
    }
    by_content(s3, bucket, same_size, &mut sync, cancel).await?;
    let mut gone: Vec<String> = remote
        .into_keys()
        .filter(|k| !seen.contains(k) && !is_marker(k) && filter.admits(&k[prefix.len()..]))
        .collect();
    gone.sort();
    sync.delete = gone;
    Ok(sync)
}

/// What to download so the folder `dir` matches `bucket/prefix`.
///
/// With a journal (`known`), an object written after its file is not asked for when the file is
/// recorded as holding that very version (same ETag) and is unchanged since (same size and time):
/// what this machine downloaded or uploaded itself, or found the same before.
#[allow(clippy::too_many_arguments)]
pub async fn plan_down(
    s3: &S3,
    bucket: &str,
    prefix: &str,
    dest: &Destination,
    filter: &SyncFilter,
    compare: Compare,
    known: Option<&Resume>,
    cancel: &CancellationToken,
) -> Result<SyncPlan> {
    let remote = remote_objects(s3, bucket, prefix, cancel).await?;
    // Only the time rule asks objects for what the record can answer.
    let same_before = match (known, compare) {
        (Some(r), Compare::Time) => r.known_same(bucket, prefix),
        _ => HashMap::new(),
    };
    let mut sync = SyncPlan::default();
    let mut same_size = Vec::new();
    let mut written_since = Vec::new();
    let mut wanted = HashSet::new();
    let mut keys: Vec<(String, Remote)> = remote.into_iter().filter(|(k, _)| !is_marker(k)).collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, r) in keys {
        let relative = &key[prefix.len()..];
        if !filter.admits(relative) {
            sync.excluded += 1;
            continue;
        }
        let path = match local_path(&dest.root, prefix, &key, dest.rules) {
            Ok(p) => p,
            Err(why) => {
                sync.problems.push(KeyFailure { key, reason: format!("Not downloaded: {why}.") });
                continue;
            }
        };
        wanted.insert(dest.folding.identity(&path));
        let local = std::fs::symlink_metadata(&path).ok();
        let reason = match &local {
            None => Some(SyncReason::Missing),
            Some(m) if !m.is_file() => Some(SyncReason::Missing),
            Some(m) if m.len() != r.size => Some(SyncReason::Size),
            Some(m) => match (r.modified, m.modified().ok()) {
                (Some(written), Some(local)) if later(written, local) => Some(SyncReason::Newer),
                _ => None,
            },
        };
        let etag = r.etag.clone();
        let recorded = |m: &std::fs::Metadata| {
            let (Some(listed), Some((etag, stamp))) = (&r.etag, same_before.get(&(key.clone(), same_path(&path)))) else { return false };
            bare_etag(listed) == bare_etag(etag) && FileStamp::of_metadata(m) == *stamp
        };
        let reason = match (reason, &local) {
            (Some(SyncReason::Newer), Some(m)) if recorded(m) => None,
            _ => reason,
        };
        let entry = SyncEntry { key, path, size: r.size, reason: reason.unwrap_or(SyncReason::Newer), remote: Some((r.etag, r.modified)) };
        match (reason, &compare) {
            (None | Some(SyncReason::Newer), Compare::Checksum) => same_size.push((entry, reason, etag)),
            (Some(SyncReason::Newer), _) => written_since.push((entry, local.and_then(|m| m.modified().ok()))),
            (Some(_), _) => sync.send.push(entry),
            (None, _) => sync.unchanged += 1,
        }
    }
    let found_same = by_stored_time(s3, bucket, written_since, &mut sync, cancel).await?;
    if let Some(r) = known {
        r.record_same(bucket, &found_same);
    }
    // Last: it puts what is sent back in key order, after both settled theirs out of order.
    by_content(s3, bucket, same_size, &mut sync, cancel).await?;
    // Local files the prefix no longer has (links are never followed, nor removed).
    let (files, _) = tokio::task::spawn_blocking({
        let root = dest.root.clone();
        move || plan(&root, "", false)
    })
    .await
    .map_err(|e| Error::internal(e.to_string()))?;
    let mut gone: Vec<String> = files
        .into_iter()
        .filter(|f| !wanted.contains(&dest.folding.identity(&f.path)) && filter.admits(&f.key) && !is_partial(&f.key))
        .map(|f| f.path.display().to_string())
        .collect();
    gone.sort();
    sync.delete = gone;
    Ok(sync)
}

/// Files hashed at once when comparing by checksum.
const HASHING: usize = 4;

/// Settles pairs of the same size by their bytes: each entry with what the time rule said and the
/// object's ETag. Same bytes: unchanged; other bytes: sent (`Checksum`); nothing to compare the
/// file with: the time rule's answer stands.
async fn by_content(s3: &S3, bucket: &str, pairs: Vec<(SyncEntry, Option<SyncReason>, Option<String>)>, sync: &mut SyncPlan, cancel: &CancellationToken) -> Result<()> {
    let check = |(entry, by_time, etag): (SyncEntry, Option<SyncReason>, Option<String>)| {
        let (s3, bucket) = (s3.clone(), bucket.to_string());
        async move {
            let same = match content_check(&s3, &bucket, &entry.key, etag.as_deref(), entry.size).await {
                Some((expected, step)) => {
                    let path = entry.path.clone();
                    // A file that can't be read counts as different: the transfer then reports why.
                    tokio::task::spawn_blocking(move || file_matches(&path, expected, step).unwrap_or(false)).await.ok()
                }
                None => None,
            };
            let reason = match same {
                Some(true) => None,
                Some(false) => Some(SyncReason::Checksum),
                None => by_time,
            };
            (entry, reason)
        }
    };
    at_most(HASHING, pairs, check, cancel, |(entry, reason)| match reason {
        Some(reason) => sync.send.push(SyncEntry { reason, ..entry }),
        None => sync.unchanged += 1,
    })
    .await?;
    sync.send.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(())
}

/// Objects asked for the file time they keep at once.
const ASKING: usize = 32;

/// Settles objects of the local file's size written after the file's time. A download gives the
/// file the time the object keeps (`mtime`, the time of the file it was uploaded from), which is
/// older than the object itself: such an object is still that file when its kept time is the
/// file's, to the second. Each is asked with a HEAD (only these: the listing settles the rest).
/// One that keeps no time, or another time, is sent. Returns the files found the same, to record.
async fn by_stored_time(s3: &S3, bucket: &str, pairs: Vec<(SyncEntry, Option<SystemTime>)>, sync: &mut SyncPlan, cancel: &CancellationToken) -> Result<Vec<SameBytes>> {
    let mut same_files = Vec::new();
    let ask = |(entry, local): (SyncEntry, Option<SystemTime>)| {
        let (s3, bucket) = (s3.clone(), bucket.to_string());
        async move {
            // An object that can't be asked about is fetched: the download then says why.
            let kept = objects::properties(&s3, &bucket, &entry.key).await.ok().and_then(|p| mtime::stored(p.metadata.iter().map(|(k, v)| (k, v))));
            let same = matches!((kept, local), (Some(kept), Some(local)) if !later(kept, local) && !later(local, kept));
            (entry, same)
        }
    };
    at_most(ASKING, pairs, ask, cancel, |(entry, same)| match same {
        true => {
            sync.unchanged += 1;
            if let Some((Some(etag), _)) = &entry.remote {
                same_files.extend(SameBytes::now(&entry.key, &entry.path, etag));
            }
        }
        false => sync.send.push(entry),
    })
    .await?;
    Ok(same_files)
}

/// Runs `work` over `items`, `limit` at a time, handing each answer to `done` as it comes. Answers
/// are taken as tasks end, not after all were started: an ended task keeps its whole future's
/// memory (an SDK request's is tens of KiB) until joined, which for 10,000 objects was 100 MiB.
async fn at_most<T, R, F>(
    limit: usize,
    items: Vec<T>,
    work: impl Fn(T) -> F,
    cancel: &CancellationToken,
    mut done: impl FnMut(R),
) -> Result<()>
where
    F: std::future::Future<Output = R> + Send + 'static,
    R: Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    let mut items = items.into_iter();
    loop {
        while tasks.len() < limit {
            match items.next() {
                Some(item) => {
                    tasks.spawn(work(item));
                }
                None => break,
            }
        }
        let next = tokio::select! {
            next = tasks.join_next() => next,
            _ = cancel.cancelled() => return Err(Error::cancelled()),
        };
        match next {
            Some(joined) => done(joined.map_err(|e| Error::internal(e.to_string()))?),
            None => return Ok(()),
        }
    }
}

impl SyncPlan {
    /// The downloads this plan stands for, into `dest`, each pinned to the ETag listed and given
    /// the object's time when written.
    pub fn download_plan(&self, dest: Destination) -> super::download::DownloadPlan {
        let entries = self.send.iter().map(|e| {
            let (etag, modified) = e.remote.clone().unwrap_or_default();
            (e.key.clone(), e.path.clone(), e.size, etag, modified)
        });
        super::download::DownloadPlan::of_entries(dest, entries.collect())
    }
}

/// Removes local files a sync found gone from the source: how many, and what couldn't be removed.
pub fn delete_local(paths: &[String]) -> (u64, Vec<KeyFailure>) {
    let mut removed = 0;
    let mut failed = Vec::new();
    for p in paths {
        match std::fs::remove_file(p) {
            Ok(()) => removed += 1,
            Err(e) => failed.push(KeyFailure { key: p.clone(), reason: format!("Couldn't remove it: {e}.") }),
        }
    }
    (removed, failed)
}

/// A download's own temporary file, which a sync must neither upload nor delete.
fn is_partial(key: &str) -> bool {
    key.ends_with(".satchel-part")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_leave_out_and_includes_bring_back() {
        let f = SyncFilter::new(&["keep/*.tmp".into()], &["*.tmp".into(), "cache/*".into()]).unwrap();
        assert!(f.admits("a/b/c.csv"));
        assert!(!f.admits("a/b/c.tmp"), "* crosses folders, as in aws s3 sync");
        assert!(!f.admits("cache/x/y"));
        assert!(f.admits("keep/x.tmp"));
        assert!(SyncFilter::new(&[], &["[".into()]).unwrap_err().message.contains("isn't a pattern"));
    }
}
