//! Downloads: objects and whole prefixes into a chosen folder. Large objects come in ranged GETs in
//! parallel, each streamed to its place in a temporary file (no part is held in memory), which is
//! checked for its size and then renamed. Keys that would land outside the folder are refused and
//! listed; the rest are downloaded.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use unicode_normalization::UnicodeNormalization;

use super::summary::free_name;
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, KeyFailure, Result};
use crate::objects;

/// Objects above this are fetched in ranged parts.
pub const RANGED_THRESHOLD: u64 = 16 * 1024 * 1024;
/// Size of each ranged GET.
pub const PART_SIZE: u64 = 8 * 1024 * 1024;
/// Requests in flight across all files of a download.
pub const CONCURRENCY: usize = 8;

/// Where `key` goes under `root`, given that the download started at `prefix`; `Err` says why the
/// key is refused. Legal names such as `file..txt` or `..hidden` pass.
pub fn local_path(root: &Path, prefix: &str, key: &str) -> std::result::Result<PathBuf, String> {
    let relative = key.strip_prefix(prefix).unwrap_or(key);
    if relative.is_empty() {
        return Err("the key has no name below the chosen prefix".into());
    }
    if relative.contains('\0') {
        return Err("the key contains a NUL character".into());
    }
    if relative.contains('\\') {
        return Err("the key contains a backslash, which Windows reads as a folder separator".into());
    }
    if relative.starts_with('/') {
        return Err("the key is an absolute path".into());
    }
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if part.is_empty() {
            if last {
                // `folder/`: a folder marker, nothing to write.
                return Err("it is a folder marker".into());
            }
            return Err("the key has an empty path segment (//)".into());
        }
        // Compatibility normalisation turns e.g. full-width dots (U+FF0E) into ".".
        let normal: String = part.nfkc().collect();
        if normal == ".." || normal == "." {
            return Err(format!("the segment \"{part}\" means a parent or current folder"));
        }
        if normal.contains('/') || normal.contains('\\') {
            return Err(format!("the segment \"{part}\" becomes a path separator after Unicode normalisation"));
        }
        let bytes = part.as_bytes();
        if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
            return Err(format!("the segment \"{part}\" looks like a drive letter"));
        }
        path.push(part);
    }
    // Belt and braces: whatever the rules above missed, the result must stay under root.
    if !path.starts_with(root) || path.components().skip(root.components().count()).any(|c| !matches!(c, Component::Normal(_))) {
        return Err("the key would leave the chosen folder".into());
    }
    Ok(path)
}

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

/// Progress of a download, for the UI (throttled by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DownloadProgress {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files_done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files_total: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes_done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes_total: u64,
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
}

/// Downloads keys and folders (`prefix/`) of `bucket` into `dest`. A folder lands as a folder of
/// its own name; a key lands as its file name. Nothing is written outside `dest`: a key whose way
/// there meets a symbolic link is refused and listed, and the rest goes on. `if_exists` says what
/// happens to files already there; two keys of the batch that land on one path (`x/a.txt` and
/// `y/a.txt`, or names a case-insensitive file system takes as one) never replace each other: the
/// later is skipped or takes a free name.
pub async fn download(
    s3: &S3,
    bucket: &str,
    selection: &[String],
    dest: &Path,
    if_exists: IfExists,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&DownloadProgress) + Send + Sync),
) -> Result<DownloadReport> {
    create_folder(dest)?;
    let mut report = DownloadReport::default();
    let mut plan: Vec<Planned> = Vec::new();
    let mut planned = HashSet::new();
    for item in selection {
        let parent = match item.trim_end_matches('/').rfind('/') {
            Some(i) => &item[..=i],
            None => "",
        };
        let entries = if item.ends_with('/') {
            let mut all = Vec::new();
            objects::list_all(s3, bucket, item, true, cancel, |p| all.extend(p.objects)).await?;
            all.into_iter().map(|o| (o.key, o.size)).collect::<Vec<_>>()
        } else {
            let props = objects::properties(s3, bucket, item).await?;
            vec![(item.clone(), props.size)]
        };
        for (key, size) in entries {
            match local_path(dest, parent, &key).and_then(|path| walk_parent(dest, &path, false).map(|()| path)) {
                Ok(path) => match settle_target(path, if_exists, &mut planned) {
                    Some(path) => plan.push(Planned { key, path, size, root: dest.to_path_buf() }),
                    None => report.skipped += 1,
                },
                Err(why) if why == "it is a folder marker" => {}
                Err(why) => report.refused.push(KeyFailure { key, reason: format!("Not downloaded: {why}.") }),
            }
        }
    }
    run(s3, bucket, plan, report, cancel, progress).await
}

/// Downloads one key to exactly the file `target` (created or replaced), and nothing else: the
/// bytes go to a temporary file of its own beside the target, renamed over it when complete.
pub async fn download_file(
    s3: &S3,
    bucket: &str,
    key: &str,
    target: &Path,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&DownloadProgress) + Send + Sync),
) -> Result<DownloadReport> {
    if target.is_dir() {
        return Err(Error::invalid(format!("{} is a folder; name a file, or end the path with / to download into it.", target.display())));
    }
    let root = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_folder(&root)?;
    let size = objects::properties(s3, bucket, key).await?.size;
    let path = root.join(target.file_name().ok_or_else(|| Error::invalid(format!("{} names no file.", target.display())))?);
    let plan = vec![Planned { key: key.to_string(), path, size, root }];
    run(s3, bucket, plan, DownloadReport::default(), cancel, progress).await
}

/// The path a key is written to given the choice for existing files, or `None` to skip it. A path
/// another key of the batch already takes is never shared.
fn settle_target(path: PathBuf, choice: IfExists, planned: &mut HashSet<String>) -> Option<PathBuf> {
    let in_batch = |p: &Path, planned: &HashSet<String>| planned.contains(&same_file_key(p));
    let on_disk = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let path = if in_batch(&path, planned) || (choice != IfExists::Overwrite && on_disk(&path)) {
        if choice == IfExists::Skip {
            return None;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let free = free_name(&name, |n| {
            let p = path.with_file_name(n);
            in_batch(&p, planned) || on_disk(&p)
        });
        path.with_file_name(free)
    } else {
        path
    };
    planned.insert(same_file_key(&path));
    Some(path)
}

/// Two paths with the same key are one file: on macOS and Windows names differ only in case or
/// Unicode form (NFC/NFD) are the same file; on Linux they are not.
fn same_file_key(path: &Path) -> String {
    let text = path.to_string_lossy();
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        text.nfc().collect::<String>().to_lowercase()
    } else {
        text.into_owned()
    }
}

/// The folder the user chose (or the named file's), made if missing.
fn create_folder(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::new(ErrorCode::Config, format!("Couldn't create the folder {}: {e}.", dir.display())))
}

/// One object and where it goes; `root` is the folder nothing may be written outside of.
struct Planned {
    key: String,
    path: PathBuf,
    size: u64,
    root: PathBuf,
}

/// Walks the folders between `root` and `path`'s parent without following any symbolic link: a
/// link there (planted before the download or during it) refuses the key. With `create`, missing
/// folders are made one at a time; then the parent's canonical path is checked to be inside the
/// root's, so no link swapped in on the way can carry the file elsewhere.
fn walk_parent(root: &Path, path: &Path, create: bool) -> std::result::Result<(), String> {
    let parent = path.parent().ok_or("the key names no file")?;
    let below = parent.strip_prefix(root).map_err(|_| "the key would leave the chosen folder".to_string())?;
    let mut dir = root.to_path_buf();
    for part in below.components() {
        dir.push(part);
        let meta = match std::fs::symlink_metadata(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !create => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::create_dir(&dir) {
                Ok(()) => continue,
                // Made meanwhile by another download of the batch: check what it is.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::symlink_metadata(&dir).map_err(|e| e.to_string())?,
                Err(e) => return Err(format!("couldn't create the folder {}: {e}", dir.display())),
            },
            Err(e) => return Err(format!("couldn't read {}: {e}", dir.display())),
            Ok(m) => m,
        };
        if meta.file_type().is_symlink() {
            return Err(format!("{} is a symbolic link, which a download never follows", dir.display()));
        }
        if !meta.is_dir() {
            return Err(format!("{} is a file, not a folder", dir.display()));
        }
    }
    if create {
        let canonical = |p: &Path| p.canonicalize().map_err(|e| format!("couldn't read {}: {e}", p.display()));
        if !canonical(parent)?.starts_with(canonical(root)?) {
            return Err("the key would leave the chosen folder".into());
        }
    }
    Ok(())
}

/// Downloads a checked plan, several files and ranges at once.
async fn run(
    s3: &S3,
    bucket: &str,
    plan: Vec<Planned>,
    mut report: DownloadReport,
    cancel: &CancellationToken,
    progress: &(dyn Fn(&DownloadProgress) + Send + Sync),
) -> Result<DownloadReport> {
    let totals = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let prog = DownloadProgress {
        files_total: plan.len() as u64,
        bytes_total: plan.iter().map(|p| p.size).sum(),
        ..DownloadProgress::default()
    };
    progress(&prog);
    let slots = Arc::new(Semaphore::new(CONCURRENCY));
    // Open files are bounded too, whatever the number of keys.
    let open_files = Arc::new(Semaphore::new(2 * CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for Planned { key, path, size, root } in plan {
        let file_permit = tokio::select! {
            p = open_files.clone().acquire_owned() => p.expect("semaphore open"),
            _ = cancel.cancelled() => break,
        };
        let (s3, bucket, slots, shared, cancel) = (s3.clone(), bucket.to_string(), slots.clone(), totals.clone(), cancel.clone());
        tasks.spawn(async move {
            let _file_permit = file_permit;
            let r = download_one(&s3, &bucket, &key, (&root, &path), size, &slots, &shared.1, &cancel).await;
            shared.0.fetch_add(1, Ordering::Relaxed);
            (key, size, r)
        });
        while let Some(done) = tasks.try_join_next() {
            settle(done, &mut report, &totals, &prog, progress);
        }
    }
    while let Some(done) = tasks.join_next().await {
        settle(done, &mut report, &totals, &prog, progress);
    }
    report.cancelled = cancel.is_cancelled();
    Ok(report)
}

type Done = std::result::Result<(String, u64, Result<()>), tokio::task::JoinError>;

fn settle(
    done: Done,
    report: &mut DownloadReport,
    totals: &(AtomicU64, AtomicU64),
    prog: &DownloadProgress,
    progress: &(dyn Fn(&DownloadProgress) + Send + Sync),
) {
    match done {
        Ok((_, size, Ok(()))) => {
            report.files += 1;
            report.bytes += size;
        }
        Ok((key, _, Err(e))) if e.code != ErrorCode::Cancelled => report.failed.push(KeyFailure { key, reason: e.message }),
        Ok(_) => {}
        Err(e) => report.failed.push(KeyFailure { key: String::new(), reason: format!("download task failed: {e}") }),
    }
    progress(&DownloadProgress {
        files_done: totals.0.load(Ordering::Relaxed),
        bytes_done: totals.1.load(Ordering::Relaxed),
        ..prog.clone()
    });
}

/// One object into `path` (under `root`), through a temporary file of its own beside it, which is
/// renamed over `path` when complete and removed on any error or cancel.
#[allow(clippy::too_many_arguments)]
async fn download_one(
    s3: &S3,
    bucket: &str,
    key: &str,
    (root, path): (&Path, &Path),
    size: u64,
    slots: &Arc<Semaphore>,
    bytes_done: &AtomicU64,
    cancel: &CancellationToken,
) -> Result<()> {
    let io = |e: std::io::Error| Error::new(ErrorCode::Config, format!("Couldn't write {}: {e}.", path.display()));
    walk_parent(root, path, true).map_err(|why| Error::new(ErrorCode::Config, format!("Not downloaded: {why}.")))?;
    let (tmp, file) = temporary_beside(path).map_err(io)?;
    file.set_len(size).map_err(io)?;
    let file = Arc::new(file);
    let ranges: Vec<(u64, u64)> = if size > RANGED_THRESHOLD {
        (0..size).step_by(PART_SIZE as usize).map(|s| (s, (s + PART_SIZE).min(size))).collect()
    } else {
        vec![(0, size)]
    };
    let mut parts = tokio::task::JoinSet::new();
    for (start, end) in ranges {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("semaphore open"),
            _ = cancel.cancelled() => break,
        };
        let (s3, bucket, key, file, cancel) = (s3.clone(), bucket.to_string(), key.to_string(), file.clone(), cancel.clone());
        let ranged = size > RANGED_THRESHOLD;
        parts.spawn(async move {
            let _permit = permit;
            fetch_range(&s3, &bucket, &key, &file, (start, end), ranged, &cancel).await
        });
    }
    let mut written = 0u64;
    let mut first_error = None;
    while let Some(done) = parts.join_next().await {
        match done.map_err(|e| Error::internal(e.to_string())).and_then(|r| r) {
            Ok(n) => {
                written += n;
                bytes_done.fetch_add(n, Ordering::Relaxed);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if cancel.is_cancelled() && first_error.is_none() && written != size {
        first_error = Some(Error::new(ErrorCode::Cancelled, "Cancelled."));
    }
    if first_error.is_none() && written != size {
        first_error = Some(Error::new(
            ErrorCode::Storage,
            format!("Received {written} bytes of {size}; the object may have changed during the download."),
        ));
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    file.sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))
}

/// A new temporary file next to `path`, under a random name no other download uses (tempfile's
/// create-new: a link planted at that name is never opened). The returned path removes the file
/// when dropped, so an error or a cancel leaves nothing behind; `persist` renames it over `path`.
fn temporary_beside(path: &Path) -> std::io::Result<(tempfile::TempPath, std::fs::File)> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".satchel-part").tempfile_in(dir)?;
    let (file, tmp) = tmp.into_parts();
    Ok((tmp, file))
}

/// Stops between chunks when cancelled, so a cancelled file never completes.
async fn fetch_range(
    s3: &S3,
    bucket: &str,
    key: &str,
    file: &std::fs::File,
    (start, end): (u64, u64),
    ranged: bool,
    cancel: &CancellationToken,
) -> Result<u64> {
    if start == end {
        return Ok(0);
    }
    let mut req = s3.client.get_object().bucket(bucket).key(key);
    if ranged {
        req = req.range(format!("bytes={start}-{}", end - 1));
    }
    let out = req.send().await.map_err(|e| classify(&e, s3.attempt("download the object")))?;
    let mut body = out.body;
    let mut offset = start;
    loop {
        let next = tokio::select! {
            next = body.try_next() => next,
            _ = cancel.cancelled() => return Err(Error::new(ErrorCode::Cancelled, "Cancelled.")),
        };
        let Some(chunk) = next.map_err(|e| Error::new(ErrorCode::Storage, format!("The download broke off: {e}.")))? else { break };
        if offset + chunk.len() as u64 > end {
            return Err(Error::new(ErrorCode::Storage, "The storage sent more bytes than asked for."));
        }
        write_at(file, &chunk, offset).map_err(|e| Error::new(ErrorCode::Config, format!("Couldn't write the file: {e}.")))?;
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
    fn keys_map_to_paths_under_the_folder() {
        let root = Path::new("/dl");
        assert_eq!(local_path(root, "p/", "p/a/b.txt").unwrap(), Path::new("/dl/a/b.txt"));
        assert_eq!(local_path(root, "", "file..txt").unwrap(), Path::new("/dl/file..txt"));
        assert_eq!(local_path(root, "", "..hidden").unwrap(), Path::new("/dl/..hidden"));
        assert_eq!(local_path(root, "", "a b+c%/ü 😀.csv").unwrap(), Path::new("/dl/a b+c%/ü 😀.csv"));
    }

    #[test]
    fn keys_that_would_escape_are_refused_with_the_reason() {
        let root = Path::new("/dl");
        let cases = [
            ("../etc/passwd", "parent"),
            ("a/../../x", "parent"),
            ("./x", "current"),
            ("/etc/passwd", "absolute"),
            ("C:/Windows/x", "drive letter"),
            ("a\\..\\x", "backslash"),
            ("a\0b", "NUL"),
            ("\u{FF0E}\u{FF0E}/x", "parent"),
            ("a//b", "empty path segment"),
            ("dir/", "folder marker"),
        ];
        for (key, why) in cases {
            let e = local_path(root, "", key).unwrap_err();
            assert!(e.contains(why), "{key:?}: {e}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_on_the_way_is_refused_and_folders_are_made_without_following_one() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();
        let through = root.path().join("link/a/f.txt");
        assert!(walk_parent(root.path(), &through, false).unwrap_err().contains("symbolic link"));
        assert!(walk_parent(root.path(), &through, true).unwrap_err().contains("symbolic link"));
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing made outside");
        walk_parent(root.path(), &root.path().join("new/deep/f.txt"), true).unwrap();
        assert!(root.path().join("new/deep").is_dir());
        std::fs::write(root.path().join("file"), "x").unwrap();
        assert!(walk_parent(root.path(), &root.path().join("file/f.txt"), true).unwrap_err().contains("not a folder"));
    }

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
}
