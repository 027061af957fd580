//! Archive tiers: objects in Glacier Flexible Retrieval or Deep Archive can't be read until a
//! temporary copy is restored (RestoreObject), which takes minutes to days by tier. Here: whether
//! an object is archived and how its restore stands (from its HEAD), and restore requests for one
//! object or everything archived below a folder.

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::listing::list_all;
use super::properties::not_found_as_object;
use crate::connect::classify::classify;
use crate::connect::customer_keys::{with_key_if_needed, CustomerKey, SendsCustomerKey};
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, KeyFailure, Result};

/// The classes that need a restore before a read (Glacier Instant Retrieval doesn't).
pub fn is_archive_class(class: Option<&str>) -> bool {
    matches!(class, Some("GLACIER" | "DEEP_ARCHIVE"))
}

/// How fast a restore is done, and what it costs: S3's three retrieval tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RestoreTier {
    Expedited,
    Standard,
    Bulk,
}

impl RestoreTier {
    pub fn parse(value: &str) -> Result<RestoreTier> {
        match value.to_ascii_lowercase().as_str() {
            "expedited" => Ok(RestoreTier::Expedited),
            "standard" => Ok(RestoreTier::Standard),
            "bulk" => Ok(RestoreTier::Bulk),
            other => Err(Error::invalid(format!("The restore tier is standard, bulk or expedited, not \"{other}\"."))),
        }
    }

    /// Typical time to the restored copy (AWS's published figures) for an object of `class`.
    pub fn typical_time(self, class: &str) -> &'static str {
        match (self, class) {
            (RestoreTier::Expedited, _) => "1 to 5 minutes",
            (RestoreTier::Standard, "DEEP_ARCHIVE") => "within 12 hours",
            (RestoreTier::Standard, _) => "3 to 5 hours",
            (RestoreTier::Bulk, "DEEP_ARCHIVE") => "within 48 hours",
            (RestoreTier::Bulk, _) => "5 to 12 hours",
        }
    }

    fn sdk(self) -> aws_sdk_s3::types::Tier {
        match self {
            RestoreTier::Expedited => aws_sdk_s3::types::Tier::Expedited,
            RestoreTier::Standard => aws_sdk_s3::types::Tier::Standard,
            RestoreTier::Bulk => aws_sdk_s3::types::Tier::Bulk,
        }
    }
}

/// Whether an object can be read now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArchiveStatus {
    pub key: String,
    pub storage_class: Option<String>,
    pub archived: bool,
    /// A restore was asked for and isn't done yet.
    pub restoring: bool,
    /// The restored copy can be read until then (HTTP date, as S3 gives it).
    pub readable_until: Option<String>,
    /// For people: "Archived in DEEP_ARCHIVE: restore it to read it." / "Restoring …" / "Readable until …".
    pub says: String,
}

impl ArchiveStatus {
    /// Readable now: not archived, or restored.
    pub fn readable(&self) -> bool {
        !self.archived || self.readable_until.is_some()
    }
}

/// Reads `x-amz-restore` (`ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`).
fn parse_restore_header(value: &str) -> (bool, Option<String>) {
    let ongoing = value.contains("ongoing-request=\"true\"");
    let until = value.split("expiry-date=\"").nth(1).and_then(|rest| rest.split('"').next()).map(str::to_string);
    (ongoing, if ongoing { None } else { until })
}

pub async fn status(s3: &S3, bucket: &str, key: &str) -> Result<ArchiveStatus> {
    let read = |k: Option<CustomerKey>| s3.client.head_object().bucket(bucket).key(key).customer_key(k.as_ref()).send();
    let fail = |e| not_found_as_object(classify(&e, s3.attempt("read the object's archive status")), bucket, key);
    let (head, _) = with_key_if_needed(s3, (bucket, key, None), read, fail).await?;
    let class = head.storage_class().map(|c| c.as_str().to_string());
    let archived = is_archive_class(class.as_deref());
    let (restoring, readable_until) = head.restore().map(parse_restore_header).unwrap_or((false, None));
    let says = match (archived, restoring, &readable_until) {
        (false, _, _) => "Not archived: it can be read as it is.".to_string(),
        (true, true, _) => format!("Archived in {}; a restore is under way.", class.as_deref().unwrap_or_default()),
        (true, false, Some(until)) => format!("Archived in {}; a restored copy can be read until {until}.", class.as_deref().unwrap_or_default()),
        (true, false, None) => format!("Archived in {}: restore it before reading, downloading or copying it.", class.as_deref().unwrap_or_default()),
    };
    Ok(ArchiveStatus { key: key.to_string(), storage_class: class, archived, restoring, readable_until, says })
}

/// Days and tier checked before any request: S3 takes 1 or more days, and Deep Archive has no
/// expedited tier.
pub fn check_request(days: u32, tier: RestoreTier, class: Option<&str>) -> Result<()> {
    if days == 0 {
        return Err(Error::invalid("A restored copy is kept for 1 day or more: --days 1 at least. Nothing was sent."));
    }
    if tier == RestoreTier::Expedited && class == Some("DEEP_ARCHIVE") {
        return Err(Error::invalid("Deep Archive has no expedited restores: use standard (within 12 hours) or bulk (within 48 hours). Nothing was sent."));
    }
    Ok(())
}

/// What asking for a restore did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RestoreAnswer {
    /// Accepted: the copy will be readable after the tier's time (or, restored already, for
    /// the days asked from now).
    Started,
    /// A restore of it was already under way.
    AlreadyRestoring,
}

/// Asks for a restored copy of one archived object, kept `days` days.
pub async fn request(s3: &S3, bucket: &str, key: &str, days: u32, tier: RestoreTier) -> Result<RestoreAnswer> {
    let req = aws_sdk_s3::types::RestoreRequest::builder()
        .days(days as i32)
        .glacier_job_parameters(aws_sdk_s3::types::GlacierJobParameters::builder().tier(tier.sdk()).build().map_err(|e| Error::internal(e.to_string()))?)
        .build();
    match s3.client.restore_object().bucket(bucket).key(key).restore_request(req).send().await {
        // (A 200 instead of 202 means a restored copy existed and its days were set anew: the
        // SDK doesn't tell the two apart, and for the user both mean "it will be readable".)
        Ok(_) => Ok(RestoreAnswer::Started),
        Err(e) => {
            let code = e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code).map(str::to_string);
            match code.as_deref() {
                Some("RestoreAlreadyInProgress") => Ok(RestoreAnswer::AlreadyRestoring),
                Some("InvalidObjectState") => Err(Error::new(ErrorCode::InvalidInput, format!("{key} isn't archived: it can be read as it is, no restore needed."))),
                Some("GlacierExpeditedRetrievalNotAvailable") => Err(Error::new(
                    ErrorCode::Storage,
                    "Expedited restores are busy right now (AWS sells provisioned capacity for them): try standard, or expedited again later.",
                )),
                _ => Err(not_found_as_object(classify(&e, s3.attempt("ask for a restore")), bucket, key)),
            }
        }
    }
}

/// What restoring a folder did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreReport {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub requested: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub already_restoring: u64,
    /// Objects below the folder that aren't archived (nothing to do).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub not_archived: u64,
    pub failed: Vec<KeyFailure>,
    pub cancelled: bool,
}

/// Asks for a restore of every archived object in `selection` (keys, and folders as `prefix/`,
/// everything below them), several at once; `on_done` gets the count handled so far.
pub async fn request_many(
    s3: &S3,
    bucket: &str,
    selection: &[String],
    days: u32,
    tier: RestoreTier,
    cancel: &CancellationToken,
    on_done: impl Fn(u64),
) -> Result<RestoreReport> {
    check_request(days, tier, None)?;
    let mut report = RestoreReport::default();
    let mut archived: Vec<(String, String)> = Vec::new();
    for item in selection {
        if item.ends_with('/') || item.is_empty() {
            list_all(s3, bucket, item, true, cancel, |p| {
                for o in p.objects {
                    match o.storage_class.as_deref() {
                        Some(c @ ("GLACIER" | "DEEP_ARCHIVE")) => archived.push((o.key, c.to_string())),
                        _ => report.not_archived += 1,
                    }
                }
            })
            .await?;
        } else {
            let st = status(s3, bucket, item).await?;
            match st.storage_class {
                Some(c) if st.archived => archived.push((item.clone(), c)),
                _ => report.not_archived += 1,
            }
        }
    }
    if tier == RestoreTier::Expedited && archived.iter().any(|(_, c)| c == "DEEP_ARCHIVE") {
        check_request(days, tier, Some("DEEP_ARCHIVE"))?;
    }
    let mut handled = 0u64;
    let work = |(key, _class): (String, String)| {
        let (s3, bucket) = (s3.clone(), bucket.to_string());
        async move { Ok(request(&s3, &bucket, &key, days, tier).await.map_err(|e| KeyFailure { key, reason: e.message })) }
    };
    report.cancelled = super::each_at_most(archived, 8, cancel, work, |r| {
        match r {
            Ok(Ok(RestoreAnswer::AlreadyRestoring)) => report.already_restoring += 1,
            Ok(Ok(RestoreAnswer::Started)) => report.requested += 1,
            Ok(Err(failure)) => report.failed.push(failure),
            Err(e) => report.failed.push(KeyFailure { key: String::new(), reason: e.message }),
        }
        handled += 1;
        on_done(handled);
    })
    .await;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_restore_header() {
        assert_eq!(parse_restore_header("ongoing-request=\"true\""), (true, None));
        assert_eq!(
            parse_restore_header("ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\""),
            (false, Some("Fri, 21 Dec 2012 00:00:00 GMT".to_string()))
        );
    }

    #[test]
    fn requests_are_checked_first() {
        assert!(check_request(0, RestoreTier::Standard, None).unwrap_err().message.contains("1 day or more"));
        assert!(check_request(1, RestoreTier::Expedited, Some("DEEP_ARCHIVE")).unwrap_err().message.contains("no expedited"));
        assert!(check_request(7, RestoreTier::Bulk, Some("DEEP_ARCHIVE")).is_ok());
        assert!(RestoreTier::parse("fastest").unwrap_err().message.contains("standard, bulk or expedited"));
        assert_eq!(RestoreTier::Bulk.typical_time("DEEP_ARCHIVE"), "within 48 hours");
    }
}
