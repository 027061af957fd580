//! Buckets: list, create (remembering the new bucket's region), overview, census and delete.

use tokio_util::sync::CancellationToken;

use super::Satchel;
use crate::buckets::{self, BucketSummary, Census, CreateReport, EmptyProgress, EmptyReport, NewBucket};
use crate::connect::connection::Connection;
use crate::error::Result;
use crate::governance::{self, BucketOverview};

impl Satchel {
    pub async fn list_buckets(&self, id_or_name: &str) -> Result<Vec<BucketSummary>> {
        buckets::list_buckets(&self.client(id_or_name).await?).await
    }

    /// Creates a bucket with safe defaults, in the region asked for (the connection's if none).
    pub async fn create_bucket(&self, conn: &Connection, spec: &NewBucket) -> Result<CreateReport> {
        buckets::create::validate_new_bucket(spec)?;
        let region = spec.region.clone().unwrap_or_else(|| conn.signing_region().to_string());
        let s3 = self.client_in_region(conn, &region).await?;
        let report = buckets::create::create_bucket(&s3, spec).await?;
        self.regions.lock().expect("regions lock").insert((conn.id.clone(), spec.name.clone()), report.region.clone());
        Ok(report)
    }

    /// A bucket's region and main settings, each read independently.
    pub async fn bucket_overview(&self, conn: &Connection, bucket: &str) -> Result<BucketOverview> {
        Ok(governance::overview(&self.bucket_client(conn, bucket).await?, bucket).await)
    }

    /// The dry run before deleting: what the bucket holds.
    pub async fn census(&self, conn: &Connection, bucket: &str, cancel: &CancellationToken) -> Result<Census> {
        buckets::empty::census(&self.bucket_client(conn, bucket).await?, bucket, cancel).await
    }

    /// Empties the bucket of what the user confirmed (every version, delete marker and unfinished
    /// upload the census counted) and deletes it; more than that stops it.
    pub async fn delete_bucket(
        &self,
        conn: &Connection,
        bucket: &str,
        confirmed: &Census,
        cancel: &CancellationToken,
        progress: &(dyn Fn(&EmptyProgress) + Send + Sync),
    ) -> Result<EmptyReport> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let report = buckets::empty::empty_and_delete(&s3, bucket, confirmed, cancel, progress).await?;
        if report.bucket_deleted {
            self.regions.lock().expect("regions lock").remove(&(conn.id.clone(), bucket.to_string()));
        }
        Ok(report)
    }
}
