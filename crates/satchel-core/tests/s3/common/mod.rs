//! What the integration tests share: a Satchel client for a harness server, and a running sandbox
//! described as a harness server so the same checks run against it.



use satchel_core::client::{self, Patience, ResolvedCredentials, Target, S3};
use satchel_core::sandbox::{self, PortChoice, Sandbox};
use satchel_core::{Addressing, SecretKey};
use satchel_harness::S3Server;

/// Satchel's own client (work patience, path-style) for `s`.
pub fn satchel_client(s: &S3Server) -> S3 {
    let target = Target { endpoint_url: Some(s.endpoint.clone()), region: s.region.clone(), addressing: Addressing::PathStyle };
    client::build(&target, ResolvedCredentials::fixed(&s.access_key_id, &SecretKey::new(s.secret_access_key.clone())), Patience::Work)
}

/// A sandbox over a fresh folder; keep the returned values alive while it is used.
pub async fn sandbox() -> (Sandbox, S3Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = sandbox::new_keys();
    let sb = Sandbox::start(dir.path(), PortChoice::Any, &id, &secret).await.unwrap();
    let server = S3Server {
        name: "sandbox",
        endpoint: sb.endpoint(),
        region: sandbox::SANDBOX_REGION.into(),
        access_key_id: id,
        secret_access_key: secret.expose().into(),
    };
    (sb, server, dir)
}
