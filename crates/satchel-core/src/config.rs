//! Where Satchel keeps its files, and the connection list on disk.
//!
//! The file holds no secret. It is replaced atomically (temp file in the same folder, then rename) so
//! a crash never leaves half a file. A file that can't be parsed is moved aside, never overwritten,
//! and the caller is told where it went.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::connection::Connection;
use crate::error::{Error, ErrorCode, Result};

/// Shared by the desktop app and the CLI, so both see the same connections.
const APP_DIR: &str = "satchel";
const CONNECTIONS_FILE: &str = "connections.json";
/// Bumped when the file's shape changes incompatibly.
const FORMAT_VERSION: u32 = 1;

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
            data_dir: pick("SATCHEL_DATA_DIR", dirs::data_dir())?,
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

/// The connection file's contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionFile {
    pub version: u32,
    pub connections: Vec<Connection>,
    /// The connection the app showed last, to reopen on it.
    #[serde(default)]
    pub last_used: Option<String>,
    /// The port the sandbox listened on last, reused so its URLs stay the same across restarts.
    #[serde(default)]
    pub sandbox_port: Option<u16>,
}

/// What loading found, including anything the user must be told.
#[derive(Debug)]
pub struct Loaded {
    pub file: ConnectionFile,
    /// Set when the file was unreadable and moved aside: says where.
    pub notice: Option<String>,
}

/// Reads and writes the connection file.
#[derive(Debug, Clone)]
pub struct ConnectionStore {
    path: PathBuf,
}

impl ConnectionStore {
    pub fn new(paths: &Paths) -> Self {
        ConnectionStore { path: paths.connections_file() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the file. A missing file is an empty list. A file that is not valid is renamed to
    /// `connections.json.corrupt-<unix time>` and reported in `notice`; the list starts empty.
    pub fn load(&self) -> Result<Loaded> {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded { file: ConnectionFile { version: FORMAT_VERSION, ..Default::default() }, notice: None })
            }
            Err(e) => return Err(config_error("read", &self.path, &e)),
        };
        match parse(&bytes) {
            Ok(file) => Ok(Loaded { file, notice: None }),
            Err(why) => {
                let aside = self.keep_aside()?;
                Ok(Loaded {
                    file: ConnectionFile { version: FORMAT_VERSION, ..Default::default() },
                    notice: Some(format!(
                        "The connections file couldn't be read ({why}). It was kept as {} and Satchel started with no saved connections.",
                        aside.display()
                    )),
                })
            }
        }
    }

    /// Replaces the file atomically.
    pub fn save(&self, file: &ConnectionFile) -> Result<()> {
        let mut out = ConnectionFile { version: FORMAT_VERSION, ..file.clone() };
        out.connections.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()));
        write_json_atomic(&self.path, &out, "the connections")
    }

    fn keep_aside(&self) -> Result<PathBuf> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut aside = self.path.with_extension(format!("json.corrupt-{stamp}"));
        let mut n = 1;
        while aside.exists() {
            aside = self.path.with_extension(format!("json.corrupt-{stamp}-{n}"));
            n += 1;
        }
        fs::rename(&self.path, &aside).map_err(|e| config_error("move aside", &self.path, &e))?;
        tracing::warn!(path = %aside.display(), "connections file was corrupt and was kept aside");
        Ok(aside)
    }
}

fn parse(bytes: &[u8]) -> std::result::Result<ConnectionFile, String> {
    let file: ConnectionFile = serde_json::from_slice(bytes).map_err(|e| format!("{e}"))?;
    if file.version > FORMAT_VERSION {
        return Err(format!("it was written by a newer Satchel (format {})", file.version));
    }
    let mut ids = std::collections::HashSet::new();
    if let Some(dup) = file.connections.iter().find(|c| !ids.insert(c.id.as_str())) {
        return Err(format!("the id {} appears twice", dup.id));
    }
    Ok(file)
}

fn config_error(verb: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::new(ErrorCode::Config, format!("Couldn't {verb} {}: {e}.", path.display()))
}

/// Writes `value` as JSON to `path` through a temporary file and a rename, so a crash never leaves
/// half a file. `what` names the file in the error ("the connections").
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T, what: &str) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| Error::new(ErrorCode::Config, format!("Couldn't save {what} ({}): {e}.", path.display()));
    let dir = path.parent().ok_or_else(|| Error::internal(format!("{} has no folder", path.display())))?;
    fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let json = serde_json::to_vec_pretty(value).map_err(|e| Error::internal(e.to_string()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(&json).and_then(|_| tmp.as_file().sync_all()).map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::{Addressing, CredentialSource, Endpoint};

    fn sample() -> ConnectionFile {
        ConnectionFile {
            version: FORMAT_VERSION,
            connections: vec![Connection {
                id: "a1".into(),
                name: "MinIO".into(),
                endpoint: Endpoint::Custom { url: "http://127.0.0.1:9000".into() },
                region: Some("us-east-1".into()),
                addressing: Addressing::PathStyle,
                credentials: CredentialSource::Keychain { access_key_id: "AKIA1".into() },
            }],
            last_used: Some("a1".into()),
            sandbox_port: Some(40123),
        }
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConnectionStore::new(&Paths::in_dir(dir.path()));
        store.save(&sample()).unwrap();
        let loaded = store.load().unwrap();
        assert!(loaded.notice.is_none());
        assert_eq!(loaded.file, sample());
        // No temp files are left behind next to it.
        let names: Vec<_> = fs::read_dir(store.path().parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from(CONNECTIONS_FILE)]);
    }

    #[test]
    fn missing_file_is_an_empty_list() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = ConnectionStore::new(&Paths::in_dir(dir.path())).load().unwrap();
        assert!(loaded.file.connections.is_empty());
        assert!(loaded.notice.is_none());
    }

    #[test]
    fn corrupt_file_is_kept_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConnectionStore::new(&Paths::in_dir(dir.path()));
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), b"{\"version\": 1, \"connections\": [ {\"id\": ").unwrap();

        let loaded = store.load().unwrap();
        assert!(loaded.file.connections.is_empty());
        let notice = loaded.notice.expect("the user is told");
        assert!(notice.contains("corrupt-"), "{notice}");
        // The damaged bytes are still on disk, untouched, under the name the notice gives.
        let aside: Vec<_> = fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(fs::read(&aside[0]).unwrap(), b"{\"version\": 1, \"connections\": [ {\"id\": ");
        assert!(notice.contains(&aside[0].display().to_string()));

        // Saving afterwards writes a new file and leaves the kept copy alone.
        store.save(&sample()).unwrap();
        assert_eq!(fs::read(&aside[0]).unwrap(), b"{\"version\": 1, \"connections\": [ {\"id\": ");
    }

    #[test]
    fn a_newer_format_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConnectionStore::new(&Paths::in_dir(dir.path()));
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), br#"{"version": 99, "connections": []}"#).unwrap();
        let loaded = store.load().unwrap();
        assert!(loaded.notice.unwrap().contains("newer Satchel"));
    }

    #[test]
    fn an_unwritable_folder_is_a_config_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("config");
        fs::write(&blocker, b"not a folder").unwrap();
        let err = ConnectionStore::new(&Paths::in_dir(dir.path())).save(&sample()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Config);
    }
}

