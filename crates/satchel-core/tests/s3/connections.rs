//! Connections against real servers: moto, garage (checks signatures) and the embedded sandbox.
//! Keys go through the real OS keychain (`make test` runs this under a D-Bus session with an
//! unlocked gnome-keyring). What the server holds is read back with the harness's own client.



use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use aws_smithy_async::time::StaticTimeSource;
use satchel_core::connect::classify::{classify, Attempt};
use satchel_core::connect::sandbox::{self, PortChoice, Sandbox};
use satchel_core::{
    Addressing, ConnectionDraft, CredentialSource, Endpoint, ErrorCode, Keychain, Paths, Satchel, SecretKey,
};
use satchel_harness::{closed_port, garage, moto, S3Server};

struct World {
    engine: Satchel,
    dir: tempfile::TempDir,
}

/// An engine over a fresh folder, filing keychain entries under a service of its own.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let service = format!("satchel-test-{}", rand_suffix());
    let engine = Satchel::open(Paths::in_dir(dir.path()), Keychain::with_service(service)).unwrap();
    World { engine, dir }
}

fn rand_suffix() -> String {
    format!("{:08x}", rand::random::<u32>())
}

fn keys_draft(name: &str, url: &str, region: Option<&str>, key: &str, secret: &str) -> ConnectionDraft {
    ConnectionDraft {
        accelerate: false,
        id: None,
        name: name.into(),
        endpoint: Endpoint::Custom { url: url.into() },
        region: region.map(str::to_string),
        addressing: Addressing::PathStyle,
        credentials: CredentialSource::Keychain { access_key_id: key.into() },
        secret_access_key: Some(secret.into()),
    }
}

fn server_draft(s: &S3Server, name: &str) -> ConnectionDraft {
    keys_draft(name, &s.endpoint, Some(&s.region), &s.access_key_id, &s.secret_access_key)
}

/// Every byte of every file under `dir`, for "the secret is nowhere on disk" checks.
fn all_file_text(dir: &Path) -> String {
    let mut out = String::new();
    for entry in walk(dir) {
        out.push_str(&String::from_utf8_lossy(&std::fs::read(entry).unwrap_or_default()));
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

#[tokio::test]
async fn test_counts_the_buckets_the_server_holds() {
    let m = moto();
    for i in 0..2 {
        m.create_bucket(&format!("count-{}-{i}", rand_suffix())).await;
    }
    let w = world();
    let conn = w.engine.save(server_draft(m, "moto")).await.unwrap();
    let report = w.engine.test(&conn.id).await.unwrap();
    assert_eq!(report.bucket_count as usize, m.bucket_names().await.len());
    let listed: Vec<String> = w.engine.list_buckets(&conn.id).await.unwrap().into_iter().map(|b| b.name).collect();
    let mut independent = m.bucket_names().await;
    independent.sort();
    assert_eq!(listed, independent);
}

#[tokio::test]
async fn the_secret_lives_only_in_the_keychain() {
    let g = &garage().server;
    let w = world();
    let conn = w.engine.save(server_draft(g, "garage")).await.unwrap();
    let on_disk = all_file_text(w.dir.path());
    assert!(on_disk.contains(&g.access_key_id), "the access key id is saved");
    assert!(!on_disk.contains(&g.secret_access_key), "the secret must never be written to a file");

    let stored = w.engine.keychain().load(&conn.id, &conn.name).await.unwrap();
    assert_eq!(stored, SecretKey::new(g.secret_access_key.clone()));
    // A second engine over the same folder (a restart) signs with the stored secret: garage checks it.
    let again = Satchel::open(Paths::in_dir(w.dir.path()), w.engine.keychain().clone()).unwrap();
    again.test(&conn.id).await.unwrap();

    w.engine.remove(&conn.id).await.unwrap();
    let gone = w.engine.keychain().load(&conn.id, &conn.name).await.unwrap_err();
    assert_eq!(gone.code, ErrorCode::CredentialsMissing);
}

#[tokio::test]
async fn editing_without_a_new_secret_keeps_the_stored_one() {
    let g = &garage().server;
    let w = world();
    let conn = w.engine.save(server_draft(g, "garage")).await.unwrap();
    let mut edit = server_draft(g, "garage renamed");
    edit.id = Some(conn.id.clone());
    edit.secret_access_key = None;
    let renamed = w.engine.save(edit).await.unwrap();
    assert_eq!(renamed.id, conn.id);
    w.engine.test(&conn.id).await.unwrap();
}

#[tokio::test]
async fn a_wrong_secret_is_told_apart_from_a_wrong_key() {
    let g = &garage().server;
    let w = world();
    let wrong_secret = keys_draft("g", &g.endpoint, Some("garage"), &g.access_key_id, &"0".repeat(64));
    let e = w.engine.test_draft(wrong_secret).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongSecret, "{e:?}");
    assert!(e.message.contains("secret"), "{}", e.message);

    let wrong_key = keys_draft("g", &g.endpoint, Some("garage"), "GK000000000000000000000000", &g.secret_access_key);
    let e = w.engine.test_draft(wrong_key).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongAccessKey, "{e:?}");
    assert!(!e.message.contains(&g.secret_access_key));
    assert!(w.engine.connections().await.is_empty(), "a failed test saves nothing");
}

#[tokio::test]
async fn a_wrong_region_is_detected_and_corrected_on_disk() {
    let g = &garage().server;
    let w = world();
    let conn = w
        .engine
        .save(keys_draft("garage", &g.endpoint, Some("eu-west-3"), &g.access_key_id, &g.secret_access_key))
        .await
        .unwrap();
    let report = w.engine.test(&conn.id).await.unwrap();
    assert_eq!(report.corrected_region.as_deref(), Some("garage"));
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.engine.paths().connections_file()).unwrap()).unwrap();
    assert_eq!(file["connections"][0]["region"], "garage", "the corrected region is saved");
    // And the corrected connection now works without correction.
    assert_eq!(w.engine.test(&conn.id).await.unwrap().corrected_region, None);
}

#[tokio::test]
async fn the_sandbox_checks_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = sandbox::new_keys();
    let sb = Sandbox::start(dir.path(), PortChoice::Any, &id, &secret).await.unwrap();
    let w = world();
    let good = keys_draft("sb", &sb.endpoint(), None, &id, secret.expose());
    assert_eq!(w.engine.test_draft(good).await.unwrap().bucket_count, 0);

    let bad = keys_draft("sb", &sb.endpoint(), None, &id, "not-the-secret");
    assert_eq!(w.engine.test_draft(bad).await.unwrap_err().code, ErrorCode::WrongSecret);
    let unknown = keys_draft("sb", &sb.endpoint(), None, "SATCHELNOBODY", secret.expose());
    assert_eq!(w.engine.test_draft(unknown).await.unwrap_err().code, ErrorCode::WrongAccessKey);
}

#[tokio::test]
async fn nothing_listening_is_unreachable_at_once() {
    let w = world();
    let draft = keys_draft("none", &format!("http://127.0.0.1:{}", closed_port()), None, "AKIA0000", "secret");
    let started = Instant::now();
    let e = w.engine.test_draft(draft).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unreachable, "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_server_that_never_answers_is_reported_within_ten_seconds() {
    // Accepts connections and then says nothing, like a firewall that swallows packets.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let w = world();
    let draft = keys_draft("mute", &format!("http://127.0.0.1:{port}"), None, "AKIA0000", "secret");
    let started = Instant::now();
    let e = w.engine.test_draft(draft).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unreachable, "{e:?}");
    assert!(started.elapsed() <= Duration::from_secs(10), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_failure() {
    let m = moto();
    let w = world();
    let draft = keys_draft("tls", &format!("https://127.0.0.1:{}", m.port()), None, "AKIA0000", "secret");
    let e = w.engine.test_draft(draft).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Tls, "{e:?}");
}

/// Lists buckets signing as if this computer's clock showed `clock`, and classifies the answer.
/// garage refuses dates more than a day old.
async fn skewed_list(server: &S3Server, clock: SystemTime) -> satchel_core::Error {
    let conf = server.client().config().to_builder()
        .time_source(StaticTimeSource::new(clock))
        .build();
    let client = aws_sdk_s3::Client::from_conf(conf);
    let err = client.list_buckets().send().await.unwrap_err();
    classify(&err, Attempt { action: "list buckets", host: "test", region: &server.region, identity: None })
}

// Only garage here: the sandbox (s3s 0.14) checks the date of presigned URLs only, and it runs on
// this computer's own clock anyway.
#[tokio::test]
async fn clock_skew_is_recognised() {
    let two_days = Duration::from_secs(48 * 3600);
    let e = skewed_list(&garage().server, SystemTime::now() - two_days).await;
    assert_eq!(e.code, ErrorCode::ClockSkew, "{e:?}");
    assert!(e.message.contains("clock"), "{}", e.message);
}

#[tokio::test]
async fn access_denied_is_told_apart() {
    let g = garage();
    let bucket = format!("denied-{}", rand_suffix());
    // Made with garage's own CLI so that the bucket has a global name that grants can refer to.
    g.cli(&["bucket", "create", &bucket]);
    // Read-only on this bucket: listing works, writing is denied. (Without any grant garage answers
    // NoSuchBucket, hiding that the bucket exists.)
    g.cli(&["bucket", "allow", "--read", &bucket, "--key", &g.powerless_key_id]);
    let powerless = g.server.client_with(&g.powerless_key_id, &g.powerless_secret);
    powerless.list_objects_v2().bucket(&bucket).send().await.expect("read is allowed");
    let err = powerless.put_object().bucket(&bucket).key("k").body(b"x".to_vec().into()).send().await.unwrap_err();
    let who = "arn:aws:iam::111122223333:user/powerless";
    let e = classify(&err, Attempt { action: "upload", host: "test", region: "garage", identity: Some(who) });
    assert_eq!(e.code, ErrorCode::AccessDenied, "{e:?}");
    // The permission comes from the operation refused; garage has no identities, so the one the
    // engine would know is passed in.
    assert!(e.message.contains(&format!("needs the s3:PutObject permission, which {who} doesn't have")), "{}", e.message);
}

#[tokio::test]
async fn the_identity_behind_the_keys_comes_from_sts_and_is_named_in_refusals() {
    let m = moto();
    let w = world();
    let conn = w.engine.save(server_draft(m, "moto")).await.unwrap();
    let who = w.engine.identity(&conn.id).await.unwrap().expect("moto answers GetCallerIdentity");
    assert!(who.arn.starts_with("arn:aws:"), "{who:?}");
    assert_eq!(who.account.len(), 12, "{who:?}");
    assert!(who.warning.is_none(), "moto's keys are not the root user's: {who:?}");
    // Every later client of this connection carries it for its messages.
    assert_eq!(w.engine.client(&conn.id).await.unwrap().identity.as_deref(), Some(who.arn.as_str()));

    // Garage has no STS: unknown, not an error.
    let g = w.engine.save(server_draft(&garage().server, "garage")).await.unwrap();
    assert_eq!(w.engine.identity(&g.id).await.unwrap(), None);
    // Nor has the sandbox, which is not even asked.
    let fresh = world();
    let s = fresh.engine.startup().await.unwrap();
    assert_eq!(fresh.engine.identity(&s.connections[0].id).await.unwrap(), None);
}

#[tokio::test]
async fn a_fresh_start_without_aws_credentials_opens_on_a_working_sandbox() {
    if satchel_core::connect::profiles::aws_credentials_present() {
        panic!("run with no AWS credentials in the environment (make test clears them)");
    }
    let w = world();
    let s = w.engine.startup().await.unwrap();
    assert_eq!(s.connections.len(), 1);
    assert_eq!(s.connections[0].endpoint, Endpoint::Sandbox);
    assert_eq!(s.selected.as_deref(), Some(s.connections[0].id.as_str()));
    let info = w.engine.running_sandbox().await.expect("sandbox running");
    assert!(info.keys_persisted, "the sandbox keys are kept in the keychain");
    w.engine.test(&s.connections[0].id).await.unwrap();

    // The keys survive a restart: a bucket made before is listed after, signed with the same keys.
    let id = s.connections[0].id.clone();
    let s3 = w.engine.client(&id).await.unwrap();
    s3.client.create_bucket().bucket("kept").send().await.unwrap();
    let keychain = w.engine.keychain().clone();
    drop(w.engine);
    let again = Satchel::open(Paths::in_dir(w.dir.path()), keychain).unwrap();
    let s2 = again.startup().await.unwrap();
    assert_eq!(s2.connections.len(), 1, "no second sandbox connection on restart");
    let names: Vec<String> = again.list_buckets(&id).await.unwrap().into_iter().map(|b| b.name).collect();
    assert_eq!(names, ["kept"]);
}

#[tokio::test]
async fn a_corrupt_connection_file_is_kept_aside_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(dir.path());
    std::fs::create_dir_all(paths.connections_file().parent().unwrap()).unwrap();
    std::fs::write(paths.connections_file(), b"{ this is not json").unwrap();
    let engine = Satchel::open(paths.clone(), Keychain::with_service(format!("satchel-test-{}", rand_suffix()))).unwrap();
    let s = engine.startup().await.unwrap();
    assert!(s.notices.iter().any(|n| n.contains("kept")), "{:?}", s.notices);
    let kept: Vec<_> = std::fs::read_dir(paths.connections_file().parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read(kept[0].path()).unwrap(), b"{ this is not json");
}

#[tokio::test]
async fn connections_resolve_by_id_or_by_name_in_any_case() {
    let w = world();
    let draft = ConnectionDraft {
        accelerate: false,
        id: None,
        name: "Team MinIO".into(),
        endpoint: Endpoint::Custom { url: "http://127.0.0.1:9000/".into() },
        region: Some(" ".into()),
        addressing: Addressing::PathStyle,
        credentials: CredentialSource::Environment,
        secret_access_key: None,
    };
    let saved = w.engine.save(draft.clone()).await.unwrap();
    assert_eq!(saved.endpoint, Endpoint::Custom { url: "http://127.0.0.1:9000".into() }, "trailing slash trimmed");
    assert_eq!(saved.region, None, "a blank region means detect it");
    assert_eq!(w.engine.connection(&saved.id).await.unwrap(), saved);
    assert_eq!(w.engine.connection("team minio").await.unwrap(), saved);
    let e = w.engine.connection("Nobody").await.unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::NotFound, "There's no connection called \"Nobody\"."));
    let e = w.engine.save(ConnectionDraft { name: "TEAM MINIO".into(), ..draft }).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "names are unique regardless of case");
}

#[tokio::test]
async fn a_missing_profile_is_reported_as_missing_credentials() {
    let w = world();
    let conn = w
        .engine
        .save(ConnectionDraft {
            accelerate: false,
            id: None,
            name: "work".into(),
            endpoint: Endpoint::Custom { url: moto().endpoint.clone() },
            region: None,
            addressing: Addressing::PathStyle,
            credentials: CredentialSource::Profile { profile: "satchel-no-such-profile".into() },
            secret_access_key: None,
        })
        .await
        .unwrap();
    let e = w.engine.test(&conn.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::CredentialsMissing, "{e:?}");
    assert!(e.message.contains("satchel-no-such-profile"), "{}", e.message);
}

#[tokio::test]
async fn what_the_sandbox_lacks_is_called_unsupported() {
    let (_sb, server, _dir) = crate::common::sandbox().await;
    server.create_bucket("plain").await;
    let err = server.client().get_bucket_tagging().bucket("plain").send().await.unwrap_err();
    let e = classify(&err, Attempt { action: "read the bucket's tags", host: "test", region: "us-east-1", identity: None });
    assert_eq!(e.code, ErrorCode::Unsupported, "{e:?}");
    assert!(e.message.starts_with("This storage does not support"), "{}", e.message);
}
