//! The one error type of the engine. It crosses every boundary (CLI, IPC) as `{code, message, detail}`:
//! `code` is what a front end branches on, `message` is what a person reads, `detail` is the technical
//! part (S3 code, request id) that a person may ask for. None of them ever holds a secret.

use serde::Serialize;

/// What kind of failure this is. Only kinds that a front end treats differently get their own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Something the user typed is not acceptable; the message names the rule.
    InvalidInput,
    /// A connection, bucket or object that was named does not exist.
    NotFound,
    /// The storage does not know the access key id.
    WrongAccessKey,
    /// The access key is known but the request's signature does not match: the secret is wrong.
    WrongSecret,
    /// This computer's clock is too far from the server's.
    ClockSkew,
    /// Nothing answered at the endpoint (refused, unresolvable, or no answer in time).
    Unreachable,
    /// The TLS handshake failed (untrusted certificate, plain HTTP server on an https URL, ...).
    Tls,
    /// The credentials are valid but not allowed to do this.
    AccessDenied,
    /// The storage expects another region; `detail` names it when the server said.
    WrongRegion,
    /// The storage does not implement this feature.
    Unsupported,
    /// No credentials could be found or they expired (profile missing, SSO session over).
    CredentialsMissing,
    /// The OS keychain cannot be used (no Secret Service, locked, refused).
    KeychainUnavailable,
    /// The configuration file could not be read or written.
    Config,
    /// A bucket (or other named thing) by that name already exists.
    AlreadyExists,
    /// An account or storage limit was reached (bucket count, ...).
    LimitReached,
    /// A bucket still holds objects and deleting it was not forced.
    NotEmpty,
    /// Another Satchel (a window or a command) is using it right now: an upload it runs.
    InUse,
    /// The user cancelled the operation.
    Cancelled,
    /// The change would make something public; the message says what. Nothing was sent: ask the
    /// user, then send it again confirmed.
    NeedsConfirmation,
    /// The object is in an archive storage class (Glacier Flexible Retrieval, Deep Archive): it
    /// must be restored before it can be read or copied.
    Archived,
    /// The object is encrypted with a customer key (SSE-C) that none of the connection's saved
    /// keys matches: the key must be added before it can be read.
    CustomerKeyNeeded,
    /// The storage answered with an error we have no better word for.
    Storage,
    /// A failure inside Satchel itself.
    Internal,
}

/// An engine error: a code to branch on, a plain-language message, and optional technical detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// Named AppError in TypeScript, where `Error` is the built-in class.
#[serde(rename = "AppError")]
#[error("{message}")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// Technical detail for "show details": the S3 error code, HTTP status, request id.
    pub detail: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The same error, said in `message` when it is the storage lacking the feature: each
    /// feature names itself better than a generic "not supported".
    pub fn when_unsupported(self, message: &str) -> Error {
        if self.code == ErrorCode::Unsupported {
            Error { message: message.to_string(), ..self }
        } else {
            self
        }
    }

    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), detail: None }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// Stopped by the user (a cancel or a pause).
    pub fn cancelled() -> Self {
        Self::new(ErrorCode::Cancelled, "Cancelled.")
    }

    /// The storage does not implement `feature` ("object tagging", "versioning", ...).
    pub fn unsupported(feature: &str) -> Self {
        Self::new(ErrorCode::Unsupported, format!("This storage does not support {feature}."))
    }
}

/// One key (or file) of a batch that could not be handled, and why; the rest of the batch goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyFailure {
    pub key: String,
    pub reason: String,
}
