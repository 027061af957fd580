//! Rules and checks the unit tests of every part share.

use super::{check, Expiration, LifecycleRule, LifecycleScope, StorageClassName, Transition};
use crate::error::ErrorCode;
use crate::tags::Tag;

pub(super) fn rule(id: &str) -> LifecycleRule {
    LifecycleRule { id: Some(id.into()), ..LifecycleRule::default() }
}

pub(super) fn expiring(id: &str, days: u32) -> LifecycleRule {
    LifecycleRule { expiration: Some(Expiration { days: Some(days), date: None }), ..rule(id) }
}

pub(super) fn moving(days: u32, class: StorageClassName) -> Transition {
    Transition { days: Some(days), date: None, class }
}

pub(super) fn prefixed(prefix: &str) -> LifecycleScope {
    LifecycleScope { prefix: Some(prefix.into()), ..LifecycleScope::default() }
}

pub(super) fn tag(key: &str, value: &str) -> Tag {
    Tag { key: key.into(), value: value.into() }
}

/// The refusal of `rules`, checked for the rule's name, the fix and "Nothing was changed".
pub(super) fn refusal(rules: &[LifecycleRule], names: &str, fix: &str) -> String {
    let e = check(rules).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    for part in [names, fix, "Nothing was changed."] {
        assert!(e.message.contains(part), "\"{part}\" not in: {}", e.message);
    }
    e.message
}

pub(super) const CLI_DOCUMENT: &str = r#"{
    "Rules": [
        {
            "ID": "logs",
            "Status": "Enabled",
            "Filter": {"Prefix": "logs/"},
            "Transitions": [
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": 90, "StorageClass": "GLACIER"}
            ],
            "Expiration": {"Days": 365},
            "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "GLACIER_IR", "NewerNoncurrentVersions": 2}],
            "NoncurrentVersionExpiration": {"NoncurrentDays": 90, "NewerNoncurrentVersions": 3}
        },
        {
            "ID": "tmp",
            "Status": "Disabled",
            "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "env", "Value": "dev"}], "ObjectSizeGreaterThan": 1000000}},
            "Expiration": {"Date": "2030-01-01T00:00:00Z"}
        },
        {"Prefix": "old/", "Status": "Enabled", "Expiration": {"ExpiredObjectDeleteMarker": true}},
        {"ID": "tagged", "Status": "Enabled", "Filter": {"Tag": {"Key": "archive", "Value": "yes"}}, "Transitions": [{"Days": 0, "StorageClass": "DEEP_ARCHIVE"}]},
        {"ID": "uploads", "Status": "Enabled", "Filter": {}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}
    ]
}"#;
