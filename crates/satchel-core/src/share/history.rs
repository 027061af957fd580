//! The history of issued links: their settings, never the URL (a bearer token).

use serde::{Deserialize, Serialize};

use super::link::{ShareLink, ShareRequest};
use crate::error::{Error, Result};

/// A link that was issued, as remembered: its settings, never the URL (a bearer token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IssuedLink {
    pub id: String,
    pub connection_id: String,
    pub request: ShareRequest,
    /// RFC 3339.
    pub issued_at: String,
    pub expires_at: String,
}

/// The link history file: settings of issued links, newest first, at most [`HISTORY_LIMIT`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct HistoryFile {
    version: u32,
    links: Vec<IssuedLink>,
}

pub const HISTORY_LIMIT: usize = 500;

/// Where issued links are remembered (the config dir), written atomically like the connections.
#[derive(Debug, Clone)]
pub struct LinkHistory {
    path: std::path::PathBuf,
}

impl LinkHistory {
    pub fn new(config_dir: &std::path::Path) -> Self {
        LinkHistory { path: config_dir.join("shared-links.json") }
    }

    /// The remembered links; an unreadable file reads as empty (it is only a convenience) and is
    /// kept aside rather than overwritten.
    pub fn list(&self) -> Vec<IssuedLink> {
        match std::fs::read(&self.path) {
            Ok(bytes) => match serde_json::from_slice::<HistoryFile>(&bytes) {
                Ok(f) => f.links,
                Err(_) => {
                    let aside = self.path.with_extension("json.corrupt");
                    let _ = std::fs::rename(&self.path, aside);
                    Vec::new()
                }
            },
            Err(_) => Vec::new(),
        }
    }

    pub fn record(&self, connection_id: &str, request: &ShareRequest, link: &ShareLink) -> Result<IssuedLink> {
        let issued_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let entry = IssuedLink {
            id: format!("{:016x}", rand::random::<u64>()),
            connection_id: connection_id.to_string(),
            request: request.clone(),
            issued_at,
            expires_at: link.expires_at.clone(),
        };
        let _lock = crate::config::lock_settings(&self.path)?;
        let mut links = self.list();
        links.insert(0, entry.clone());
        links.truncate(HISTORY_LIMIT);
        self.write(links)?;
        Ok(entry)
    }

    pub fn forget(&self, id: &str) -> Result<()> {
        let _lock = crate::config::lock_settings(&self.path)?;
        let mut links = self.list();
        links.retain(|l| l.id != id);
        self.write(links)
    }

    pub fn get(&self, id: &str) -> Result<IssuedLink> {
        self.list()
            .into_iter()
            .find(|l| l.id == id)
            .ok_or_else(|| Error::not_found("That link is no longer in the history."))
    }

    fn write(&self, links: Vec<IssuedLink>) -> Result<()> {
        crate::config::write_json_atomic(&self.path, &HistoryFile { version: 1, links }, "the link history")
    }
}

#[cfg(test)]
mod history_tests {
    use super::*;
    use crate::share::ShareKind;

    fn link() -> ShareLink {
        ShareLink {
            url: "https://secret-bearer-url".into(),
            kind: ShareKind::Download,
            expires_at: "2030-01-01T00:00:00Z".into(),
            effective_secs: 60,
            limited_by_credentials: false,
            warning: None,
            curl: None,
            reach: None,
        }
    }

    #[test]
    fn history_keeps_settings_never_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let h = LinkHistory::new(dir.path());
        let req = ShareRequest { bucket: "b".into(), key: "k".into(), kind: ShareKind::Download, expires_secs: 60, filename: None, content_type: None };
        let e = h.record("conn", &req, &link()).unwrap();
        assert_eq!(h.list(), vec![e.clone()]);
        let text = std::fs::read_to_string(dir.path().join("shared-links.json")).unwrap();
        assert!(!text.contains("secret-bearer-url"), "the URL is a bearer token: never on disk");
        h.forget(&e.id).unwrap();
        assert!(h.list().is_empty());
    }

}
