//! What a connection is: where the storage lives, how requests are addressed, and where the
//! credentials come from. None of these types ever holds a secret key.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Region used when none is set and none can be detected: the one S3 and most S3-compatible
/// stores accept for signing.
pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Endpoint {
    /// Amazon S3 itself; the SDK picks the regional endpoint.
    Aws,
    /// An S3-compatible service (MinIO, Garage, Ceph, R2, Wasabi, ...) at this URL.
    Custom { url: String },
    /// Satchel's embedded local sandbox; its URL is known only while it runs.
    Sandbox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Addressing {
    /// `https://bucket.host/key`: what AWS wants.
    #[default]
    VirtualHosted,
    /// `https://host/bucket/key`: what most self-hosted stores need.
    PathStyle,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CredentialSource {
    /// A static key pair: the id is kept here, the secret only in the OS keychain.
    Keychain { access_key_id: String },
    /// A profile in `~/.aws/config` / `~/.aws/credentials` (static, assume-role or SSO).
    Profile { profile: String },
    /// The standard AWS chain: environment variables, default profile, SSO, instance roles.
    Environment,
}

/// A saved connection. The secret key is not part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Connection {
    /// Stable id; the keychain entry is keyed by it so a rename keeps the secret.
    pub id: String,
    pub name: String,
    pub endpoint: Endpoint,
    /// The default region; `None` means "detect it".
    pub region: Option<String>,
    #[serde(default)]
    pub addressing: Addressing,
    pub credentials: CredentialSource,
    /// Amazon S3 only: send transfers and sign share links through the Transfer Acceleration
    /// endpoint, for buckets that have it on.
    #[serde(default)]
    pub accelerate: bool,
}

/// What the user filled in to add or edit a connection. The secret is present only when the user
/// typed one: on edit, `None` keeps the secret already in the keychain.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionDraft {
    /// `None` to add a connection, the id of an existing one to edit it.
    pub id: Option<String>,
    pub name: String,
    pub endpoint: Endpoint,
    pub region: Option<String>,
    pub addressing: Addressing,
    pub credentials: CredentialSource,
    pub secret_access_key: Option<String>,
    /// See [`Connection::accelerate`].
    #[serde(default)]
    pub accelerate: bool,
}

// Written by hand so that the secret can never reach a log line through `{:?}`.
impl std::fmt::Debug for ConnectionDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionDraft")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("addressing", &self.addressing)
            .field("credentials", &self.credentials)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Connection {
    /// The region requests are signed for.
    pub fn signing_region(&self) -> &str {
        self.region.as_deref().filter(|r| !r.is_empty()).unwrap_or(DEFAULT_REGION)
    }

    /// A short description of where this connection points, for lists and messages.
    pub fn location(&self) -> String {
        match &self.endpoint {
            Endpoint::Aws => format!("Amazon S3 ({})", self.signing_region()),
            Endpoint::Custom { url } => url.clone(),
            Endpoint::Sandbox => "Local sandbox".to_string(),
        }
    }
}

/// Longest connection name we accept: it is shown in a sidebar row.
const MAX_NAME_CHARS: usize = 64;

/// Checks a draft the way the connection form does, before anything is stored or sent.
/// The message names the broken rule.
pub fn validate_draft(draft: &ConnectionDraft) -> Result<()> {
    let name = draft.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("Give the connection a name."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(format!("Connection names can be at most {MAX_NAME_CHARS} characters.")));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid("Connection names can't contain control characters."));
    }
    if let Endpoint::Custom { url } = &draft.endpoint {
        validate_endpoint_url(url)?;
    }
    if draft.accelerate && draft.endpoint != Endpoint::Aws {
        return Err(Error::invalid("Transfer Acceleration is an Amazon S3 feature: other storage has no accelerate endpoint."));
    }
    if let Some(region) = draft.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        validate_region(region)?;
    }
    match &draft.credentials {
        CredentialSource::Keychain { access_key_id } => {
            let id = access_key_id.trim();
            if id.is_empty() {
                return Err(Error::invalid("Enter the access key ID."));
            }
            if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(Error::invalid("Access key IDs can't contain spaces."));
            }
            match draft.secret_access_key.as_deref() {
                Some(s) if s.trim().is_empty() => return Err(Error::invalid("Enter the secret access key.")),
                Some(s) if s.chars().any(char::is_whitespace) => {
                    return Err(Error::invalid("Secret access keys can't contain spaces."))
                }
                None if draft.id.is_none() => return Err(Error::invalid("Enter the secret access key.")),
                _ => {}
            }
        }
        CredentialSource::Profile { profile } => {
            if profile.trim().is_empty() {
                return Err(Error::invalid("Choose an AWS profile."));
            }
        }
        CredentialSource::Environment => {}
    }
    Ok(())
}

/// An endpoint must be an absolute http(s) URL with a host and nothing after the authority:
/// a bucket or key in it would be signed into every request and break them all.
pub fn validate_endpoint_url(raw: &str) -> Result<()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Error::invalid("Enter the endpoint URL, e.g. https://minio.example.com:9000."));
    }
    let url = url::Url::parse(raw).map_err(|_| {
        Error::invalid("The endpoint must be a full URL starting with http:// or https://.")
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(Error::invalid("The endpoint must start with http:// or https://."));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid("The endpoint URL needs a host name."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid("Don't put credentials in the endpoint URL; use the key fields."));
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(Error::invalid(
            "The endpoint URL should end at the host and port (no bucket or path after it).",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid("The endpoint URL can't have a query or fragment."));
    }
    Ok(())
}

/// Region names are lowercase words joined by hyphens (`eu-west-1`, `garage`, `auto`).
pub fn validate_region(region: &str) -> Result<()> {
    let ok = region.len() <= 32
        && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "\"{region}\" is not a region name: use lowercase letters, digits and hyphens, like eu-west-1."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ConnectionDraft {
        ConnectionDraft {
            accelerate: false,
            id: None,
            name: "MinIO".into(),
            endpoint: Endpoint::Custom { url: "http://127.0.0.1:9000".into() },
            region: None,
            addressing: Addressing::PathStyle,
            credentials: CredentialSource::Keychain { access_key_id: "AKIAEXAMPLE".into() },
            secret_access_key: Some("s3cr3t".into()),
        }
    }

    #[test]
    fn accepts_a_complete_draft() {
        validate_draft(&draft()).unwrap();
    }

    #[test]
    fn refuses_each_broken_rule_with_its_message() {
        let cases: Vec<(Box<dyn Fn(&mut ConnectionDraft)>, &str)> = vec![
            (Box::new(|d| d.name = "  ".into()), "name"),
            (Box::new(|d| d.name = "x".repeat(65)), "at most 64"),
            (Box::new(|d| d.endpoint = Endpoint::Custom { url: "minio:9000".into() }), "http"),
            (Box::new(|d| d.endpoint = Endpoint::Custom { url: "ftp://h".into() }), "http"),
            (Box::new(|d| d.endpoint = Endpoint::Custom { url: "http://h:9000/bucket".into() }), "no bucket"),
            (Box::new(|d| d.endpoint = Endpoint::Custom { url: "http://u:p@h".into() }), "credentials"),
            (Box::new(|d| d.region = Some("EU West".into())), "region"),
            (Box::new(|d| d.credentials = CredentialSource::Keychain { access_key_id: "".into() }), "access key ID"),
            (Box::new(|d| d.secret_access_key = None), "secret"),
            (Box::new(|d| d.secret_access_key = Some("a b".into())), "spaces"),
            (Box::new(|d| d.credentials = CredentialSource::Profile { profile: "".into() }), "profile"),
            (Box::new(|d| d.accelerate = true), "Amazon S3 feature"),
        ];
        for (break_it, words) in cases {
            let mut d = draft();
            break_it(&mut d);
            let err = validate_draft(&d).unwrap_err();
            assert_eq!(err.code, crate::ErrorCode::InvalidInput);
            assert!(err.message.contains(words), "{:?} should mention {words}", err.message);
        }
    }

    #[test]
    fn editing_may_keep_the_stored_secret() {
        let mut d = draft();
        d.id = Some("abc".into());
        d.secret_access_key = None;
        validate_draft(&d).unwrap();
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        assert!(!format!("{:?}", draft()).contains("s3cr3t"));
    }

    #[test]
    fn serialised_form_is_stable() {
        let c = Connection {
            accelerate: false,
            id: "c1".into(),
            name: "AWS prod".into(),
            endpoint: Endpoint::Aws,
            region: Some("eu-west-1".into()),
            addressing: Addressing::VirtualHosted,
            credentials: CredentialSource::Profile { profile: "prod".into() },
        };
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["endpoint"]["kind"], "aws");
        assert_eq!(json["credentials"]["profile"], "prod");
        assert_eq!(serde_json::from_value::<Connection>(json.clone()).unwrap(), c);
        // Files written before Transfer Acceleration existed still load.
        let mut old = json;
        old.as_object_mut().unwrap().remove("accelerate");
        assert!(!serde_json::from_value::<Connection>(old).unwrap().accelerate);
    }
}
