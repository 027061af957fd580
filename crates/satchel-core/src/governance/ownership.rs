//! Object Ownership and ACLs after creation. With "bucket owner enforced" ACLs are off and the
//! bucket owner owns every object; the other two turn ACLs back on. A canned ACL or grants that
//! would make the bucket public need the same confirmation as public access elsewhere.

use aws_sdk_s3::types::{BucketCannedAcl, ObjectCannedAcl, ObjectOwnership, OwnershipControls, OwnershipControlsRule, Permission};

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
    pub fn name(self) -> &'static str {
        match self {
            CannedAcl::Private => "private",
            CannedAcl::PublicRead => "public-read",
            CannedAcl::PublicReadWrite => "public-read-write",
            CannedAcl::AuthenticatedRead => "authenticated-read",
        }
    }

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
        Grant { permission, grantee: grantee.to_string() }.checked()
    }

    /// The grantee checked before any request: a canonical id, an e-mail address or one of S3's
    /// groups.
    pub fn checked(self) -> Result<Grant> {
        let grantee = self.grantee.trim();
        let fine = match grantee.split_once('=') {
            Some(("id", id)) => !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()),
            Some(("emailAddress", mail)) => mail.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
            Some(("uri", uri)) => uri.starts_with("http://acs.amazonaws.com/groups/"),
            _ => false,
        };
        if !fine {
            return Err(Error::invalid(format!(
                "Grantee \"{grantee}\" should be id=<canonical user id>, emailAddress=<address> or uri=<group URI>."
            )));
        }
        Ok(Grant { grantee: grantee.to_string(), ..self })
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

/// Whose ACL: the bucket's, or one object's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclOf<'a> {
    Bucket,
    Object(&'a str),
}

/// An ACL as shown: Object Ownership (which decides whether ACLs count) and each grant in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AclView {
    pub ownership: Ownership,
    /// The three Object Ownership settings with what each means, for choosing.
    pub choices: Vec<OwnershipChoice>,
    /// False when the storage has neither Object Ownership nor ACLs (garage, the sandbox).
    pub available: bool,
    /// False while ACLs are off: the grants are shown, not editable.
    pub enabled: bool,
    pub grants: Vec<GrantLine>,
    /// Why nothing can be edited, when ACLs are off or the store has none.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OwnershipChoice {
    pub ownership: Ownership,
    pub meaning: String,
}

/// One grant and what it allows, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GrantLine {
    pub grant: Grant,
    pub says: String,
    /// To everyone or to any AWS account.
    pub public: bool,
}

const NO_ACLS: &str = "This storage has no ACLs or Object Ownership: who can reach a bucket is decided by its keys and policies.";
const ACLS_OFF: &str = "ACLs are off for this bucket (Object Ownership is \"bucket owner enforced\"): the bucket owner owns every object and only policies grant access. To use ACLs, set ownership to bucket-owner-preferred or object-writer first.";

impl Grant {
    /// `read=id=...`, as the CLI and the audit log write grants.
    pub fn line(&self) -> String {
        let p = match self.permission {
            GrantPermission::Read => "read",
            GrantPermission::Write => "write",
            GrantPermission::ReadAcp => "read-acp",
            GrantPermission::WriteAcp => "write-acp",
            GrantPermission::FullControl => "full-control",
        };
        format!("{p}={}", self.grantee)
    }

    /// "Everyone on the internet can read the object", with the owner's canonical id recognised.
    pub fn sentence(&self, of: AclOf<'_>, owner_id: Option<&str>) -> String {
        let who = match self.grantee.split_once('=') {
            Some(("uri", uri)) if uri.ends_with("/global/AllUsers") => "Everyone on the internet".to_string(),
            Some(("uri", uri)) if uri.ends_with("/global/AuthenticatedUsers") => "Anyone with an AWS account".to_string(),
            Some(("uri", uri)) if uri.ends_with("/s3/LogDelivery") => "S3 log delivery".to_string(),
            Some(("id", id)) if Some(id) == owner_id => "The owner".to_string(),
            Some(("id", id)) => format!("Account {}", short_id(id)),
            Some((_, other)) => other.to_string(),
            None => self.grantee.clone(),
        };
        let what = match (self.permission, of) {
            (GrantPermission::Read, AclOf::Bucket) => "can list the objects",
            (GrantPermission::Read, AclOf::Object(_)) => "can read the object",
            (GrantPermission::Write, AclOf::Bucket) => "can upload, overwrite and delete objects",
            (GrantPermission::Write, AclOf::Object(_)) => "has WRITE, which objects ignore",
            (GrantPermission::ReadAcp, _) => "can read the ACL",
            (GrantPermission::WriteAcp, _) => "can change the ACL",
            (GrantPermission::FullControl, _) => "has full control",
        };
        format!("{who} {what}")
    }
}

/// Canonical ids are 64 hex digits: the start is enough to tell them apart on screen.
fn short_id(id: &str) -> String {
    if id.len() > 16 {
        format!("{}…", &id[..12])
    } else {
        id.to_string()
    }
}

/// The grants of the bucket's or an object's ACL, with the owner's canonical id.
pub async fn read_grants(s3: &S3, bucket: &str, of: AclOf<'_>) -> Result<(Vec<Grant>, Option<String>)> {
    let attempt = s3.attempt(match of {
        AclOf::Bucket => "read the bucket's ACL",
        AclOf::Object(_) => "read the object's ACL",
    });
    let (grants, owner) = match of {
        AclOf::Bucket => {
            let out = s3.client.get_bucket_acl().bucket(bucket).send().await.map_err(|e| classify(&e, attempt))?;
            (out.grants().to_vec(), out.owner().and_then(|o| o.id()).map(str::to_string))
        }
        AclOf::Object(key) => {
            let out = s3.client.get_object_acl().bucket(bucket).key(key).send().await.map_err(|e| classify(&e, attempt))?;
            (out.grants().to_vec(), out.owner().and_then(|o| o.id()).map(str::to_string))
        }
    };
    let grants = grants
        .iter()
        .filter_map(|g| {
            let who = g.grantee()?;
            let grantee = match (who.uri(), who.id(), who.email_address()) {
                (Some(uri), _, _) => format!("uri={uri}"),
                (_, Some(id), _) => format!("id={id}"),
                (_, _, Some(mail)) => format!("emailAddress={mail}"),
                _ => return None,
            };
            let permission = match g.permission()? {
                Permission::Read => GrantPermission::Read,
                Permission::Write => GrantPermission::Write,
                Permission::ReadAcp => GrantPermission::ReadAcp,
                Permission::WriteAcp => GrantPermission::WriteAcp,
                Permission::FullControl => GrantPermission::FullControl,
                _ => return None,
            };
            Some(Grant { permission, grantee })
        })
        .collect();
    Ok((grants, owner))
}

/// The ACL as shown, with whether it can be edited under the bucket's Object Ownership.
pub async fn view(s3: &S3, bucket: &str, of: AclOf<'_>) -> Result<AclView> {
    let ownership = match read(s3, bucket).await {
        Ok(o) => o,
        // Stores without ACLs: said in place, as with ACLs off, rather than as a failure.
        Err(e) if e.code == ErrorCode::Unsupported => {
            return Ok(AclView {
                ownership: Ownership::BucketOwnerEnforced,
                choices: Vec::new(),
                available: false,
                enabled: false,
                grants: Vec::new(),
                note: Some(NO_ACLS.to_string()),
            })
        }
        Err(e) => return Err(e),
    };
    let enabled = ownership != Ownership::BucketOwnerEnforced;
    let (grants, owner) = match read_grants(s3, bucket, of).await {
        Ok(found) => found,
        // With ACLs off some stores refuse to read them at all: that is the explanation, not an error.
        Err(e) if !enabled && e.code != ErrorCode::AccessDenied => (Vec::new(), None),
        Err(e) => return Err(e),
    };
    let grants = grants
        .into_iter()
        .map(|g| GrantLine { says: g.sentence(of, owner.as_deref()), public: g.is_public(), grant: g })
        .collect();
    let choices = [Ownership::BucketOwnerEnforced, Ownership::BucketOwnerPreferred, Ownership::ObjectWriter]
        .into_iter()
        .map(|o| OwnershipChoice { ownership: o, meaning: o.meaning().to_string() })
        .collect();
    Ok(AclView { ownership, choices, available: true, enabled, grants, note: (!enabled).then(|| ACLS_OFF.to_string()) })
}

/// What a canned ACL or grants would make public, for the confirmation; `None` when nothing.
pub fn publishes(of: AclOf<'_>, acl: Option<CannedAcl>, grants: &[Grant]) -> Option<String> {
    let canned = acl.and_then(|a| match (a, of) {
        (CannedAcl::Private, _) => None,
        (_, AclOf::Bucket) => a.exposure().map(str::to_string),
        (CannedAcl::AuthenticatedRead, AclOf::Object(_)) => Some("anyone with any AWS account can read the object".to_string()),
        (_, AclOf::Object(_)) => Some("anyone on the internet can read the object".to_string()),
    });
    canned.or_else(|| grants.iter().any(Grant::is_public).then(|| "a grant gives everyone (or any AWS account) access".to_string()))
}

/// Sets the bucket's or an object's ACL: a canned one, or grants (which replace the ACL).
pub async fn apply_acl(s3: &S3, bucket: &str, of: AclOf<'_>, acl: Option<CannedAcl>, grants: &[Grant]) -> Result<()> {
    match of {
        AclOf::Bucket => {
            let mut req = s3.client.put_bucket_acl().bucket(bucket);
            if let Some(acl) = acl {
                req = req.acl(BucketCannedAcl::from(acl.name()));
            }
            for (permission, list) in grants_by_permission(grants) {
                req = match permission {
                    GrantPermission::Read => req.grant_read(list),
                    GrantPermission::Write => req.grant_write(list),
                    GrantPermission::ReadAcp => req.grant_read_acp(list),
                    GrantPermission::WriteAcp => req.grant_write_acp(list),
                    GrantPermission::FullControl => req.grant_full_control(list),
                };
            }
            req.send().await.map(drop).map_err(|e| refused_acl(&e, s3, of))
        }
        AclOf::Object(key) => {
            if grants.iter().any(|g| g.permission == GrantPermission::Write) {
                return Err(Error::invalid("Objects have no WRITE permission: grant read, read-acp, write-acp or full-control."));
            }
            let mut req = s3.client.put_object_acl().bucket(bucket).key(key);
            if let Some(acl) = acl {
                req = req.acl(ObjectCannedAcl::from(acl.name()));
            }
            for (permission, list) in grants_by_permission(grants) {
                req = match permission {
                    GrantPermission::Read => req.grant_read(list),
                    GrantPermission::Write => req,
                    GrantPermission::ReadAcp => req.grant_read_acp(list),
                    GrantPermission::WriteAcp => req.grant_write_acp(list),
                    GrantPermission::FullControl => req.grant_full_control(list),
                };
            }
            req.send().await.map(drop).map_err(|e| refused_acl(&e, s3, of))
        }
    }
}

fn refused_acl<E>(e: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>, s3: &S3, of: AclOf<'_>) -> Error
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("AccessControlListNotSupported") {
        return Error::new(ErrorCode::InvalidInput, ACLS_OFF);
    }
    classify(e, s3.attempt(match of {
        AclOf::Bucket => "change the bucket's ACL",
        AclOf::Object(_) => "change the object's ACL",
    }))
}

/// S3 takes one header per permission, its grantees separated by commas.
pub fn grants_by_permission(grants: &[Grant]) -> Vec<(GrantPermission, String)> {
    let mut out: Vec<(GrantPermission, String)> = Vec::new();
    for g in grants {
        match out.iter_mut().find(|(p, _)| *p == g.permission) {
            Some((_, list)) => {
                list.push_str(", ");
                list.push_str(&g.grantee);
            }
            None => out.push((g.permission, g.grantee.clone())),
        }
    }
    out
}

/// The bucket's ACL as `PERMISSION=grantee` lines, for the audit log and `bucket get`.
pub async fn read_acl(s3: &S3, bucket: &str) -> Result<Vec<String>> {
    Ok(read_grants(s3, bucket, AclOf::Bucket).await?.0.iter().map(Grant::line).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grantees_of_one_permission_share_its_header() {
        let grants: Vec<Grant> = ["read=id=a", "full-control=id=o", "read=uri=http://acs.amazonaws.com/groups/global/AllUsers"]
            .iter()
            .map(|g| Grant::parse(g).unwrap())
            .collect();
        assert_eq!(
            grants_by_permission(&grants),
            [
                (GrantPermission::Read, "id=a, uri=http://acs.amazonaws.com/groups/global/AllUsers".to_string()),
                (GrantPermission::FullControl, "id=o".to_string()),
            ]
        );
        assert_eq!(grants[2].line(), "read=uri=http://acs.amazonaws.com/groups/global/AllUsers");
    }

    #[test]
    fn grants_read_as_sentences() {
        let g = |s: &str| Grant::parse(s).unwrap();
        let owner = "o".repeat(64);
        assert_eq!(g(&format!("full-control=id={owner}")).sentence(AclOf::Bucket, Some(&owner)), "The owner has full control");
        assert_eq!(g("read=uri=http://acs.amazonaws.com/groups/global/AllUsers").sentence(AclOf::Bucket, None), "Everyone on the internet can list the objects");
        assert_eq!(g("read=uri=http://acs.amazonaws.com/groups/global/AuthenticatedUsers").sentence(AclOf::Object("k"), None), "Anyone with an AWS account can read the object");
        assert_eq!(g(&format!("write-acp=id={}", "a".repeat(64))).sentence(AclOf::Bucket, None), "Account aaaaaaaaaaaa… can change the ACL");
        assert_eq!(g("read=emailAddress=ana@example.com").sentence(AclOf::Bucket, None), "ana@example.com can list the objects");
        assert_eq!(publishes(AclOf::Object("k"), Some(CannedAcl::PublicRead), &[]).as_deref(), Some("anyone on the internet can read the object"));
        assert_eq!(publishes(AclOf::Bucket, Some(CannedAcl::Private), &[g("read=id=x")]), None);
    }
}
