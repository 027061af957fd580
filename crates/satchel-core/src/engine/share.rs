//! Share links, signed with the connection's credentials, and their history.

use super::Satchel;
use crate::connect::connection::Connection;
use crate::error::Result;
use crate::share::{self, LinkHistory, ShareLink, ShareRequest};

impl Satchel {
    /// Signs a download or upload link for an object, with the credentials of `conn`.
    pub async fn share(&self, conn: &Connection, req: &ShareRequest) -> Result<ShareLink> {
        share::share(&self.transfer_client(conn, &req.bucket).await?, req).await
    }

    /// The history of issued links (settings only; URLs are never stored).
    pub fn link_history(&self) -> LinkHistory {
        LinkHistory::new(&self.paths.config_dir)
    }

    /// Signs a link with the credentials of a saved connection and remembers its settings (never
    /// the URL) in the link history.
    pub async fn share_link(&self, connection_id: &str, req: &ShareRequest) -> Result<ShareLink> {
        let link = self.share(&self.connection(connection_id).await?, req).await?;
        self.link_history().record(connection_id, req, &link)?;
        Ok(link)
    }

    /// Signs a fresh link with the settings of a remembered one.
    pub async fn reissue_link(&self, id: &str) -> Result<ShareLink> {
        let old = self.link_history().get(id)?;
        self.share_link(&old.connection_id, &old.request).await
    }
}
