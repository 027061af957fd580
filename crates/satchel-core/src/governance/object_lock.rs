//! Object lock: a bucket's default retention, and each object version's retention and legal hold.
//!
//! Governance retention can be shortened or removed by someone allowed to bypass it, and only
//! when they say so (the bypass header is sent then, never otherwise). Compliance retention can't
//! be shortened or removed by anyone, the root user included, until it ends: the app explains that
//! before applying it. Object lock itself can only be turned on when a bucket is created.

use aws_sdk_s3::primitives::DateTime;
use aws_sdk_s3::types::{
    DefaultRetention as SdkDefaultRetention, ObjectLockConfiguration, ObjectLockEnabled, ObjectLockLegalHold, ObjectLockLegalHoldStatus, ObjectLockRetention,
    ObjectLockRetentionMode, ObjectLockRule,
};
use serde::{Deserialize, Serialize};

use crate::connect::classify::classify;
use crate::connect::customer_keys::{with_key_if_needed, CustomerKey, SendsCustomerKey};
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RetentionMode {
    Governance,
    Compliance,
}

impl RetentionMode {
    pub fn parse(value: &str) -> Result<RetentionMode> {
        match value.to_ascii_lowercase().as_str() {
            "governance" => Ok(RetentionMode::Governance),
            "compliance" => Ok(RetentionMode::Compliance),
            other => Err(Error::invalid(format!("The retention mode is governance or compliance, not \"{other}\"."))),
        }
    }

    fn sdk(self) -> ObjectLockRetentionMode {
        match self {
            RetentionMode::Governance => ObjectLockRetentionMode::Governance,
            RetentionMode::Compliance => ObjectLockRetentionMode::Compliance,
        }
    }

    fn from_sdk(m: &ObjectLockRetentionMode) -> Option<RetentionMode> {
        match m {
            ObjectLockRetentionMode::Governance => Some(RetentionMode::Governance),
            ObjectLockRetentionMode::Compliance => Some(RetentionMode::Compliance),
            _ => None,
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            RetentionMode::Governance => "Nobody can delete or overwrite a locked version, except users allowed to bypass governance retention who ask to.",
            RetentionMode::Compliance => {
                "Nobody can delete a locked version or shorten its retention until it ends, not even the account's root user. This can't be undone."
            }
        }
    }
}

/// How long new object versions are locked for, by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DefaultRetention {
    pub mode: RetentionMode,
    /// Exactly one of `days` and `years` (S3's own rule).
    pub days: Option<u32>,
    pub years: Option<u32>,
}

impl DefaultRetention {
    pub fn sentence(&self) -> String {
        let span = match (self.days, self.years) {
            (Some(1), _) => "1 day".to_string(),
            (Some(d), _) => format!("{d} days"),
            (_, Some(1)) => "1 year".to_string(),
            (_, Some(y)) => format!("{y} years"),
            _ => "an unstated time".to_string(),
        };
        let mode = match self.mode {
            RetentionMode::Governance => "governance",
            RetentionMode::Compliance => "compliance",
        };
        format!("New versions are locked for {span} in {mode} mode.")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ObjectLockView {
    /// Object lock was turned on when the bucket was created (it can't be turned on later here).
    pub enabled: bool,
    pub default: Option<DefaultRetention>,
    pub says: String,
}

pub async fn read(s3: &S3, bucket: &str) -> Result<ObjectLockView> {
    match s3.client.get_object_lock_configuration().bucket(bucket).send().await {
        Ok(out) => {
            let conf = out.object_lock_configuration();
            let enabled = conf.and_then(|c| c.object_lock_enabled()) == Some(&ObjectLockEnabled::Enabled);
            let default = conf.and_then(|c| c.rule()).and_then(|r| r.default_retention()).and_then(|d| {
                Some(DefaultRetention {
                    mode: RetentionMode::from_sdk(d.mode()?)?,
                    days: d.days().map(|v| v.max(0) as u32),
                    years: d.years().map(|v| v.max(0) as u32),
                })
            });
            let says = match (&default, enabled) {
                (_, false) => "Object lock is off; it can only be turned on when a bucket is created.".to_string(),
                (Some(d), true) => d.sentence(),
                (None, true) => "Object lock is on with no default retention: versions are locked only when given a retention or legal hold of their own.".to_string(),
            };
            Ok(ObjectLockView { enabled, default, says })
        }
        Err(e) => {
            if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("ObjectLockConfigurationNotFoundError") {
                return Ok(ObjectLockView {
                    enabled: false,
                    default: None,
                    says: "Object lock is off; it can only be turned on when a bucket is created.".into(),
                });
            }
            Err(unsupported_or(classify(&e, s3.attempt("read object lock"))))
        }
    }
}

/// S3's limits on a default retention, checked before any request.
pub fn check_default(bucket: &str, view: &ObjectLockView, next: Option<&DefaultRetention>) -> Result<()> {
    if !view.enabled {
        return Err(Error::invalid(format!(
            "\"{bucket}\" was created without object lock, and it can only be turned on when a bucket is created. Nothing was changed."
        )));
    }
    let Some(d) = next else { return Ok(()) };
    match (d.days, d.years) {
        (Some(_), Some(_)) | (None, None) => Err(Error::invalid("Give the default retention in days or in years, one of the two. Nothing was changed.")),
        (Some(0), _) | (_, Some(0)) => Err(Error::invalid("A default retention is at least 1 day (or 1 year). To lock nothing by default, remove it instead. Nothing was changed.")),
        // S3 allows up to 100 years (36,500 days).
        (Some(d), _) if d > 36_500 => Err(Error::invalid("A default retention is at most 36,500 days (100 years). Nothing was changed.")),
        (_, Some(y)) if y > 100 => Err(Error::invalid("A default retention is at most 100 years. Nothing was changed.")),
        _ => Ok(()),
    }
}

/// Sets (or with `None` removes) the default retention of a lock-enabled bucket; `check_default` first.
pub async fn apply_default(s3: &S3, bucket: &str, next: Option<&DefaultRetention>) -> Result<()> {
    let mut conf = ObjectLockConfiguration::builder().object_lock_enabled(ObjectLockEnabled::Enabled);
    if let Some(d) = next {
        let retention = SdkDefaultRetention::builder()
            .mode(d.mode.sdk())
            .set_days(d.days.map(|v| v as i32))
            .set_years(d.years.map(|v| v as i32))
            .build();
        conf = conf.rule(ObjectLockRule::builder().default_retention(retention).build());
    }
    s3.client
        .put_object_lock_configuration()
        .bucket(bucket)
        .object_lock_configuration(conf.build())
        .send()
        .await
        .map(drop)
        .map_err(|e| unsupported_or(classify(&e, s3.attempt("change the default retention"))))
}

/// One object version's lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ObjectLock {
    pub mode: Option<RetentionMode>,
    /// RFC 3339.
    pub until: Option<String>,
    pub legal_hold: bool,
    pub says: String,
}

/// Read from the object's HEAD, which carries its lock (to those allowed to read it): one request
/// instead of two, and GetObjectRetention on a version without retention is an error on S3 (and
/// a 500 on moto).
pub async fn read_object(s3: &S3, bucket: &str, key: &str, version: Option<&str>) -> Result<ObjectLock> {
    let read = |k: Option<CustomerKey>| {
        s3.client.head_object().bucket(bucket).key(key).set_version_id(version.map(str::to_string)).customer_key(k.as_ref()).send()
    };
    let (head, _) = with_key_if_needed(s3, (bucket, key, version), read, |e| match classify(&e, s3.attempt("read the object's lock")) {
        // Governance sits beside objects, so it says this itself.
        e if e.code == ErrorCode::NotFound => Error::not_found(format!("There's no object s3://{bucket}/{key} (it may have just been deleted).")),
        e => e,
    })
    .await?;
    let mode = head.object_lock_mode().and_then(|m| match m {
        aws_sdk_s3::types::ObjectLockMode::Governance => Some(RetentionMode::Governance),
        aws_sdk_s3::types::ObjectLockMode::Compliance => Some(RetentionMode::Compliance),
        _ => None,
    });
    let until = head.object_lock_retain_until_date().and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok());
    let legal_hold = head.object_lock_legal_hold_status() == Some(&ObjectLockLegalHoldStatus::On);
    let mut says = match (&mode, &until) {
        (Some(RetentionMode::Compliance), Some(u)) => format!("Locked in compliance mode until {u}: nobody can delete this version before then."),
        (Some(RetentionMode::Governance), Some(u)) => format!("Locked in governance mode until {u}."),
        _ => "No retention.".to_string(),
    };
    if legal_hold {
        says.push_str(" Under legal hold: it can't be deleted until the hold is lifted.");
    }
    Ok(ObjectLock { mode, until, legal_hold, says })
}

/// A date for retention: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
pub fn parse_until(text: &str) -> Result<DateTime> {
    let full = if text.len() == 10 { format!("{text}T00:00:00Z") } else { text.to_string() };
    DateTime::from_str(&full, aws_smithy_types::date_time::Format::DateTime)
        .map_err(|_| Error::invalid(format!("\"{text}\" isn't a date: give YYYY-MM-DD or a full time like 2027-01-31T12:00:00Z.")))
}

/// What a retention change would do to `current`: refused when S3 would refuse it, or when it
/// shortens a governance retention without the bypass said.
pub fn check_retention(current: &ObjectLock, mode: RetentionMode, until: DateTime, now: DateTime, bypass: bool) -> Result<()> {
    if until.secs() <= now.secs() {
        return Err(Error::invalid("The retention date has to be in the future. Nothing was changed."));
    }
    let Some(held_until) = current.until.as_deref().and_then(|u| DateTime::from_str(u, aws_smithy_types::date_time::Format::DateTime).ok()) else {
        return Ok(());
    };
    let still_held = held_until.secs() > now.secs();
    let shorter = until.secs() < held_until.secs();
    match current.mode {
        Some(RetentionMode::Compliance) if still_held && (shorter || mode == RetentionMode::Governance) => Err(Error::invalid(format!(
            "This version is locked in compliance mode until {}: its retention can only be kept or lengthened, by anyone. Nothing was changed.",
            current.until.as_deref().unwrap_or_default()
        ))),
        Some(RetentionMode::Governance) if still_held && shorter && !bypass => Err(Error::new(
            ErrorCode::NeedsConfirmation,
            format!(
                "That shortens a governance retention (until {}): confirm it to bypass governance retention (--bypass-governance-retention in the CLI). Nothing was changed.",
                current.until.as_deref().unwrap_or_default()
            ),
        )),
        _ => Ok(()),
    }
}

/// Sets one version's retention; `check_retention` first. The bypass header goes only with `bypass`.
pub async fn apply_retention(s3: &S3, bucket: &str, key: &str, version: Option<&str>, mode: RetentionMode, until: DateTime, bypass: bool) -> Result<()> {
    let retention = ObjectLockRetention::builder().mode(mode.sdk()).retain_until_date(until).build();
    let mut req = s3.client.put_object_retention().bucket(bucket).key(key).set_version_id(version.map(str::to_string)).retention(retention);
    if bypass {
        req = req.bypass_governance_retention(true);
    }
    req.send().await.map(drop).map_err(|e| without_lock_or(unsupported_or(classify(&e, s3.attempt("change the object's retention")))))
}

pub async fn apply_legal_hold(s3: &S3, bucket: &str, key: &str, version: Option<&str>, on: bool) -> Result<()> {
    let status = if on { ObjectLockLegalHoldStatus::On } else { ObjectLockLegalHoldStatus::Off };
    s3.client
        .put_object_legal_hold()
        .bucket(bucket)
        .key(key)
        .set_version_id(version.map(str::to_string))
        .legal_hold(ObjectLockLegalHold::builder().status(status).build())
        .send()
        .await
        .map(drop)
        .map_err(|e| without_lock_or(unsupported_or(classify(&e, s3.attempt("change the object's legal hold")))))
}

/// S3 refuses a retention or legal hold in a bucket made without object lock with a 400 whose
/// words say so ("Bucket is missing Object Lock Configuration"; moto: "ObjectLockConfiguration"):
/// say it as a limit of the bucket.
fn without_lock_or(e: Error) -> Error {
    let said = format!("{} {}", e.message, e.detail.as_deref().unwrap_or_default()).to_ascii_lowercase();
    if said.replace(" ", "").contains("missingobjectlockconfiguration") {
        Error::new(
            ErrorCode::Unsupported,
            "This bucket was created without object lock, so its objects can't have a retention or a legal hold (object lock can only be turned on when a bucket is created).",
        )
    } else {
        e
    }
}

fn unsupported_or(e: Error) -> Error {
    e.when_unsupported("This storage doesn't support object lock.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(mode: Option<RetentionMode>, until: Option<&str>) -> ObjectLock {
        ObjectLock { mode, until: until.map(str::to_string), legal_hold: false, says: String::new() }
    }

    #[test]
    fn default_retention_limits() {
        let on = ObjectLockView { enabled: true, default: None, says: String::new() };
        let d = |days, years| DefaultRetention { mode: RetentionMode::Governance, days, years };
        assert!(check_default("b", &on, Some(&d(Some(30), None))).is_ok());
        assert!(check_default("b", &on, Some(&d(None, Some(7)))).is_ok());
        assert!(check_default("b", &on, None).is_ok());
        assert!(check_default("b", &on, Some(&d(Some(0), None))).unwrap_err().message.contains("at least 1 day"));
        assert!(check_default("b", &on, Some(&d(Some(3), Some(1)))).unwrap_err().message.contains("one of the two"));
        assert!(check_default("b", &on, Some(&d(None, Some(101)))).unwrap_err().message.contains("at most 100 years"));
        let off = ObjectLockView { enabled: false, default: None, says: String::new() };
        assert!(check_default("b", &off, Some(&d(Some(1), None))).unwrap_err().message.contains("created without object lock"));
    }

    #[test]
    fn retention_changes() {
        let now = parse_until("2026-12-01").unwrap();
        let later = parse_until("2027-06-01").unwrap();
        let sooner = parse_until("2027-01-01").unwrap();
        let gov = lock(Some(RetentionMode::Governance), Some("2027-03-01T00:00:00Z"));
        assert!(check_retention(&gov, RetentionMode::Governance, later, now, false).is_ok());
        let e = check_retention(&gov, RetentionMode::Governance, sooner, now, false).unwrap_err();
        assert_eq!(e.code, ErrorCode::NeedsConfirmation);
        assert!(check_retention(&gov, RetentionMode::Governance, sooner, now, true).is_ok());
        let comp = lock(Some(RetentionMode::Compliance), Some("2027-03-01T00:00:00Z"));
        assert!(check_retention(&comp, RetentionMode::Compliance, sooner, now, true).unwrap_err().message.contains("only be kept or lengthened"));
        assert!(check_retention(&comp, RetentionMode::Governance, later, now, true).is_err());
        assert!(check_retention(&comp, RetentionMode::Compliance, later, now, false).is_ok());
        assert!(check_retention(&lock(None, None), RetentionMode::Compliance, now, now, false).unwrap_err().message.contains("in the future"));
        assert!(parse_until("next week").unwrap_err().message.contains("YYYY-MM-DD"));
    }

    #[test]
    fn sentences() {
        let d = DefaultRetention { mode: RetentionMode::Compliance, days: None, years: Some(7) };
        assert_eq!(d.sentence(), "New versions are locked for 7 years in compliance mode.");
    }
}
