//! Changing a bucket's settings: each change read before, applied, and written to the audit log
//! with the value before and after; and whether a bucket is public.

use serde::Serialize;

use super::Satchel;
use crate::connect::connection::Connection;
use crate::error::{Error, ErrorCode, Result};
use crate::governance::public_access::{self, PublicAccessBlock};
use crate::governance::{self, AuditEntry, AuditLog, ExposureReport};

/// Where a change was asked for, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    App,
    Cli,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::App => "app",
            Via::Cli => "cli",
        }
    }
}

/// A setting changed: what it was and what it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublicAccessChange {
    pub before: PublicAccessBlock,
    pub after: PublicAccessBlock,
    /// Nothing was sent: the switches were already so.
    pub unchanged: bool,
}

impl Satchel {
    /// Whether a bucket is public, and why.
    pub async fn bucket_exposure(&self, conn: &Connection, bucket: &str) -> Result<ExposureReport> {
        Ok(governance::exposure(&self.bucket_client(conn, bucket).await?, bucket).await)
    }

    pub async fn public_access(&self, conn: &Connection, bucket: &str) -> Result<PublicAccessBlock> {
        public_access::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    /// Sets a bucket's Block Public Access switches. Turning any off needs `confirmed` (the user
    /// typed the bucket's name in the app, or said --yes-public): refused before any request
    /// otherwise. The change is recorded in the audit log.
    pub async fn set_public_access(&self, conn: &Connection, bucket: &str, next: PublicAccessBlock, confirmed: bool, via: Via) -> Result<PublicAccessChange> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = public_access::read(&s3, bucket).await?;
        if before == next {
            return Ok(PublicAccessChange { before, after: next, unchanged: true });
        }
        if before.loosened_by(&next) && !confirmed {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                format!("That turns protection off: \"{bucket}\" could then be made public. Confirm it to go on (--yes-public in the CLI); nothing was changed."),
            ));
        }
        public_access::apply(&s3, bucket, &next).await?;
        let (was, now) = (serde_json::to_string(&before).unwrap_or_default(), serde_json::to_string(&next).unwrap_or_default());
        self.audit_log()?.record(&conn.name, bucket, "public-access", &was, &now, via.as_str())?;
        Ok(PublicAccessChange { before, after: next, unchanged: false })
    }

    /// The changes made through Satchel, oldest first; of one bucket when given.
    pub fn audit_entries(&self, bucket: Option<&str>) -> Result<Vec<AuditEntry>> {
        self.audit_log()?.entries(bucket)
    }

    fn audit_log(&self) -> Result<std::sync::Arc<AuditLog>> {
        let mut slot = self.audit.lock().expect("audit lock");
        if let Some(log) = slot.as_ref() {
            return Ok(log.clone());
        }
        let log = std::sync::Arc::new(AuditLog::open(&self.paths.data_dir.join("audit.db"))?);
        *slot = Some(log.clone());
        Ok(log)
    }
}
