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
    tmp: tempfile::TempPath,
    pub file: Arc<std::fs::File>,
    entry: Option<(Arc<Journal>, i64)>,
    /// Ranges already in the file from an interrupted run: (start, length, CRC).
    pub done: Vec<(u64, u64, Option<u64>)>,
    /// An interrupted download of another version of the object was dropped for this one.
    pub restarted: bool,
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
    /// A new temporary file, journalled nowhere: removed when dropped.
    pub fn fresh(path: &Path) -> std::io::Result<Partial> {
        let (tmp, file) = super::fetch::temporary_beside(path)?;
        Ok(Partial { tmp, file: Arc::new(file), entry: None, done: Vec::new(), restarted: false })
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
                        return Ok(Partial { tmp, file: Arc::new(file), entry: Some((journal, entry.id)), done: entry.ranges, restarted: false });
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
        let mut partial = Partial::fresh(v.path)?;
        partial.restarted = restarted;
        match journal.begin_download(&target, etag, v.size, v.part_size, &partial.tmp) {
            Ok(id) => partial.entry = Some((journal, id)),
            Err(e) => tracing::warn!(error = %e.message, "transfer journal: this download won't resume if interrupted"),
        }
        Ok(partial)
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

    /// Renames the complete file over `path`, and forgets its entry.
    pub fn finish(self, path: &Path) -> std::io::Result<()> {
        let Partial { tmp, entry, .. } = self;
        tmp.persist(path).map_err(|e| e.error)?;
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
                let _ = self.tmp.keep();
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

#[cfg(test)]
mod tests {
    use super::*;

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
