//! Which files an upload sends: a file or a folder walked into keys under a prefix.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::error::KeyFailure;

/// One file to send and the key it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadItem {
    pub path: PathBuf,
    pub key: String,
    pub size: u64,
}

/// Files under `source` (a file or a folder) as keys under `prefix`, relative paths kept, `/`
/// separated. Symlinked folders are not followed (no loops); symlinked files inside the folder are
/// sent only with `follow_file_links` (a link to `~/.aws/credentials` in a cloned repository must
/// not be uploaded silently) and are otherwise reported; unreadable entries are reported. A
/// The reason given for a link to a file left out; the summary counts them by it.
pub const FILE_LINK_NOT_FOLLOWED: &str =
    "A link to a file is not followed: it may point at something private. Tick \"Follow links to files\" (the CLI's --follow-symlinks) to send what it points to.";

/// `source` that is itself a link was chosen by the user and is followed.
pub fn plan(source: &Path, prefix: &str, follow_file_links: bool) -> (Vec<UploadItem>, Vec<KeyFailure>) {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let meta = match std::fs::metadata(source) {
        Ok(m) => m,
        Err(e) => {
            problems.push(KeyFailure { key: source.display().to_string(), reason: format!("Can't read it: {e}.") });
            return (items, problems);
        }
    };
    if meta.is_file() {
        let name = source.file_name().map(key_segment).unwrap_or_default();
        items.push(UploadItem { path: source.to_path_buf(), key: format!("{prefix}{name}"), size: meta.len() });
        return (items, problems);
    }
    let mut stack = vec![(source.to_path_buf(), prefix.to_string())];
    while let Some((dir, key_prefix)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(KeyFailure { key: dir.display().to_string(), reason: format!("Can't read the folder: {e}.") });
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = key_segment(&entry.file_name());
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_symlink() && path.is_dir() {
                problems.push(KeyFailure { key: path.display().to_string(), reason: "A link to a folder is not followed.".into() });
            } else if kind.is_dir() {
                stack.push((path, format!("{key_prefix}{name}/")));
            } else {
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_file() && kind.is_symlink() && !follow_file_links => problems.push(KeyFailure {
                        key: path.display().to_string(),
                        reason: FILE_LINK_NOT_FOLLOWED.into(),
                    }),
                    Ok(m) if m.is_file() => items.push(UploadItem { path, key: format!("{key_prefix}{name}"), size: m.len() }),
                    Ok(_) => {}
                    Err(e) => problems.push(KeyFailure { key: path.display().to_string(), reason: format!("Can't read it: {e}.") }),
                }
            }
        }
    }
    items.sort_by(|a, b| a.key.cmp(&b.key));
    (items, problems)
}

/// A file or folder name as it goes into a key: in NFC, the form keys are typed and listed in. macOS
/// file systems hand out names decomposed (NFD: "é" as "e" + U+0301); sent as they come, "café.csv"
/// from a Mac and from anywhere else would be two keys that look the same.
pub fn key_segment(name: &OsStr) -> String {
    name.to_string_lossy().nfc().collect()
}

/// Files of one upload that would become the same key (`a/report.csv` and `b/report.csv` dropped
/// together) must not silently replace each other: the first keeps the key, the others are taken
/// out and returned as problems that name the key.
pub fn take_out_same_keys(items: &mut Vec<UploadItem>) -> Vec<KeyFailure> {
    let mut seen = std::collections::HashSet::new();
    let mut problems = Vec::new();
    items.retain(|item| {
        let first = seen.insert(item.key.clone());
        if !first {
            problems.push(KeyFailure {
                key: item.path.display().to_string(),
                reason: format!("Another file of this upload also becomes {}; it was not sent, upload it on its own.", item.key),
            });
        }
        first
    });
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_names_become_keys_in_nfc() {
        let dir = tempfile::tempdir().unwrap();
        let nfd = "cafe\u{301}";
        std::fs::create_dir(dir.path().join(format!("{nfd} notes"))).unwrap();
        std::fs::write(dir.path().join(format!("{nfd} notes")).join(format!("{nfd}.csv")), b"x").unwrap();
        let (items, problems) = plan(dir.path(), "in/", false);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].key, "in/caf\u{e9} notes/caf\u{e9}.csv");
        // The file is still read from the name it has on disk.
        assert!(items[0].path.ends_with(format!("{nfd} notes/{nfd}.csv")));
    }

    #[test]
    fn two_files_for_one_key_keep_the_first_and_name_the_other() {
        let item = |path: &str, key: &str| UploadItem { path: PathBuf::from(path), key: key.into(), size: 1 };
        let mut items = vec![item("/a/report.csv", "in/report.csv"), item("/b/report.csv", "in/report.csv"), item("/a/x", "in/x")];
        let problems = take_out_same_keys(&mut items);
        assert_eq!(items, [item("/a/report.csv", "in/report.csv"), item("/a/x", "in/x")]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "/b/report.csv");
        assert!(problems[0].reason.contains("in/report.csv"));
    }
}
