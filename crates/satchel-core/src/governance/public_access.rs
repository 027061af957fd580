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
