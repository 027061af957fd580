//! Is it public? A bucket's exposure, worked out from what can make it public: its Block Public
//! Access switches, the storage's verdict on its policy (GetBucketPolicyStatus) and ACL grants to
//! everyone or to any AWS account. Each is read on its own; what can't be read makes the answer
//! Unknown rather than a guess of Private.

use aws_sdk_s3::types::{Permission, Type};
use serde::Serialize;

use super::public_access::{self, PublicAccessBlock};
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::ErrorCode;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Exposure {
    Private,
    /// Public through its policy and its ACL both.
    Public,
    PublicThroughAcl,
    PublicThroughPolicy,
    /// Not allowed (or not able) to read what would tell.
    Unknown,
}

/// The verdict and, in a sentence, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExposureReport {
    pub exposure: Exposure,
    pub why: String,
    /// The switches, when they could be read.
    pub block: Option<PublicAccessBlock>,
    /// The account's switches (Amazon S3), which apply on top of the bucket's, when known.
    pub account: Option<AccountBlock>,
}

/// The account-level Block Public Access of the bucket owner's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountBlock {
    pub account: String,
    pub block: PublicAccessBlock,
    /// Set when the account's switches turn on some the bucket has off: what that means.
    pub overrides: Option<String>,
}

impl AccountBlock {
    pub fn new(account: &str, block: PublicAccessBlock, bucket: Option<&PublicAccessBlock>) -> AccountBlock {
        let overrides = bucket.filter(|b| b.with_account(&block) != **b).map(|_| {
            if block.all_on() {
                format!("Block Public Access is on for the whole account {account}: it overrides this bucket's switches, so nothing in it can be public.")
            } else {
                format!("Account {account} turns on {} of Block Public Access for every bucket, whatever this bucket's switches say.", block.summary())
            }
        });
        AccountBlock { account: account.to_string(), block, overrides }
    }
}

/// What one source says.
enum Says {
    Public(String),
    NotPublic,
    /// The store has no such thing (a policy status on a store without policies): no exposure by it.
    Absent,
    Unknown(String),
}

/// `account`: the owner's account id and its switches, when they could be read (Amazon S3).
pub async fn exposure(s3: &S3, bucket: &str, account: Option<(&str, PublicAccessBlock)>) -> ExposureReport {
    let (block, policy, acl) = tokio::join!(public_access::read(s3, bucket), policy_says(s3, bucket), acl_says(s3, bucket));
    let no_policies = matches!(policy, Says::Absent);
    let (bucket_block, block_unknown) = match block {
        Ok(b) => (Some(b), None),
        Err(e) if e.code == ErrorCode::Unsupported => (None, None),
        Err(e) => (None, Some(e.message)),
    };
    let account = account.map(|(id, b)| AccountBlock::new(id, b, bucket_block.as_ref()));
    // What applies: the bucket's switches with the account's on top.
    let block = match (bucket_block, &account) {
        (Some(b), Some(a)) => Some(b.with_account(&a.block)),
        (b, _) => b,
    };
    // Switches that neutralise a source: ignored ACLs grant nothing; a restricted bucket's public
    // policy reaches only its own account.
    let acl = match (acl, block) {
        (Says::Public(_), Some(b)) if b.ignore_public_acls => Says::NotPublic,
        (acl, _) => acl,
    };
    let policy = match (policy, block) {
        (Says::Public(_), Some(b)) if b.restrict_public_buckets => Says::NotPublic,
        (policy, _) => policy,
    };
    let (exposure, why) = match (&policy, &acl) {
        (Says::Public(p), Says::Public(a)) => (Exposure::Public, format!("{p} {a}")),
        (Says::Public(p), _) => (Exposure::PublicThroughPolicy, p.clone()),
        (_, Says::Public(a)) => (Exposure::PublicThroughAcl, a.clone()),
        (Says::Unknown(why), _) | (_, Says::Unknown(why)) => (Exposure::Unknown, why.clone()),
        _ => match (block, block_unknown) {
            (Some(b), _) if b.all_on() && bucket_block.is_some_and(|own| !own.all_on()) => (
                Exposure::Private,
                "The account's Block Public Access is on (over the bucket's own), and no policy or ACL grants public access.".to_string(),
            ),
            (Some(b), _) if b.all_on() => (Exposure::Private, "Block Public Access is on, and no policy or ACL grants public access.".to_string()),
            (_, Some(why)) => (Exposure::Unknown, why),
            (None, None) if no_policies => (Exposure::Private, "No ACL grants public access, and this storage has no bucket policies.".to_string()),
            (None, None) => (Exposure::Private, "No policy or ACL grants public access (this storage has no Block Public Access).".to_string()),
            _ => (Exposure::Private, "No policy or ACL grants public access (Block Public Access is not fully on, so one could).".to_string()),
        },
    };
    ExposureReport { exposure, why, block: bucket_block, account }
}

async fn policy_says(s3: &S3, bucket: &str) -> Says {
    match s3.client.get_bucket_policy_status().bucket(bucket).send().await {
        Ok(out) if out.policy_status().and_then(|s| s.is_public()) == Some(true) => Says::Public("Its bucket policy lets anyone read or write.".into()),
        Ok(_) => Says::NotPublic,
        Err(e) if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("NoSuchBucketPolicy") => Says::NotPublic,
        Err(e) => match classify(&e, s3.attempt("read the bucket policy status")) {
            err if err.code == ErrorCode::Unsupported => Says::Absent,
            err if err.code == ErrorCode::AccessDenied => Says::Unknown("Not allowed to read whether the bucket policy is public.".into()),
            err => Says::Unknown(err.message),
        },
    }
}

async fn acl_says(s3: &S3, bucket: &str) -> Says {
    match s3.client.get_bucket_acl().bucket(bucket).send().await {
        Ok(out) => {
            let public: Vec<String> = out
                .grants()
                .iter()
                .filter_map(|g| {
                    let grantee = g.grantee()?;
                    let uri = (grantee.r#type() == &Type::Group).then(|| grantee.uri()).flatten()?;
                    let who = match uri {
                        ALL_USERS => "anyone",
                        AUTHENTICATED_USERS => "any AWS account",
                        _ => return None,
                    };
                    let can = match g.permission()? {
                        Permission::Read => "list",
                        Permission::Write => "write to",
                        Permission::ReadAcp => "read the ACL of",
                        Permission::WriteAcp => "change the ACL of",
                        Permission::FullControl => "do anything to",
                        _ => "use",
                    };
                    Some(format!("{who} can {can}"))
                })
                .collect();
            if public.is_empty() {
                Says::NotPublic
            } else {
                Says::Public(format!("Its ACL says {} the bucket.", public.join(", ")))
            }
        }
        Err(e) => match classify(&e, s3.attempt("read the bucket ACL")) {
            err if err.code == ErrorCode::Unsupported => Says::Absent,
            err if err.code == ErrorCode::AccessDenied => Says::Unknown("Not allowed to read the bucket's ACL.".into()),
            err => Says::Unknown(err.message),
        },
    }
}
