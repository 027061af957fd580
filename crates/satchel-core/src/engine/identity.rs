//! Who each connection's keys belong to: asked of STS once per connection and remembered, so the
//! header can show it and every refusal can name it.

use super::Satchel;
use crate::connect::identity::{self, Identity};
use crate::connect::{Connection, Endpoint, S3};
use crate::error::Result;

impl Satchel {
    /// The identity behind a saved connection's keys; `None` when the store cannot say (no STS,
    /// or the embedded sandbox). Asked once, then remembered until the connection is saved again.
    pub async fn identity(&self, id_or_name: &str) -> Result<Option<Identity>> {
        self.identity_for(&self.connection(id_or_name).await?).await
    }

    /// [`Satchel::identity`] for any connection, saved or not (the CLI's `--endpoint`).
    pub async fn identity_for(&self, conn: &Connection) -> Result<Option<Identity>> {
        if conn.endpoint == Endpoint::Sandbox {
            return Ok(None);
        }
        if let Some(known) = self.identities.lock().expect("identities lock").get(&conn.id) {
            return Ok(known.clone());
        }
        let s3 = self.client_for(conn).await?;
        let found = identity::caller_identity(&s3).await;
        self.identities.lock().expect("identities lock").insert(conn.id.clone(), found.clone());
        Ok(found)
    }

    /// Forgets what was learnt about a connection's keys (they changed).
    pub(super) fn forget_identity(&self, id: &str) {
        self.identities.lock().expect("identities lock").remove(id);
    }

    /// Gives a client what is known of its connection: the identity, for its error messages, and
    /// the customer keys, for reads of SSE-C objects.
    pub(super) fn with_identity(&self, id: &str, mut s3: S3) -> S3 {
        s3.identity = self.identities.lock().expect("identities lock").get(id).cloned().flatten().map(|i| i.arn);
        s3.customer_keys = crate::connect::CustomerKeys::of(&self.keychain, &self.paths, id);
        s3
    }
}
