//! Turns a [`Connection`] and its resolved credentials into an S3 client.

use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sdk_s3::config::Region;

use super::classify::Attempt;
use super::connection::{Addressing, Connection, CredentialSource, Endpoint};
use crate::error::{Error, ErrorCode, Result};
use super::keychain::SecretKey;

/// How patient a client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// For "Test connection": one attempt, an answer (good or bad) within 10 seconds.
    Probe,
    /// For real work: the SDK's standard retries.
    Work,
}

/// The connect timeout for probes; with the attempt timeout below it keeps "Test" under 10 s.
const PROBE_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const PROBE_TOTAL_TIMEOUT: Duration = Duration::from_secs(9);
const WORK_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the request goes and with which key, once everything is resolved.
#[derive(Debug, Clone)]
pub struct Target {
    /// `None` for AWS itself.
    pub endpoint_url: Option<String>,
    pub region: String,
    pub addressing: Addressing,
}

/// Credentials ready to sign with.
#[derive(Debug, Clone)]
pub struct ResolvedCredentials {
    pub provider: SharedCredentialsProvider,
    /// When temporary credentials (SSO, assumed role) stop working; `None` for static keys.
    pub expires: Option<SystemTime>,
}

impl ResolvedCredentials {
    pub fn fixed(access_key_id: &str, secret: &SecretKey) -> Self {
        let creds = Credentials::new(access_key_id, secret.expose(), None, None, "satchel");
        ResolvedCredentials { provider: SharedCredentialsProvider::new(creds), expires: None }
    }
}

/// An S3 client with what messages need to know about it.
#[derive(Debug, Clone)]
pub struct S3 {
    pub client: aws_sdk_s3::Client,
    pub region: String,
    /// Host (and port) for messages such as "Couldn't reach ...".
    pub host: String,
    /// `None` for AWS itself; STS is asked at the same address.
    pub endpoint_url: Option<String>,
    pub credentials: ResolvedCredentials,
    /// The ARN behind the credentials when it is known, so a refusal can say who was refused.
    pub identity: Option<String>,
    /// The connection's SSE-C keys, for reads of objects encrypted with one.
    pub customer_keys: super::customer_keys::CustomerKeys,
}

/// How long one transfer request may take before it is given up and retried: generous enough for
/// a 5 GiB part on a slow line would be days, so parts are sized to keep far below it.
const TRANSFER_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// A connection that sends nothing back for this long is treated as dropped.
const TRANSFER_READ_TIMEOUT: Duration = Duration::from_secs(120);

impl S3 {
    /// The same client for transfers: the SDK does not retry (the transfer engine does, per part,
    /// with its own policy), and a stalled request times out instead of hanging. With `md5_only`
    /// the SDK adds no checksum of its own (a store that refuses flexible checksums must not get
    /// its default CRC32 either); otherwise it computes the one each request names.
    pub fn for_transfers(&self, md5_only: bool) -> S3 {
        use aws_sdk_s3::config::RequestChecksumCalculation;
        let calculation = if md5_only { RequestChecksumCalculation::WhenRequired } else { RequestChecksumCalculation::WhenSupported };
        let conf = self
            .client
            .config()
            .to_builder()
            .retry_config(RetryConfig::disabled())
            .request_checksum_calculation(calculation)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(WORK_CONNECT_TIMEOUT)
                    .read_timeout(TRANSFER_READ_TIMEOUT)
                    .operation_attempt_timeout(TRANSFER_ATTEMPT_TIMEOUT)
                    .build(),
            )
            .build();
        S3 { client: aws_sdk_s3::Client::from_conf(conf), ..self.clone() }
    }

    /// The same client through Amazon S3's Transfer Acceleration endpoint
    /// (`BUCKET.s3-accelerate.amazonaws.com`), for object transfers and share links only: the
    /// endpoint refuses bucket-level calls such as listing or deleting buckets.
    pub fn accelerated(&self) -> S3 {
        let conf = self.client.config().to_builder().accelerate(true).build();
        S3 { client: aws_sdk_s3::Client::from_conf(conf), host: "s3-accelerate.amazonaws.com".into(), ..self.clone() }
    }

    /// Context for classifying an error of `action` made with this client.
    pub fn attempt<'a>(&'a self, action: &'a str) -> Attempt<'a> {
        Attempt { action, host: &self.host, region: &self.region, identity: self.identity.as_deref() }
    }
}

/// Resolves profile or environment credentials now, so that a missing profile or an expired SSO
/// session is reported as such rather than as a failed request.
pub async fn resolve_chain(conn: &Connection, region: &str) -> Result<ResolvedCredentials> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_string()));
    if let CredentialSource::Profile { profile } = &conn.credentials {
        loader = loader.profile_name(profile);
    }
    let shared = loader.load().await;
    let provider = shared.credentials_provider().ok_or_else(|| no_credentials(conn))?;
    let creds = provider.provide_credentials().await.map_err(|e| {
        let detail = crate::connect::classify::source_chain(&e);
        let message = match &conn.credentials {
            CredentialSource::Profile { profile } if detail.contains("sso") || detail.contains("SSO") => format!(
                "The AWS SSO session for profile \"{profile}\" has ended or never started. Run `aws sso login --profile {profile}` and try again."
            ),
            CredentialSource::Profile { profile } => format!(
                "Couldn't get credentials from the AWS profile \"{profile}\". Check that it exists in ~/.aws/config or ~/.aws/credentials."
            ),
            _ => return no_credentials(conn).with_detail(detail),
        };
        Error::new(ErrorCode::CredentialsMissing, message).with_detail(detail)
    })?;
    Ok(ResolvedCredentials { expires: creds.expiry(), provider })
}

fn no_credentials(conn: &Connection) -> Error {
    Error::new(
        ErrorCode::CredentialsMissing,
        format!(
            "No AWS credentials were found for \"{}\". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure ~/.aws, or store keys in the connection.",
            conn.name
        ),
    )
}

/// Builds a client for `target` signing with `creds`.
pub fn build(target: &Target, creds: ResolvedCredentials, patience: Patience) -> S3 {
    let timeouts = match patience {
        Patience::Probe => TimeoutConfig::builder()
            .connect_timeout(PROBE_CONNECT_TIMEOUT)
            .operation_attempt_timeout(PROBE_TOTAL_TIMEOUT)
            .operation_timeout(PROBE_TOTAL_TIMEOUT)
            .build(),
        Patience::Work => TimeoutConfig::builder().connect_timeout(WORK_CONNECT_TIMEOUT).build(),
    };
    let retry = match patience {
        Patience::Probe => RetryConfig::disabled(),
        Patience::Work => RetryConfig::standard(),
    };
    let mut b = aws_sdk_s3::config::Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(target.region.clone()))
        .credentials_provider(creds.provider.clone())
        .timeout_config(timeouts)
        .retry_config(retry)
        .force_path_style(target.addressing == Addressing::PathStyle);
    if let Some(url) = &target.endpoint_url {
        b = b.endpoint_url(url.trim_end_matches('/'));
    }
    let host = match &target.endpoint_url {
        Some(url) => url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            }))
            .unwrap_or_else(|| url.clone()),
        None => format!("s3.{}.amazonaws.com", target.region),
    };
    S3 {
        client: aws_sdk_s3::Client::from_conf(b.build()),
        region: target.region.clone(),
        host,
        endpoint_url: target.endpoint_url.clone(),
        credentials: creds,
        identity: None,
        customer_keys: Default::default(),
    }
}

/// The endpoint URL for a connection, given where the sandbox runs (if it does).
pub fn endpoint_url(conn: &Connection, sandbox_url: Option<&str>) -> Result<Option<String>> {
    match &conn.endpoint {
        Endpoint::Aws => Ok(None),
        Endpoint::Custom { url } => Ok(Some(url.trim().to_string())),
        Endpoint::Sandbox => sandbox_url
            .map(|u| Some(u.to_string()))
            .ok_or_else(|| Error::new(ErrorCode::Unreachable, "The local sandbox isn't running.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_accelerated_client_signs_for_the_accelerate_endpoint() {
        let target = Target { endpoint_url: None, region: "eu-west-1".into(), addressing: Addressing::VirtualHosted };
        let s3 = build(&target, ResolvedCredentials::fixed("AKIAEXAMPLE", &SecretKey::new("secret")), Patience::Work);
        let presign = || aws_sdk_s3::presigning::PresigningConfig::expires_in(Duration::from_secs(60)).unwrap();
        let plain = s3.client.get_object().bucket("reports").key("a.csv").presigned(presign()).await.unwrap();
        assert!(plain.uri().starts_with("https://reports.s3.eu-west-1.amazonaws.com/a.csv"), "{}", plain.uri());
        let fast = s3.accelerated();
        let link = fast.client.get_object().bucket("reports").key("a.csv").presigned(presign()).await.unwrap();
        assert!(link.uri().starts_with("https://reports.s3-accelerate.amazonaws.com/a.csv"), "{}", link.uri());
        assert_eq!(fast.host, "s3-accelerate.amazonaws.com");
    }
}
