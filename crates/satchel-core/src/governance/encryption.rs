//! Default encryption: what the storage does to objects sent without an encryption of their own.
//! SSE-S3 or SSE-KMS (a key of the user's, or the AWS-managed one), with the bucket key that cuts
//! KMS requests; DSSE-KMS is shown when a bucket has it but not offered (it is a compliance choice
//! made elsewhere, and costs more).

use aws_sdk_s3::types::{ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule};
use serde::{Deserialize, Serialize};

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, Result};

/// A bucket's default encryption as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BucketEncryption {
    /// No default: objects are stored as sent (Amazon S3 itself now applies SSE-S3 anyway).
    None,
    SseS3,
    /// `key_id` `None`: the AWS-managed key (aws/s3).
    SseKms { key_id: Option<String>, bucket_key: bool },
    DsseKms { key_id: Option<String> },
    /// An algorithm this version of Satchel doesn't know, as the storage named it.
    Other { algorithm: String },
}

impl BucketEncryption {
    /// For people: "SSE-KMS with key alias/data, bucket key on".
    pub fn describe(&self) -> String {
        match self {
            BucketEncryption::None => "No default encryption".into(),
            BucketEncryption::SseS3 => "SSE-S3: encrypted with keys the storage manages".into(),
            BucketEncryption::SseKms { key_id, bucket_key } => format!(
                "SSE-KMS with {}, bucket key {}",
                key_id.as_deref().map(|k| format!("key {k}")).unwrap_or_else(|| "the AWS-managed key (aws/s3)".into()),
                if *bucket_key { "on (fewer KMS requests)" } else { "off" }
            ),
            BucketEncryption::DsseKms { key_id } => {
                format!("DSSE-KMS (two layers) with {}", key_id.as_deref().map(|k| format!("key {k}")).unwrap_or_else(|| "the AWS-managed key".into()))
            }
            BucketEncryption::Other { algorithm } => format!("{algorithm} (not known to Satchel)"),
        }
    }
}

/// What can be chosen as the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EncryptionChoice {
    SseS3,
    /// `key_id` `None` (or empty): the AWS-managed key.
    SseKms { key_id: Option<String>, bucket_key: bool },
}

impl EncryptionChoice {
    /// The key as it will be sent: trimmed, `None` when empty.
    fn key(&self) -> Option<&str> {
        match self {
            EncryptionChoice::SseKms { key_id: Some(k), .. } if !k.trim().is_empty() => Some(k.trim()),
            _ => None,
        }
    }

    /// As it will read back.
    pub fn as_read(&self) -> BucketEncryption {
        match self {
            EncryptionChoice::SseS3 => BucketEncryption::SseS3,
            EncryptionChoice::SseKms { bucket_key, .. } => BucketEncryption::SseKms { key_id: self.key().map(str::to_string), bucket_key: *bucket_key },
        }
    }
}

/// `sse-s3`, `sse-kms` or `sse-kms:KEY` (id, ARN or alias/NAME): the CLI's words.
pub fn parse(value: &str, bucket_key: bool) -> Result<EncryptionChoice> {
    let choice = match value {
        "sse-s3" if bucket_key => return Err(Error::invalid("--bucket-key goes with sse-kms: SSE-S3 makes no KMS requests to save.")),
        "sse-s3" => EncryptionChoice::SseS3,
        "sse-kms" => EncryptionChoice::SseKms { key_id: None, bucket_key },
        v if v.starts_with("sse-kms:") => EncryptionChoice::SseKms { key_id: Some(v["sse-kms:".len()..].to_string()), bucket_key },
        other => return Err(Error::invalid(format!("Encryption is sse-s3, sse-kms or sse-kms:KEY, not \"{other}\"."))),
    };
    check(&choice)?;
    Ok(choice)
}

/// A KMS key named as S3 takes one: a key id, a key ARN, an alias (alias/NAME) or an alias ARN.
/// Anything else would be refused by the storage after the round trip, or worse, taken as a new
/// alias nobody made.
pub fn check(choice: &EncryptionChoice) -> Result<()> {
    let Some(key) = choice.key() else { return Ok(()) };
    let ok = if let Some(rest) = key.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        parts.len() == 5 && parts[1] == "kms" && (parts[4].starts_with("key/") || parts[4].starts_with("alias/"))
    } else if let Some(name) = key.strip_prefix("alias/") {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c)) && !name.starts_with("aws/")
    } else {
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !ok || key.contains(char::is_whitespace) {
        return Err(Error::invalid(format!(
            "\"{key}\" isn't a KMS key S3 can use: give a key id, a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) or an alias (alias/NAME; aliases starting aws/ are AWS's own). Nothing was changed."
        )));
    }
    Ok(())
}

pub async fn read(s3: &S3, bucket: &str) -> Result<BucketEncryption> {
    let out = match s3.client.get_bucket_encryption().bucket(bucket).send().await {
        Ok(out) => out,
        Err(e) => {
            if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("ServerSideEncryptionConfigurationNotFoundError") {
                return Ok(BucketEncryption::None);
            }
            return Err(unsupported_or(classify(&e, s3.attempt("read default encryption"))));
        }
    };
    let Some(rule) = out.server_side_encryption_configuration().and_then(|c| c.rules().first()) else { return Ok(BucketEncryption::None) };
    let bucket_key = rule.bucket_key_enabled() == Some(true);
    let Some(by_default) = rule.apply_server_side_encryption_by_default() else { return Ok(BucketEncryption::None) };
    let key_id = by_default.kms_master_key_id().map(str::to_string);
    Ok(match by_default.sse_algorithm() {
        ServerSideEncryption::Aes256 => BucketEncryption::SseS3,
        ServerSideEncryption::AwsKms => BucketEncryption::SseKms { key_id, bucket_key },
        ServerSideEncryption::AwsKmsDsse => BucketEncryption::DsseKms { key_id },
        other => BucketEncryption::Other { algorithm: other.as_str().to_string() },
    })
}

/// Sets the default; `check` first, so a malformed key sends nothing.
pub async fn apply(s3: &S3, bucket: &str, choice: &EncryptionChoice) -> Result<()> {
    check(choice)?;
    let by_default = match choice {
        EncryptionChoice::SseS3 => ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::Aes256),
        EncryptionChoice::SseKms { .. } => {
            ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::AwsKms).set_kms_master_key_id(choice.key().map(str::to_string))
        }
    }
    .build()
    .map_err(|e| Error::internal(e.to_string()))?;
    let mut rule = ServerSideEncryptionRule::builder().apply_server_side_encryption_by_default(by_default);
    if let EncryptionChoice::SseKms { bucket_key, .. } = choice {
        rule = rule.bucket_key_enabled(*bucket_key);
    }
    let conf = ServerSideEncryptionConfiguration::builder().rules(rule.build()).build().map_err(|e| Error::internal(e.to_string()))?;
    s3.client
        .put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(conf)
        .send()
        .await
        .map(drop)
        .map_err(|e| unsupported_or(classify(&e, s3.attempt("set default encryption"))))
}

fn unsupported_or(e: Error) -> Error {
    e.when_unsupported("This storage doesn't support default encryption settings.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_words() {
        assert_eq!(parse("sse-s3", false).unwrap(), EncryptionChoice::SseS3);
        assert_eq!(parse("sse-kms", true).unwrap(), EncryptionChoice::SseKms { key_id: None, bucket_key: true });
        assert_eq!(parse("sse-kms:alias/data", false).unwrap().as_read(), BucketEncryption::SseKms { key_id: Some("alias/data".into()), bucket_key: false });
        assert!(parse("sse-s3", true).unwrap_err().message.contains("--bucket-key goes with sse-kms"));
        assert!(parse("aes", false).unwrap_err().message.contains("sse-s3, sse-kms or sse-kms:KEY"));
    }

    #[test]
    fn kms_keys_are_checked_before_sending() {
        for good in [
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws-cn:kms:cn-north-1:111122223333:alias/data",
            "alias/data-lake",
        ] {
            assert!(parse(&format!("sse-kms:{good}"), false).is_ok(), "{good}");
        }
        for bad in ["alias/", "alias/aws/s3", "arn:aws:s3:::bucket", "my key", "arn:aws:kms:us-east-1:1:secret/x"] {
            let e = parse(&format!("sse-kms:{bad}"), false).unwrap_err();
            assert!(e.message.contains("isn't a KMS key S3 can use"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn descriptions() {
        assert_eq!(BucketEncryption::SseKms { key_id: None, bucket_key: true }.describe(), "SSE-KMS with the AWS-managed key (aws/s3), bucket key on (fewer KMS requests)");
    }
}
