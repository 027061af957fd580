//! Transfer acceleration: a bucket setting of Amazon S3 (enabled or suspended). A name with dots
//! can't use it (the accelerate endpoint's certificate doesn't cover them): said before the
//! request. Other stores don't have it, and say so.

use aws_sdk_s3::types::{AccelerateConfiguration, BucketAccelerateStatus};

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, Result};

/// Whether the bucket has acceleration on (`None`: never set, which is off).
pub async fn read(s3: &S3, bucket: &str) -> Result<bool> {
    match s3.client.get_bucket_accelerate_configuration().bucket(bucket).send().await {
        Ok(out) => Ok(out.status() == Some(&BucketAccelerateStatus::Enabled)),
        Err(e) => match super::overview::raw_status(&e) {
            Some(status) => Ok(status == "Enabled"),
            None => Err(unsupported_or(classify(&e, s3.attempt("read transfer acceleration")))),
        },
    }
}

/// Refuses what the storage would: acceleration on for a name with dots (the accelerate
/// endpoint's certificate doesn't cover them).
pub fn check(bucket: &str, on: bool) -> Result<()> {
    if on && bucket.contains('.') {
        return Err(Error::invalid(format!(
            "\"{bucket}\" has dots in its name, and transfer acceleration can't be used with those (its endpoint's certificate doesn't cover them). Nothing was changed."
        )));
    }
    Ok(())
}

/// Turns acceleration on (enabled) or off (suspended); `check` first.
pub async fn apply(s3: &S3, bucket: &str, on: bool) -> Result<()> {
    let status = if on { BucketAccelerateStatus::Enabled } else { BucketAccelerateStatus::Suspended };
    s3.client
        .put_bucket_accelerate_configuration()
        .bucket(bucket)
        .accelerate_configuration(AccelerateConfiguration::builder().status(status).build())
        .send()
        .await
        .map(drop)
        .map_err(|e| unsupported_or(classify(&e, s3.attempt("change transfer acceleration"))))
}

fn unsupported_or(e: Error) -> Error {
    e.when_unsupported("Transfer acceleration is an Amazon S3 feature: this storage doesn't support it.")
}

/// `on`/`off` (or `enabled`/`suspended`).
pub fn parse(value: &str) -> Result<bool> {
    match value {
        "on" | "enabled" => Ok(true),
        "off" | "suspended" => Ok(false),
        other => Err(Error::invalid(format!("Transfer acceleration is on or off, not \"{other}\"."))),
    }
}
