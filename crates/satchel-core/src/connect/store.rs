//! The connection list on disk. The file holds no secret. It is replaced atomically, and a file
//! that can't be parsed is moved aside, never overwritten, and the caller is told where it went.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::connection::Connection;
use crate::config::{lock_settings, write_json_atomic, Paths};
use crate::error::{Error, ErrorCode, Result};

/// Bumped when the file's shape changes incompatibly.
const FORMAT_VERSION: u32 = 1;

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

    /// Changes the file under its lock: reads what is on disk now (another process may have written
    /// since this one loaded), applies `change` and writes it back, so concurrent writers keep all
    /// their changes. Returns the file as it now stands.
    pub fn update(&self, change: impl FnOnce(&mut ConnectionFile) -> Result<()>) -> Result<ConnectionFile> {
        let _lock = lock_settings(&self.path)?;
        let mut file = self.load()?.file;
        change(&mut file)?;
        self.save(&file)?;
        Ok(file)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CONNECTIONS_FILE;
    use crate::connect::connection::{Addressing, CredentialSource, Endpoint};

    fn sample() -> ConnectionFile {
        ConnectionFile {
            version: FORMAT_VERSION,
            connections: vec![Connection {
                accelerate: false,
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
