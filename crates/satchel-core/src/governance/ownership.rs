//! Object Ownership and ACLs after creation. With "bucket owner enforced" ACLs are off and the
//! bucket owner owns every object; the other two turn ACLs back on. A canned ACL or grants that
//! would make the bucket public need the same confirmation as public access elsewhere.

use aws_sdk_s3::types::{BucketCannedAcl, ObjectOwnership, OwnershipControls, OwnershipControlsRule};

use serde::{Deserialize, Serialize};

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};

/// Who owns objects others write, and whether ACLs count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// ACLs are off; the bucket owner owns everything. The safe default.
    #[default]
    BucketOwnerEnforced,
    BucketOwnerPreferred,
    ObjectWriter,
}

/// A canned ACL for the bucket (only when ACLs are on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum CannedAcl {
    Private,
    PublicRead,
    PublicReadWrite,
    AuthenticatedRead,
}

impl CannedAcl {
    /// What becomes public, for the confirmation; `None` for ACLs that publish nothing.
    pub fn exposure(self) -> Option<&'static str> {
        match self {
            CannedAcl::PublicRead => Some("anyone on the internet can list the bucket's objects"),
            CannedAcl::PublicReadWrite => Some("anyone on the internet can list, upload, overwrite and delete objects"),
            CannedAcl::AuthenticatedRead => Some("anyone with any AWS account can list the bucket's objects"),
            CannedAcl::Private => None,
        }
    }
}

/// A grant of a permission to a grantee (`id=<canonical id>`, `emailAddress=...`, `uri=...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Grant {
    pub permission: GrantPermission,
    pub grantee: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum GrantPermission {
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

impl Ownership {
    pub fn parse(s: &str) -> Result<Ownership> {
        match s {
            "bucket-owner-enforced" => Ok(Ownership::BucketOwnerEnforced),
            "bucket-owner-preferred" => Ok(Ownership::BucketOwnerPreferred),
            "object-writer" => Ok(Ownership::ObjectWriter),
            other => Err(Error::invalid(format!("Unknown ownership \"{other}\": use bucket-owner-enforced, bucket-owner-preferred or object-writer."))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Ownership::BucketOwnerEnforced => "bucket-owner-enforced",
            Ownership::BucketOwnerPreferred => "bucket-owner-preferred",
            Ownership::ObjectWriter => "object-writer",
        }
    }

    /// What it means, in a sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            Ownership::BucketOwnerEnforced => "ACLs are off: the bucket owner owns every object, and only policies grant access.",
            Ownership::BucketOwnerPreferred => "ACLs are on; objects uploaded with the bucket-owner-full-control ACL belong to the bucket owner.",
            Ownership::ObjectWriter => "ACLs are on; whoever uploads an object owns it (and can grant others access through its ACL).",
        }
    }
}

impl CannedAcl {
    pub fn parse(s: &str) -> Result<CannedAcl> {
        match s {
            "private" => Ok(CannedAcl::Private),
            "public-read" => Ok(CannedAcl::PublicRead),
            "public-read-write" => Ok(CannedAcl::PublicReadWrite),
            "authenticated-read" => Ok(CannedAcl::AuthenticatedRead),
            other => Err(Error::invalid(format!("Unknown ACL \"{other}\": use private, public-read, public-read-write or authenticated-read."))),
        }
    }
}

impl Grant {
    /// `PERMISSION=GRANTEE`, as `read=id=abc` or `read=uri=http://acs.amazonaws.com/groups/global/AllUsers`.
    pub fn parse(s: &str) -> Result<Grant> {
        let (perm, grantee) = s.split_once('=').ok_or_else(|| Error::invalid(format!("Grants are written PERMISSION=GRANTEE, like read=id=abc; \"{s}\" is not.")))?;
        let permission = match perm {
            "read" => GrantPermission::Read,
            "write" => GrantPermission::Write,
            "read-acp" => GrantPermission::ReadAcp,
            "write-acp" => GrantPermission::WriteAcp,
            "full-control" => GrantPermission::FullControl,
            other => return Err(Error::invalid(format!("Unknown permission \"{other}\": use read, write, read-acp, write-acp or full-control."))),
        };
        let ok = ["id=", "emailAddress=", "uri="].iter().any(|p| grantee.starts_with(p) && grantee.len() > p.len());
        if !ok {
            return Err(Error::invalid(format!("Grantee \"{grantee}\" should be id=<canonical user id>, emailAddress=<address> or uri=<group URI>.")));
        }
        Ok(Grant { permission, grantee: grantee.to_string() })
    }

    /// To everyone or to any AWS account: what makes a bucket public.
    pub fn is_public(&self) -> bool {
        self.grantee.ends_with("/global/AllUsers") || self.grantee.ends_with("/global/AuthenticatedUsers")
    }
}

/// The bucket's Object Ownership; a bucket with no ownership controls is "object writer" (S3's old default).
pub async fn read(s3: &S3, bucket: &str) -> Result<Ownership> {
    match s3.client.get_bucket_ownership_controls().bucket(bucket).send().await {
        Ok(out) => Ok(match out.ownership_controls().and_then(|c| c.rules().first()).map(|r| r.object_ownership()) {
            Some(ObjectOwnership::BucketOwnerEnforced) => Ownership::BucketOwnerEnforced,
            Some(ObjectOwnership::BucketOwnerPreferred) => Ownership::BucketOwnerPreferred,
            _ => Ownership::ObjectWriter,
        }),
        Err(e) if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("OwnershipControlsNotFoundError") => Ok(Ownership::ObjectWriter),
        Err(e) => Err(classify(&e, s3.attempt("read Object Ownership"))),
    }
}

pub async fn apply(s3: &S3, bucket: &str, ownership: Ownership) -> Result<()> {
    let rule = OwnershipControlsRule::builder()
        .object_ownership(match ownership {
            Ownership::BucketOwnerEnforced => ObjectOwnership::BucketOwnerEnforced,
            Ownership::BucketOwnerPreferred => ObjectOwnership::BucketOwnerPreferred,
            Ownership::ObjectWriter => ObjectOwnership::ObjectWriter,
        })
        .build()
        .map_err(|e| Error::invalid(e.to_string()))?;
    let controls = OwnershipControls::builder().rules(rule).build().map_err(|e| Error::invalid(e.to_string()))?;
    s3.client
        .put_bucket_ownership_controls()
        .bucket(bucket)
        .ownership_controls(controls)
        .send()
        .await
        .map(drop)
        .map_err(|e| classify(&e, s3.attempt("change Object Ownership")))
}

/// Sets the bucket's ACL: a canned one, or grants (which replace the ACL).
pub async fn apply_acl(s3: &S3, bucket: &str, acl: Option<CannedAcl>, grants: &[Grant]) -> Result<()> {
    let mut req = s3.client.put_bucket_acl().bucket(bucket);
    if let Some(acl) = acl {
        req = req.acl(match acl {
            CannedAcl::Private => BucketCannedAcl::Private,
            CannedAcl::PublicRead => BucketCannedAcl::PublicRead,
            CannedAcl::PublicReadWrite => BucketCannedAcl::PublicReadWrite,
            CannedAcl::AuthenticatedRead => BucketCannedAcl::AuthenticatedRead,
        });
    }
    for g in grants {
        req = match g.permission {
            GrantPermission::Read => req.grant_read(&g.grantee),
            GrantPermission::Write => req.grant_write(&g.grantee),
            GrantPermission::ReadAcp => req.grant_read_acp(&g.grantee),
            GrantPermission::WriteAcp => req.grant_write_acp(&g.grantee),
            GrantPermission::FullControl => req.grant_full_control(&g.grantee),
        };
    }
    req.send().await.map(drop).map_err(|e| {
        let err = classify(&e, s3.attempt("change the bucket's ACL"));
        if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("AccessControlListNotSupported") {
            Error::new(ErrorCode::InvalidInput, "ACLs are off for this bucket (Object Ownership is \"bucket owner enforced\"): set ownership to bucket-owner-preferred or object-writer first, or grant access with a bucket policy.")
        } else {
            err
        }
    })
}

/// The bucket's ACL as `PERMISSION=grantee` lines, for the audit log and `bucket get`.
pub async fn read_acl(s3: &S3, bucket: &str) -> Result<Vec<String>> {
    let out = s3.client.get_bucket_acl().bucket(bucket).send().await.map_err(|e| classify(&e, s3.attempt("read the bucket's ACL")))?;
    Ok(out
        .grants()
        .iter()
        .filter_map(|g| {
            let who = g.grantee()?;
            let grantee = match (who.uri(), who.id(), who.email_address()) {
                (Some(uri), _, _) => format!("uri={uri}"),
                (_, Some(id), _) => format!("id={id}"),
                (_, _, Some(mail)) => format!("emailAddress={mail}"),
                _ => return None,
            };
            Some(format!("{}={grantee}", g.permission()?.as_str().to_ascii_lowercase().replace('_', "-")))
        })
        .collect())
}
