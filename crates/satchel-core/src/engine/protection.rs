//! Settings that protect data: versioning, default encryption, object lock (the bucket's default
//! retention and each version's own) and lifecycle rules, each change checked first and written
//! to the audit log.

use aws_sdk_s3::primitives::DateTime;

use super::governance::Via;
use super::Satchel;
use crate::connect::connection::Connection;
use crate::error::{Error, ErrorCode, Result};
use crate::governance::encryption::{self, BucketEncryption, EncryptionChoice};
use crate::governance::lifecycle::{self, LifecycleRule};
use crate::governance::object_lock::{self, DefaultRetention, ObjectLock, ObjectLockView, RetentionMode};
use crate::governance::versioning::{self, VersioningState, VersioningView};

/// A bucket's lifecycle rules and what they say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LifecycleView {
    pub rules: Vec<LifecycleRule>,
    /// Each rule in a sentence, in the same order.
    pub sentences: Vec<String>,
    /// Rules that act on the same objects.
    pub overlaps: Vec<String>,
    /// Said when no rule aborts unfinished uploads, with what they hold now as the reason.
    pub suggestion: Option<String>,
}

impl Satchel {
    pub async fn bucket_versioning(&self, conn: &Connection, bucket: &str) -> Result<VersioningView> {
        versioning::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    /// Enables or suspends versioning; refused before any request where the storage would refuse
    /// (object lock) or there is nothing to do. Recorded in the audit log when it changed.
    pub async fn set_bucket_versioning(&self, conn: &Connection, bucket: &str, on: bool, via: Via) -> Result<VersioningView> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = versioning::read(&s3, bucket).await?;
        if (before.state == VersioningState::Enabled) == on && before.state != VersioningState::Never {
            return Ok(before);
        }
        versioning::check(bucket, &before, on)?;
        versioning::apply(&s3, bucket, on).await?;
        let after = versioning::read(&s3, bucket).await?;
        self.audit_log()?.record(&conn.name, bucket, "versioning", before.state.word(), after.state.word(), via.as_str())?;
        Ok(after)
    }

    pub async fn bucket_encryption(&self, conn: &Connection, bucket: &str) -> Result<BucketEncryption> {
        encryption::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    /// Sets the default encryption (a malformed KMS key sends nothing); audited when it changed.
    pub async fn set_bucket_encryption(&self, conn: &Connection, bucket: &str, choice: &EncryptionChoice, via: Via) -> Result<BucketEncryption> {
        encryption::check(choice)?;
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = encryption::read(&s3, bucket).await?;
        if before == choice.as_read() {
            return Ok(before);
        }
        encryption::apply(&s3, bucket, choice).await?;
        let after = encryption::read(&s3, bucket).await?;
        self.audit_log()?.record(&conn.name, bucket, "encryption", &before.describe(), &after.describe(), via.as_str())?;
        Ok(after)
    }

    pub async fn bucket_object_lock(&self, conn: &Connection, bucket: &str) -> Result<ObjectLockView> {
        object_lock::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    /// Sets (or with `None` removes) the default retention. Compliance mode can't be undone on
    /// what it locks, so it needs `confirmed` (typed in the app; the CLI warns instead).
    pub async fn set_default_retention(&self, conn: &Connection, bucket: &str, next: Option<DefaultRetention>, confirmed: bool, via: Via) -> Result<ObjectLockView> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = object_lock::read(&s3, bucket).await?;
        object_lock::check_default(bucket, &before, next.as_ref())?;
        if before.default == next {
            return Ok(before);
        }
        if next.is_some_and(|d| d.mode == RetentionMode::Compliance) && !confirmed {
            return Err(Error::new(
                ErrorCode::NeedsConfirmation,
                format!("{} Every new version of \"{bucket}\" would be locked so: confirm it to go on. Nothing was changed.", RetentionMode::Compliance.meaning()),
            ));
        }
        object_lock::apply_default(&s3, bucket, next.as_ref()).await?;
        let after = object_lock::read(&s3, bucket).await?;
        self.audit_log()?.record(&conn.name, bucket, "default-retention", &before.says, &after.says, via.as_str())?;
        Ok(after)
    }

    pub async fn object_lock(&self, conn: &Connection, bucket: &str, key: &str, version: Option<&str>) -> Result<ObjectLock> {
        object_lock::read_object(&self.bucket_client(conn, bucket).await?, bucket, key, version).await
    }

    /// Sets a version's retention. Shortening a governance retention needs `bypass` (the bypass
    /// header goes only then); a first compliance lock needs `compliance_confirmed` (it can't be
    /// undone). Compliance can only be kept or lengthened. Audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_object_retention(
        &self,
        conn: &Connection,
        bucket: &str,
        key: &str,
        version: Option<&str>,
        mode: RetentionMode,
        until: DateTime,
        bypass: bool,
        compliance_confirmed: bool,
        via: Via,
    ) -> Result<ObjectLock> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = object_lock::read_object(&s3, bucket, key, version).await?;
        object_lock::check_retention(&before, mode, until, DateTime::from(std::time::SystemTime::now()), bypass)?;
        if mode == RetentionMode::Compliance && before.mode != Some(RetentionMode::Compliance) && !compliance_confirmed {
            return Err(Error::new(ErrorCode::NeedsConfirmation, format!("{} Confirm it to go on. Nothing was changed.", RetentionMode::Compliance.meaning())));
        }
        // The bypass header only when it is needed: a lengthening never sends it.
        let shortens = before.until.as_deref().and_then(|u| object_lock::parse_until(u).ok()).is_some_and(|held| until.secs() < held.secs());
        object_lock::apply_retention(&s3, bucket, key, version, mode, until, bypass && shortens).await?;
        let after = object_lock::read_object(&s3, bucket, key, version).await?;
        self.audit_log()?.record(&conn.name, bucket, &format!("retention of {key}"), &before.says, &after.says, via.as_str())?;
        Ok(after)
    }

    pub async fn set_legal_hold(&self, conn: &Connection, bucket: &str, key: &str, version: Option<&str>, on: bool, via: Via) -> Result<ObjectLock> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = object_lock::read_object(&s3, bucket, key, version).await?;
        if before.legal_hold == on {
            return Ok(before);
        }
        object_lock::apply_legal_hold(&s3, bucket, key, version, on).await?;
        let word = |b: bool| if b { "on" } else { "off" };
        self.audit_log()?.record(&conn.name, bucket, &format!("legal hold of {key}"), word(before.legal_hold), word(on), via.as_str())?;
        object_lock::read_object(&s3, bucket, key, version).await
    }

    pub async fn bucket_lifecycle(&self, conn: &Connection, bucket: &str) -> Result<LifecycleView> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let rules = lifecycle::read(&s3, bucket).await?;
        Ok(lifecycle_view(&s3, bucket, rules).await)
    }

    /// Replaces the bucket's rules (none: deletes them). Checked first, so a refused rule sends
    /// nothing; audited with the documents before and after.
    pub async fn set_bucket_lifecycle(&self, conn: &Connection, bucket: &str, rules: &[LifecycleRule], via: Via) -> Result<LifecycleView> {
        lifecycle::check(rules)?;
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = lifecycle::read(&s3, bucket).await?;
        if before.as_slice() != rules {
            lifecycle::apply(&s3, bucket, rules).await?;
            let doc = |r: &[LifecycleRule]| if r.is_empty() { "none".to_string() } else { lifecycle::to_document(r).to_string() };
            self.audit_log()?.record(&conn.name, bucket, "lifecycle", &doc(&before), &doc(rules), via.as_str())?;
        }
        self.bucket_lifecycle(conn, bucket).await
    }

    /// Adds (or replaces) Satchel's rule that aborts unfinished uploads after `days`, keeping
    /// every other rule.
    pub async fn abort_unfinished_uploads_after(&self, conn: &Connection, bucket: &str, days: u32, via: Via) -> Result<LifecycleView> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let mut rules: Vec<LifecycleRule> = lifecycle::read(&s3, bucket).await?.into_iter().filter(|r| r.id.as_deref() != Some(lifecycle::ABORT_RULE_ID)).collect();
        rules.push(lifecycle::abort_incomplete_rule(days));
        self.set_bucket_lifecycle(conn, bucket, &rules, via).await
    }
}

async fn lifecycle_view(s3: &crate::connect::client::S3, bucket: &str, rules: Vec<LifecycleRule>) -> LifecycleView {
    let suggestion = if lifecycle::has_abort_rule(&rules) {
        None
    } else {
        let held = match crate::buckets::multipart::list(s3, bucket).await {
            Ok(u) if u.is_empty() => " None is unfinished now.".to_string(),
            Ok(u) => {
                let bytes: u64 = u.iter().filter_map(|x| x.bytes).sum();
                format!(" {} unfinished upload{} hold{} {} now, billed as stored data.", u.len(), if u.len() == 1 { "" } else { "s" }, if u.len() == 1 { "s" } else { "" }, crate::format::bytes(bytes))
            }
            Err(_) => String::new(),
        };
        Some(format!("No rule aborts unfinished uploads: their parts stay, and are billed, until someone aborts them. Abort them after 7 days?{held}"))
    };
    LifecycleView { sentences: rules.iter().map(LifecycleRule::sentence).collect(), overlaps: lifecycle::overlaps(&rules), rules, suggestion }
}
