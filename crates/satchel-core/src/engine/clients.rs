//! Clients for real work: credentials resolved per connection, and each bucket's requests signed
//! for its own region.

use super::Satchel;
use crate::buckets;
use crate::connect::client::{self, Patience, ResolvedCredentials, Target, S3};
use crate::connect::connection::{Addressing, Connection, CredentialSource, Endpoint};
use crate::connect::sandbox::SANDBOX_REGION;
use crate::governance::accelerate;
use crate::error::Result;

impl Satchel {
    /// A client for real work on a saved connection.
    pub async fn client(&self, id_or_name: &str) -> Result<S3> {
        self.client_for(&self.connection(id_or_name).await?).await
    }

    /// A client for real work on any connection, saved or not (the CLI's `--endpoint`).
    pub async fn client_for(&self, conn: &Connection) -> Result<S3> {
        let creds = self.credentials(conn).await?;
        let target = self.target(conn, conn.signing_region()).await?;
        Ok(self.with_identity(&conn.id, client::build(&target, creds, Patience::Work)))
    }

    /// A client signing for `region` (a bucket's own, or a new bucket's).
    pub async fn client_in_region(&self, conn: &Connection, region: &str) -> Result<S3> {
        let creds = self.credentials(conn).await?;
        let target = self.target(conn, region).await?;
        Ok(self.with_identity(&conn.id, client::build(&target, creds, Patience::Work)))
    }

    /// [`Satchel::bucket_client`] for a saved connection, by id or name.
    pub async fn bucket_client_of(&self, id_or_name: &str, bucket: &str) -> Result<S3> {
        self.bucket_client(&self.connection(id_or_name).await?, bucket).await
    }

    /// A client for work inside `bucket`, signing for the bucket's own region (asked of the storage
    /// once, then remembered), so a bucket in another region than the connection's just works.
    pub async fn bucket_client(&self, conn: &Connection, bucket: &str) -> Result<S3> {
        let cache_key = (conn.id.clone(), bucket.to_string());
        let known = self.regions.lock().expect("regions lock").get(&cache_key).cloned();
        let region = match known {
            Some(r) => r,
            None => {
                let s3 = self.client_for(conn).await?;
                let r = buckets::bucket_region(&s3, bucket).await?.unwrap_or_else(|| s3.region.clone());
                self.regions.lock().expect("regions lock").insert(cache_key, r.clone());
                r
            }
        };
        if region == conn.signing_region() || conn.endpoint == Endpoint::Sandbox {
            return self.client_for(conn).await;
        }
        self.client_in_region(conn, &region).await
    }

    /// A client for moving objects in and out of `bucket` (uploads, downloads, share links):
    /// through Transfer Acceleration when the connection asks for it and the bucket has it on
    /// (asked of the storage once, then remembered).
    pub async fn transfer_client(&self, conn: &Connection, bucket: &str) -> Result<S3> {
        let s3 = self.bucket_client(conn, bucket).await?;
        if !may_accelerate(conn, bucket) {
            return Ok(s3);
        }
        let cache_key = (conn.id.clone(), bucket.to_string());
        let known = self.accelerating.lock().expect("accelerating lock").get(&cache_key).copied();
        let on = match known {
            Some(on) => on,
            None => {
                // Not allowed to read it, or not there: plain transfers still work.
                let on = accelerate::read(&s3, bucket).await.unwrap_or(false);
                self.accelerating.lock().expect("accelerating lock").insert(cache_key, on);
                on
            }
        };
        Ok(if on { s3.accelerated() } else { s3 })
    }

    /// Forgets whether `bucket` accelerates (its setting just changed).
    pub(super) fn forget_acceleration(&self, conn: &Connection, bucket: &str) {
        self.accelerating.lock().expect("accelerating lock").remove(&(conn.id.clone(), bucket.to_string()));
    }

    pub(super) async fn credentials(&self, conn: &Connection) -> Result<ResolvedCredentials> {
        match &conn.credentials {
            // The sandbox signs with whatever keys it was started with, even temporary ones.
            _ if conn.endpoint == Endpoint::Sandbox => {
                self.ensure_sandbox().await?;
                let running = self.sandbox.lock().await;
                let s = &running.as_ref().expect("ensured").sandbox;
                Ok(ResolvedCredentials::fixed(s.access_key_id(), s.secret()))
            }
            CredentialSource::Keychain { access_key_id } => {
                let secret = self.keychain.load(&conn.id, &conn.name).await?;
                Ok(ResolvedCredentials::fixed(access_key_id, &secret))
            }
            CredentialSource::Profile { .. } | CredentialSource::Environment => {
                client::resolve_chain(conn, conn.signing_region()).await
            }
        }
    }

    pub(super) async fn target(&self, conn: &Connection, region: &str) -> Result<Target> {
        let sandbox_url = match conn.endpoint {
            Endpoint::Sandbox => Some(self.ensure_sandbox().await?.endpoint),
            _ => None,
        };
        Ok(Target {
            endpoint_url: client::endpoint_url(conn, sandbox_url.as_deref())?,
            region: if conn.endpoint == Endpoint::Sandbox { SANDBOX_REGION.to_string() } else { region.to_string() },
            addressing: if conn.endpoint == Endpoint::Sandbox { Addressing::PathStyle } else { conn.addressing },
        })
    }
}

/// Transfer Acceleration is Amazon S3's, asked for per connection, and (its certificate covering
/// one label) unusable for bucket names with dots.
fn may_accelerate(conn: &Connection, bucket: &str) -> bool {
    conn.accelerate && conn.endpoint == Endpoint::Aws && !bucket.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_amazon_connections_that_ask_accelerate_buckets_without_dots() {
        let mut conn = Connection {
            accelerate: true,
            id: "c".into(),
            name: "AWS".into(),
            endpoint: Endpoint::Aws,
            region: None,
            addressing: Addressing::VirtualHosted,
            credentials: CredentialSource::Environment,
        };
        assert!(may_accelerate(&conn, "reports"));
        assert!(!may_accelerate(&conn, "www.example.com"));
        conn.endpoint = Endpoint::Custom { url: "http://127.0.0.1:9000".into() };
        assert!(!may_accelerate(&conn, "reports"));
        conn.endpoint = Endpoint::Aws;
        conn.accelerate = false;
        assert!(!may_accelerate(&conn, "reports"));
    }
}
