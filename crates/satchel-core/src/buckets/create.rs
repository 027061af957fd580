//! Creating a bucket safely: Block Public Access on, ACLs off (bucket owner enforced), SSE-S3 by
//! default, each visible and changeable. A setting the storage doesn't implement is skipped and
//! reported; the bucket is still created.

use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    ObjectLockEnabled, ObjectOwnership, PublicAccessBlockConfiguration, Tagging,
    VersioningConfiguration,
};
use serde::{Deserialize, Serialize};

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};
use super::naming::validate_bucket_name;
use crate::governance::encryption::{self, EncryptionChoice};
pub use crate::governance::ownership::{CannedAcl, Grant, GrantPermission, Ownership};
use crate::tags::{validate_tags, Tag, TagTarget};

/// Default encryption for new objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DefaultEncryption {
    /// SSE-S3 (AES-256, keys managed by the storage).
    #[default]
    SseS3,
    /// SSE-KMS with this key (id, ARN or alias).
    SseKms { key_id: String },
    /// Leave the storage's own default.
    StorageDefault,
}

/// What the create wizard (or `satchel bucket create`) asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewBucket {
    pub name: String,
    /// `None`: the connection's region.
    pub region: Option<String>,
    pub block_public_access: bool,
    pub ownership: Ownership,
    pub encryption: DefaultEncryption,
    pub versioning: bool,
    /// Turns versioning on too, and can never be turned off.
    pub object_lock: bool,
    pub tags: Vec<Tag>,
    pub acl: Option<CannedAcl>,
    pub grants: Vec<Grant>,
    /// The user confirmed that a public ACL makes the bucket public.
    pub public_confirmed: bool,
}

impl NewBucket {
    /// The safe defaults for `name`.
    pub fn new(name: impl Into<String>) -> Self {
        NewBucket {
            name: name.into(),
            region: None,
            block_public_access: true,
            ownership: Ownership::BucketOwnerEnforced,
            encryption: DefaultEncryption::SseS3,
            versioning: false,
            object_lock: false,
            tags: Vec::new(),
            acl: None,
            grants: Vec::new(),
            public_confirmed: false,
        }
    }
}

/// What was done, and what the storage could not do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateReport {
    pub name: String,
    pub region: String,
    /// Settings applied, in plain words ("Block Public Access", "versioning", ...).
    pub applied: Vec<String>,
    /// Settings not applied, each with why.
    pub skipped: Vec<SkippedSetting>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SkippedSetting {
    pub setting: String,
    pub reason: String,
}

/// Checks a request before anything is sent: name, tags, and ACL choices that contradict each other.
pub fn validate_new_bucket(b: &NewBucket) -> Result<()> {
    validate_bucket_name(&b.name)?;
    if let Some(r) = &b.region {
        crate::connect::connection::validate_region(r)?;
    }
    validate_tags(&b.tags, TagTarget::Bucket)?;
    let acls_used = b.acl.is_some_and(|a| a != CannedAcl::Private) || !b.grants.is_empty();
    if acls_used && b.ownership == Ownership::BucketOwnerEnforced {
        return Err(Error::invalid(
            "ACLs are off for this bucket (object ownership \"bucket owner enforced\"). Choose another ownership setting to use an ACL or grants.",
        ));
    }
    if let Some(exposure) = b.acl.and_then(CannedAcl::exposure) {
        if b.block_public_access {
            return Err(Error::invalid(format!(
                "A public ACL does nothing while Block Public Access is on. Turn it off to allow that {exposure}."
            )));
        }
        if !b.public_confirmed {
            return Err(Error::invalid(format!("Confirm that you want this bucket public: {exposure}.")));
        }
    }
    for g in &b.grants {
        let ok = ["id=", "emailAddress=", "uri="].iter().any(|p| g.grantee.starts_with(p) && g.grantee.len() > p.len());
        if !ok {
            return Err(Error::invalid(format!(
                "Grantee \"{}\" should be id=<canonical user id>, emailAddress=<address> or uri=<group URI>.",
                g.grantee
            )));
        }
    }
    if let DefaultEncryption::SseKms { key_id } = &b.encryption {
        if key_id.trim().is_empty() {
            return Err(Error::invalid("Enter the KMS key for SSE-KMS encryption."));
        }
        encryption::check(&EncryptionChoice::SseKms { key_id: Some(key_id.clone()), bucket_key: false })?;
    }
    Ok(())
}

/// Creates the bucket, then applies each setting; a setting the storage lacks is reported as skipped.
pub async fn create_bucket(s3: &S3, b: &NewBucket) -> Result<CreateReport> {
    validate_new_bucket(b)?;
    let region = b.region.clone().unwrap_or_else(|| s3.region.clone());
    // us-east-1 answers 200 when you re-create your own bucket, and the settings below would then
    // overwrite the existing bucket's: ask first.
    match s3.client.head_bucket().bucket(&b.name).send().await {
        Ok(_) => return Err(Error::new(ErrorCode::AlreadyExists, format!("You already have a bucket called \"{}\".", b.name))),
        Err(e) => match e.raw_response().map(|r| r.status().as_u16()) {
            Some(404) => {}
            Some(403) => {
                return Err(Error::new(
                    ErrorCode::AlreadyExists,
                    format!("The name \"{}\" is taken by someone else. Bucket names are shared by everyone on this storage; try another.", b.name),
                ))
            }
            // A redirect means it exists in another region: CreateBucket will say whose it is.
            Some(301) => {}
            _ => return Err(classify(&e, s3.attempt("check whether the bucket name is free"))),
        },
    }
    let mut req = s3.client.create_bucket().bucket(&b.name).object_ownership(match b.ownership {
        Ownership::BucketOwnerEnforced => ObjectOwnership::BucketOwnerEnforced,
        Ownership::BucketOwnerPreferred => ObjectOwnership::BucketOwnerPreferred,
        Ownership::ObjectWriter => ObjectOwnership::ObjectWriter,
    });
    // S3 refuses a LocationConstraint of us-east-1: that region is the absence of one.
    if region != "us-east-1" {
        req = req.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region.as_str()))
                .build(),
        );
    }
    if b.object_lock {
        req = req.object_lock_enabled_for_bucket(true);
    }
    if let Some(acl) = b.acl {
        req = req.acl(BucketCannedAcl::from(acl.name()));
    }
    for (perm, list) in crate::governance::ownership::grants_by_permission(&b.grants) {
        req = match perm {
            GrantPermission::Read => req.grant_read(list),
            GrantPermission::Write => req.grant_write(list),
            GrantPermission::ReadAcp => req.grant_read_acp(list),
            GrantPermission::WriteAcp => req.grant_write_acp(list),
            GrantPermission::FullControl => req.grant_full_control(list),
        };
    }
    req.send().await.map_err(|e| create_error(classify(&e, s3.attempt("create the bucket")), &e, &b.name, &region))?;

    let mut report = CreateReport { name: b.name.clone(), region: region.clone(), applied: Vec::new(), skipped: Vec::new() };
    let c = &s3.client;
    if b.block_public_access {
        let conf = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        let r = c.put_public_access_block().bucket(&b.name).public_access_block_configuration(conf).send().await;
        step(&mut report, "Block Public Access", r.map(drop).map_err(|e| classify(&e, s3.attempt("block public access"))));
    }
    if b.object_lock {
        // Some stores accept the object-lock header and ignore it: read it back before claiming it.
        let r = c.get_object_lock_configuration().bucket(&b.name).send().await;
        let on = r.as_ref().ok().and_then(|o| o.object_lock_configuration()).and_then(|c| c.object_lock_enabled())
            == Some(&ObjectLockEnabled::Enabled);
        let outcome = match r {
            Ok(_) if on => Ok(()),
            Ok(_) => Err(Error::unsupported("object lock")),
            Err(e) => Err(classify(&e, s3.attempt("read the object lock setting"))),
        };
        step(&mut report, "object lock", outcome);
    }
    if b.versioning && !b.object_lock {
        let conf = VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build();
        let r = c.put_bucket_versioning().bucket(&b.name).versioning_configuration(conf).send().await;
        step(&mut report, "versioning", r.map(drop).map_err(|e| classify(&e, s3.attempt("turn on versioning"))));
    }
    let choice = match &b.encryption {
        DefaultEncryption::SseS3 => Some(EncryptionChoice::SseS3),
        DefaultEncryption::SseKms { key_id } => Some(EncryptionChoice::SseKms { key_id: Some(key_id.clone()), bucket_key: false }),
        DefaultEncryption::StorageDefault => None,
    };
    if let Some(choice) = choice {
        let name = match choice {
            EncryptionChoice::SseKms { .. } => "default encryption (SSE-KMS)",
            EncryptionChoice::SseS3 => "default encryption (SSE-S3)",
        };
        step(&mut report, name, encryption::apply(s3, &b.name, &choice).await);
    }
    if !b.tags.is_empty() {
        let tags: Vec<_> = b
            .tags
            .iter()
            .filter_map(|t| aws_sdk_s3::types::Tag::builder().key(&t.key).value(&t.value).build().ok())
            .collect();
        let outcome = match Tagging::builder().set_tag_set(Some(tags)).build() {
            Ok(tagging) => c
                .put_bucket_tagging()
                .bucket(&b.name)
                .tagging(tagging)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify(&e, s3.attempt("tag the bucket"))),
            Err(e) => Err(Error::internal(e.to_string())),
        };
        step(&mut report, "bucket tags", outcome);
    }
    tracing::info!(bucket = %b.name, region = %region, skipped = report.skipped.len(), "bucket created");
    Ok(report)
}

/// Records a setting's outcome: done, or skipped with the reason (unsupported, denied, failed).
fn step(report: &mut CreateReport, setting: &str, outcome: Result<()>) {
    match outcome {
        Ok(()) => report.applied.push(setting.to_string()),
        Err(e) => {
            let reason = if e.code == ErrorCode::Unsupported {
                format!("This storage does not support {setting}.")
            } else {
                e.message
            };
            report.skipped.push(SkippedSetting { setting: setting.to_string(), reason });
        }
    }
}

/// Create's own failures, in words: taken by someone else vs already yours, bad region, limit.
fn create_error<E: aws_sdk_s3::error::ProvideErrorMetadata>(
    generic: Error,
    err: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
    name: &str,
    region: &str,
) -> Error {
    let code = err.as_service_error().and_then(|e| e.code()).unwrap_or("");
    let detail = generic.detail.clone().unwrap_or_default();
    let (kind, message) = match code {
        "BucketAlreadyOwnedByYou" => (ErrorCode::AlreadyExists, format!("You already have a bucket called \"{name}\".")),
        "BucketAlreadyExists" => (
            ErrorCode::AlreadyExists,
            format!("The name \"{name}\" is taken by someone else. Bucket names are shared by everyone on this storage; try another."),
        ),
        "InvalidBucketName" => (ErrorCode::InvalidInput, format!("The storage refused the name \"{name}\" as invalid.")),
        "InvalidLocationConstraint" | "IllegalLocationConstraintException" => (
            ErrorCode::InvalidInput,
            format!("This storage can't create buckets in region \"{region}\". Choose another region."),
        ),
        "TooManyBuckets" => (
            ErrorCode::LimitReached,
            "This account has reached its bucket limit. Delete a bucket you no longer need, or ask for a higher limit.".to_string(),
        ),
        _ => return generic,
    };
    Error::new(kind, message).with_detail(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_safe_and_valid() {
        let b = NewBucket::new("reports");
        assert!(b.block_public_access);
        assert_eq!(b.ownership, Ownership::BucketOwnerEnforced);
        assert_eq!(b.encryption, DefaultEncryption::SseS3);
        validate_new_bucket(&b).unwrap();
    }

    #[test]
    fn acls_need_ownership_that_allows_them() {
        let mut b = NewBucket::new("reports");
        b.grants.push(Grant { permission: GrantPermission::Read, grantee: "id=abc".into() });
        assert!(validate_new_bucket(&b).unwrap_err().message.contains("ACLs are off"));
        b.ownership = Ownership::BucketOwnerPreferred;
        validate_new_bucket(&b).unwrap();
        b.grants[0].grantee = "abc".into();
        assert!(validate_new_bucket(&b).unwrap_err().message.contains("id=<canonical user id>"));
    }

    #[test]
    fn a_public_acl_needs_bpa_off_and_a_confirmation_that_says_what_is_public() {
        let mut b = NewBucket::new("site");
        b.ownership = Ownership::ObjectWriter;
        b.acl = Some(CannedAcl::PublicRead);
        assert!(validate_new_bucket(&b).unwrap_err().message.contains("Block Public Access"));
        b.block_public_access = false;
        let e = validate_new_bucket(&b).unwrap_err();
        assert!(e.message.contains("anyone on the internet can list"), "{}", e.message);
        b.public_confirmed = true;
        validate_new_bucket(&b).unwrap();
    }
}
