//! Which files an upload sends: a file or a folder walked into keys under a prefix.

use std::path::{Path, PathBuf};

use crate::error::KeyFailure;

/// One file to send and the key it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadItem {
    pub path: PathBuf,
    pub key: String,
    pub size: u64,
}

/// Files under `source` (a file or a folder) as keys under `prefix`, relative paths kept, `/`
/// separated. Symlinked folders are not followed (no loops); unreadable entries are reported.
pub fn plan(source: &Path, prefix: &str) -> (Vec<UploadItem>, Vec<KeyFailure>) {
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
        let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
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
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_symlink() && path.is_dir() {
                problems.push(KeyFailure { key: path.display().to_string(), reason: "A link to a folder is not followed.".into() });
            } else if kind.is_dir() {
                stack.push((path, format!("{key_prefix}{name}/")));
            } else {
                match std::fs::metadata(&path) {
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
