//! What a storage was seen to do with what uploads asked of it. Some stores take a storage class
//! and keep their standard one (garage does, and says nothing); the check after an upload finds
//! it, and it is kept here, per storage, so the next upload asking for a class is told before
//! anything is sent. Nothing here is secret: `seen-storage.json` beside the connections.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::{lock_settings, write_json_atomic, Paths};
use crate::error::{Error, ErrorCode, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Seen {
    /// A class asked for, and the one the storage kept instead.
    #[serde(default)]
    class_ignored: Option<(String, String)>,
}

#[derive(Debug)]
pub(crate) struct SeenStorage {
    path: PathBuf,
}

impl SeenStorage {
    pub(crate) fn new(paths: &Paths) -> SeenStorage {
        SeenStorage { path: paths.config_dir.join("seen-storage.json") }
    }

    fn read(&self) -> BTreeMap<String, Seen> {
        // Unreadable is the same as nothing seen: uploads then just check afterwards again.
        std::fs::read(&self.path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// The refusal an upload asking for a class gets when this storage kept another one before.
    pub(crate) fn class_refusal(&self, storage: &str) -> Option<Error> {
        let (asked, kept) = self.read().remove(storage)?.class_ignored?;
        Some(Error::new(
            ErrorCode::Unsupported,
            format!(
                "This storage doesn't keep storage classes: it stored an upload asked as {asked} as {kept}. Nothing was sent; upload with the bucket's default class instead."
            ),
        ))
    }

    /// Refuses an upload asking for `class` (other than STANDARD) of a storage seen to ignore classes.
    pub(crate) fn check_class(&self, storage: &str, class: Option<&aws_sdk_s3::types::StorageClass>) -> Result<()> {
        match class {
            Some(c) if c.as_str() != "STANDARD" => self.class_refusal(storage).map_or(Ok(()), Err),
            _ => Ok(()),
        }
    }

    /// Remembers that `storage` kept `kept` when asked for `asked`.
    pub(crate) fn saw_class_ignored(&self, storage: &str, asked: &str, kept: &str) -> Result<()> {
        let _lock = lock_settings(&self.path)?;
        let mut all = self.read();
        all.entry(storage.to_string()).or_default().class_ignored = Some((asked.to_string(), kept.to_string()));
        write_json_atomic(&self.path, &all, "what Satchel saw of the storage")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_kept_as_another_is_refused_next_time() {
        let dir = tempfile::tempdir().unwrap();
        let seen = SeenStorage::new(&Paths::in_dir(dir.path()));
        assert!(seen.class_refusal("garage-1").is_none());
        seen.saw_class_ignored("garage-1", "ONEZONE_IA", "STANDARD").unwrap();
        let e = seen.class_refusal("garage-1").unwrap();
        assert_eq!(e.code, ErrorCode::Unsupported);
        assert!(e.message.contains("stored an upload asked as ONEZONE_IA as STANDARD") && e.message.contains("Nothing was sent"), "{}", e.message);
        assert!(seen.class_refusal("aws").is_none(), "per storage");
        std::fs::write(dir.path().join("config/seen-storage.json"), b"not json").unwrap();
        assert!(seen.class_refusal("garage-1").is_none(), "an unreadable file is nothing seen");
    }
}
