//! Where Satchel keeps its files, and how a settings file is written: atomically (a temporary file
//! in the same folder, then a rename), so a crash never leaves half a file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};

/// Shared by the desktop app and the CLI, so both see the same connections.
const APP_DIR: &str = "satchel";
pub(crate) const CONNECTIONS_FILE: &str = "connections.json";

/// The folders Satchel reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// The platform's folders, unless `SATCHEL_CONFIG_DIR` / `SATCHEL_DATA_DIR` say otherwise
    /// (tests and portable installs set them).
    pub fn from_env() -> Result<Paths> {
        let pick = |var: &str, base: Option<PathBuf>| -> Result<PathBuf> {
            match std::env::var_os(var) {
                Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
                _ => base.map(|b| b.join(APP_DIR)).ok_or_else(|| {
                    Error::new(ErrorCode::Config, "Couldn't find a home folder to keep Satchel's settings in.")
                }),
            }
        };
        Ok(Paths {
            config_dir: pick("SATCHEL_CONFIG_DIR", dirs::config_dir())?,
            // Local, not roaming, on Windows: the sandbox's buckets and the resume journal belong to
            // this machine and must not travel with a roaming profile. The same folder elsewhere.
            data_dir: pick("SATCHEL_DATA_DIR", dirs::data_local_dir())?,
        })
    }

    pub fn in_dir(root: &Path) -> Paths {
        Paths { config_dir: root.join("config"), data_dir: root.join("data") }
    }

    pub fn connections_file(&self) -> PathBuf {
        self.config_dir.join(CONNECTIONS_FILE)
    }

    /// Upload rules (required tags and remembered values), beside the connections.
    pub fn upload_rules_file(&self) -> PathBuf {
        self.config_dir.join("upload-rules.json")
    }

    /// Where the embedded sandbox keeps its buckets.
    pub fn sandbox_dir(&self) -> PathBuf {
        self.data_dir.join("sandbox")
    }
}

/// Writes `value` as JSON to `path` through a temporary file and a rename, so a crash never leaves
/// half a file. `what` names the file in the error ("the connections").
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T, what: &str) -> Result<()> {
    let json = serde_json::to_vec_pretty(value).map_err(|e| Error::internal(e.to_string()))?;
    write_atomic(path, &json, what)
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename: a crash or a full
/// disk leaves the old file (or none), never half of the new one.
pub fn write_atomic(path: &Path, bytes: &[u8], what: &str) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| Error::new(ErrorCode::Config, format!("Couldn't save {what} ({}): {e}.", path.display()));
    let dir = path.parent().ok_or_else(|| Error::internal(format!("{} has no folder", path.display())))?;
    fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(bytes).and_then(|_| tmp.as_file().sync_all()).map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

/// Creates `dir` if needed and makes it private to the user (0700 on Unix): settings, logs and the
/// journal name buckets, keys and local paths. Files written by [`write_json_atomic`] are 0600.
pub fn make_private(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// An exclusive lock on a settings file, held until dropped. The app, a second window and the CLI
/// may change the same file at once; each takes the lock, reads what is on disk now, applies its
/// change and writes, so no writer's change is lost. The lock is on `<file>.lock` beside it, since
/// the file itself is replaced by a rename on every write.
#[derive(Debug)]
pub struct SettingsLock {
    _file: fs::File,
}

/// Takes the lock of the settings file at `path`, waiting for another holder to finish.
pub fn lock_settings(path: &Path) -> Result<SettingsLock> {
    let fail = |e: &dyn std::fmt::Display| Error::new(ErrorCode::Config, format!("Couldn't lock {}: {e}.", path.display()));
    let dir = path.parent().ok_or_else(|| Error::internal(format!("{} has no folder", path.display())))?;
    fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(name)).map_err(|e| fail(&e))?;
    file.lock().map_err(|e| fail(&e))?;
    Ok(SettingsLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn settings_folders_and_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        make_private(&dir).unwrap();
        assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        write_json_atomic(&dir.join("x.json"), &1, "x").unwrap();
        assert_eq!(fs::metadata(dir.join("x.json")).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_settings_lock_is_held_until_dropped() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("s.json");
        let held = lock_settings(&file).unwrap();
        let other = fs::OpenOptions::new().write(true).open(root.path().join("s.json.lock")).unwrap();
        assert!(other.try_lock().is_err(), "a second writer waits");
        drop(held);
        other.try_lock().unwrap();
    }
}
