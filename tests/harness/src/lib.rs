//! Real S3 servers for tests, each on a free loopback port: moto (widest API coverage, checks no
//! signatures) and garage (a real storage engine that checks signatures). One of each is started per
//! test binary on first use and shared; they die with the test process.
//!
//! Tests read back what a server holds through [`S3Server::client`], a plain aws-sdk-s3 client that
//! shares no code with Satchel's engine.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

pub mod proxy;

use aws_credential_types::Credentials;
use aws_sdk_s3::config::{BehaviorVersion, Region};

/// How long a server gets to start answering before the test fails.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running S3 server and the keys it accepts.
#[derive(Debug, Clone)]
pub struct S3Server {
    pub name: &'static str,
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl S3Server {
    /// An independent client (path-style, no retries) for arranging and checking server state.
    pub fn client(&self) -> aws_sdk_s3::Client {
        self.client_with(&self.access_key_id, &self.secret_access_key)
    }

    /// An independent client signing with other keys.
    pub fn client_with(&self, access_key_id: &str, secret: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint)
            .force_path_style(true)
            .credentials_provider(Credentials::new(access_key_id, secret, None, None, "harness"))
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    pub fn port(&self) -> u16 {
        self.endpoint.rsplit(':').next().and_then(|p| p.parse().ok()).expect("endpoint has a port")
    }

    /// Creates a bucket with the independent client (in the server's region).
    pub async fn create_bucket(&self, name: &str) {
        let mut req = self.client().create_bucket().bucket(name);
        if self.region != "us-east-1" {
            req = req.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(self.region.as_str()))
                    .build(),
            );
        }
        req.send().await.unwrap_or_else(|e| panic!("create bucket {name} on {}: {e:?}", self.name));
    }

    /// Every bucket name the server holds, read independently.
    pub async fn bucket_names(&self) -> Vec<String> {
        let out = self.client().list_buckets().send().await.expect("list buckets independently");
        out.buckets().iter().filter_map(|b| b.name().map(str::to_string)).collect()
    }

    /// Every key in a bucket, sorted, read independently.
    pub async fn keys(&self, bucket: &str) -> Vec<String> {
        let mut keys = Vec::new();
        let mut pages = self.client().list_objects_v2().bucket(bucket).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.unwrap_or_else(|e| panic!("list {bucket} on {}: {e:?}", self.name));
            keys.extend(page.contents().iter().filter_map(|o| o.key().map(str::to_string)));
        }
        keys.sort();
        keys
    }

    /// Puts an object with the independent client.
    pub async fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        self.client()
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(body.to_vec().into())
            .send()
            .await
            .unwrap_or_else(|e| panic!("put {key} on {}: {e:?}", self.name));
    }

    /// An object's bytes, read independently.
    pub async fn get(&self, bucket: &str, key: &str) -> Vec<u8> {
        let out = self.client().get_object().bucket(bucket).key(key).send().await.unwrap_or_else(|e| panic!("get {key} on {}: {e:?}", self.name));
        out.body.collect().await.expect("read body").into_bytes().to_vec()
    }
}

/// The shared moto server of this test process.
pub fn moto() -> &'static S3Server {
    static MOTO: OnceLock<S3Server> = OnceLock::new();
    MOTO.get_or_init(start_moto)
}

/// The shared garage server of this test process (a single-node cluster in a temporary folder).
pub fn garage() -> &'static Garage {
    static GARAGE: OnceLock<Garage> = OnceLock::new();
    GARAGE.get_or_init(start_garage)
}

/// A garage node, with a second key that has no rights on anything, for access-denied tests.
#[derive(Debug)]
pub struct Garage {
    pub server: S3Server,
    /// Where garage serves buckets with website hosting, to anyone (no credentials): a request
    /// names the bucket in its Host header, `{bucket}.web.garage.localhost`.
    pub web_endpoint: String,
    pub powerless_key_id: String,
    pub powerless_secret: String,
    config: PathBuf,
}

impl Garage {
    /// Runs the garage CLI against this node (for arranging state tests need).
    pub fn cli(&self, args: &[&str]) -> String {
        garage_cli(&self.config, args)
    }
}

/// The workspace root, where `make` puts the test tools (`.venv`, `.tools`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).and_then(|l| l.local_addr()).expect("a free port").port()
}

/// A loopback port where nothing listens, for "unreachable" tests.
pub fn closed_port() -> u16 {
    free_port()
}

fn start_moto() -> S3Server {
    let bin = std::env::var_os("SATCHEL_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/moto_server"));
    assert!(bin.exists(), "moto_server not found at {}: run `make test-deps`", bin.display());
    let port = free_port();
    let mut cmd = Command::new(&bin);
    cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]).stdout(Stdio::null()).stderr(Stdio::null());
    spawn_for_process_lifetime(cmd);
    wait_for_port(port, "moto");
    S3Server {
        name: "moto",
        endpoint: format!("http://127.0.0.1:{port}"),
        region: "us-east-1".into(),
        access_key_id: "AKIAMOTOTESTKEY00001".into(),
        secret_access_key: "moto-does-not-check-this-secret".into(),
    }
}

fn garage_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("SATCHEL_GARAGE") {
        return PathBuf::from(p);
    }
    let candidates = [
        workspace_root().join(".tools/bin/garage"),
        dirs_home().join(".cargo/bin/garage"),
    ];
    candidates
        .into_iter()
        .find(|p| p.exists())
        .or_else(|| which("garage"))
        .unwrap_or_else(|| panic!("garage not found: run `make test-deps`"))
}

fn start_garage() -> Garage {
    let bin = garage_binary();
    // Kept for the life of the process: the server owns files in it.
    let dir = Box::leak(Box::new(tempfile::tempdir().expect("garage temp dir"))).path().to_path_buf();
    let (rpc, s3, web) = (free_port(), free_port(), free_port());
    let config = dir.join("garage.toml");
    std::fs::write(
        &config,
        format!(
            r#"metadata_dir = "{dir}/meta"
data_dir = "{dir}/data"
db_engine = "lmdb"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"

[s3_web]
bind_addr = "127.0.0.1:{web}"
root_domain = ".web.garage.localhost"
"#,
            dir = dir.display(),
            secret = hex(32),
        ),
    )
    .expect("write garage config");
    let log = std::fs::File::create(dir.join("garage.log")).expect("garage log");
    let mut cmd = Command::new(&bin);
    cmd.arg("-c").arg(&config).arg("server").env("RUST_LOG", "garage=warn").stdout(Stdio::null()).stderr(log);
    spawn_for_process_lifetime(cmd);
    wait_for_port(s3, "garage");

    let node = retry_cli(&config, &["node", "id", "-q"]);
    let node = node.trim().split('@').next().expect("node id").to_string();
    garage_cli(&config, &["layout", "assign", "-z", "dc1", "-c", "1G", &node]);
    garage_cli(&config, &["layout", "apply", "--version", "1"]);

    let (key_id, secret) = (format!("GK{}", hex(12)), hex(32));
    garage_cli(&config, &["key", "import", "--yes", "-n", "satchel-test", &key_id, &secret]);
    garage_cli(&config, &["key", "allow", "--create-bucket", &key_id]);
    let (weak_id, weak_secret) = (format!("GK{}", hex(12)), hex(32));
    garage_cli(&config, &["key", "import", "--yes", "-n", "powerless", &weak_id, &weak_secret]);

    let server = S3Server {
        name: "garage",
        endpoint: format!("http://127.0.0.1:{s3}"),
        region: "garage".into(),
        access_key_id: key_id,
        secret_access_key: secret,
    };
    wait_for_s3(&server);
    Garage { server, web_endpoint: format!("http://127.0.0.1:{web}"), powerless_key_id: weak_id, powerless_secret: weak_secret, config }
}

/// The layout takes a moment to apply after the node starts; ListBuckets succeeding means ready.
fn wait_for_s3(server: &S3Server) {
    // Callers are often async tests, where a nested runtime may not block: use a thread of our own.
    std::thread::scope(|scope| {
        scope.spawn(|| wait_for_s3_blocking(server)).join().expect("readiness check");
    });
}

fn wait_for_s3_blocking(server: &S3Server) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        match rt.block_on(server.client().list_buckets().send()) {
            Ok(_) => return,
            Err(e) if Instant::now() > deadline => panic!("{} never became ready: {e:?}", server.name),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

fn retry_cli(config: &Path, args: &[&str]) -> String {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        match try_garage_cli(config, args) {
            Ok(out) => return out,
            Err(e) if Instant::now() > deadline => panic!("garage {args:?}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

fn garage_cli(config: &Path, args: &[&str]) -> String {
    try_garage_cli(config, args).unwrap_or_else(|e| panic!("garage {args:?}: {e}"))
}

fn try_garage_cli(config: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(garage_binary())
        .arg("-c")
        .arg(config)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Starts a server that lives exactly as long as this test process. Linux's parent-death signal
/// fires when the spawning *thread* ends, so servers are spawned from a thread that never ends.
fn spawn_for_process_lifetime(cmd: Command) {
    type Request = (Command, mpsc::Sender<std::io::Result<()>>);
    static SPAWNER: OnceLock<std::sync::Mutex<mpsc::Sender<Request>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Request>();
        std::thread::spawn(move || {
            let mut children: Vec<Child> = Vec::new();
            for (mut cmd, reply) in rx {
                die_with_parent(&mut cmd);
                let started = cmd.spawn().map(|child| children.push(child));
                let _ = reply.send(started);
            }
        });
        std::sync::Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner.lock().expect("spawner lock").send((cmd, reply_tx)).expect("spawner thread");
    if let Err(e) = reply_rx.recv().expect("spawner reply") {
        panic!("couldn't start a test server: {e}");
    }
}

#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe and touches only the child's own state.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut Command) {}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + START_TIMEOUT;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start listening on port {port} within {START_TIMEOUT:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn hex(bytes: usize) -> String {
    (0..bytes).map(|_| format!("{:02x}", rand::random::<u8>())).collect()
}

fn dirs_home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/root"))
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.exists())
}
