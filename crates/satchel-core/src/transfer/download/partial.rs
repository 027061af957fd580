//! The temporary file a download writes into, beside its target. A large download with a journal
//! records the file and each range written to it, so when the process is killed or crashes, or the
//! app pauses, the next download of the same key to the same path fetches only the ranges it lacks,
//! as long as the object is still the version those ranges came from. Anything else about the file
//! (a cancel, an error, another version) removes it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::transfer::journal::{DownloadClaim, DownloadEntry, Journal, Resume, TransferTarget};

/// A download's temporary file, and its journal entry when it has one.
pub(super) struct Partial {
    tmp: Holder,
    pub file: Arc<std::fs::File>,
    entry: Option<(Arc<Journal>, i64)>,
    /// Ranges already in the file from an interrupted run: (start, length, CRC).
    pub done: Vec<(u64, u64, Option<u64>)>,
    /// An interrupted download of another version of the object was dropped for this one.
    pub restarted: bool,
}

/// Where a download's bytes are until they are complete.
enum Holder {
    /// A temporary file beside the target, renamed over it when complete (removed when dropped).
    Named(tempfile::TempPath),
    /// A file with no name yet in the target's folder (see `unnamed`), given the target's name when
    /// complete; closed unnamed, it is gone.
    #[cfg(target_os = "linux")]
    Unnamed,
}

impl Holder {
    /// Leaves a named file on the disk (for the next run to go on from).
    fn keep(self) {
        match self {
            Holder::Named(tmp) => {
                let _ = tmp.keep();
            }
            #[cfg(target_os = "linux")]
            Holder::Unnamed => {}
        }
    }
}

/// Where a download goes and which version it fetches: what its journal entry must match.
pub(super) struct Version<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub path: &'a Path,
    pub etag: Option<&'a str>,
    pub size: u64,
    pub part_size: u64,
}

impl Partial {
    /// A new temporary file, journalled nowhere: removed when dropped. Where the system allows,
    /// one with no name at all (see `unnamed`).
    pub fn fresh(path: &Path) -> std::io::Result<Partial> {
        #[cfg(target_os = "linux")]
        if let Some(file) = unnamed::create_beside(path) {
            return Ok(Partial { tmp: Holder::Unnamed, file: Arc::new(file), entry: None, done: Vec::new(), restarted: false });
        }
        let (tmp, file) = super::fetch::temporary_beside(path)?;
        Ok(Partial { tmp: Holder::Named(tmp), file: Arc::new(file), entry: None, done: Vec::new(), restarted: false })
    }

    /// The file an interrupted download of this version left, or a new one journalled for the
    /// next run. Without a journal, an ETag to pin to, or when another live download holds the
    /// entry, a plain new file: the download works, it just would not resume.
    pub fn resumable(resume: Option<&Resume>, v: &Version<'_>) -> std::io::Result<Partial> {
        let (Some(resume), Some(etag)) = (resume, v.etag) else { return Partial::fresh(v.path) };
        let journal = resume.journal.clone();
        let target = TransferTarget { storage: resume.storage.clone(), bucket: v.bucket.to_string(), key: v.key.to_string(), path: v.path.to_path_buf() };
        let mut restarted = false;
        match journal.take_download(&target) {
            Ok(DownloadClaim::Free) => {}
            Ok(DownloadClaim::Busy) => return Partial::fresh(v.path),
            Ok(DownloadClaim::Interrupted(entry)) => {
                if entry.etag == etag && entry.size == v.size && entry.part_size == v.part_size {
                    if let Some((file, tmp)) = reopen(&entry.partial, v.path).and_then(|f| Some((f, tempfile::TempPath::try_from_path(&entry.partial).ok()?))) {
                        return Ok(Partial { tmp: Holder::Named(tmp), file: Arc::new(file), entry: Some((journal, entry.id)), done: entry.ranges, restarted: false });
                    }
                } else {
                    restarted = true;
                    tracing::info!(key = v.key, "the object changed since its interrupted download; starting over");
                }
                drop_stale(&journal, &entry, v.path);
            }
            Err(e) => {
                tracing::warn!(error = %e.message, "transfer journal: this download won't resume if interrupted");
                return Partial::fresh(v.path);
            }
        }
        // Named: the journal points to it.
        let (tmp, file) = super::fetch::temporary_beside(v.path)?;
        let entry = match journal.begin_download(&target, etag, v.size, v.part_size, &tmp) {
            Ok(id) => Some((journal, id)),
            Err(e) => {
                tracing::warn!(error = %e.message, "transfer journal: this download won't resume if interrupted");
                None
            }
        };
        Ok(Partial { tmp: Holder::Named(tmp), file: Arc::new(file), entry, done: Vec::new(), restarted })
    }

    /// Bytes already in the file from an interrupted run.
    pub fn resumed_bytes(&self) -> u64 {
        self.done.iter().map(|(_, len, _)| len).sum()
    }

    /// Journals a range written (a journal that fails only costs the resume).
    pub fn range_done(&self, start: u64, len: u64, crc: Option<u64>) {
        if let Some((journal, id)) = &self.entry {
            if let Err(e) = journal.range_done(*id, start, len, crc) {
                tracing::warn!(error = %e.message, "transfer journal: a range was not recorded");
            }
        }
    }

    /// Gives the complete file `path`'s name (replacing what is there), and forgets its entry.
    pub fn finish(self, path: &Path) -> std::io::Result<()> {
        let Partial { tmp, entry, file, .. } = self;
        match tmp {
            Holder::Named(tmp) => tmp.persist(path).map_err(|e| e.error)?,
            #[cfg(target_os = "linux")]
            Holder::Unnamed => unnamed::name(&file, path)?,
        }
        drop(file);
        forget(entry.as_ref());
        Ok(())
    }

    /// Ends an unfinished download: paused (`keep`), a journalled file stays for the next run;
    /// otherwise it is removed with its entry.
    pub fn stop(self, keep: bool) {
        match (&self.entry, keep) {
            (Some((journal, id)), true) => {
                if let Err(e) = journal.release_download(*id) {
                    tracing::warn!(error = %e.message, "transfer journal");
                }
                self.tmp.keep();
            }
            _ => forget(self.entry.as_ref()),
        }
    }
}

fn forget(entry: Option<&(Arc<Journal>, i64)>) {
    if let Some((journal, id)) = entry {
        if let Err(e) = journal.forget_download(*id) {
            tracing::warn!(error = %e.message, "transfer journal");
        }
    }
}

/// Removes what an interrupted download of `target` left (its file and its entry): it was
/// cancelled for good, or the object changed.
pub(super) fn discard(resume: &Resume, bucket: &str, key: &str, target: &Path) {
    let t = TransferTarget { storage: resume.storage.clone(), bucket: bucket.to_string(), key: key.to_string(), path: target.to_path_buf() };
    if let Ok(DownloadClaim::Interrupted(entry)) = resume.journal.take_download(&t) {
        drop_stale(&resume.journal, &entry, target);
    }
}

fn drop_stale(journal: &Journal, entry: &DownloadEntry, target: &Path) {
    if is_ours(&entry.partial, target) {
        let _ = std::fs::remove_file(&entry.partial);
    }
    if let Err(e) = journal.forget_download(entry.id) {
        tracing::warn!(error = %e.message, "transfer journal");
    }
}

/// Whether `partial` is a temporary file a download of `target` would make: beside it, named
/// `.{name}.*.satchel-part`. A journal edited by hand never makes Satchel open or remove anything else.
fn is_ours(partial: &Path, target: &Path) -> bool {
    let (Some(name), Some(own)) = (target.file_name(), partial.file_name()) else { return false };
    let own = own.to_string_lossy();
    partial.parent() == target.parent() && own.starts_with(&format!(".{}.", name.to_string_lossy())) && own.ends_with(".satchel-part")
}

/// Opens an interrupted download's file for writing, only if it is ours and a plain file (a link
/// put at its name is not followed: the file opened must be the one looked at).
fn reopen(partial: &PathBuf, target: &Path) -> Option<std::fs::File> {
    if !is_ours(partial, target) {
        return None;
    }
    let seen = std::fs::symlink_metadata(partial).ok().filter(|m| m.file_type().is_file())?;
    let file = std::fs::OpenOptions::new().read(true).write(true).open(partial).ok()?;
    let opened = file.metadata().ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (seen.dev(), seen.ino()) != (opened.dev(), opened.ino()) {
            return None;
        }
    }
    #[cfg(not(unix))]
    let _ = seen;
    opened.is_file().then_some(file)
}

/// Files with no name until they are complete (`O_TMPFILE`), then linked at the target's: a crash or
/// a kill leaves nothing behind, and the folder changes once per file, not twice (create, rename)
/// under its lock, which 16 downloads at once into one folder wait on.
#[cfg(target_os = "linux")]
mod unnamed {
    use std::fs::File;
    use std::io;
    use std::path::Path;

    use rustix::fs::{linkat, openat, AtFlags, Mode, OFlags, CWD};

    use super::super::fetch::{folder_of, with_temporary_names};

    /// A file with no name in `path`'s folder; `None` where the file system has none (NFS, FUSE,
    /// FAT, kernels before 3.11), or where /proc, through which it is named, is missing.
    pub fn create_beside(path: &Path) -> Option<File> {
        // Looked at once per process, not per file.
        static PROC: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        if !*PROC.get_or_init(|| Path::new("/proc/self/fd").is_dir()) {
            return None;
        }
        let fd = openat(CWD, folder_of(path), OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC, Mode::from_raw_mode(0o600)).ok()?;
        Some(File::from(fd))
    }

    /// Links the file at `path`. Where a file is there already, that one is replaced at once, never
    /// removed first: the file is linked at a temporary name beside it, renamed over it.
    pub fn name(file: &File, path: &Path) -> io::Result<()> {
        let at = by_proc(file);
        match linkat(CWD, &at, CWD, path, AtFlags::SYMLINK_FOLLOW) {
            Ok(()) => Ok(()),
            Err(e) if e == rustix::io::Errno::EXIST => {
                let linked = with_temporary_names(path, 6, |names, dir| {
                    names.make_in(dir, |candidate| linkat(CWD, &at, CWD, candidate, AtFlags::SYMLINK_FOLLOW).map_err(io::Error::from))
                })?;
                linked.into_temp_path().persist(path).map_err(|e| e.error)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn by_proc(file: &File) -> String {
        use std::os::fd::AsRawFd;
        format!("/proc/self/fd/{}", file.as_raw_fd())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finished download that had no name takes the target's, and replaces a file already there
    /// whole; an unfinished one leaves nothing in the folder.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_unnamed_download_takes_its_name_only_when_complete() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt");
        let partial = Partial::fresh(&target).unwrap();
        if matches!(partial.tmp, Holder::Named(_)) {
            eprintln!("this file system has no unnamed files: downloads use named ones here");
            return;
        }
        (&*partial.file).write_all(b"new").unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing named while it downloads");
        partial.finish(&target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");

        let again = Partial::fresh(&target).unwrap();
        (&*again.file).write_all(b"newer").unwrap();
        again.finish(&target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"newer");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt")], "no temporary name left");

        let stopped = Partial::fresh(&dir.path().join("b.txt")).unwrap();
        (&*stopped.file).write_all(b"half").unwrap();
        stopped.stop(false);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn only_a_temporary_file_beside_the_target_counts_as_ours() {
        let target = Path::new("/data/set/big.bin");
        assert!(is_ours(Path::new("/data/set/.big.bin.a1b2c3.satchel-part"), target));
        assert!(!is_ours(Path::new("/data/other/.big.bin.a1b2c3.satchel-part"), target), "another folder");
        assert!(!is_ours(Path::new("/data/set/notes.txt"), target), "another file");
        assert!(!is_ours(Path::new("/data/set/.big.bin2.a.satchel-part"), target), "another target's");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_journalled_name_is_not_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let precious = outside.path().join("precious");
        std::fs::write(&precious, "mine").unwrap();
        let target = dir.path().join("big.bin");
        let partial = dir.path().join(".big.bin.x.satchel-part");
        std::os::unix::fs::symlink(&precious, &partial).unwrap();
        assert!(reopen(&partial, &target).is_none());
        std::fs::remove_file(&partial).unwrap();
        std::fs::write(&partial, "half").unwrap();
        assert!(reopen(&partial, &target).is_some());
    }
}
