//! What an upload is about to do, shown before it starts: how many files and bytes, which keys are
//! already in the bucket (and what to do about them), which files can't be read, and which tags the
//! bucket requires. Local paths stay here, in Rust; the UI only sees names and counts.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::plan::UploadItem;
use crate::connect::client::S3;
use crate::error::{KeyFailure, Result};
use crate::objects;
use crate::tags::UploadRules;

/// How many conflicting keys the summary names; the count is always exact.
const CONFLICTS_SHOWN: usize = 200;

/// What to do with a file whose key is already in the bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// Replace the object (on a versioned bucket the old one stays as a noncurrent version).
    #[default]
    Overwrite,
    /// Leave the object alone and don't send the file.
    Skip,
    /// Upload under a new name: `report (1).csv`.
    KeepBoth,
}

/// The upload summary sheet.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadSummary {
    /// Pass to start (or discard) this upload.
    pub plan_id: String,
    pub bucket: String,
    pub prefix: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub files: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    /// Keys that already exist (the first few hundred); `conflict_count` is exact.
    pub conflicts: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub conflict_count: u64,
    /// Files or folders that can't be read; they are left out and reported again at the end.
    pub problems: Vec<KeyFailure>,
    /// Links to files among the problems: sent only if the user asks to follow them.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub file_links: u64,
    /// Tags this bucket requires, and the values used last time.
    pub rules: UploadRules,
    /// Seconds at the rate of this connection's last upload, when there was one.
    pub eta_seconds: Option<f64>,
    /// For "Sync a folder here": what the comparison found.
    pub sync: Option<SyncSummary>,
    /// Set when this storage kept another class than an earlier upload asked for: choosing a
    /// class is refused, and this says why.
    pub classes_ignored: Option<String>,
}

/// What syncing a folder into a prefix would do: the files are the new and changed ones.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncSummary {
    /// The folder's name.
    pub folder: String,
    /// Files the prefix lacks.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub new: u64,
    /// Files whose object differs (size or time): replaced.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub changed: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unchanged: u64,
    /// Objects under the prefix the folder doesn't have (the first few hundred), removed only if
    /// asked; `delete_count` is exact.
    pub delete: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub delete_count: u64,
}

/// A planned upload waiting for the user's go.
#[derive(Debug, Clone)]
pub struct StagedUpload {
    pub connection_id: String,
    pub bucket: String,
    pub items: Vec<UploadItem>,
    pub problems: Vec<KeyFailure>,
    /// Every key the bucket holds under where the upload goes: the conflicts, and the names
    /// "keep both" must avoid.
    pub taken: HashSet<String>,
    pub rules: UploadRules,
    /// Set for a resume or retry: the keys were settled by the first start, so conflicts are not
    /// looked at again.
    pub settled: bool,
    /// The held files it was planned from, kept so it can be planned again (following links)
    /// and let go when it is started or closed.
    pub sources_id: Option<String>,
    /// A sync's: what it found, and the keys the folder no longer has (removed if asked).
    pub sync: Option<(SyncSummary, Vec<String>)>,
}

/// The keys the bucket already holds under where `items` go: one listing per top-level file or
/// folder of the upload, not one request per file.
pub async fn existing_keys(s3: &S3, bucket: &str, prefix: &str, items: &[UploadItem], cancel: &CancellationToken) -> Result<HashSet<String>> {
    let roots: BTreeSet<String> = items
        .iter()
        .map(|i| {
            let rest = i.key.strip_prefix(prefix).unwrap_or(&i.key);
            match rest.find('/') {
                Some(n) => format!("{prefix}{}", &rest[..=n]),
                None => i.key.clone(),
            }
        })
        .collect();
    let mut seen = HashSet::new();
    for root in roots {
        objects::list_all(s3, bucket, &root, true, cancel, |page| seen.extend(page.objects.into_iter().map(|o| o.key))).await?;
    }
    Ok(seen)
}

impl StagedUpload {
    pub fn summary(&self, plan_id: &str, prefix: &str, bytes_per_second: Option<f64>) -> UploadSummary {
        let mut conflicts: Vec<String> = self.items.iter().filter(|i| self.taken.contains(&i.key)).map(|i| i.key.clone()).collect();
        conflicts.sort();
        let conflict_count = conflicts.len() as u64;
        conflicts.truncate(CONFLICTS_SHOWN);
        let bytes: u64 = self.items.iter().map(|i| i.size).sum();
        UploadSummary {
            plan_id: plan_id.to_string(),
            bucket: self.bucket.clone(),
            prefix: prefix.to_string(),
            files: self.items.len() as u64,
            bytes,
            conflicts,
            conflict_count,
            problems: self.problems.clone(),
            file_links: self.problems.iter().filter(|p| p.reason == super::plan::FILE_LINK_NOT_FOLLOWED).count() as u64,
            rules: self.rules.clone(),
            eta_seconds: bytes_per_second.filter(|r| *r > 0.0).map(|r| bytes as f64 / r),
            sync: self.sync.as_ref().map(|(s, _)| s.clone()),
            classes_ignored: None,
        }
    }

    /// The files to send once the user chose what to do with conflicts, and how many were skipped.
    pub fn resolve(&self, choice: ConflictChoice) -> (Vec<UploadItem>, u64) {
        if self.settled {
            return (self.items.clone(), 0);
        }
        let mut names = self.taken.clone();
        names.extend(self.items.iter().map(|i| i.key.clone()));
        let mut out = Vec::with_capacity(self.items.len());
        let mut skipped = 0;
        for item in &self.items {
            if !self.taken.contains(&item.key) {
                out.push(item.clone());
                continue;
            }
            match choice {
                ConflictChoice::Overwrite => out.push(item.clone()),
                ConflictChoice::Skip => skipped += 1,
                ConflictChoice::KeepBoth => {
                    let key = free_name(&item.key, |k| names.contains(k));
                    names.insert(key.clone());
                    out.push(UploadItem { key, ..item.clone() });
                }
            }
        }
        (out, skipped)
    }
}

/// `folder/report.csv` -> `folder/report (1).csv`, or (2), ... whichever is free.
pub fn free_name(key: &str, taken: impl Fn(&str) -> bool) -> String {
    let (dir, name) = match key.rfind('/') {
        Some(i) => key.split_at(i + 1),
        None => ("", key),
    };
    // A leading dot is part of the name (".env"), not an extension.
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    (1..)
        .map(|n| format!("{dir}{stem} ({n}){ext}"))
        .find(|k| !taken(k))
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn item(key: &str) -> UploadItem {
        UploadItem { path: PathBuf::from("/x"), key: key.into(), size: 1 }
    }

    #[test]
    fn free_names_keep_the_extension_and_skip_taken_ones() {
        let taken: HashSet<String> = ["a/report (1).csv".to_string()].into();
        assert_eq!(free_name("a/report.csv", |k| taken.contains(k)), "a/report (2).csv");
        assert_eq!(free_name(".env", |k| taken.contains(k)), ".env (1)");
        assert_eq!(free_name("data.tar.gz", |k| taken.contains(k)), "data.tar (1).gz");
        assert_eq!(free_name("noext", |k| taken.contains(k)), "noext (1)");
    }

    #[test]
    fn conflicts_resolve_by_choice() {
        let staged = StagedUpload {
            connection_id: "c".into(),
            bucket: "b".into(),
            items: vec![item("p/a.txt"), item("p/b.txt")],
            problems: vec![],
            taken: ["p/a.txt".to_string(), "p/a (1).txt".to_string()].into(),
            rules: UploadRules::default(),
            settled: false,
            sources_id: None,
            sync: None,
        };
        let keys = |c| staged.resolve(c).0.into_iter().map(|i| i.key).collect::<Vec<_>>();
        assert_eq!(keys(ConflictChoice::Overwrite), ["p/a.txt", "p/b.txt"]);
        assert_eq!(keys(ConflictChoice::Skip), ["p/b.txt"]);
        assert_eq!(staged.resolve(ConflictChoice::Skip).1, 1);
        assert_eq!(keys(ConflictChoice::KeepBoth), ["p/a (2).txt", "p/b.txt"]);
        let s = staged.summary("id", "p/", Some(1.0));
        assert_eq!((s.files, s.bytes, s.conflict_count, s.eta_seconds), (2, 2, 1, Some(2.0)));
    }
}
