//! The one place that turns what S3 (or the network) answered into a Satchel [`Error`]: a code a
//! front end can branch on and a sentence a person can act on.
//!
//! S3-compatible stores disagree on error codes: Garage answers `AccessDenied` for an unknown key
//! and for a bad signature, with the reason only in the message; MinIO and AWS use
//! `InvalidAccessKeyId` / `SignatureDoesNotMatch`. So codes are read first, messages second.

use std::error::Error as StdError;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::http::Response as HttpResponse;

use crate::error::{Error, ErrorCode};

/// What the request was for, so messages can say it in words.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// What the user tried, as a verb phrase: "list buckets", "create the bucket".
    pub action: &'a str,
    /// The host the request went to, for "couldn't reach ...".
    pub host: &'a str,
    /// The region the request was signed for.
    pub region: &'a str,
    /// The ARN behind the credentials, when known, so a refusal names who was refused.
    pub identity: Option<&'a str>,
}

/// Why a request never got an S3 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFailure {
    /// Refused, reset, or the name did not resolve.
    Unreachable,
    /// No answer in time.
    Timeout,
    /// The TLS handshake failed.
    Tls,
    /// Something answered, but not in S3's language.
    NotS3,
}

/// An S3 error answer, reduced to the parts classification reads.
#[derive(Debug, Clone, Default)]
pub struct Answer<'a> {
    pub status: Option<u16>,
    pub code: Option<&'a str>,
    pub message: Option<&'a str>,
    /// The region the server says it expects (`<Region>` in the body, or `x-amz-bucket-region`).
    pub region: Option<String>,
    pub request_id: Option<&'a str>,
    /// The S3 operation refused ("DeleteBucket"), to name the permission it needs.
    pub operation: Option<&'a str>,
}

/// Classifies any SDK error of any operation.
pub fn classify<E>(err: &SdkError<E, HttpResponse>, attempt: Attempt<'_>) -> Error
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    match err {
        SdkError::ServiceError(se) => {
            let raw = se.raw();
            let body = raw.body().bytes().map(String::from_utf8_lossy);
            let region = raw
                .headers()
                .get("x-amz-bucket-region")
                .map(str::to_string)
                .or_else(|| body.as_deref().and_then(|b| xml_field(b, "Region")));
            let meta = se.err();
            let answer = Answer {
                status: Some(raw.status().as_u16()),
                code: meta.code(),
                message: meta.message(),
                region,
                request_id: meta.meta().extra("aws_request_id").or_else(|| raw.headers().get("x-amz-request-id")),
                operation: operation_of::<E>(),
            };
            from_answer(&answer, attempt)
        }
        SdkError::TimeoutError(_) => from_transport(TransportFailure::Timeout, attempt, "timed out".into()),
        SdkError::DispatchFailure(df) => {
            let chain = source_chain(err);
            let kind = if looks_like_tls(&chain) {
                TransportFailure::Tls
            } else if df.is_timeout() {
                TransportFailure::Timeout
            } else {
                TransportFailure::Unreachable
            };
            from_transport(kind, attempt, chain)
        }
        SdkError::ResponseError(re) => {
            let status = re.raw().status().as_u16();
            from_transport(TransportFailure::NotS3, attempt, format!("HTTP {status}: {}", source_chain(err)))
        }
        SdkError::ConstructionFailure(_) => {
            let chain = source_chain(err);
            if chain.contains("credentials") || chain.contains("Credentials") {
                Error::new(
                    ErrorCode::CredentialsMissing,
                    "No AWS credentials were found for this connection. Check the profile, or sign in again if it uses SSO (aws sso login).",
                )
                .with_detail(chain)
            } else {
                Error::internal(format!("Satchel couldn't build the request to {}.", attempt.action)).with_detail(chain)
            }
        }
        _ => Error::new(ErrorCode::Storage, format!("Couldn't {}.", attempt.action)).with_detail(source_chain(err)),
    }
}

/// Classifies an S3 error answer. Public so the rules can be tested without a server.
pub fn from_answer(a: &Answer<'_>, attempt: Attempt<'_>) -> Error {
    let code = a.code.unwrap_or("");
    let msg = a.message.unwrap_or("");
    let lower = msg.to_ascii_lowercase();
    let detail = {
        let mut d = format!("S3 error {}", if code.is_empty() { "(no code)" } else { code });
        if let Some(s) = a.status {
            d.push_str(&format!(", HTTP {s}"));
        }
        if !msg.is_empty() {
            d.push_str(&format!(": {msg}"));
        }
        if let Some(id) = a.request_id {
            d.push_str(&format!(" (request id {id})"));
        }
        d
    };
    let (kind, message) = match code {
        // NotSignedUp is what s3s (the embedded sandbox) answers for an unknown key.
        "InvalidAccessKeyId" | "NotSignedUp" => (ErrorCode::WrongAccessKey, wrong_access_key()),
        "AccessDenied" if lower.contains("no such key") => (ErrorCode::WrongAccessKey, wrong_access_key()),
        "SignatureDoesNotMatch" => (ErrorCode::WrongSecret, wrong_secret()),
        "AccessDenied" if lower.contains("invalid signature") || lower.contains("signature") => {
            (ErrorCode::WrongSecret, wrong_secret())
        }
        "RequestTimeTooSkewed" => (ErrorCode::ClockSkew, clock_skew()),
        "InvalidRequest" | "AccessDenied" if lower.contains("too old") || lower.contains("skew") => {
            (ErrorCode::ClockSkew, clock_skew())
        }
        "AuthorizationHeaderMalformed" | "PermanentRedirect" | "IllegalLocationConstraintException"
        | "InvalidRegion" => (ErrorCode::WrongRegion, wrong_region(a.region.as_deref(), attempt.region)),
        "AccessDenied" => (ErrorCode::AccessDenied, access_denied(a, attempt)),
        "AllAccessDisabled" | "AccountProblem" => (
            ErrorCode::AccessDenied,
            format!("These credentials aren't allowed to {}. Ask the storage's administrator for access.", attempt.action),
        ),
        "ExpiredToken" | "TokenRefreshRequired" | "InvalidToken" => (
            ErrorCode::CredentialsMissing,
            "The session credentials have expired. Sign in again (for SSO: aws sso login) and retry.".to_string(),
        ),
        "NotImplemented" | "MethodNotAllowed" => {
            (ErrorCode::Unsupported, format!("This storage does not support what's needed to {}.", attempt.action))
        }
        // (RestoreObject answers it too, for an object that isn't archived: the archive module says that.)
        "InvalidObjectState" => (
            ErrorCode::Archived,
            format!(
                "Couldn't {}: the object is in an archive (Glacier Flexible Retrieval or Deep Archive). Restore it from the archive first; it can then be read for as many days as you ask.",
                attempt.action
            ),
        ),
        "NoSuchBucket" => (ErrorCode::NotFound, "That bucket doesn't exist (or was just deleted).".to_string()),
        "NoSuchKey" | "NotFound" => (ErrorCode::NotFound, "That object doesn't exist (or was just deleted).".to_string()),
        "SlowDown" | "ServiceUnavailable" | "InternalError" => (
            ErrorCode::Storage,
            format!("The storage is busy or failing and couldn't {}. Try again in a moment.", attempt.action),
        ),
        _ => match a.status {
            Some(301) => (ErrorCode::WrongRegion, wrong_region(a.region.as_deref(), attempt.region)),
            Some(403) => (ErrorCode::AccessDenied, access_denied(a, attempt)),
            Some(404) => (ErrorCode::NotFound, format!("Couldn't {}: not found.", attempt.action)),
            Some(501) => (ErrorCode::Unsupported, format!("This storage does not support what's needed to {}.", attempt.action)),
            _ => (
                ErrorCode::Storage,
                if msg.is_empty() {
                    format!("The storage refused to {}.", attempt.action)
                } else {
                    format!("The storage refused to {}: {}", attempt.action, sentence(msg))
                },
            ),
        },
    };
    let mut e = Error::new(kind, message).with_detail(detail);
    if kind == ErrorCode::WrongRegion {
        // The detected region is what a front end offers to switch to; keep it machine-readable.
        if let Some(r) = &a.region {
            e.detail = Some(format!("region={r}; {}", e.detail.unwrap_or_default()));
        }
    }
    e
}

/// A refusal in words an administrator can act on: the permission the action needed and who lacked
/// it. AWS usually says both in its message ("User: ARN is not authorized to perform: s3:X ...");
/// otherwise they come from the operation refused and the identity known for the connection.
fn access_denied(a: &Answer<'_>, attempt: Attempt<'_>) -> String {
    let msg = a.message.unwrap_or("");
    let said_who = msg.split_once("User: ").and_then(|(_, rest)| rest.split_whitespace().next()).filter(|w| w.starts_with("arn:"));
    let said_action = msg
        .split_once("perform: ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .filter(|w| w.contains(':'))
        .map(str::to_string);
    let permission = said_action.or_else(|| a.operation.and_then(permission_for).map(str::to_string));
    let who = said_who.or(attempt.identity);
    let mut out = format!("These credentials aren't allowed to {}", attempt.action);
    match (permission, who) {
        (Some(p), Some(w)) => out.push_str(&format!(": it needs the {p} permission, which {w} doesn't have.")),
        (Some(p), None) => out.push_str(&format!(": it needs the {p} permission.")),
        (None, Some(w)) => out.push_str(&format!(" as {w}.")),
        (None, None) => out.push('.'),
    }
    if msg.to_ascii_lowercase().contains("explicit deny") {
        out.push_str(" A policy denies it explicitly: look at the bucket policy and the user's policies.");
    } else {
        out.push_str(" Ask the storage's administrator to grant it.");
    }
    out
}

/// The operation an SDK error type belongs to: `...::delete_bucket::DeleteBucketError` is
/// "DeleteBucket".
fn operation_of<E: 'static>() -> Option<&'static str> {
    let name = std::any::type_name::<E>();
    name.rsplit("::").next()?.strip_suffix("Error").filter(|op| !op.is_empty())
}

/// The IAM permission an S3 operation needs. Most are the operation's own name; these are not.
pub fn permission_for(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "ListBuckets" => "s3:ListAllMyBuckets",
        "ListObjects" | "ListObjectsV2" | "HeadBucket" => "s3:ListBucket",
        "ListObjectVersions" => "s3:ListBucketVersions",
        "HeadObject" | "GetObject" => "s3:GetObject",
        "PutObject" | "CreateMultipartUpload" | "UploadPart" | "CompleteMultipartUpload" => "s3:PutObject",
        "UploadPartCopy" | "CopyObject" => "s3:GetObject on the source and s3:PutObject",
        "DeleteObject" | "DeleteObjects" => "s3:DeleteObject",
        "AbortMultipartUpload" => "s3:AbortMultipartUpload",
        "ListMultipartUploads" => "s3:ListBucketMultipartUploads",
        "ListParts" => "s3:ListMultipartUploadParts",
        "GetObjectTagging" => "s3:GetObjectTagging",
        "PutObjectTagging" | "DeleteObjectTagging" => "s3:PutObjectTagging",
        "GetObjectAcl" => "s3:GetObjectAcl",
        "PutObjectAcl" => "s3:PutObjectAcl",
        "CreateBucket" => "s3:CreateBucket",
        "DeleteBucket" => "s3:DeleteBucket",
        "GetBucketLocation" => "s3:GetBucketLocation",
        "GetBucketPolicy" => "s3:GetBucketPolicy",
        "PutBucketPolicy" => "s3:PutBucketPolicy",
        "DeleteBucketPolicy" => "s3:DeleteBucketPolicy",
        "GetBucketPolicyStatus" => "s3:GetBucketPolicyStatus",
        "GetPublicAccessBlock" => "s3:GetBucketPublicAccessBlock",
        "PutPublicAccessBlock" | "DeletePublicAccessBlock" => "s3:PutBucketPublicAccessBlock",
        "GetBucketOwnershipControls" => "s3:GetBucketOwnershipControls",
        "PutBucketOwnershipControls" | "DeleteBucketOwnershipControls" => "s3:PutBucketOwnershipControls",
        "GetBucketAcl" => "s3:GetBucketAcl",
        "PutBucketAcl" => "s3:PutBucketAcl",
        "GetBucketCors" => "s3:GetBucketCORS",
        "PutBucketCors" | "DeleteBucketCors" => "s3:PutBucketCORS",
        "GetBucketWebsite" => "s3:GetBucketWebsite",
        "PutBucketWebsite" => "s3:PutBucketWebsite",
        "DeleteBucketWebsite" => "s3:DeleteBucketWebsite",
        "GetBucketAccelerateConfiguration" => "s3:GetAccelerateConfiguration",
        "PutBucketAccelerateConfiguration" => "s3:PutAccelerateConfiguration",
        "GetBucketVersioning" => "s3:GetBucketVersioning",
        "PutBucketVersioning" => "s3:PutBucketVersioning",
        "GetBucketEncryption" => "s3:GetEncryptionConfiguration",
        "PutBucketEncryption" | "DeleteBucketEncryption" => "s3:PutEncryptionConfiguration",
        "GetObjectLockConfiguration" => "s3:GetBucketObjectLockConfiguration",
        "PutObjectLockConfiguration" => "s3:PutBucketObjectLockConfiguration",
        "GetBucketTagging" => "s3:GetBucketTagging",
        "PutBucketTagging" | "DeleteBucketTagging" => "s3:PutBucketTagging",
        "GetBucketLifecycleConfiguration" => "s3:GetLifecycleConfiguration",
        "PutBucketLifecycleConfiguration" | "DeleteBucketLifecycle" => "s3:PutLifecycleConfiguration",
        "RestoreObject" => "s3:RestoreObject",
        _ => return None,
    })
}

/// The region a wrong-region error names, if the server said.
pub fn detected_region(e: &Error) -> Option<&str> {
    if e.code != ErrorCode::WrongRegion {
        return None;
    }
    let d = e.detail.as_deref()?;
    let rest = d.strip_prefix("region=")?;
    Some(rest.split(';').next().unwrap_or(rest)).filter(|r| !r.is_empty())
}

fn from_transport(kind: TransportFailure, attempt: Attempt<'_>, chain: String) -> Error {
    let host = attempt.host;
    let (code, message) = match kind {
        TransportFailure::Unreachable => (
            ErrorCode::Unreachable,
            format!("Couldn't reach {host}. Check the endpoint address and port, and that the server is running."),
        ),
        TransportFailure::Timeout => (
            ErrorCode::Unreachable,
            format!("{host} didn't answer in time. Check the endpoint address and your network."),
        ),
        TransportFailure::Tls => (
            ErrorCode::Tls,
            format!("A secure connection to {host} couldn't be set up: its certificate isn't trusted, or it doesn't speak HTTPS (try http:// if it is a local server)."),
        ),
        TransportFailure::NotS3 => (
            ErrorCode::Storage,
            format!("{host} answered, but not like S3 storage. Check that the endpoint URL points at the S3 API."),
        ),
    };
    Error::new(code, message).with_detail(chain)
}

fn wrong_access_key() -> String {
    "This storage doesn't recognise the access key ID. Check the access key in the connection's settings.".into()
}

fn wrong_secret() -> String {
    "The secret key doesn't match the access key ID. Check the secret key in the connection's settings.".into()
}

fn clock_skew() -> String {
    "This computer's clock is too far from the storage's. Turn on automatic date and time, then try again.".into()
}

fn wrong_region(expected: Option<&str>, used: &str) -> String {
    match expected {
        Some(r) if r != used => format!("This storage expects region {r}, not {used}. Set the connection's region to {r}."),
        _ => format!("This storage doesn't accept region {used}. Set the connection's region to the one the storage uses."),
    }
}

fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with('.') { s.to_string() } else { format!("{s}.") }
}

/// The text of `<name>...</name>` in an XML error body.
fn xml_field(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{name}>"))? + start;
    let v = body[start..end].trim();
    (!v.is_empty()).then(|| v.to_string())
}

pub(crate) fn source_chain(err: &dyn StdError) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if parts.last() != Some(&s) {
            parts.push(s);
        }
        cur = e.source();
    }
    parts.join(": ")
}

fn looks_like_tls(chain: &str) -> bool {
    let l = chain.to_ascii_lowercase();
    ["certificate", "tls", "ssl", "handshake", "invalidcontenttype", "corrupt message"].iter().any(|w| l.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: Attempt<'static> = Attempt { action: "list buckets", host: "s3.example.com", region: "us-east-1", identity: None };

    fn answer(status: u16, code: &'static str, message: &'static str) -> Answer<'static> {
        Answer { status: Some(status), code: Some(code), message: Some(message), ..Default::default() }
    }

    #[test]
    fn aws_style_codes() {
        let cases = [
            (answer(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist"), ErrorCode::WrongAccessKey),
            (answer(403, "NotSignedUp", "Your account is not signed up"), ErrorCode::WrongAccessKey),
            (answer(403, "SignatureDoesNotMatch", "The request signature we calculated does not match"), ErrorCode::WrongSecret),
            (answer(403, "RequestTimeTooSkewed", "too far"), ErrorCode::ClockSkew),
            (answer(403, "AccessDenied", "Access Denied"), ErrorCode::AccessDenied),
            (answer(400, "ExpiredToken", "The provided token has expired."), ErrorCode::CredentialsMissing),
            (answer(501, "NotImplemented", "A header you provided implies functionality that is not implemented"), ErrorCode::Unsupported),
            (answer(405, "MethodNotAllowed", ""), ErrorCode::Unsupported),
            (answer(404, "NoSuchBucket", ""), ErrorCode::NotFound),
            (answer(503, "SlowDown", ""), ErrorCode::Storage),
        ];
        for (a, want) in cases {
            assert_eq!(from_answer(&a, AT).code, want, "{a:?}");
        }
    }

    #[test]
    fn garage_style_messages() {
        // Garage puts the reason in the message of an AccessDenied / InvalidRequest.
        assert_eq!(from_answer(&answer(403, "AccessDenied", "Forbidden: No such key: GK1234"), AT).code, ErrorCode::WrongAccessKey);
        assert_eq!(from_answer(&answer(403, "AccessDenied", "Forbidden: Invalid signature"), AT).code, ErrorCode::WrongSecret);
        assert_eq!(from_answer(&answer(400, "InvalidRequest", "Bad request: Date is too old"), AT).code, ErrorCode::ClockSkew);
    }

    #[test]
    fn wrong_region_names_the_expected_one() {
        let mut a = answer(400, "AuthorizationHeaderMalformed", "unexpected scope");
        a.region = Some("garage".into());
        let e = from_answer(&a, AT);
        assert_eq!(e.code, ErrorCode::WrongRegion);
        assert!(e.message.contains("expects region garage, not us-east-1"), "{}", e.message);
        assert_eq!(detected_region(&e), Some("garage"));

        let redirect = Answer { status: Some(301), region: Some("eu-west-1".into()), ..Default::default() };
        let e = from_answer(&redirect, AT);
        assert_eq!(e.code, ErrorCode::WrongRegion);
        assert_eq!(detected_region(&e), Some("eu-west-1"));
    }

    #[test]
    fn messages_are_sentences_and_detail_keeps_the_technical_part() {
        let mut a = answer(403, "SignatureDoesNotMatch", "calculated signature differs");
        a.request_id = Some("REQ42");
        let e = from_answer(&a, AT);
        assert!(e.message.starts_with("The secret key"));
        let d = e.detail.unwrap();
        assert!(d.contains("SignatureDoesNotMatch") && d.contains("REQ42") && d.contains("403"), "{d}");
    }

    #[test]
    fn unknown_codes_fall_back_on_status() {
        assert_eq!(from_answer(&answer(403, "Weird", ""), AT).code, ErrorCode::AccessDenied);
        assert_eq!(from_answer(&answer(500, "Weird", "boom"), AT).code, ErrorCode::Storage);
        assert!(from_answer(&answer(500, "Weird", "boom"), AT).message.ends_with("boom."));
    }

    #[test]
    fn a_refusal_names_the_permission_and_who_lacked_it() {
        let at = Attempt { action: "delete the bucket", identity: Some("arn:aws:iam::111122223333:user/alice"), ..AT };
        let mut a = answer(403, "AccessDenied", "Access Denied");
        a.operation = Some("DeleteBucket");
        let e = from_answer(&a, at);
        assert_eq!(e.code, ErrorCode::AccessDenied);
        assert_eq!(
            e.message,
            "These credentials aren't allowed to delete the bucket: it needs the s3:DeleteBucket permission, which arn:aws:iam::111122223333:user/alice doesn't have. Ask the storage's administrator to grant it."
        );

        // AWS's own message names both; it wins over what Satchel guessed.
        let aws = answer(
            403,
            "AccessDenied",
            "User: arn:aws:sts::111122223333:assumed-role/Ro/s is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::b\" with an explicit deny in a resource-based policy",
        );
        let e = from_answer(&aws, AT);
        assert!(e.message.contains("needs the s3:PutBucketPolicy permission, which arn:aws:sts::111122223333:assumed-role/Ro/s doesn't have"), "{}", e.message);
        assert!(e.message.contains("denies it explicitly"), "{}", e.message);

        // Unknown identity, or an operation with no mapping: still a sentence.
        let mut b = answer(403, "AccessDenied", "");
        b.operation = Some("HeadObject");
        assert!(from_answer(&b, AT).message.contains("needs the s3:GetObject permission."));
        assert_eq!(from_answer(&answer(403, "AccessDenied", ""), AT).message, "These credentials aren't allowed to list buckets. Ask the storage's administrator to grant it.");
        assert_eq!(operation_of::<aws_sdk_s3::operation::delete_bucket::DeleteBucketError>(), Some("DeleteBucket"));
        assert_eq!(permission_for("ListBuckets"), Some("s3:ListAllMyBuckets"));
    }

    #[test]
    fn transport_failures() {
        assert_eq!(from_transport(TransportFailure::Unreachable, AT, String::new()).code, ErrorCode::Unreachable);
        assert_eq!(from_transport(TransportFailure::Timeout, AT, String::new()).code, ErrorCode::Unreachable);
        assert_eq!(from_transport(TransportFailure::Tls, AT, String::new()).code, ErrorCode::Tls);
        assert!(looks_like_tls("io error: received corrupt message of type InvalidContentType"));
        assert!(looks_like_tls("invalid peer certificate: UnknownIssuer"));
        assert!(!looks_like_tls("Connection refused (os error 111)"));
    }

    #[test]
    fn xml_region_field() {
        let body = "<?xml version=\"1.0\"?><Error><Code>AuthorizationHeaderMalformed</Code><Region>garage</Region></Error>";
        assert_eq!(xml_field(body, "Region").as_deref(), Some("garage"));
        assert_eq!(xml_field("<Error></Error>", "Region"), None);
    }
}

/// A pinned request (If-Match, copy-source-if-match) refused with 412: the object is no longer the
/// version it was pinned to.
pub fn precondition_failed<E>(e: &SdkError<E, HttpResponse>) -> bool {
    e.raw_response().map(|r| r.status().as_u16()) == Some(412)
}
