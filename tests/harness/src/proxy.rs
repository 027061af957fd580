//! A fault-injecting HTTP proxy to put in front of a real server: it forwards S3 requests unchanged
//! (the Host header too, so signatures still verify) and, by rule, answers 500 or 503 SlowDown,
//! cuts a connection in the middle of a request body, adds latency, answers CompleteMultipartUpload
//! with 200 and an error body, or refuses flexible checksums like an older store would. It counts
//! the request-body bytes it forwarded, so a test can tell how much was really sent.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};

use crate::S3Server;

/// Which requests a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// UploadPart with this part number.
    Part(u32),
    /// Any UploadPart.
    AnyPart,
    /// CompleteMultipartUpload.
    Complete,
    /// Any request carrying a flexible checksum header.
    FlexibleChecksum,
    /// A ranged GET that does not start at byte 0: the later parts of a parallel download.
    LaterRange,
    /// Any HEAD (HeadObject, HeadBucket).
    Head,
    /// ListObjectsV2.
    List,
    /// A server-side copy (CopyObject or UploadPartCopy).
    Copy,
    /// A GET of an object (whole or ranged): not a listing or a bucket setting.
    ObjectGet,
    /// Every request.
    Any,
}

/// What happens to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and S3 error code, without forwarding.
    Status(u16, &'static str),
    /// Read this many body bytes, then drop the connection.
    CutAfter(u64),
    /// Wait, then forward.
    Delay(Duration),
    /// Answer 200 with an `<Error>` body of this code, without forwarding.
    ErrorIn200(&'static str),
    /// Hold the request until the test calls [`FaultProxy::open_gate`], then forward it.
    HoldUntilGate,
    /// Forward it (the server acts on it), then answer this status and code instead of the
    /// server's answer: a response lost on the way back.
    LoseAnswer(u16, &'static str),
    /// Forward it, then flip one bit in the middle of the answer's body, headers unchanged: bytes
    /// damaged on the way.
    FlipByte,
}

#[derive(Debug, Clone)]
struct Rule {
    when: Match,
    fault: Fault,
    /// How many more requests it applies to.
    left: u32,
}

#[derive(Default)]
struct State {
    rules: Mutex<Vec<Rule>>,
    body_bytes: AtomicU64,
    /// "METHOD path?query" of every request seen, and what the proxy did.
    log: Mutex<Vec<String>>,
    gate_open: std::sync::atomic::AtomicBool,
    gate: tokio::sync::Notify,
}

/// A running proxy; it stops with the test process.
pub struct FaultProxy {
    pub endpoint: String,
    upstream: S3Server,
    state: Arc<State>,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` on a free loopback port.
    pub async fn start(upstream: &S3Server) -> FaultProxy {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let state = Arc::new(State::default());
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let upstream_url = upstream.endpoint.trim_end_matches('/').to_string();
        let (st, up) = (state.clone(), upstream_url.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let (st, up, client) = (st.clone(), up.clone(), client.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| handle(req, st.clone(), up.clone(), client.clone()));
                    // An error here is a cut connection, which is the point of some rules.
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        FaultProxy { endpoint: format!("http://{addr}"), upstream: upstream.clone(), state }
    }

    /// The upstream server as seen through the proxy (same keys and region).
    pub fn server(&self) -> S3Server {
        S3Server { endpoint: self.endpoint.clone(), ..self.upstream.clone() }
    }

    /// Adds a rule for the next `times` matching requests.
    pub fn inject(&self, when: Match, fault: Fault, times: u32) {
        self.state.rules.lock().unwrap().push(Rule { when, fault, left: times });
    }

    /// Lets the requests held by [`Fault::HoldUntilGate`] (and any later ones) through.
    pub fn open_gate(&self) {
        self.state.gate_open.store(true, Ordering::SeqCst);
        self.state.gate.notify_waiters();
    }

    pub fn clear(&self) {
        self.state.rules.lock().unwrap().clear();
    }

    /// Bytes of PUT bodies (objects and parts) forwarded upstream so far.
    pub fn body_bytes(&self) -> u64 {
        self.state.body_bytes.load(Ordering::SeqCst)
    }

    pub fn reset_count(&self) {
        self.state.body_bytes.store(0, Ordering::SeqCst);
        self.state.log.lock().unwrap().clear();
    }

    /// A way to read the log from another task.
    pub fn log_handle(&self) -> impl Fn() -> Vec<String> + Send + 'static {
        let state = self.state.clone();
        move || state.log.lock().unwrap().clone()
    }

    /// What was requested, in order, with the region it was signed for:
    /// "PUT /bucket/key?partNumber=2&uploadId=… [garage] -> 503".
    pub fn log(&self) -> Vec<String> {
        self.state.log.lock().unwrap().clone()
    }
}

fn matches(when: &Match, req: &Request<Incoming>) -> bool {
    let query = req.uri().query().unwrap_or("");
    let is_part = req.method() == hyper::Method::PUT && query.contains("partNumber=") && query.contains("uploadId=");
    match when {
        Match::Part(n) => is_part && query.split('&').any(|kv| kv == format!("partNumber={n}")),
        Match::AnyPart => is_part,
        Match::Complete => req.method() == hyper::Method::POST && query.contains("uploadId="),
        Match::FlexibleChecksum => req
            .headers()
            .keys()
            .any(|h| h.as_str().starts_with("x-amz-checksum-") || h.as_str() == "x-amz-sdk-checksum-algorithm" || h.as_str() == "x-amz-trailer"),
        Match::LaterRange => {
            let range = req.headers().get(hyper::header::RANGE).and_then(|v| v.to_str().ok()).unwrap_or("");
            req.method() == hyper::Method::GET && range.starts_with("bytes=") && !range.starts_with("bytes=0-")
        }
        Match::Head => req.method() == hyper::Method::HEAD,
        Match::List => req.method() == hyper::Method::GET && query.split('&').any(|kv| kv == "list-type=2"),
        Match::Copy => req.method() == hyper::Method::PUT && req.headers().contains_key("x-amz-copy-source"),
        Match::ObjectGet => {
            let path = req.uri().path().trim_start_matches('/');
            req.method() == hyper::Method::GET && path.contains('/') && !path.ends_with('/') && (query.is_empty() || query.split('&').all(|kv| kv.starts_with("partNumber=") || kv.starts_with("versionId=") || kv.starts_with("x-id=")))
        }
        Match::Any => true,
    }
}

fn error_xml(code: &str) -> Bytes {
    Bytes::from(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>injected by the test proxy</Message><RequestId>proxy</RequestId></Error>"
    ))
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<State>,
    upstream: String,
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    // The region the request is signed for, from its credential scope: `.../20250101/eu-west-1/s3/aws4_request`.
    let region = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(2))
        .map(|r| format!(" [{r}]"))
        .unwrap_or_default();
    // A ranged GET names its range, so a test can tell which bytes were asked for.
    let range = req.headers().get(hyper::header::RANGE).and_then(|v| v.to_str().ok()).map(|r| format!(" <{r}>")).unwrap_or_default();
    let line = format!("{} {}{region}{range}", req.method(), req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let fault = {
        let mut rules = state.rules.lock().unwrap();
        let hit = rules.iter_mut().find(|r| r.left > 0 && matches(&r.when, &req));
        hit.map(|r| {
            r.left -= 1;
            r.fault.clone()
        })
    };
    let note = |what: String| state.log.lock().unwrap().push(format!("{line} -> {what}"));
    match fault {
        Some(Fault::Status(status, code)) => {
            note(status.to_string());
            let mut resp = Response::new(Full::new(error_xml(code)));
            *resp.status_mut() = StatusCode::from_u16(status).expect("status");
            return Ok(resp);
        }
        Some(Fault::ErrorIn200(code)) => {
            note(format!("200 with {code}"));
            return Ok(Response::new(Full::new(error_xml(code))));
        }
        Some(Fault::CutAfter(n)) => {
            note(format!("cut after {n} bytes"));
            let mut body = req.into_body();
            let mut seen = 0u64;
            while seen < n {
                match body.frame().await {
                    Some(Ok(f)) => seen += f.data_ref().map(|d| d.len() as u64).unwrap_or(0),
                    _ => break,
                }
            }
            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "cut by the test proxy"));
        }
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
        }
        Some(Fault::HoldUntilGate) => loop {
            let opened = state.gate.notified();
            if state.gate_open.load(Ordering::SeqCst) {
                break;
            }
            opened.await;
        },
        // Acted on once the server has answered.
        Some(Fault::LoseAnswer(..) | Fault::FlipByte) => {}
        None => {}
    }
    let (parts, body) = req.into_parts();
    let bytes = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return Err(std::io::Error::other(e)),
    };
    if parts.method == hyper::Method::PUT {
        state.body_bytes.fetch_add(bytes.len() as u64, Ordering::SeqCst);
    }
    let uri: hyper::Uri = format!("{upstream}{}", parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")).parse().expect("upstream uri");
    let mut out = Request::builder().method(parts.method).uri(uri);
    for (k, v) in &parts.headers {
        out = out.header(k, v);
    }
    let resp = client.request(out.body(Full::new(bytes)).expect("request")).await.map_err(std::io::Error::other)?;
    let (rparts, rbody) = resp.into_parts();
    let rbytes = rbody.collect().await.map_err(std::io::Error::other)?.to_bytes();
    if let Some(Fault::LoseAnswer(status, code)) = fault {
        note(format!("{} lost, answered {status}", rparts.status.as_u16()));
        let mut lost = Response::new(Full::new(error_xml(code)));
        *lost.status_mut() = StatusCode::from_u16(status).expect("status");
        return Ok(lost);
    }
    if fault == Some(Fault::FlipByte) && !rbytes.is_empty() {
        note(format!("{} with a bit flipped", rparts.status.as_u16()));
        let mut damaged = rbytes.to_vec();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 1;
        return Ok(Response::from_parts(rparts, Full::new(Bytes::from(damaged))));
    }
    note(rparts.status.as_u16().to_string());
    Ok(Response::from_parts(rparts, Full::new(rbytes)))
}
