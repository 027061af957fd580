//! Dragging objects out of the window to the desktop or a file manager. A drop target asks for
//! files that exist (GTK hands over `file://` URIs when the drop lands, Windows and macOS file
//! drags are the same), so the selection is first downloaded into a private folder, through the
//! same plan and verification as any download, and the shell then starts the native drag with
//! those paths. Only what fits a drag is copied this way: above the limits the user is sent to
//! Download…, which asks where the files should go instead of filling a hidden folder.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use tokio_util::sync::CancellationToken;

use super::{new_id, Satchel};
use crate::connect::Connection;
use crate::error::{Error, ErrorCode, Result};
use crate::format;
use crate::transfer::download::{plan_download, run_plan, Destination, IfExists};
use crate::transfer::TransferProgress;

/// The most one drag copies out: a drag is a gesture, and the copy happens while the button is
/// held (or before a second try). Larger selections go through Download….
#[derive(Debug, Clone, Copy)]
pub struct DragLimits {
    pub bytes: u64,
    pub files: u64,
}

impl DragLimits {
    pub const DEFAULT: DragLimits = DragLimits { bytes: 1 << 30, files: 2_000 };
}

/// A staged selection is used again for this long: the first drag of a large selection may end
/// before its copy does, and the user drags again.
const REUSE_FOR: Duration = Duration::from_secs(120);

/// Staged folders older than this are removed when the next drag starts (a drop target may still
/// be reading the last one's files for a while).
const KEEP_FOR: Duration = Duration::from_secs(3600);

/// A selection copied out for a drag. The paths stay in Rust; the window hears counts.
#[derive(Debug, Clone)]
pub struct DragStage {
    pub files: u64,
    pub bytes: u64,
    /// What the drag carries: the selected files and folders at the top of the staged folder.
    pub paths: Vec<PathBuf>,
}

/// The last staging, found again by what was selected.
pub(crate) struct Staged {
    selection: String,
    at: Instant,
    stage: DragStage,
}

impl Satchel {
    /// Where selections are copied out for drags: under Satchel's own data folder, private to the
    /// user like the rest of it.
    pub fn drag_out_dir(&self) -> PathBuf {
        self.paths.data_dir.join("drag-out")
    }

    /// Whether every path is one of our own staged files: the window must not take its own drag,
    /// let go over itself, as a drop of files to upload.
    pub fn is_drag_out(&self, paths: &[PathBuf]) -> bool {
        let root = self.drag_out_dir();
        !paths.is_empty() && paths.iter().all(|p| p.starts_with(&root))
    }

    /// Copies `selection` (keys and folder prefixes of one bucket) into a fresh private folder for
    /// a drag, or hands back the same selection staged a moment ago. Refused before anything is
    /// fetched when it is larger than a drag takes; on any failure the folder is removed, so a
    /// drop never receives a partial file.
    pub async fn stage_drag(
        &self,
        conn: &Connection,
        bucket: &str,
        selection: &[String],
        limits: DragLimits,
        cancel: &CancellationToken,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<DragStage> {
        let wanted = fingerprint(&conn.id, bucket, selection);
        if let Some(stage) = self.staged_again(&wanted) {
            return Ok(stage);
        }
        let root = self.drag_out_dir();
        sweep(&root, KEEP_FOR);
        let dir = root.join(new_id());
        let staged = self.stage_into(conn, bucket, selection, limits, &dir, cancel, progress).await;
        if staged.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        let stage = staged?;
        *self.dragged.lock().expect("drag lock") = Some(Staged { selection: wanted, at: Instant::now(), stage: stage.clone() });
        Ok(stage)
    }

    fn staged_again(&self, wanted: &str) -> Option<DragStage> {
        let last = self.dragged.lock().expect("drag lock");
        let staged = last.as_ref()?;
        let fresh = staged.selection == wanted && staged.at.elapsed() < REUSE_FOR;
        // A drop target that moved the files away leaves nothing to drag again.
        (fresh && staged.stage.paths.iter().all(|p| p.exists())).then(|| staged.stage.clone())
    }

    async fn stage_into(
        &self,
        conn: &Connection,
        bucket: &str,
        selection: &[String],
        limits: DragLimits,
        dir: &Path,
        cancel: &CancellationToken,
        progress: &(dyn Fn(&TransferProgress) + Send + Sync),
    ) -> Result<DragStage> {
        let s3 = self.transfer_client(conn, bucket).await?;
        let plan = plan_download(&s3, bucket, selection, Destination::at(dir)?, cancel).await?;
        let (files, bytes) = (plan.files(), plan.bytes());
        if bytes > limits.bytes || files > limits.files {
            return Err(Error::new(
                ErrorCode::LimitReached,
                format!(
                    "That's {} in {} files: dragging out copies up to {} ({} files) at a time. Use Download… to choose a folder for it.",
                    format::bytes(bytes),
                    format::count(files),
                    format::bytes(limits.bytes),
                    format::count(limits.files),
                ),
            ));
        }
        if files == 0 {
            let why = match plan.refused.first() {
                Some(r) => format!("{} {}", r.key, r.reason),
                None => "the selected folders are empty.".into(),
            };
            return Err(Error::invalid(format!("Nothing to drag: {why}")));
        }
        let (report, _) = run_plan(&s3, bucket, plan, IfExists::Overwrite, cancel, progress).await?;
        if report.cancelled {
            return Err(Error::cancelled());
        }
        if let Some(failed) = report.failed.first() {
            return Err(Error::new(ErrorCode::Storage, format!("Couldn't copy {} out for the drag: {}", failed.key, failed.reason)));
        }
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::internal(format!("reading the drag folder: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        Ok(DragStage { files: report.files, bytes: report.bytes, paths })
    }
}

fn fingerprint(connection: &str, bucket: &str, selection: &[String]) -> String {
    let mut keys = selection.to_vec();
    keys.sort();
    format!("{connection}\n{bucket}\n{}", keys.join("\n"))
}

/// Removes staged folders older than `keep`. Best effort: one that can't be removed now is tried
/// again next time.
fn sweep(root: &Path, keep: Duration) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .map(|t| now.duration_since(t).unwrap_or_default() > keep)
            .unwrap_or(false);
        if old {
            if let Err(e) = std::fs::remove_dir_all(entry.path()) {
                tracing::debug!(error = %e, "couldn't remove an old drag folder");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_keys_in_another_order_are_the_same_selection() {
        let a = fingerprint("c", "b", &["x".into(), "y/".into()]);
        assert_eq!(a, fingerprint("c", "b", &["y/".into(), "x".into()]));
        assert_ne!(a, fingerprint("c", "other", &["x".into(), "y/".into()]));
        assert_ne!(a, fingerprint("c", "b", &["x".into()]));
    }

    #[test]
    fn a_sweep_removes_only_what_is_old() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("new/inner")).unwrap();
        std::fs::write(root.path().join("new/inner/f"), b"x").unwrap();
        sweep(root.path(), Duration::from_secs(3600));
        assert!(root.path().join("new/inner/f").exists());
        sweep(root.path(), Duration::ZERO);
        std::thread::sleep(Duration::from_millis(5));
        sweep(root.path(), Duration::ZERO);
        assert!(!root.path().join("new").exists());
        // A missing root is nothing to do.
        sweep(&root.path().join("absent"), Duration::ZERO);
    }
}
