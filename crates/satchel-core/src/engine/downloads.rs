//! Downloads from the app go in two steps, like uploads: the selection is planned into the folder
//! the user picked (keys listed, refused ones named, names already taken found), and when some are
//! taken the user chooses overwrite, skip or keep both once for the batch; then the plan runs.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::{new_id, Satchel};
use crate::connect::client::S3;
use crate::connect::Connection;
use crate::error::{Error, KeyFailure, Result};
use crate::control::Control;
use crate::transfer::download::{plan_download, run_plan, Destination, DownloadPlan, DownloadReport, IfExists};
use crate::transfer::TransferProgress;

/// Names of taken paths sent to the window; the count says how many there are in all.
const CONFLICTS_SHOWN: usize = 20;

/// What a planned download would do, for the question about files already there.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DownloadSummary {
    pub plan_id: String,
    /// The chosen folder's name, for "3 files are already in Downloads".
    pub folder: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    /// Local paths (relative to the folder) already taken, the first few.
    pub conflicts: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub conflict_count: u64,
    pub refused: Vec<KeyFailure>,
}

/// A plan waiting for the user's choice, with the client it was planned through.
pub(crate) struct HeldDownload {
    s3: S3,
    bucket: String,
    plan: DownloadPlan,
}

impl Satchel {
    /// Plans a download of `selection` into `dest` and holds it until started or discarded. Large
    /// files are journalled range by range: a pause, or a quit or crash, leaves them to go on from.
    pub async fn plan_download(&self, conn: &Connection, bucket: &str, selection: &[String], dest: &Path, cancel: &CancellationToken) -> Result<DownloadSummary> {
        let s3 = self.transfer_client(conn, bucket).await?;
        let plan = plan_download(&s3, bucket, selection, Destination::at(dest)?, cancel).await?.resumable(self.resume_for(conn));
        let conflicts = plan.conflicts();
        let summary = DownloadSummary {
            plan_id: new_id(),
            folder: dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| dest.display().to_string()),
            files: plan.files(),
            bytes: plan.bytes(),
            conflict_count: conflicts.len() as u64,
            conflicts: conflicts.into_iter().take(CONFLICTS_SHOWN).collect(),
            refused: plan.refused.clone(),
        };
        let held = HeldDownload { s3, bucket: bucket.to_string(), plan };
        self.downloads.lock().expect("downloads lock").insert(summary.plan_id.clone(), held);
        Ok(summary)
    }

    /// Runs a held plan; `if_exists` is the user's one choice for every name already taken. A
    /// pause stops it (large files in flight keep their ranges, small ones start over on resume); a
    /// cancel removes what is unfinished. What did not finish, paused or failed, is held again as
    /// `next_plan` with the same paths.
    pub async fn start_download(
        &self,
        plan_id: &str,
        if_exists: IfExists,
        control: &Arc<Control>,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<DownloadReport> {
        let held = self
            .downloads
            .lock()
            .expect("downloads lock")
            .remove(plan_id)
            .ok_or_else(|| Error::not_found("That download is no longer waiting; start it again."))?;
        let (mut report, left) = run_plan(&held.s3, &held.bucket, held.plan, if_exists, control.token(), progress).await?;
        report.paused = control.is_paused();
        report.cancelled = report.cancelled && !report.paused;
        if report.cancelled {
            left.discard_partials(&held.bucket);
        }
        if left.files() > 0 && !report.cancelled {
            let id = new_id();
            let next = HeldDownload { s3: held.s3, bucket: held.bucket, plan: left };
            self.downloads.lock().expect("downloads lock").insert(id.clone(), next);
            report.next_plan = Some(id);
        }
        Ok(report)
    }

    /// Forgets a plan the user closed without starting, or a paused one given up: what its large
    /// files had written so far is removed too.
    pub fn discard_download(&self, plan_id: &str) {
        let held = self.downloads.lock().expect("downloads lock").remove(plan_id);
        if let Some(held) = held {
            held.plan.discard_partials(&held.bucket);
        }
    }

    /// Downloads one version of `key` to exactly the file `to` (the app's Save as…), through a
    /// temporary file beside it, renamed over it only when complete.
    pub async fn download_version(
        &self,
        conn: &Connection,
        bucket: &str,
        key: &str,
        version: &str,
        to: &Path,
        cancel: &CancellationToken,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<DownloadReport> {
        let s3 = self.transfer_client(conn, bucket).await?;
        let report = crate::transfer::download_version(&s3, bucket, key, Some(version), to, None, cancel, progress).await?;
        if let Some(failed) = report.failed.first() {
            return Err(Error::new(crate::error::ErrorCode::Storage, failed.reason.clone()));
        }
        Ok(report)
    }
}
