//! Listing buckets.

use serde::Serialize;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::Result;

/// A bucket as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BucketSummary {
    pub name: String,
    /// RFC 3339, when the storage says.
    pub created: Option<String>,
    /// Only some stores say a bucket's region in the listing.
    pub region: Option<String>,
}

/// Every bucket the credentials can see, sorted by name. Follows continuation tokens where the
/// storage pages its answer; stores that don't page answer everything at once.
pub async fn list_buckets(s3: &S3) -> Result<Vec<BucketSummary>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = s3
            .client
            .list_buckets()
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| classify(&e, s3.attempt("list buckets")))?;
        out.extend(page.buckets().iter().map(|b| BucketSummary {
            name: b.name().unwrap_or_default().to_string(),
            created: b
                .creation_date()
                .and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
            region: b.bucket_region().map(str::to_string),
        }));
        match page.continuation_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The region a bucket lives in, as the storage says (HeadBucket's `x-amz-bucket-region`, which S3
/// sends even on the redirect it answers when asked in the wrong region). `None` when it doesn't say.
pub async fn bucket_region(s3: &S3, bucket: &str) -> Result<Option<String>> {
    match s3.client.head_bucket().bucket(bucket).send().await {
        Ok(out) => Ok(out.bucket_region().map(str::to_string)),
        Err(e) => {
            let header = e
                .raw_response()
                .and_then(|r| r.headers().get("x-amz-bucket-region"))
                .map(str::to_string);
            match header {
                Some(region) => Ok(Some(region)),
                None => Err(classify(&e, s3.attempt(&format!("open bucket \"{bucket}\"")))),
            }
        }
    }
}
