//! The embedded local sandbox: a real S3 server (s3s-fs) over a folder, on 127.0.0.1, that checks
//! signatures like any other. It lets a new user try Satchel with nothing set up, and it is what
//! `satchel sandbox` serves headless.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use rand::distr::{Alphanumeric, SampleString};
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::error::{Error, ErrorCode, Result};
use super::keychain::SecretKey;

/// The region the sandbox signs for. s3s accepts any; this is what clients are told to use.
pub const SANDBOX_REGION: &str = "us-east-1";

/// A fresh key pair for a new sandbox: shaped like AWS keys so tools that check the shape accept it.
pub fn new_keys() -> (String, SecretKey) {
    let mut rng = rand::rng();
    let id = format!("SATCHEL{}", Alphanumeric.sample_string(&mut rng, 13).to_ascii_uppercase());
    (id, SecretKey::new(Alphanumeric.sample_string(&mut rng, 40)))
}

/// Which port to listen on.
#[derive(Debug, Clone, Copy)]
pub enum PortChoice {
    /// This port or fail (the user asked for it).
    Exactly(u16),
    /// This port if free, else any: keeps URLs stable across restarts when it can.
    Prefer(u16),
    Any,
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    dir: PathBuf,
    access_key_id: String,
    secret: SecretKey,
    stop: watch::Sender<bool>,
}

impl Sandbox {
    /// Starts serving `dir` (created if missing) with one key pair.
    pub async fn start(dir: &Path, port: PortChoice, access_key_id: &str, secret: &SecretKey) -> Result<Sandbox> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::new(ErrorCode::Config, format!("Couldn't create the sandbox folder {}: {e}.", dir.display()))
        })?;
        let listener = bind(port).await?;
        let addr = listener.local_addr().map_err(|e| Error::internal(e.to_string()))?;

        let fs = s3s_fs::FileSystem::new(dir).map_err(|e| {
            Error::new(ErrorCode::Config, format!("Couldn't open the sandbox folder {}: {e:?}.", dir.display()))
        })?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(access_key_id.to_string(), secret.expose().to_string()));
        let service = builder.build();

        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            let http = ConnBuilder::new(TokioExecutor::new());
            let graceful = hyper_util::server::graceful::GracefulShutdown::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((socket, _)) = accepted else { continue };
                        let conn = http.serve_connection(TokioIo::new(socket), service.clone());
                        let conn = graceful.watch(conn.into_owned());
                        tokio::spawn(async move { let _ = conn.await; });
                    }
                    _ = stopped.changed() => break,
                }
            }
            // In-flight requests get a moment to finish; a stuck client does not hold up quitting.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), graceful.shutdown()).await;
        });
        tracing::info!(%addr, dir = %dir.display(), "sandbox listening");
        Ok(Sandbox { addr, dir: dir.to_path_buf(), access_key_id: access_key_id.to_string(), secret: secret.clone(), stop })
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn secret(&self) -> &SecretKey {
        &self.secret
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn bind(port: PortChoice) -> Result<TcpListener> {
    let at = |p: u16| TcpListener::bind((Ipv4Addr::LOCALHOST, p));
    match port {
        PortChoice::Exactly(p) => at(p).await.map_err(|e| {
            Error::new(ErrorCode::InvalidInput, format!("Port {p} on 127.0.0.1 can't be used ({e}). Choose another with --port."))
        }),
        PortChoice::Prefer(p) => match at(p).await {
            Ok(l) => Ok(l),
            Err(_) => at(0).await.map_err(|e| Error::internal(format!("no free port for the sandbox: {e}"))),
        },
        PortChoice::Any => at(0).await.map_err(|e| Error::internal(format!("no free port for the sandbox: {e}"))),
    }
}
