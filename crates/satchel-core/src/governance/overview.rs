//! A bucket's settings at a glance: each read on its own, so one the storage lacks (or the user may
//! not read) shows as such without hiding the others.

use aws_sdk_s3::types::{BucketVersioningStatus, ObjectLockEnabled};
use serde::Serialize;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SettingState {
    On,
    Off,
    /// Some but not all (e.g. two of four public access blocks).
    Partial,
    Unsupported,
    Denied,
    /// Could not be read for another reason; `text` says why.
    Unknown,
}

/// One setting: its state and a short text for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Setting {
    pub state: SettingState,
    pub text: String,
}

impl Setting {
    fn new(state: SettingState, text: impl Into<String>) -> Self {
        Setting { state, text: text.into() }
    }

    fn from_error(e: Error, what: &str) -> Self {
        match e.code {
            ErrorCode::Unsupported => Setting::new(SettingState::Unsupported, format!("This storage does not support {what}.")),
            ErrorCode::AccessDenied => Setting::new(SettingState::Denied, format!("Not allowed to read {what}.")),
            _ => Setting::new(SettingState::Unknown, e.message),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BucketOverview {
    pub name: String,
    pub region: String,
    pub versioning: Setting,
    pub object_lock: Setting,
    pub public_access_block: Setting,
    pub encryption: Setting,
}

pub async fn overview(s3: &S3, bucket: &str) -> BucketOverview {
    let c = &s3.client;
    let (versioning, lock, bpa, enc) = tokio::join!(
        c.get_bucket_versioning().bucket(bucket).send(),
        c.get_object_lock_configuration().bucket(bucket).send(),
        c.get_public_access_block().bucket(bucket).send(),
        c.get_bucket_encryption().bucket(bucket).send(),
    );

    let versioning = match versioning {
        Ok(v) => versioning_setting(v.status().map(|s| s.as_str())),
        Err(e) => match raw_status(&e) {
            // Some stores name the document's root element differently; the status inside is fine.
            Some(status) => versioning_setting(Some(status.as_str())),
            None => Setting::from_error(classify(&e, s3.attempt("read versioning")), "versioning"),
        },
    };
    let object_lock = match lock {
        Ok(l) if l.object_lock_configuration().and_then(|c| c.object_lock_enabled()) == Some(&ObjectLockEnabled::Enabled) => {
            Setting::new(SettingState::On, "Enabled (can't be turned off)")
        }
        Ok(_) => Setting::new(SettingState::Off, "Not enabled"),
        Err(e) => {
            let err = classify(&e, s3.attempt("read object lock"));
            // S3 answers "no configuration" as an error for buckets created without object lock.
            if e.as_service_error().and_then(|s| aws_sdk_s3::error::ProvideErrorMetadata::code(s))
                == Some("ObjectLockConfigurationNotFoundError")
            {
                Setting::new(SettingState::Off, "Not enabled")
            } else {
                Setting::from_error(err, "object lock")
            }
        }
    };
    let public_access_block = match bpa {
        Ok(b) => {
            let flags = b.public_access_block_configuration().map(|c| {
                [c.block_public_acls(), c.ignore_public_acls(), c.block_public_policy(), c.restrict_public_buckets()]
                    .iter()
                    .filter(|f| **f == Some(true))
                    .count()
            });
            match flags.unwrap_or(0) {
                4 => Setting::new(SettingState::On, "All public access blocked"),
                0 => Setting::new(SettingState::Off, "Public access not blocked"),
                n => Setting::new(SettingState::Partial, format!("{n} of 4 public access blocks on")),
            }
        }
        Err(e) => {
            if e.as_service_error().and_then(|s| aws_sdk_s3::error::ProvideErrorMetadata::code(s))
                == Some("NoSuchPublicAccessBlockConfiguration")
            {
                Setting::new(SettingState::Off, "Public access not blocked")
            } else {
                Setting::from_error(classify(&e, s3.attempt("read Block Public Access")), "Block Public Access")
            }
        }
    };
    let encryption = match enc {
        Ok(out) => {
            let rule = out
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default());
            match rule.map(|r| r.sse_algorithm().as_str()) {
                Some("AES256") => Setting::new(SettingState::On, "SSE-S3 (AES-256)"),
                Some(a) if a.starts_with("aws:kms") => Setting::new(
                    SettingState::On,
                    format!("SSE-KMS{}", rule.and_then(|r| r.kms_master_key_id()).map(|k| format!(" ({k})")).unwrap_or_default()),
                ),
                Some(a) => Setting::new(SettingState::On, a.to_string()),
                None => Setting::new(SettingState::Off, "No default encryption"),
            }
        }
        Err(e) => {
            if e.as_service_error().and_then(|s| aws_sdk_s3::error::ProvideErrorMetadata::code(s))
                == Some("ServerSideEncryptionConfigurationNotFoundError")
            {
                Setting::new(SettingState::Off, "No default encryption")
            } else {
                Setting::from_error(classify(&e, s3.attempt("read default encryption")), "default encryption")
            }
        }
    };
    BucketOverview { name: bucket.to_string(), region: s3.region.clone(), versioning, object_lock, public_access_block, encryption }
}

fn versioning_setting(status: Option<&str>) -> Setting {
    match status {
        Some(s) if s == BucketVersioningStatus::Enabled.as_str() => Setting::new(SettingState::On, "Enabled"),
        Some(s) if s == BucketVersioningStatus::Suspended.as_str() => Setting::new(SettingState::Partial, "Suspended"),
        _ => Setting::new(SettingState::Off, "Never enabled"),
    }
}

/// The `<Status>` of a 200 answer the SDK could not parse (some stores name the root element
/// differently); empty when there is none.
pub(super) fn raw_status<E>(e: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>) -> Option<String> {
    let raw = e.raw_response()?;
    if raw.status().as_u16() != 200 {
        return None;
    }
    let body = String::from_utf8_lossy(raw.body().bytes()?).into_owned();
    // A 200 without a status is a bucket whose versioning was never enabled.
    let Some(start) = body.find("<Status>").map(|i| i + "<Status>".len()) else { return Some(String::new()) };
    let end = body[start..].find("</Status>")? + start;
    Some(body[start..end].to_string())
}
