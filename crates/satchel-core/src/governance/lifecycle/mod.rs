//! Lifecycle rules: what the storage does to a bucket's objects as they age (move them to colder
//! storage classes, delete them, clean up older versions, expired delete markers and unfinished
//! uploads). Read from the bucket or from the JSON file the AWS CLI takes, checked against Amazon
//! S3's rules before any request, and said in plain sentences.
//!
//! Nothing is dropped silently: parts of a rule this model doesn't express are kept in `other`, and
//! a rule that has any is refused rather than sent without them. Some storage drops parts of a rule
//! without an error (garage ignores transitions and tag filters, moto size filters), which could turn
//! "delete the objects tagged tmp" into "delete every object": `apply` reads the rules back and puts
//! the previous ones back when the storage didn't keep what was sent.

mod check;
mod document;
#[cfg(test)]
mod fixtures;
mod store;
mod words;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::tags::Tag;

pub use check::{check, overlaps};
pub use document::{parse_document, to_document};
pub use store::{apply, delete, read};

/// Amazon S3 User Guide, "Lifecycle configuration elements": up to 1,000 rules per bucket.
const MAX_RULES: usize = 1000;
/// API reference, LifecycleRule.ID: "cannot be longer than 255 characters".
const MAX_ID_CHARS: usize = 255;
/// API reference, Transition.Days, and User Guide, "Transitioning objects": objects go to
/// Standard-IA or One Zone-IA at 30 days old at the earliest (30 days noncurrent for older versions).
const IA_MIN_DAYS: u32 = 30;
/// Objects stay in Standard-IA or One Zone-IA at least 30 days before a rule moves them colder
/// (AWS re:Post, "S3 lifecycle rule glacier storage"; S3 answers InvalidArgument "'Days' in
/// Transition action for StorageClass GLACIER must be 30 days more than ... STANDARD_IA").
const IA_STAY_DAYS: u32 = 30;
/// API reference, NoncurrentVersionExpiration/NoncurrentVersionTransition.NewerNoncurrentVersions:
/// "up to 100 noncurrent versions".
const MAX_NEWER_VERSIONS: u32 = 100;
/// The ID of the rule Satchel offers to abort unfinished uploads.
pub const ABORT_RULE_ID: &str = "satchel-abort-incomplete-uploads";
/// Reads of the rules back after a change: Amazon S3 may answer with the previous rules for a
/// moment ("there might be a delay before a new configuration is fully propagated").
const READ_BACK_TRIES: u32 = 4;
const READ_BACK_PAUSE: Duration = Duration::from_millis(750);

/// One lifecycle rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct LifecycleRule {
    /// The storage names a rule without one.
    pub id: Option<String>,
    pub enabled: bool,
    pub scope: LifecycleScope,
    /// Moves of current versions to colder classes, in any order (`check` wants warmer first).
    pub transitions: Vec<Transition>,
    pub noncurrent_transitions: Vec<NoncurrentTransition>,
    /// Deletion of current versions (a delete marker in a versioned bucket).
    pub expiration: Option<Expiration>,
    /// Delete markers with no older version left are removed.
    pub expired_delete_markers: bool,
    pub noncurrent_expiration: Option<NoncurrentExpiration>,
    pub abort_incomplete_after_days: Option<u32>,
    /// Parts read from the storage or a file that this model doesn't express, in the AWS CLI's
    /// shape (`{"Transitions": [{"StorageClass": "NEW_CLASS", ...}]}`); crosses to the UI as JSON text.
    #[serde(with = "document::json_text")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub other: Option<Value>,
}

impl Default for LifecycleRule {
    fn default() -> Self {
        LifecycleRule {
            id: None,
            enabled: true,
            scope: LifecycleScope::default(),
            transitions: Vec::new(),
            noncurrent_transitions: Vec::new(),
            expiration: None,
            expired_delete_markers: false,
            noncurrent_expiration: None,
            abort_incomplete_after_days: None,
            other: None,
        }
    }
}

/// Which objects a rule applies to: all of these conditions at once; none is the whole bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct LifecycleScope {
    pub prefix: Option<String>,
    pub tags: Vec<Tag>,
    /// Bytes; objects strictly larger.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub size_greater_than: Option<u64>,
    /// Bytes; objects strictly smaller.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub size_less_than: Option<u64>,
}

/// A move of current versions to another class, some days after creation or on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Transition {
    pub days: Option<u32>,
    /// ISO 8601 as written (`2030-01-01` or `2030-01-01T00:00:00Z`); S3 takes midnight UTC only.
    pub date: Option<String>,
    pub class: StorageClassName,
}

/// A move of older versions, some days after they stop being current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NoncurrentTransition {
    pub days: u32,
    pub class: StorageClassName,
    /// This many newest older versions stay where they are.
    pub newer_versions: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Expiration {
    pub days: Option<u32>,
    /// As in [`Transition::date`].
    pub date: Option<String>,
}

/// Older versions are deleted some days after they stop being current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NoncurrentExpiration {
    pub days: u32,
    /// This many newest older versions are kept however old.
    pub keep_newest: Option<u32>,
}

/// The classes a rule can move objects to, warmest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum StorageClassName {
    StandardIa,
    IntelligentTiering,
    OnezoneIa,
    GlacierIr,
    Glacier,
    DeepArchive,
}

impl StorageClassName {
    /// Warmest first: the order of AWS's "waterfall" of supported lifecycle transitions.
    pub const ALL: [StorageClassName; 6] = [
        StorageClassName::StandardIa,
        StorageClassName::IntelligentTiering,
        StorageClassName::OnezoneIa,
        StorageClassName::GlacierIr,
        StorageClassName::Glacier,
        StorageClassName::DeepArchive,
    ];
}

/// A rule that aborts every unfinished upload `days` after it started (they cost storage until then).
pub fn abort_incomplete_rule(days: u32) -> LifecycleRule {
    LifecycleRule { id: Some(ABORT_RULE_ID.into()), abort_incomplete_after_days: Some(days), ..LifecycleRule::default() }
}

/// Whether an enabled rule aborts unfinished uploads in the whole bucket.
pub fn has_abort_rule(rules: &[LifecycleRule]) -> bool {
    rules.iter().any(|r| r.enabled && r.scope.is_whole_bucket() && r.abort_incomplete_after_days.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fixtures::*;

    #[test]
    fn the_abort_rule() {
        let abort = abort_incomplete_rule(7);
        assert_eq!(abort.id.as_deref(), Some(ABORT_RULE_ID));
        check(std::slice::from_ref(&abort)).unwrap();
        assert!(has_abort_rule(&[expiring("x", 1), abort.clone()]));
        assert!(!has_abort_rule(&[LifecycleRule { enabled: false, ..abort.clone() }]));
        assert!(!has_abort_rule(&[LifecycleRule { scope: prefixed("a/"), ..abort }]));
    }
}
