//! Block Public Access on a bucket: the four switches, read and applied. Turning any of them off
//! is what can make a bucket public, so callers confirm that with the user before `apply`.

use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use serde::{Deserialize, Serialize};

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, Result};

/// The four switches. All on is what Satchel creates buckets with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub const ALL: PublicAccessBlock = PublicAccessBlock { block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true };
    pub const NONE: PublicAccessBlock = PublicAccessBlock { block_public_acls: false, ignore_public_acls: false, block_public_policy: false, restrict_public_buckets: false };

    pub fn all_on(&self) -> bool {
        *self == Self::ALL
    }

    /// Whether going from `self` to `next` turns any protection off (what needs a confirmation).
    pub fn loosened_by(&self, next: &PublicAccessBlock) -> bool {
        self.switches().iter().zip(next.switches()).any(|((_, was, _), (_, now, _))| *was && !now)
    }

    /// Each switch: its name, whether it is on, and what it stops, in a sentence.
    pub fn switches(&self) -> [(&'static str, bool, &'static str); 4] {
        [
            ("block-public-acls", self.block_public_acls, "Refuses new ACLs that would make the bucket or an object public."),
            ("ignore-public-acls", self.ignore_public_acls, "Ignores public ACLs already on the bucket and its objects."),
            ("block-public-policy", self.block_public_policy, "Refuses a bucket policy that would grant public access."),
            ("restrict-public-buckets", self.restrict_public_buckets, "Limits a bucket with a public policy to its own account and AWS services."),
        ]
    }

    /// `all 4 on`, `none on`, or `2 of 4 on`.
    pub fn summary(&self) -> String {
        match self.switches().iter().filter(|(_, on, _)| *on).count() {
            4 => "all 4 on".into(),
            0 => "none on".into(),
            n => format!("{n} of 4 on"),
        }
    }
}

/// The bucket's switches; a bucket that never had any set has them all off.
pub async fn read(s3: &S3, bucket: &str) -> Result<PublicAccessBlock> {
    match s3.client.get_public_access_block().bucket(bucket).send().await {
        Ok(out) => Ok(out.public_access_block_configuration().map(from_sdk).unwrap_or_default()),
        Err(e) if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("NoSuchPublicAccessBlockConfiguration") => {
            Ok(PublicAccessBlock::NONE)
        }
        Err(e) => Err(classify(&e, s3.attempt("read Block Public Access"))),
    }
}

/// The account's own switches (S3 Control), which apply to every bucket of the account on top of
/// the bucket's: none set reads as all off. `account` is the 12-digit id.
///
/// S3 Control answers GetPublicAccessBlock with the same document as S3's bucket-level call, and
/// is signed the same way, so the S3 client sends it with its address changed just before signing;
/// that spares building a whole second SDK for one read.
pub async fn read_account(s3: &S3, account: &str) -> Result<PublicAccessBlock> {
    let url = control_url(s3, account);
    let account_id = account.to_string();
    let sent = s3
        .client
        .get_public_access_block()
        // Only there to satisfy the bucket-level operation's input; the address is replaced.
        .bucket("account-level")
        .customize()
        .mutate_request(move |req| {
            let _ = req.set_uri(url.as_str());
            req.headers_mut().insert("x-amz-account-id", account_id.clone());
        })
        .send()
        .await;
    match sent {
        Ok(out) => Ok(out.public_access_block_configuration().map(from_sdk).unwrap_or_default()),
        // S3 Control wraps its errors in <ErrorResponse>, which the S3 parser doesn't read: the
        // code is looked for in the body itself.
        Err(e) if e.raw_response().and_then(|r| r.body().bytes()).is_some_and(|b| String::from_utf8_lossy(b).contains("NoSuchPublicAccessBlockConfiguration")) => {
            Ok(PublicAccessBlock::NONE)
        }
        Err(e) => Err(classify(&e, s3.attempt("read the account's Block Public Access"))),
    }
}

/// Sets the account's switches (S3 Control PutPublicAccessBlock). As for the read, the S3 client
/// sends it; the body is S3 Control's own document (its namespace), with its MD5, put in place of
/// the bucket-level one before signing, so the signature covers what is sent.
pub async fn apply_account(s3: &S3, account: &str, block: &PublicAccessBlock) -> Result<()> {
    use md5::Digest;
    let url = control_url(s3, account);
    let account_id = account.to_string();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><PublicAccessBlockConfiguration xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\"><BlockPublicAcls>{}</BlockPublicAcls><IgnorePublicAcls>{}</IgnorePublicAcls><BlockPublicPolicy>{}</BlockPublicPolicy><RestrictPublicBuckets>{}</RestrictPublicBuckets></PublicAccessBlockConfiguration>",
        block.block_public_acls, block.ignore_public_acls, block.block_public_policy, block.restrict_public_buckets
    );
    let md5 = aws_smithy_types::base64::encode(md5::Md5::digest(xml.as_bytes()));
    s3.client
        .put_public_access_block()
        .bucket("account-level")
        .public_access_block_configuration(PublicAccessBlockConfiguration::builder().build())
        .customize()
        .mutate_request(move |req| {
            let _ = req.set_uri(url.as_str());
            let names: Vec<String> = req.headers().iter().map(|(k, _)| k.to_string()).collect();
            for name in names.iter().filter(|n| n.starts_with("x-amz-checksum-") || *n == "x-amz-sdk-checksum-algorithm" || *n == "content-md5") {
                req.headers_mut().remove(name.as_str());
            }
            req.headers_mut().insert("x-amz-account-id", account_id.clone());
            req.headers_mut().insert("content-md5", md5.clone());
            req.headers_mut().insert("content-type", "application/xml");
            req.headers_mut().insert("content-length", xml.len().to_string());
            *req.body_mut() = aws_smithy_types::body::SdkBody::from(xml.clone());
        })
        .send()
        .await
        .map(drop)
        .map_err(|e| classify(&e, s3.attempt("change the account's Block Public Access")))
}

fn control_url(s3: &S3, account: &str) -> String {
    match &s3.endpoint_url {
        Some(base) => format!("{}/v20180820/configuration/publicAccessBlock", base.trim_end_matches('/')),
        None => format!("https://{account}.s3-control.{}.amazonaws.com/v20180820/configuration/publicAccessBlock", s3.region),
    }
}

impl PublicAccessBlock {
    /// What applies to a bucket: a switch on for the account is on for every bucket.
    pub fn with_account(self, account: &PublicAccessBlock) -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: self.block_public_acls || account.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || account.ignore_public_acls,
            block_public_policy: self.block_public_policy || account.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || account.restrict_public_buckets,
        }
    }
}

/// Sets the four switches as given.
pub async fn apply(s3: &S3, bucket: &str, block: &PublicAccessBlock) -> Result<()> {
    let config = PublicAccessBlockConfiguration::builder()
        .block_public_acls(block.block_public_acls)
        .ignore_public_acls(block.ignore_public_acls)
        .block_public_policy(block.block_public_policy)
        .restrict_public_buckets(block.restrict_public_buckets)
        .build();
    s3.client
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(config)
        .send()
        .await
        .map(drop)
        .map_err(|e| classify(&e, s3.attempt("change Block Public Access")))
}

fn from_sdk(c: &PublicAccessBlockConfiguration) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: c.block_public_acls() == Some(true),
        ignore_public_acls: c.ignore_public_acls() == Some(true),
        block_public_policy: c.block_public_policy() == Some(true),
        restrict_public_buckets: c.restrict_public_buckets() == Some(true),
    }
}

/// Parses `on`/`off` for one switch's flag.
pub fn parse_switch(name: &str, value: &str) -> Result<bool> {
    match value {
        "on" | "true" => Ok(true),
        "off" | "false" => Ok(false),
        other => Err(Error::invalid(format!("--{name} takes on or off, not \"{other}\"."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turning_any_switch_off_is_a_loosening_and_turning_one_on_is_not() {
        let mut some = PublicAccessBlock::ALL;
        some.block_public_policy = false;
        assert!(PublicAccessBlock::ALL.loosened_by(&some));
        assert!(!some.loosened_by(&PublicAccessBlock::ALL));
        assert!(!PublicAccessBlock::ALL.loosened_by(&PublicAccessBlock::ALL));
        assert_eq!(some.summary(), "3 of 4 on");
        assert_eq!(PublicAccessBlock::NONE.summary(), "none on");
    }
}
