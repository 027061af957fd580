//! One object onto the disk: ranged GETs in parallel, each streamed to its place in a temporary
//! file beside the target (no part is held in memory), all pinned to the ETag read when planning.
//! An object overwritten during its download answers 412 (or another ETag) and is fetched again
//! whole, never stitched from two versions.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::place::walk_parent;
use super::{PART_SIZE, RANGED_THRESHOLD};
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};
use crate::objects;

/// Times an object that keeps changing is fetched before its download fails.
const FETCHES: u32 = 3;

/// One key and where it goes; `root` is the folder nothing may be written outside of.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    pub key: String,
    pub path: std::path::PathBuf,
    pub size: u64,
    /// The version the download is pinned to, as read when planning.
    pub etag: Option<String>,
    /// The object's last-modified time, given to the file (as `aws s3 cp` does), so a later sync
    /// sees it unchanged.
    pub modified: Option<std::time::SystemTime>,
    pub root: std::path::PathBuf,
}

/// What became of one object that was written.
pub(super) struct Fetched {
    pub size: u64,
    /// It changed on the storage during the download and was fetched again.
    pub changed: bool,
}

/// Why a range stopped.
enum Stop {
    /// The object is not the version the download is pinned to any more.
    Changed,
    Failed(Error),
}

/// One object into `plan.path`, through a temporary file of its own beside it, renamed over the
/// target when complete and removed on any error or cancel.
pub(super) async fn download_one(s3: &S3, bucket: &str, plan: &Planned, slots: &Arc<Semaphore>, bytes_done: &AtomicU64, cancel: &CancellationToken) -> Result<Fetched> {
    let path = plan.path.as_path();
    walk_parent(&plan.root, path, true).map_err(|why| Error::new(ErrorCode::Config, format!("Not downloaded: {why}.")))?;
    let (mut size, mut etag, mut modified) = (plan.size, plan.etag.clone(), plan.modified);
    for fetch in 1..=FETCHES {
        let sent = AtomicU64::new(0);
        match fetch_whole(s3, bucket, &plan.key, path, (size, etag.as_deref(), modified), slots, &sent, bytes_done, cancel).await {
            Ok(()) => return Ok(Fetched { size, changed: fetch > 1 }),
            Err(Stop::Failed(e)) => return Err(e),
            Err(Stop::Changed) => {
                // The bytes of the discarded copy no longer count as done.
                bytes_done.fetch_sub(sent.load(Ordering::Relaxed), Ordering::Relaxed);
                tracing::info!(key = %plan.key, fetch, "object changed during its download; fetching it again");
                let now = objects::properties(s3, bucket, &plan.key).await?;
                (size, etag, modified) = (now.size, now.etag, now.last_modified.as_deref().and_then(crate::format::parse_time));
            }
        }
    }
    Err(Error::new(ErrorCode::Storage, format!("{} kept changing during the download ({FETCHES} tries); nothing was written.", plan.key)))
}

/// Every range of one version of the object into a new temporary file, then the rename.
#[allow(clippy::too_many_arguments)]
async fn fetch_whole(
    s3: &S3,
    bucket: &str,
    key: &str,
    path: &Path,
    (size, etag, modified): (u64, Option<&str>, Option<std::time::SystemTime>),
    slots: &Arc<Semaphore>,
    sent: &AtomicU64,
    bytes_done: &AtomicU64,
    cancel: &CancellationToken,
) -> std::result::Result<(), Stop> {
    let io = |e: std::io::Error| Stop::Failed(Error::new(ErrorCode::Config, format!("Couldn't write {}: {e}.", path.display())));
    let (tmp, file) = temporary_beside(path).map_err(io)?;
    file.set_len(size).map_err(io)?;
    let file = Arc::new(file);
    let ranged = size > RANGED_THRESHOLD;
    let ranges: Vec<(u64, u64)> =
        if ranged { (0..size).step_by(PART_SIZE as usize).map(|s| (s, (s + PART_SIZE).min(size))).collect() } else { vec![(0, size)] };
    let mut parts = tokio::task::JoinSet::new();
    for (start, end) in ranges {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("semaphore open"),
            _ = cancel.cancelled() => break,
        };
        let (s3, bucket, key, file, cancel) = (s3.clone(), bucket.to_string(), key.to_string(), file.clone(), cancel.clone());
        let pin = etag.map(str::to_string);
        parts.spawn(async move {
            let _permit = permit;
            fetch_range(&s3, &bucket, &key, pin.as_deref(), &file, (start, end), ranged, &cancel).await
        });
    }
    let mut written = 0u64;
    let mut stop = None;
    while let Some(done) = parts.join_next().await {
        match done.map_err(|e| Stop::Failed(Error::internal(e.to_string()))).and_then(|r| r) {
            Ok(n) => {
                written += n;
                sent.fetch_add(n, Ordering::Relaxed);
                bytes_done.fetch_add(n, Ordering::Relaxed);
            }
            // A change wins over other errors: fetching again is the answer to both.
            Err(Stop::Changed) => {
                stop = Some(Stop::Changed);
                parts.abort_all();
            }
            Err(e) => {
                stop.get_or_insert(e);
            }
        }
    }
    if cancel.is_cancelled() && stop.is_none() && written != size {
        stop = Some(Stop::Failed(Error::new(ErrorCode::Cancelled, "Cancelled.")));
    }
    if stop.is_none() && written != size {
        // The store may ignore If-Match; a short or long body means another version all the same.
        stop = Some(Stop::Changed);
    }
    if let Some(stop) = stop {
        return Err(stop);
    }
    if let Some(t) = modified {
        file.set_modified(t).map_err(io)?;
    }
    file.sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))
}

/// A new temporary file next to `path`, under a random name no other download uses (tempfile's
/// create-new: a link planted at that name is never opened). The returned path removes the file
/// when dropped, so an error or a cancel leaves nothing behind; `persist` renames it over `path`.
pub(super) fn temporary_beside(path: &Path) -> std::io::Result<(tempfile::TempPath, std::fs::File)> {
    temporary_with(path, 6)
}

/// `random` characters in the name; none only in tests, to plant something at the exact name.
fn temporary_with(path: &Path, random: usize) -> std::io::Result<(tempfile::TempPath, std::fs::File)> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".satchel-part").rand_bytes(random).tempfile_in(dir)?;
    let (file, tmp) = tmp.into_parts();
    Ok((tmp, file))
}

/// One range (or the whole object), pinned with If-Match; stops between chunks when cancelled, so
/// a cancelled file never completes.
#[allow(clippy::too_many_arguments)]
async fn fetch_range(
    s3: &S3,
    bucket: &str,
    key: &str,
    etag: Option<&str>,
    file: &std::fs::File,
    (start, end): (u64, u64),
    ranged: bool,
    cancel: &CancellationToken,
) -> std::result::Result<u64, Stop> {
    if start == end {
        return Ok(0);
    }
    let mut req = s3.client.get_object().bucket(bucket).key(key).set_if_match(etag.map(str::to_string));
    if ranged {
        req = req.range(format!("bytes={start}-{}", end - 1));
    }
    let out = match req.send().await {
        Ok(out) => out,
        Err(e) if e.raw_response().map(|r| r.status().as_u16()) == Some(412) => return Err(Stop::Changed),
        Err(e) => return Err(Stop::Failed(classify(&e, s3.attempt("download the object")))),
    };
    // A store that ignores If-Match still names the version it sent.
    if let (Some(pin), Some(got)) = (etag, out.e_tag()) {
        if pin != got {
            return Err(Stop::Changed);
        }
    }
    let mut body = out.body;
    let mut offset = start;
    loop {
        let next = tokio::select! {
            next = body.try_next() => next,
            _ = cancel.cancelled() => return Err(Stop::Failed(Error::new(ErrorCode::Cancelled, "Cancelled."))),
        };
        let chunk = next.map_err(|e| Stop::Failed(Error::new(ErrorCode::Storage, format!("The download broke off: {e}."))))?;
        let Some(chunk) = chunk else { break };
        if offset + chunk.len() as u64 > end {
            return Err(Stop::Changed);
        }
        write_at(file, &chunk, offset).map_err(|e| Stop::Failed(Error::new(ErrorCode::Config, format!("Couldn't write the file: {e}."))))?;
        offset += chunk.len() as u64;
    }
    Ok(offset - start)
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(windows)]
fn write_at(file: &std::fs::File, mut buf: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, buf, offset)?;
        buf = &buf[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_downloads_never_share_a_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt");
        let (one_tmp, _f1) = temporary_beside(&target).unwrap();
        let (two_tmp, _f2) = temporary_beside(&target).unwrap();
        let (one, two) = (one_tmp.to_path_buf(), two_tmp.to_path_buf());
        assert_ne!(one, two);
        assert_eq!(one.parent(), Some(dir.path()));
        assert!(one.file_name().unwrap().to_string_lossy().starts_with(".a.txt."));
    }

    /// A link planted at the temporary file's name is never opened: creation is create-new
    /// (O_EXCL), so the link's target outside the folder is untouched.
    #[cfg(unix)]
    #[test]
    fn a_link_at_the_temporary_name_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let precious = outside.path().join("precious");
        std::fs::write(&precious, "mine").unwrap();
        let target = dir.path().join("a.txt");
        std::os::unix::fs::symlink(&precious, dir.path().join(".a.txt..satchel-part")).unwrap();
        // The same name every time (no random part): it is taken by the link, so creation fails.
        let e = temporary_with(&target, 0).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "mine");
        // A dangling link is not followed either (it would create the file outside).
        std::fs::remove_file(&precious).unwrap();
        assert!(temporary_with(&target, 0).is_err());
        assert!(!precious.exists());
    }
}
