//! Versioning after creation: turn it on, or suspend it. Suspending keeps every version already
//! there (new writes then replace the "null" version); versioning can never go back to "never
//! enabled", and a bucket with object lock can't suspend it. MFA delete is shown, not changed:
//! changing it needs the root user's MFA device, which an app can't hold.

use aws_sdk_s3::types::{BucketVersioningStatus, MfaDeleteStatus, ObjectLockEnabled, VersioningConfiguration};
use serde::Serialize;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VersioningState {
    Never,
    Enabled,
    Suspended,
}

impl VersioningState {
    pub fn word(self) -> &'static str {
        match self {
            VersioningState::Never => "never enabled",
            VersioningState::Enabled => "enabled",
            VersioningState::Suspended => "suspended",
        }
    }

    /// What the state means for the user's data.
    pub fn meaning(self) -> &'static str {
        match self {
            VersioningState::Never => "Overwriting or deleting an object loses it for good.",
            VersioningState::Enabled => "Every overwrite and delete keeps the older version, which can be restored (and is billed as stored data).",
            VersioningState::Suspended => {
                "Versions kept so far stay and can be restored, but new overwrites and deletes replace what was there without keeping it."
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersioningView {
    pub state: VersioningState,
    pub meaning: String,
    /// MFA delete: `None` when the storage doesn't say.
    pub mfa_delete: Option<bool>,
    /// Object lock needs versioning: such a bucket can't suspend it.
    pub locked_on: bool,
}

pub async fn read(s3: &S3, bucket: &str) -> Result<VersioningView> {
    let (status, mfa) = match s3.client.get_bucket_versioning().bucket(bucket).send().await {
        Ok(out) => (out.status().map(|s| s.as_str().to_string()), out.mfa_delete().map(|m| m == &MfaDeleteStatus::Enabled)),
        Err(e) => match super::overview::raw_status(&e) {
            // Some stores name the document's root element differently; the status inside is fine.
            Some(status) => (Some(status).filter(|s| !s.is_empty()), None),
            None => return Err(unsupported_or(classify(&e, s3.attempt("read versioning")))),
        },
    };
    let state = match status.as_deref() {
        Some("Enabled") => VersioningState::Enabled,
        Some("Suspended") => VersioningState::Suspended,
        _ => VersioningState::Never,
    };
    let locked_on = state == VersioningState::Enabled && object_lock_on(s3, bucket).await;
    Ok(VersioningView { state, meaning: state.meaning().to_string(), mfa_delete: mfa, locked_on })
}

async fn object_lock_on(s3: &S3, bucket: &str) -> bool {
    match s3.client.get_object_lock_configuration().bucket(bucket).send().await {
        Ok(out) => out.object_lock_configuration().and_then(|c| c.object_lock_enabled()) == Some(&ObjectLockEnabled::Enabled),
        Err(_) => false,
    }
}

/// Refuses before any request what the storage would refuse or the user can't undo by mistake.
pub fn check(bucket: &str, before: &VersioningView, on: bool) -> Result<()> {
    if !on && before.locked_on {
        return Err(Error::invalid(format!(
            "\"{bucket}\" has object lock, which needs versioning: it can't be suspended. Nothing was changed."
        )));
    }
    if !on && before.state == VersioningState::Never {
        return Err(Error::invalid(format!(
            "Versioning was never enabled on \"{bucket}\", so there is nothing to suspend. Nothing was changed."
        )));
    }
    Ok(())
}

/// Enables or suspends versioning; `check` first. MFA delete is never sent, so it stays as it is.
pub async fn apply(s3: &S3, bucket: &str, on: bool) -> Result<()> {
    let status = if on { BucketVersioningStatus::Enabled } else { BucketVersioningStatus::Suspended };
    s3.client
        .put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(VersioningConfiguration::builder().status(status).build())
        .send()
        .await
        .map(drop)
        .map_err(|e| unsupported_or(classify(&e, s3.attempt("change versioning"))))
}

fn unsupported_or(e: Error) -> Error {
    e.when_unsupported("This storage doesn't support versioning.")
}

/// `on`/`enabled` or `suspended`/`off`: the CLI's words.
pub fn parse(value: &str) -> Result<bool> {
    match value {
        "on" | "enabled" => Ok(true),
        "suspended" | "off" | "suspend" => Ok(false),
        other => Err(Error::invalid(format!("Versioning is on or suspended, not \"{other}\" (it can't be turned off once enabled, only suspended)."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(state: VersioningState, locked_on: bool) -> VersioningView {
        VersioningView { state, meaning: String::new(), mfa_delete: None, locked_on }
    }

    #[test]
    fn a_locked_bucket_cannot_suspend() {
        let e = check("b", &view(VersioningState::Enabled, true), false).unwrap_err();
        assert!(e.message.contains("object lock"), "{}", e.message);
        assert!(check("b", &view(VersioningState::Enabled, true), true).is_ok());
        assert!(check("b", &view(VersioningState::Enabled, false), false).is_ok());
    }

    #[test]
    fn never_enabled_cannot_be_suspended() {
        assert!(check("b", &view(VersioningState::Never, false), false).unwrap_err().message.contains("never enabled"));
    }

    #[test]
    fn words() {
        assert!(parse("on").unwrap());
        assert!(!parse("suspended").unwrap());
        assert!(parse("maybe").unwrap_err().message.contains("only suspended"));
    }
}
