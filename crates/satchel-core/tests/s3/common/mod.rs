//! What the integration tests share: a Satchel client for a harness server, and a running sandbox
//! described as a harness server so the same checks run against it.



use satchel_core::connect::client::{self, Patience, ResolvedCredentials, Target, S3};
use satchel_core::connect::sandbox::{self, PortChoice, Sandbox};
use satchel_core::{Addressing, Connection, ConnectionDraft, CredentialSource, Endpoint, Keychain, Paths, Satchel, SecretKey};
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

/// An engine over a fresh settings folder with one saved connection to a server.
pub struct World {
    pub engine: Satchel,
    pub conn: Connection,
    pub dir: tempfile::TempDir,
}

pub async fn world(server: &S3Server) -> World {
    world_at(&server.endpoint, &server.region, &server.access_key_id, &server.secret_access_key).await
}

pub async fn world_at(url: &str, region: &str, key: &str, secret: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_service(format!("satchel-test-{:08x}", rand::random::<u32>()));
    let engine = Satchel::open(Paths::in_dir(dir.path()), keychain).unwrap();
    let conn = engine
        .save(ConnectionDraft {
            accelerate: false,
            id: None,
            name: "test".into(),
            endpoint: Endpoint::Custom { url: url.into() },
            region: Some(region.into()),
            addressing: Addressing::PathStyle,
            credentials: CredentialSource::Keychain { access_key_id: key.into() },
            secret_access_key: Some(secret.into()),
        })
        .await
        .unwrap();
    World { engine, conn, dir }
}

