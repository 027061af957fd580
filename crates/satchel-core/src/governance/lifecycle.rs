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

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types as sdk;
use aws_sdk_s3::types::{ExpirationStatus, TransitionDefaultMinimumObjectSize, TransitionStorageClass};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};
use crate::tags::{validate_tags, Tag, TagTarget};

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
    #[serde(with = "json_text")]
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

    /// The name S3 uses (`GLACIER_IR`).
    pub fn s3_name(self) -> &'static str {
        match self {
            StorageClassName::StandardIa => "STANDARD_IA",
            StorageClassName::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClassName::OnezoneIa => "ONEZONE_IA",
            StorageClassName::GlacierIr => "GLACIER_IR",
            StorageClassName::Glacier => "GLACIER",
            StorageClassName::DeepArchive => "DEEP_ARCHIVE",
        }
    }

    pub fn from_s3_name(name: &str) -> Option<StorageClassName> {
        Self::ALL.into_iter().find(|c| c.s3_name() == name)
    }

    /// The name people know it by ("Glacier Flexible Retrieval").
    pub fn human(self) -> &'static str {
        match self {
            StorageClassName::StandardIa => "Standard-IA",
            StorageClassName::IntelligentTiering => "Intelligent-Tiering",
            StorageClassName::OnezoneIa => "One Zone-IA",
            StorageClassName::GlacierIr => "Glacier Instant Retrieval",
            StorageClassName::Glacier => "Glacier Flexible Retrieval",
            StorageClassName::DeepArchive => "Glacier Deep Archive",
        }
    }

    fn warmth_rank(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// Whether a rule can move objects from `self` on to `next`. User Guide, "Supported lifecycle
    /// transitions": only to colder classes, and One Zone-IA not to Glacier Instant Retrieval.
    pub fn can_move_to(self, next: StorageClassName) -> bool {
        next.warmth_rank() > self.warmth_rank() && !(self == StorageClassName::OnezoneIa && next == StorageClassName::GlacierIr)
    }

    fn infrequent_access(self) -> bool {
        matches!(self, StorageClassName::StandardIa | StorageClassName::OnezoneIa)
    }

    fn to_sdk(self) -> TransitionStorageClass {
        TransitionStorageClass::from(self.s3_name())
    }
}

// ---- The AWS CLI's JSON ----

/// The rules of the JSON file `aws s3api put-bucket-lifecycle-configuration --lifecycle-configuration`
/// takes (`{"Rules": [...]}`, or the list alone). Keys this model doesn't know stay in each rule's
/// `other` (and make `check` refuse it). Not checked: call [`check`].
pub fn parse_document(json: &str) -> Result<Vec<LifecycleRule>> {
    let doc: Value = serde_json::from_str(json).map_err(|e| {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_string();
        Error::invalid(format!("The lifecycle rules aren't valid JSON: {what} at line {}, column {}.", e.line(), e.column()))
    })?;
    let rules = match doc {
        Value::Array(rules) => rules,
        Value::Object(mut top) => {
            let rules = match top.remove("Rules") {
                Some(Value::Array(rules)) => rules,
                Some(_) => return Err(Error::invalid("\"Rules\" must be a list of rules.")),
                None => return Err(Error::invalid("The lifecycle rules have no \"Rules\": write {\"Rules\": [ ... ]} as the AWS CLI does.")),
            };
            if let Some(key) = top.keys().next() {
                return Err(Error::invalid(format!(
                    "\"{key}\" isn't part of the lifecycle rules Satchel sets (only \"Rules\" is): remove it from the file."
                )));
            }
            rules
        }
        _ => return Err(Error::invalid("The lifecycle rules must be {\"Rules\": [ ... ]}, as the AWS CLI takes them.")),
    };
    rules.into_iter().enumerate().map(|(i, r)| rule_from_json(i + 1, r)).collect()
}

/// The rules as the AWS CLI writes them (`{"Rules": [...]}`): `parse_document` reads it back.
pub fn to_document(rules: &[LifecycleRule]) -> Value {
    json!({ "Rules": rules.iter().map(rule_to_json).collect::<Vec<_>>() })
}

fn rule_from_json(n: usize, value: Value) -> Result<LifecycleRule> {
    let Value::Object(mut m) = value else {
        return Err(Error::invalid(format!("Rule {n} isn't an object: write each rule as {{\"ID\": ..., \"Status\": ..., ...}}.")));
    };
    let mut rule = LifecycleRule::default();
    let mut at = format!("Rule {n}");
    rule.id = take_str(&mut m, "ID", &at)?;
    if let Some(id) = rule.id.as_deref().filter(|id| !id.is_empty()) {
        at = format!("Rule \"{id}\"");
    }
    rule.enabled = match take_str(&mut m, "Status", &at)?.as_deref() {
        Some("Enabled") => true,
        Some("Disabled") => false,
        Some(other) => return Err(Error::invalid(format!("{at}: Status is Enabled or Disabled, not \"{other}\"."))),
        None => return Err(Error::invalid(format!("{at} has no Status: add \"Status\": \"Enabled\" (or \"Disabled\")."))),
    };
    let legacy_prefix = take_str(&mut m, "Prefix", &at)?;
    if let Some(mut f) = take_obj(&mut m, "Filter", &at)? {
        if legacy_prefix.is_some() {
            return Err(Error::invalid(format!("{at} has both \"Prefix\" and \"Filter\": move the prefix into the Filter.")));
        }
        rule.scope = scope_from_json(&mut f, &at)?;
        put_back(&mut m, "Filter", f);
    } else {
        rule.scope.prefix = legacy_prefix;
    }
    if let Some(list) = take_list(&mut m, "Transitions", &at)? {
        let mut rest = Vec::new();
        for item in list {
            let mut t = as_obj(item, "Transitions", &at)?;
            rule.transitions.push(Transition {
                days: take_u32(&mut t, "Days", "Transitions.Days", &at)?,
                date: take_str(&mut t, "Date", &at)?,
                class: take_class(&mut t, "Transitions", &at)?,
            });
            rest.push(Value::Object(t));
        }
        put_back_list(&mut m, "Transitions", rest);
    }
    if let Some(mut e) = take_obj(&mut m, "Expiration", &at)? {
        let days = take_u32(&mut e, "Days", "Expiration.Days", &at)?;
        let date = take_str(&mut e, "Date", &at)?;
        rule.expired_delete_markers = match e.remove("ExpiredObjectDeleteMarker") {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return Err(Error::invalid(format!("{at}: Expiration.ExpiredObjectDeleteMarker is true or false."))),
        };
        // An Expiration that holds only the delete-marker flag deletes no object.
        if days.is_some() || date.is_some() || !rule.expired_delete_markers {
            rule.expiration = Some(Expiration { days, date });
        }
        put_back(&mut m, "Expiration", e);
    }
    if let Some(list) = take_list(&mut m, "NoncurrentVersionTransitions", &at)? {
        let mut rest = Vec::new();
        for item in list {
            let mut t = as_obj(item, "NoncurrentVersionTransitions", &at)?;
            let days = take_u32(&mut t, "NoncurrentDays", "NoncurrentVersionTransitions.NoncurrentDays", &at)?;
            let days = days.ok_or_else(|| Error::invalid(format!("{at}: each NoncurrentVersionTransition needs NoncurrentDays.")))?;
            rule.noncurrent_transitions.push(NoncurrentTransition {
                days,
                class: take_class(&mut t, "NoncurrentVersionTransitions", &at)?,
                newer_versions: take_u32(&mut t, "NewerNoncurrentVersions", "NoncurrentVersionTransitions.NewerNoncurrentVersions", &at)?,
            });
            rest.push(Value::Object(t));
        }
        put_back_list(&mut m, "NoncurrentVersionTransitions", rest);
    }
    if let Some(mut e) = take_obj(&mut m, "NoncurrentVersionExpiration", &at)? {
        let days = take_u32(&mut e, "NoncurrentDays", "NoncurrentVersionExpiration.NoncurrentDays", &at)?;
        let days = days.ok_or_else(|| Error::invalid(format!("{at}: NoncurrentVersionExpiration needs NoncurrentDays.")))?;
        let keep_newest = take_u32(&mut e, "NewerNoncurrentVersions", "NoncurrentVersionExpiration.NewerNoncurrentVersions", &at)?;
        rule.noncurrent_expiration = Some(NoncurrentExpiration { days, keep_newest });
        put_back(&mut m, "NoncurrentVersionExpiration", e);
    }
    if let Some(mut a) = take_obj(&mut m, "AbortIncompleteMultipartUpload", &at)? {
        let days = take_u32(&mut a, "DaysAfterInitiation", "AbortIncompleteMultipartUpload.DaysAfterInitiation", &at)?;
        rule.abort_incomplete_after_days =
            Some(days.ok_or_else(|| Error::invalid(format!("{at}: AbortIncompleteMultipartUpload needs DaysAfterInitiation.")))?);
        put_back(&mut m, "AbortIncompleteMultipartUpload", a);
    }
    rule.other = (!m.is_empty()).then_some(Value::Object(m));
    Ok(rule)
}

fn scope_from_json(f: &mut Map<String, Value>, at: &str) -> Result<LifecycleScope> {
    const ONE_OF: [&str; 5] = ["Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And"];
    let given: Vec<&str> = ONE_OF.into_iter().filter(|k| f.contains_key(*k)).collect();
    if given.len() > 1 {
        // API reference, LifecycleRuleFilter: exactly one of them; several go under And.
        return Err(Error::invalid(format!(
            "{at}'s Filter has both {} and {}: put several conditions together under \"And\".",
            given[0], given[1]
        )));
    }
    let mut scope = LifecycleScope {
        prefix: take_str(f, "Prefix", at)?,
        size_greater_than: take_u64(f, "ObjectSizeGreaterThan", "Filter.ObjectSizeGreaterThan", at)?,
        size_less_than: take_u64(f, "ObjectSizeLessThan", "Filter.ObjectSizeLessThan", at)?,
        tags: Vec::new(),
    };
    if let Some(mut t) = take_obj(f, "Tag", at)? {
        scope.tags.push(tag_from_json(&mut t, at)?);
        put_back(f, "Tag", t);
    }
    if let Some(mut and) = take_obj(f, "And", at)? {
        scope.prefix = take_str(&mut and, "Prefix", at)?;
        scope.size_greater_than = take_u64(&mut and, "ObjectSizeGreaterThan", "Filter.And.ObjectSizeGreaterThan", at)?;
        scope.size_less_than = take_u64(&mut and, "ObjectSizeLessThan", "Filter.And.ObjectSizeLessThan", at)?;
        if let Some(list) = take_list(&mut and, "Tags", at)? {
            let mut rest = Vec::new();
            for item in list {
                let mut t = as_obj(item, "Filter.And.Tags", at)?;
                scope.tags.push(tag_from_json(&mut t, at)?);
                rest.push(Value::Object(t));
            }
            put_back_list(&mut and, "Tags", rest);
        }
        put_back(f, "And", and);
    }
    Ok(scope)
}

fn tag_from_json(t: &mut Map<String, Value>, at: &str) -> Result<Tag> {
    let key = take_str(t, "Key", at)?.ok_or_else(|| Error::invalid(format!("{at}: a tag in the Filter has no Key.")))?;
    // S3 takes a tag without Value: it matches objects whose tag has no value.
    Ok(Tag { key, value: take_str(t, "Value", at)?.unwrap_or_default() })
}

fn take_str(m: &mut Map<String, Value>, key: &str, at: &str) -> Result<Option<String>> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(Error::invalid(format!("{at}: {key} must be text, not {v}."))),
    }
}

fn take_u64(m: &mut Map<String, Value>, key: &str, path: &str, at: &str) -> Result<Option<u64>> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
        Some(v) => Err(Error::invalid(format!("{at}: {path} must be a whole number, 0 or more, not {v}."))),
    }
}

fn take_u32(m: &mut Map<String, Value>, key: &str, path: &str, at: &str) -> Result<Option<u32>> {
    match take_u64(m, key, path, at)? {
        None => Ok(None),
        Some(n) => u32::try_from(n).map(Some).map_err(|_| Error::invalid(format!("{at}: {path} is too large ({n})."))),
    }
}

fn take_obj(m: &mut Map<String, Value>, key: &str, at: &str) -> Result<Option<Map<String, Value>>> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => as_obj(v, key, at).map(Some),
    }
}

fn as_obj(v: Value, path: &str, at: &str) -> Result<Map<String, Value>> {
    match v {
        Value::Object(o) => Ok(o),
        v => Err(Error::invalid(format!("{at}: {path} must be an object ({{...}}), not {v}."))),
    }
}

fn take_list(m: &mut Map<String, Value>, key: &str, at: &str) -> Result<Option<Vec<Value>>> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(v) => Err(Error::invalid(format!("{at}: {key} must be a list ([...]), not {v}."))),
    }
}

fn take_class(m: &mut Map<String, Value>, path: &str, at: &str) -> Result<StorageClassName> {
    let name = take_str(m, "StorageClass", at)?.ok_or_else(|| Error::invalid(format!("{at}: each of {path} needs a StorageClass.")))?;
    StorageClassName::from_s3_name(&name).ok_or_else(|| {
        let known: Vec<&str> = StorageClassName::ALL.iter().map(|c| c.s3_name()).collect();
        Error::invalid(format!("{at}: \"{name}\" isn't a storage class a rule can move objects to: {}.", known.join(", ")))
    })
}

/// What's left of a part once the known keys are taken: kept for `other`.
fn put_back(m: &mut Map<String, Value>, key: &str, rest: Map<String, Value>) {
    if !rest.is_empty() {
        m.insert(key.to_string(), Value::Object(rest));
    }
}

/// As `put_back`, by position, so the leftovers merge back into the right element.
fn put_back_list(m: &mut Map<String, Value>, key: &str, rest: Vec<Value>) {
    if rest.iter().any(|v| v.as_object().is_some_and(|o| !o.is_empty())) {
        m.insert(key.to_string(), Value::Array(rest));
    }
}

fn rule_to_json(rule: &LifecycleRule) -> Value {
    let mut m = Map::new();
    if let Some(id) = &rule.id {
        m.insert("ID".into(), json!(id));
    }
    m.insert("Status".into(), json!(if rule.enabled { "Enabled" } else { "Disabled" }));
    m.insert("Filter".into(), scope_to_json(&rule.scope));
    if !rule.transitions.is_empty() {
        let list: Vec<Value> = rule
            .transitions
            .iter()
            .map(|t| {
                let mut o = Map::new();
                if let Some(d) = t.days {
                    o.insert("Days".into(), json!(d));
                }
                if let Some(d) = &t.date {
                    o.insert("Date".into(), json!(d));
                }
                o.insert("StorageClass".into(), json!(t.class.s3_name()));
                Value::Object(o)
            })
            .collect();
        m.insert("Transitions".into(), Value::Array(list));
    }
    if rule.expiration.is_some() || rule.expired_delete_markers {
        let mut o = Map::new();
        if let Some(e) = &rule.expiration {
            if let Some(d) = e.days {
                o.insert("Days".into(), json!(d));
            }
            if let Some(d) = &e.date {
                o.insert("Date".into(), json!(d));
            }
        }
        if rule.expired_delete_markers {
            o.insert("ExpiredObjectDeleteMarker".into(), json!(true));
        }
        m.insert("Expiration".into(), Value::Object(o));
    }
    if !rule.noncurrent_transitions.is_empty() {
        let list: Vec<Value> = rule
            .noncurrent_transitions
            .iter()
            .map(|t| {
                let mut o = Map::new();
                o.insert("NoncurrentDays".into(), json!(t.days));
                o.insert("StorageClass".into(), json!(t.class.s3_name()));
                if let Some(n) = t.newer_versions {
                    o.insert("NewerNoncurrentVersions".into(), json!(n));
                }
                Value::Object(o)
            })
            .collect();
        m.insert("NoncurrentVersionTransitions".into(), Value::Array(list));
    }
    if let Some(e) = &rule.noncurrent_expiration {
        let mut o = Map::new();
        o.insert("NoncurrentDays".into(), json!(e.days));
        if let Some(n) = e.keep_newest {
            o.insert("NewerNoncurrentVersions".into(), json!(n));
        }
        m.insert("NoncurrentVersionExpiration".into(), Value::Object(o));
    }
    if let Some(d) = rule.abort_incomplete_after_days {
        m.insert("AbortIncompleteMultipartUpload".into(), json!({ "DaysAfterInitiation": d }));
    }
    let mut out = Value::Object(m);
    if let Some(other) = &rule.other {
        merge(&mut out, other);
    }
    out
}

fn scope_to_json(s: &LifecycleScope) -> Value {
    let prefix = s.prefix.as_deref().filter(|p| !p.is_empty());
    let tag = |t: &Tag| json!({ "Key": t.key, "Value": t.value });
    let mut o = Map::new();
    if let Some(p) = prefix {
        o.insert("Prefix".into(), json!(p));
    }
    if s.tags.len() == 1 {
        o.insert("Tag".into(), tag(&s.tags[0]));
    } else if s.tags.len() > 1 {
        o.insert("Tags".into(), Value::Array(s.tags.iter().map(tag).collect()));
    }
    if let Some(n) = s.size_greater_than {
        o.insert("ObjectSizeGreaterThan".into(), json!(n));
    }
    if let Some(n) = s.size_less_than {
        o.insert("ObjectSizeLessThan".into(), json!(n));
    }
    // One condition stands alone; several go under And, where tags are always a list.
    if o.len() > 1 || o.contains_key("Tags") {
        if let Some(t) = o.remove("Tag") {
            o.insert("Tags".into(), json!([t]));
        }
        json!({ "And": o })
    } else {
        Value::Object(o)
    }
}

/// Adds `extra` into `into`: objects key by key, lists element by element.
fn merge(into: &mut Value, extra: &Value) {
    match (into, extra) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, v) in b.iter().enumerate() {
                match a.get_mut(i) {
                    Some(existing) => merge(existing, v),
                    None => a.push(v.clone()),
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// `other` crosses the IPC boundary as JSON text: the UI only shows it.
mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(v: &Option<Value>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().map(Value::to_string).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
        Option::<String>::deserialize(d)?.map(|t| serde_json::from_str(&t).map_err(serde::de::Error::custom)).transpose()
    }
}

// ---- S3's rules, checked before any request ----

/// Checks every rule against Amazon S3's rules; the first problem comes back as one sentence that
/// names the rule and what to change. An empty list is fine (it removes the rules).
pub fn check(rules: &[LifecycleRule]) -> Result<()> {
    if rules.len() > MAX_RULES {
        return Err(refuse(format!("A bucket takes at most {MAX_RULES} lifecycle rules; these are {}.", rules.len())));
    }
    let mut ids = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let at = label(i, rule);
        if let Some(id) = rule.id.as_deref().filter(|id| !id.is_empty()) {
            if id.chars().count() > MAX_ID_CHARS {
                return Err(refuse(format!("{at}: an ID is at most {MAX_ID_CHARS} characters; shorten it.")));
            }
            // S3 refuses a configuration where two rules share an ID.
            if !ids.insert(id) {
                return Err(refuse(format!("{at}: another rule has the same ID; give each rule its own.")));
            }
        }
        check_rule(rule, &at)?;
    }
    Ok(())
}

fn refuse(message: String) -> Error {
    Error::invalid(format!("{message} Nothing was changed."))
}

/// `Rule "logs"` by ID, else `Rule 2` by position.
fn label(i: usize, rule: &LifecycleRule) -> String {
    match rule.id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => format!("Rule \"{id}\""),
        None => format!("Rule {}", i + 1),
    }
}

fn plural_days(n: u32) -> String {
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

fn check_rule(rule: &LifecycleRule, at: &str) -> Result<()> {
    if let Some(other) = &rule.other {
        return Err(refuse(format!(
            "{at} has settings Satchel can't send ({other}): remove them, or change this rule with the AWS CLI."
        )));
    }
    if !has_action(rule) {
        // S3 refuses a rule without an action (MalformedXML).
        return Err(refuse(format!(
            "{at} does nothing: give it an action, such as deleting objects after some days or aborting unfinished uploads."
        )));
    }
    check_scope(&rule.scope, at)?;

    // User Guide, "Examples of S3 Lifecycle configurations": Date and Days can't be used in the same rule.
    let uses_days = rule.transitions.iter().any(|t| t.days.is_some()) || rule.expiration.as_ref().is_some_and(|e| e.days.is_some());
    let uses_dates = rule.transitions.iter().any(|t| t.date.is_some()) || rule.expiration.as_ref().is_some_and(|e| e.date.is_some());
    if uses_days && uses_dates {
        return Err(refuse(format!("{at} mixes days and dates: S3 takes one or the other in a rule. Use days everywhere, or dates everywhere.")));
    }

    let mut moves = Vec::new();
    for t in &rule.transitions {
        let class = t.class.human();
        let when = match (t.days, t.date.as_deref()) {
            (Some(_), Some(_)) => return Err(refuse(format!("{at}: the move to {class} has both days and a date; give one."))),
            (None, None) => return Err(refuse(format!("{at}: the move to {class} says no time; give days or a date."))),
            (Some(d), None) => d,
            (None, Some(date)) => day_of(date, at)?,
        };
        if let Some(d) = t.days.filter(|d| t.class.infrequent_access() && *d < IA_MIN_DAYS) {
            return Err(refuse(format!(
                "{at} moves objects to {class} after {}: Amazon S3 moves objects there at {IA_MIN_DAYS} days old at the earliest. Change it to {IA_MIN_DAYS} days or more.",
                plural_days(d)
            )));
        }
        moves.push((when, t.class, t.date.is_some()));
    }
    check_waterfall(&mut moves, at, "objects")?;

    if let Some(e) = &rule.expiration {
        let when = match (e.days, e.date.as_deref()) {
            (Some(_), Some(_)) => return Err(refuse(format!("{at}: the deletion has both days and a date; give one."))),
            (None, None) => return Err(refuse(format!("{at}: the deletion says no time; give days or a date."))),
            // API reference, LifecycleExpiration.Days: "a non-zero positive integer".
            (Some(0), None) => return Err(refuse(format!("{at} deletes objects after 0 days: give 1 day or more."))),
            (Some(d), None) => d,
            (None, Some(date)) => day_of(date, at)?,
        };
        // S3 refuses a deletion no later than a move of the same rule (InvalidArgument "'Days' in the
        // Expiration action ... must be greater than 'Days' in the Transition action").
        if let Some((last, class, by_date)) = moves.last().filter(|(day, ..)| *day >= when) {
            let (deleted, moved) = if *by_date { (on_date(when), on_date(*last)) } else { (after_days(when), after_days(*last)) };
            return Err(refuse(format!(
                "{at} deletes objects {deleted}, no later than it moves them to {} {moved}: delete them later, or drop the move.",
                class.human()
            )));
        }
        if rule.expired_delete_markers {
            // API reference, LifecycleExpiration.ExpiredObjectDeleteMarker: not with Days or Date.
            return Err(refuse(format!(
                "{at} both deletes objects and removes expired delete markers: S3 takes these in separate rules. Move the delete-marker cleanup to a rule of its own."
            )));
        }
    }
    if rule.expired_delete_markers && !rule.scope.tags.is_empty() {
        // User Guide, "Examples of S3 Lifecycle configurations": with ExpiredObjectDeleteMarker the
        // rule can't have a tag filter (delete markers have no tags).
        return Err(refuse(format!(
            "{at} removes expired delete markers but applies to tagged objects only: delete markers have no tags. Remove the tags from this rule, or move the delete-marker cleanup to a rule without tags."
        )));
    }

    let mut old_moves = Vec::new();
    for t in &rule.noncurrent_transitions {
        let class = t.class.human();
        if t.class.infrequent_access() && t.days < IA_MIN_DAYS {
            return Err(refuse(format!(
                "{at} moves older versions to {class} {} after they stop being current: Amazon S3 moves them there at {IA_MIN_DAYS} days at the earliest. Change it to {IA_MIN_DAYS} days or more.",
                plural_days(t.days)
            )));
        }
        check_newer_versions(t.newer_versions, at)?;
        old_moves.push((t.days, t.class, false));
    }
    check_waterfall(&mut old_moves, at, "older versions")?;
    if let Some(e) = &rule.noncurrent_expiration {
        // API reference, NoncurrentVersionExpiration.NoncurrentDays: "a non-zero positive integer".
        if e.days == 0 {
            return Err(refuse(format!("{at} deletes older versions 0 days after they stop being current: give 1 day or more.")));
        }
        check_newer_versions(e.keep_newest, at)?;
    }

    if let Some(days) = rule.abort_incomplete_after_days {
        if days == 0 {
            // S3 refuses 0 ("DaysAfterInitiation ... must be a positive integer").
            return Err(refuse(format!("{at} aborts unfinished uploads 0 days after they start: give 1 day or more.")));
        }
        if !rule.scope.tags.is_empty() {
            // S3 refuses it: "AbortIncompleteMultipartUpload cannot be specified with Tags" (uploads
            // in progress have no tags yet).
            return Err(refuse(format!(
                "{at} aborts unfinished uploads but applies to tagged objects only: unfinished uploads have no tags. Remove the tags from this rule, or put the abort in a rule without tags."
            )));
        }
    }
    Ok(())
}

fn has_action(rule: &LifecycleRule) -> bool {
    !rule.transitions.is_empty()
        || !rule.noncurrent_transitions.is_empty()
        || rule.expiration.is_some()
        || rule.expired_delete_markers
        || rule.noncurrent_expiration.is_some()
        || rule.abort_incomplete_after_days.is_some()
}

fn check_scope(s: &LifecycleScope, at: &str) -> Result<()> {
    let mut keys = HashSet::new();
    for t in &s.tags {
        validate_tags(std::slice::from_ref(t), TagTarget::Object).map_err(|e| refuse(format!("{at}: {}", e.message)))?;
        // User Guide, "Adding filters to Lifecycle rules": each tag key must be unique.
        if !keys.insert(t.key.as_str()) {
            return Err(refuse(format!("{at} names the tag \"{}\" twice: give each tag key once.", t.key)));
        }
    }
    if let (Some(gt), Some(lt)) = (s.size_greater_than, s.size_less_than) {
        // User Guide, "Adding filters to Lifecycle rules": a size range, the minimum below the maximum.
        if gt >= lt {
            return Err(refuse(format!(
                "{at} applies to objects larger than {} and smaller than {}: no object is both. Make the minimum size smaller than the maximum.",
                crate::format::bytes(gt),
                crate::format::bytes(lt)
            )));
        }
    }
    Ok(())
}

fn check_newer_versions(n: Option<u32>, at: &str) -> Result<()> {
    match n {
        Some(n) if n == 0 || n > MAX_NEWER_VERSIONS => Err(refuse(format!(
            "{at} keeps the newest {n} older versions: give a number from 1 to {MAX_NEWER_VERSIONS} (or leave it out)."
        ))),
        _ => Ok(()),
    }
}

/// Moves (day, class, by date) happen warmer class first, on different days, and leave objects in
/// Standard-IA or One Zone-IA at least 30 days.
fn check_waterfall(moves: &mut [(u32, StorageClassName, bool)], at: &str, what: &str) -> Result<()> {
    moves.sort_by_key(|(day, class, _)| (*day, class.warmth_rank()));
    for pair in moves.windows(2) {
        let ((d1, c1, by_date), (d2, c2, _)) = (pair[0], pair[1]);
        let when = |d: u32| if by_date { on_date(d) } else { after_days(d) };
        if d1 == d2 {
            return Err(refuse(format!(
                "{at} moves {what} to {} and to {} at the same time: give the colder class a later time.",
                c1.human(),
                c2.human()
            )));
        }
        if c1 == StorageClassName::OnezoneIa && c2 == StorageClassName::GlacierIr {
            return Err(refuse(format!(
                "{at} moves {what} from One Zone-IA to Glacier Instant Retrieval, which Amazon S3 doesn't do: from One Zone-IA they can go to Glacier Flexible Retrieval or Glacier Deep Archive."
            )));
        }
        if !c1.can_move_to(c2) {
            let order: Vec<&str> = StorageClassName::ALL.iter().map(|c| c.human()).collect();
            return Err(refuse(format!(
                "{at} moves {what} to {} {} and then to {} {}, but they only move to colder classes ({}, in that order): give the colder class the later time.",
                c1.human(),
                when(d1),
                c2.human(),
                when(d2),
                order.join(", ")
            )));
        }
        if c1.infrequent_access() && !by_date && d2 - d1 < IA_STAY_DAYS {
            return Err(refuse(format!(
                "{at} moves {what} out of {} {} after moving them in: Amazon S3 keeps them there at least {IA_STAY_DAYS} days. Move them to {} after {} or later.",
                c1.human(),
                plural_days(d2 - d1),
                c2.human(),
                plural_days(d1 + IA_STAY_DAYS)
            )));
        }
    }
    Ok(())
}

fn after_days(d: u32) -> String {
    format!("after {}", plural_days(d))
}

fn on_date(day: u32) -> String {
    let dt = DateTime::from_secs(i64::from(day) * 86_400);
    let text = dt.fmt(Format::DateTime).unwrap_or_default();
    format!("on {}", text.get(..10).unwrap_or(&text))
}

/// A date as S3 takes it (ISO 8601, midnight UTC), as days since 1970-01-01.
fn day_of(date: &str, at: &str) -> Result<u32> {
    let bad = || refuse(format!("{at}: \"{date}\" isn't a date S3 takes: write it as 2030-01-01 (S3 acts at midnight UTC)."));
    let dt = parse_date(date).ok_or_else(bad)?;
    // API reference, Transition.Date and LifecycleExpiration.Date: "The time is always midnight UTC."
    if dt.secs().rem_euclid(86_400) != 0 || dt.subsec_nanos() != 0 {
        return Err(bad());
    }
    u32::try_from(dt.secs() / 86_400).map_err(|_| bad())
}

fn parse_date(date: &str) -> Option<DateTime> {
    let full = if date.len() == 10 { format!("{date}T00:00:00Z") } else { date.to_string() };
    DateTime::from_str(&full, Format::DateTime).ok()
}

// ---- In words ----

impl LifecycleScope {
    pub fn is_whole_bucket(&self) -> bool {
        self.prefix.as_deref().is_none_or(str::is_empty) && self.tags.is_empty() && self.size_greater_than.is_none() && self.size_less_than.is_none()
    }

    /// "objects under logs/ tagged env=dev, larger than 1.0 MB"; "all objects".
    pub fn describe(&self) -> String {
        if self.is_whole_bucket() {
            return "all objects".into();
        }
        let mut s = "objects".to_string();
        if let Some(p) = self.prefix.as_deref().filter(|p| !p.is_empty()) {
            s.push_str(&format!(" under {p}"));
        }
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect();
            s.push_str(&format!(" tagged {}", tags.join(" and ")));
        }
        let sizes: Vec<String> = [
            self.size_greater_than.map(|n| format!("larger than {}", crate::format::bytes(n))),
            self.size_less_than.map(|n| format!("smaller than {}", crate::format::bytes(n))),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !sizes.is_empty() {
            s.push_str(&format!(" {}", sizes.join(" and ")));
        }
        s
    }

    /// The prefix part alone, for things that have no tags or size (delete markers, uploads).
    fn under(&self) -> String {
        self.prefix.as_deref().filter(|p| !p.is_empty()).map(|p| format!(" under {p}")).unwrap_or_default()
    }
}

impl LifecycleRule {
    /// The rule in words: "Objects under logs/ move to Glacier Flexible Retrieval after 90 days and
    /// are deleted after 365 days."
    pub fn sentence(&self) -> String {
        let mut parts = Vec::new();
        let when = |days: Option<u32>, date: &Option<String>| match (days, date) {
            (Some(d), _) => after_days(d),
            (None, Some(date)) => format!("on {date}"),
            (None, None) => "at no set time".into(),
        };
        let mut current = Vec::new();
        let mut moves: Vec<&Transition> = self.transitions.iter().collect();
        moves.sort_by_key(|t| (t.days, t.date.clone()));
        for (i, t) in moves.iter().enumerate() {
            let verb = if i == 0 { "move to" } else { "then to" };
            current.push(format!("{verb} {} {}", t.class.human(), when(t.days, &t.date)));
        }
        if let Some(e) = &self.expiration {
            current.push(format!("are deleted {}", when(e.days, &e.date)));
        }
        if !current.is_empty() {
            parts.push(format!("{} {}.", capitalize(&self.scope.describe()), join_and(&current)));
        }

        let mut older = Vec::new();
        let whose = if self.scope.is_whole_bucket() { String::new() } else { format!(" of {}", self.scope.describe()) };
        for t in &self.noncurrent_transitions {
            let kept = t.newer_versions.map(|n| format!(" (the newest {n} stay)")).unwrap_or_default();
            older.push(format!("move to {} {} after they stop being current{kept}", t.class.human(), plural_days(t.days)));
        }
        if let Some(e) = &self.noncurrent_expiration {
            let kept = e.keep_newest.map(|n| format!(", keeping the newest {n}")).unwrap_or_default();
            let subject = if older.is_empty() { "are deleted" } else { "older versions are deleted" };
            older.push(format!("{subject} after {}{kept}", plural_days(e.days)));
        }
        if !older.is_empty() {
            parts.push(format!("Older versions{whose} {}.", older.join("; ")));
        }
        if self.expired_delete_markers {
            parts.push(format!("Expired delete markers{} are removed.", self.scope.under()));
        }
        if let Some(d) = self.abort_incomplete_after_days {
            parts.push(format!("Unfinished uploads{} are aborted {} after they start.", self.scope.under(), plural_days(d)));
        }
        if parts.is_empty() {
            parts.push(format!("Does nothing to {}.", self.scope.describe()));
        }
        let mut s = parts.join(" ");
        if !self.enabled {
            s = format!("(Disabled) {s}");
        }
        if let Some(other) = &self.other {
            s.push_str(&format!(" Also has settings Satchel doesn't show: {other}"));
        }
        s
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Advice, not errors: enabled rules whose objects overlap and that do the same kind of thing,
/// where which one applies is up to Amazon S3's precedence.
pub fn overlaps(rules: &[LifecycleRule]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in rules.iter().enumerate() {
        for (j, b) in rules.iter().enumerate().skip(i + 1) {
            if !a.enabled || !b.enabled || !scopes_meet(&a.scope, &b.scope) {
                continue;
            }
            let both = |f: fn(&LifecycleRule) -> bool| f(a) && f(b);
            let mut doing = Vec::new();
            if both(|r| r.expiration.is_some()) {
                doing.push("delete them".to_string());
            }
            if both(|r| !r.transitions.is_empty()) {
                doing.push("move them to other storage classes".into());
            }
            if both(|r| r.noncurrent_expiration.is_some()) {
                doing.push("delete their older versions".into());
            }
            if both(|r| !r.noncurrent_transitions.is_empty()) {
                doing.push("move their older versions".into());
            }
            if a.abort_incomplete_after_days.is_some() && b.abort_incomplete_after_days.is_some() && a.abort_incomplete_after_days != b.abort_incomplete_after_days {
                doing.push("abort their unfinished uploads, after different days".into());
            }
            if doing.is_empty() {
                continue;
            }
            let narrower = if a.scope.prefix.as_deref().unwrap_or("").len() >= b.scope.prefix.as_deref().unwrap_or("").len() { &a.scope } else { &b.scope };
            out.push(format!(
                "{} and {} both apply to {} and both {}: where rules overlap, Amazon S3 picks one by its own precedence. Keep one rule per set of objects to be sure which applies.",
                label(i, a),
                label(j, b).replacen("Rule", "rule", 1),
                narrower.describe(),
                join_and(&doing)
            ));
        }
    }
    out
}

/// Whether some object could fall under both scopes: nested prefixes, no tag key with two values,
/// size ranges that meet.
fn scopes_meet(a: &LifecycleScope, b: &LifecycleScope) -> bool {
    let (pa, pb) = (a.prefix.as_deref().unwrap_or(""), b.prefix.as_deref().unwrap_or(""));
    if !pa.starts_with(pb) && !pb.starts_with(pa) {
        return false;
    }
    if a.tags.iter().any(|x| b.tags.iter().any(|y| x.key == y.key && x.value != y.value)) {
        return false;
    }
    let above = a.size_greater_than.max(b.size_greater_than);
    let below = match (a.size_less_than, b.size_less_than) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    // Sizes strictly between `above` and `below` exist only if they're 2 or more apart.
    match (above, below) {
        (Some(lo), Some(hi)) => hi > lo.saturating_add(1),
        (None, Some(hi)) => hi > 0,
        _ => true,
    }
}

/// A rule that aborts every unfinished upload `days` after it started (they cost storage until then).
pub fn abort_incomplete_rule(days: u32) -> LifecycleRule {
    LifecycleRule { id: Some(ABORT_RULE_ID.into()), abort_incomplete_after_days: Some(days), ..LifecycleRule::default() }
}

/// Whether an enabled rule aborts unfinished uploads in the whole bucket.
pub fn has_abort_rule(rules: &[LifecycleRule]) -> bool {
    rules.iter().any(|r| r.enabled && r.scope.is_whole_bucket() && r.abort_incomplete_after_days.is_some())
}

// ---- The SDK's types ----

fn to_sdk(rule: &LifecycleRule) -> Result<sdk::LifecycleRule> {
    let cant = |what: &str| Error::invalid(format!("That lifecycle rule can't be sent: {what}."));
    let days = |d: u32| i32::try_from(d).map_err(|_| cant(&format!("{d} days is too many")));
    let size = |n: u64| i64::try_from(n).map_err(|_| cant(&format!("{n} bytes is too large")));
    let date = |d: &str| parse_date(d).ok_or_else(|| cant(&format!("\"{d}\" isn't a date")));

    let mut b = sdk::LifecycleRule::builder()
        .set_id(rule.id.clone())
        .status(if rule.enabled { ExpirationStatus::Enabled } else { ExpirationStatus::Disabled })
        .filter(filter_to_sdk(&rule.scope, size)?);
    for t in &rule.transitions {
        let mut tb = sdk::Transition::builder().storage_class(t.class.to_sdk());
        if let Some(d) = t.days {
            tb = tb.days(days(d)?);
        }
        if let Some(d) = &t.date {
            tb = tb.date(date(d)?);
        }
        b = b.transitions(tb.build());
    }
    if rule.expiration.is_some() || rule.expired_delete_markers {
        let mut eb = sdk::LifecycleExpiration::builder();
        if let Some(e) = &rule.expiration {
            if let Some(d) = e.days {
                eb = eb.days(days(d)?);
            }
            if let Some(d) = &e.date {
                eb = eb.date(date(d)?);
            }
        }
        if rule.expired_delete_markers {
            eb = eb.expired_object_delete_marker(true);
        }
        b = b.expiration(eb.build());
    }
    for t in &rule.noncurrent_transitions {
        let mut tb = sdk::NoncurrentVersionTransition::builder().noncurrent_days(days(t.days)?).storage_class(t.class.to_sdk());
        if let Some(n) = t.newer_versions {
            tb = tb.newer_noncurrent_versions(days(n)?);
        }
        b = b.noncurrent_version_transitions(tb.build());
    }
    if let Some(e) = &rule.noncurrent_expiration {
        let mut eb = sdk::NoncurrentVersionExpiration::builder().noncurrent_days(days(e.days)?);
        if let Some(n) = e.keep_newest {
            eb = eb.newer_noncurrent_versions(days(n)?);
        }
        b = b.noncurrent_version_expiration(eb.build());
    }
    if let Some(d) = rule.abort_incomplete_after_days {
        b = b.abort_incomplete_multipart_upload(sdk::AbortIncompleteMultipartUpload::builder().days_after_initiation(days(d)?).build());
    }
    b.build().map_err(|e| cant(&e.to_string()))
}

/// S3's Filter: empty for the whole bucket, one condition alone, several under And.
fn filter_to_sdk(s: &LifecycleScope, size: impl Fn(u64) -> Result<i64>) -> Result<sdk::LifecycleRuleFilter> {
    let prefix = s.prefix.clone().filter(|p| !p.is_empty());
    let tags = s
        .tags
        .iter()
        .map(|t| sdk::Tag::builder().key(&t.key).value(&t.value).build().map_err(|e| Error::invalid(format!("That tag can't be sent: {e}."))))
        .collect::<Result<Vec<_>>>()?;
    let gt = s.size_greater_than.map(&size).transpose()?;
    let lt = s.size_less_than.map(&size).transpose()?;
    let conditions = usize::from(prefix.is_some()) + tags.len() + usize::from(gt.is_some()) + usize::from(lt.is_some());
    let f = sdk::LifecycleRuleFilter::builder();
    Ok(if conditions > 1 {
        f.and(
            sdk::LifecycleRuleAndOperator::builder()
                .set_prefix(prefix)
                .set_tags((!tags.is_empty()).then_some(tags))
                .set_object_size_greater_than(gt)
                .set_object_size_less_than(lt)
                .build(),
        )
        .build()
    } else {
        f.set_prefix(prefix).set_tag(tags.into_iter().next()).set_object_size_greater_than(gt).set_object_size_less_than(lt).build()
    })
}

// The rule-level Prefix is deprecated in S3's API, but buckets still hold rules written with it.
#[allow(deprecated)]
fn from_sdk(r: &sdk::LifecycleRule) -> LifecycleRule {
    let mut other = Map::new();
    let mut rule = LifecycleRule {
        id: r.id().map(str::to_string),
        enabled: *r.status() == ExpirationStatus::Enabled,
        ..LifecycleRule::default()
    };
    if !matches!(r.status(), ExpirationStatus::Enabled | ExpirationStatus::Disabled) {
        other.insert("Status".into(), json!(r.status().as_str()));
    }
    match (r.filter(), r.prefix()) {
        (Some(f), legacy) => {
            rule.scope = scope_from_sdk(f);
            if let Some(p) = legacy {
                // Both at once isn't valid S3; keep the one the filter doesn't say.
                other.insert("Prefix".into(), json!(p));
            }
        }
        (None, legacy) => rule.scope.prefix = legacy.map(str::to_string),
    }
    let date = |d: &DateTime| d.fmt(Format::DateTime).unwrap_or_default();
    let mut odd_moves = Vec::new();
    for t in r.transitions() {
        let class = t.storage_class().and_then(|c| StorageClassName::from_s3_name(c.as_str()));
        let days = t.days().map(u32::try_from);
        match (class, days) {
            (Some(class), None | Some(Ok(_))) => {
                rule.transitions.push(Transition { days: days.and_then(|d| d.ok()), date: t.date().map(date), class });
                odd_moves.push(json!({}));
            }
            _ => odd_moves.push(json!({
                "Days": t.days(), "Date": t.date().map(date), "StorageClass": t.storage_class().map(|c| c.as_str()),
            })),
        }
    }
    if odd_moves.iter().any(|v| v != &json!({})) {
        // Kept in place among the others: `merge` lines lists up by position.
        other.insert("Transitions".into(), Value::Array(odd_moves));
    }
    if let Some(e) = r.expiration() {
        rule.expired_delete_markers = e.expired_object_delete_marker() == Some(true);
        match e.days().map(u32::try_from) {
            Some(Err(_)) => {
                other.insert("Expiration".into(), json!({ "Days": e.days() }));
            }
            days => {
                let days = days.and_then(|d| d.ok());
                if days.is_some() || e.date().is_some() {
                    rule.expiration = Some(Expiration { days, date: e.date().map(date) });
                }
            }
        }
    }
    let mut odd_old_moves = Vec::new();
    for t in r.noncurrent_version_transitions() {
        let class = t.storage_class().and_then(|c| StorageClassName::from_s3_name(c.as_str()));
        let days = t.noncurrent_days().and_then(|d| u32::try_from(d).ok());
        let newer = t.newer_noncurrent_versions().map(u32::try_from);
        match (class, days, newer) {
            (Some(class), Some(days), None | Some(Ok(_))) => {
                rule.noncurrent_transitions.push(NoncurrentTransition { days, class, newer_versions: newer.and_then(|n| n.ok()) });
                odd_old_moves.push(json!({}));
            }
            _ => odd_old_moves.push(json!({
                "NoncurrentDays": t.noncurrent_days(), "StorageClass": t.storage_class().map(|c| c.as_str()),
                "NewerNoncurrentVersions": t.newer_noncurrent_versions(),
            })),
        }
    }
    if odd_old_moves.iter().any(|v| v != &json!({})) {
        other.insert("NoncurrentVersionTransitions".into(), Value::Array(odd_old_moves));
    }
    if let Some(e) = r.noncurrent_version_expiration() {
        let days = e.noncurrent_days().and_then(|d| u32::try_from(d).ok());
        let keep = e.newer_noncurrent_versions().map(u32::try_from);
        match (days, keep) {
            (Some(days), None | Some(Ok(_))) => rule.noncurrent_expiration = Some(NoncurrentExpiration { days, keep_newest: keep.and_then(|k| k.ok()) }),
            _ => {
                other.insert(
                    "NoncurrentVersionExpiration".into(),
                    json!({ "NoncurrentDays": e.noncurrent_days(), "NewerNoncurrentVersions": e.newer_noncurrent_versions() }),
                );
            }
        }
    }
    if let Some(a) = r.abort_incomplete_multipart_upload() {
        match a.days_after_initiation().and_then(|d| u32::try_from(d).ok()) {
            Some(d) => rule.abort_incomplete_after_days = Some(d),
            None => {
                other.insert("AbortIncompleteMultipartUpload".into(), json!({ "DaysAfterInitiation": a.days_after_initiation() }));
            }
        }
    }
    rule.other = (!other.is_empty()).then_some(Value::Object(other));
    rule
}

fn scope_from_sdk(f: &sdk::LifecycleRuleFilter) -> LifecycleScope {
    let tag = |t: &sdk::Tag| Tag { key: t.key().to_string(), value: t.value().to_string() };
    let size = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok());
    let mut s = LifecycleScope {
        prefix: f.prefix().map(str::to_string),
        tags: f.tag().map(tag).into_iter().collect(),
        size_greater_than: size(f.object_size_greater_than()),
        size_less_than: size(f.object_size_less_than()),
    };
    if let Some(and) = f.and() {
        s.prefix = s.prefix.or(and.prefix().map(str::to_string));
        s.tags.extend(and.tags().iter().map(tag));
        s.size_greater_than = s.size_greater_than.or(size(and.object_size_greater_than()));
        s.size_less_than = s.size_less_than.or(size(and.object_size_less_than()));
    }
    if s.prefix.as_deref() == Some("") {
        s.prefix = None;
    }
    s
}

// ---- Requests ----

/// The bucket's rules; none when it has none. A storage without lifecycle rules says so
/// (`Unsupported`).
pub async fn read(s3: &S3, bucket: &str) -> Result<Vec<LifecycleRule>> {
    read_held(s3, bucket).await.map(|held| held.rules)
}

/// What the bucket holds, with the bucket-wide setting that comes with it.
struct Held {
    rules: Vec<LifecycleRule>,
    min_object_size: Option<TransitionDefaultMinimumObjectSize>,
}

async fn read_held(s3: &S3, bucket: &str) -> Result<Held> {
    match s3.client.get_bucket_lifecycle_configuration().bucket(bucket).send().await {
        Ok(out) => Ok(Held { rules: out.rules().iter().map(from_sdk).collect(), min_object_size: out.transition_default_minimum_object_size().cloned() }),
        Err(e) => {
            let code = e.as_service_error().and_then(ProvideErrorMetadata::code);
            let status = e.raw_response().map(|r| r.status().as_u16());
            // Amazon S3 and moto say NoSuchLifecycleConfiguration; garage answers a bare 404 (older
            // versions an empty 204).
            if code == Some("NoSuchLifecycleConfiguration") || (code.is_none() && matches!(status, Some(404 | 204))) {
                Ok(Held { rules: Vec::new(), min_object_size: None })
            } else {
                Err(unsupported_or(classify(&e, s3.attempt("read the lifecycle rules"))))
            }
        }
    }
}

/// Replaces the bucket's rules with `rules` (none: removes them). `check`s them first, so a refused
/// rule sends nothing. Then reads them back: when the storage kept less than was sent, the previous
/// rules are put back and the error (`Unsupported`) says what the storage doesn't keep. Needs the
/// permission to read the rules as well as to set them.
pub async fn apply(s3: &S3, bucket: &str, rules: &[LifecycleRule]) -> Result<()> {
    check(rules)?;
    if rules.is_empty() {
        return delete(s3, bucket).await;
    }
    let before = read_held(s3, bucket).await?;
    // The bucket-wide minimum size for transitions goes with every change; keep the one it has.
    put(s3, bucket, rules, before.min_object_size.clone()).await?;

    let mut held = read(s3, bucket).await?;
    for _ in 1..READ_BACK_TRIES {
        if missing(rules, &held).is_none() || missing(&before.rules, &held).is_some() {
            break;
        }
        // Still the previous rules: the change may not have reached every S3 system yet.
        tokio::time::sleep(READ_BACK_PAUSE).await;
        held = read(s3, bucket).await?;
    }
    let Some(gap) = missing(rules, &held) else { return Ok(()) };
    if missing(&before.rules, &held).is_none() && missing(&held, &before.rules).is_none() {
        // Amazon S3 still settling, or a storage that answers OK and keeps nothing: say both.
        return Err(Error::new(
            ErrorCode::Storage,
            "The storage accepted the lifecycle rules but still shows the previous ones. Read them again in a minute: if they still aren't there, this storage doesn't keep lifecycle rules.",
        ));
    }
    let restored = if before.rules.iter().any(|r| r.other.is_some()) {
        false
    } else if before.rules.is_empty() {
        delete(s3, bucket).await.is_ok()
    } else {
        put(s3, bucket, &before.rules, before.min_object_size).await.is_ok()
    };
    let outcome = if restored {
        "The previous rules were put back: nothing was changed."
    } else {
        "Satchel couldn't put the previous rules back exactly: check the bucket's lifecycle rules."
    };
    Err(Error::new(ErrorCode::Unsupported, format!("This storage didn't keep {gap}, so the rules wouldn't do what they say. {outcome}")))
}

async fn put(s3: &S3, bucket: &str, rules: &[LifecycleRule], min_object_size: Option<TransitionDefaultMinimumObjectSize>) -> Result<()> {
    let sdk_rules = rules.iter().map(to_sdk).collect::<Result<Vec<_>>>()?;
    let config = sdk::BucketLifecycleConfiguration::builder()
        .set_rules(Some(sdk_rules))
        .build()
        .map_err(|e| Error::invalid(format!("Those lifecycle rules can't be sent: {e}.")))?;
    // The SDK adds the CRC32 checksum S3 requires of this request (Content-MD5 or x-amz-checksum-*).
    let sent = s3
        .client
        .put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(config)
        .set_transition_default_minimum_object_size(min_object_size)
        .send()
        .await;
    sent.map(drop).map_err(|e| {
        let code = e.as_service_error().and_then(ProvideErrorMetadata::code).unwrap_or("");
        let classified = unsupported_or(classify(&e, s3.attempt("set the lifecycle rules")));
        // `check` passed, so the storage has a rule of its own: say it as the user's to change.
        if matches!(code, "InvalidRequest" | "InvalidArgument" | "MalformedXML") {
            let said = e.as_service_error().and_then(ProvideErrorMetadata::message).unwrap_or("no reason given").trim_end_matches('.').to_string();
            let mut refused = Error::invalid(format!("The storage refused these lifecycle rules ({said}). Nothing was changed."));
            refused.detail = classified.detail;
            refused
        } else {
            classified
        }
    })
}

/// Removes every lifecycle rule of the bucket (none is fine).
pub async fn delete(s3: &S3, bucket: &str) -> Result<()> {
    match s3.client.delete_bucket_lifecycle().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().and_then(ProvideErrorMetadata::code) == Some("NoSuchLifecycleConfiguration") => Ok(()),
        Err(e) => Err(unsupported_or(classify(&e, s3.attempt("delete the lifecycle rules")))),
    }
}

fn unsupported_or(e: Error) -> Error {
    e.when_unsupported("This storage doesn't support lifecycle rules.")
}

/// The first part of `sent` that `held` doesn't have, in words ("the tag filter of rule \"tmp\""):
/// rules matched by ID, else by position; IDs the storage gave, prefix "" and date spellings aside.
fn missing(sent: &[LifecycleRule], held: &[LifecycleRule]) -> Option<String> {
    if sent.len() != held.len() {
        return Some(format!("all {} rules (it holds {})", sent.len(), held.len()));
    }
    for (i, s) in sent.iter().enumerate() {
        let at = label(i, s).replacen("Rule", "rule", 1);
        let h = match s.id.as_deref().filter(|id| !id.is_empty()) {
            Some(id) => held.iter().find(|h| h.id.as_deref() == Some(id)),
            None => held.get(i),
        };
        let Some(h) = h else { return Some(at) };
        let same_tags = {
            let key = |t: &Tag| (t.key.clone(), t.value.clone());
            let (mut a, mut b): (Vec<_>, Vec<_>) = (s.scope.tags.iter().map(key).collect(), h.scope.tags.iter().map(key).collect());
            a.sort();
            b.sort();
            a == b
        };
        let same_date = |a: &Option<String>, b: &Option<String>| a.as_deref().map(parse_date) == b.as_deref().map(parse_date);
        let same_moves = s.transitions.len() == h.transitions.len()
            && s.transitions.iter().zip(&h.transitions).all(|(a, b)| a.days == b.days && a.class == b.class && same_date(&a.date, &b.date));
        let same_expiration = match (&s.expiration, &h.expiration) {
            (Some(a), Some(b)) => a.days == b.days && same_date(&a.date, &b.date),
            (a, b) => a.is_none() && b.is_none(),
        };
        let gap = [
            (s.enabled == h.enabled, "the status"),
            (s.scope.prefix.as_deref().unwrap_or("") == h.scope.prefix.as_deref().unwrap_or(""), "the prefix"),
            (same_tags, "the tag filter"),
            (s.scope.size_greater_than == h.scope.size_greater_than && s.scope.size_less_than == h.scope.size_less_than, "the size filter"),
            (same_moves, "the moves to other storage classes"),
            (same_expiration, "the deletion"),
            (s.expired_delete_markers == h.expired_delete_markers, "the removal of expired delete markers"),
            (s.noncurrent_transitions == h.noncurrent_transitions, "the moves of older versions"),
            (s.noncurrent_expiration == h.noncurrent_expiration, "the deletion of older versions"),
            (s.abort_incomplete_after_days == h.abort_incomplete_after_days, "the abort of unfinished uploads"),
        ]
        .into_iter()
        .find(|(same, _)| !same);
        if let Some((_, what)) = gap {
            return Some(format!("{what} of {at}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str) -> LifecycleRule {
        LifecycleRule { id: Some(id.into()), ..LifecycleRule::default() }
    }

    fn expiring(id: &str, days: u32) -> LifecycleRule {
        LifecycleRule { expiration: Some(Expiration { days: Some(days), date: None }), ..rule(id) }
    }

    fn moving(days: u32, class: StorageClassName) -> Transition {
        Transition { days: Some(days), date: None, class }
    }

    fn prefixed(prefix: &str) -> LifecycleScope {
        LifecycleScope { prefix: Some(prefix.into()), ..LifecycleScope::default() }
    }

    fn tag(key: &str, value: &str) -> Tag {
        Tag { key: key.into(), value: value.into() }
    }

    /// The refusal of `rules`, checked for the rule's name, the fix and "Nothing was changed".
    fn refusal(rules: &[LifecycleRule], names: &str, fix: &str) -> String {
        let e = check(rules).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        for part in [names, fix, "Nothing was changed."] {
            assert!(e.message.contains(part), "\"{part}\" not in: {}", e.message);
        }
        e.message
    }

    const CLI_DOCUMENT: &str = r#"{
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

    #[test]
    fn an_aws_cli_document_is_read_and_written_back() {
        let rules = parse_document(CLI_DOCUMENT).unwrap();
        assert_eq!(rules.len(), 5);
        let logs = &rules[0];
        assert_eq!(logs.scope, prefixed("logs/"));
        assert_eq!(logs.transitions, [moving(30, StorageClassName::StandardIa), moving(90, StorageClassName::Glacier)]);
        assert_eq!(logs.expiration, Some(Expiration { days: Some(365), date: None }));
        assert_eq!(logs.noncurrent_transitions, [NoncurrentTransition { days: 30, class: StorageClassName::GlacierIr, newer_versions: Some(2) }]);
        assert_eq!(logs.noncurrent_expiration, Some(NoncurrentExpiration { days: 90, keep_newest: Some(3) }));
        let tmp = &rules[1];
        assert!(!tmp.enabled);
        assert_eq!(tmp.scope, LifecycleScope { prefix: Some("tmp/".into()), tags: vec![tag("env", "dev")], size_greater_than: Some(1_000_000), size_less_than: None });
        assert_eq!(tmp.expiration.as_ref().unwrap().date.as_deref(), Some("2030-01-01T00:00:00Z"));
        // The legacy top-level Prefix is the scope; a delete-marker-only Expiration deletes nothing.
        assert_eq!(rules[2].scope, prefixed("old/"));
        assert!(rules[2].expired_delete_markers && rules[2].expiration.is_none());
        assert_eq!(rules[3].scope.tags, [tag("archive", "yes")]);
        assert!(rules[4].scope.is_whole_bucket() && rules[4].abort_incomplete_after_days == Some(7));
        assert!(rules.iter().all(|r| r.other.is_none()));
        check(&rules).unwrap();

        let written = to_document(&rules);
        assert_eq!(written["Rules"][1]["Filter"]["And"]["Tags"][0]["Key"], "env");
        assert_eq!(written["Rules"][2]["Filter"], json!({"Prefix": "old/"}), "the legacy prefix is written as a Filter");
        assert_eq!(written["Rules"][3]["Filter"], json!({"Tag": {"Key": "archive", "Value": "yes"}}));
        assert_eq!(written["Rules"][4]["Filter"], json!({}));
        assert_eq!(parse_document(&written.to_string()).unwrap(), rules);
        // The list alone is read too.
        assert_eq!(parse_document(&written["Rules"].to_string()).unwrap(), rules);
    }

    #[test]
    fn unknown_keys_are_kept_written_back_and_refused() {
        let doc = r#"{"Rules": [{"ID": "x", "Status": "Enabled", "Expiraton": {"Days": 3},
            "Filter": {"Prefix": "a/", "Colour": "red"},
            "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}, {"Days": 200, "StorageClass": "DEEP_ARCHIVE", "Hint": 1}]}]}"#;
        let rules = parse_document(doc).unwrap();
        let other = rules[0].other.as_ref().unwrap();
        assert_eq!(other["Expiraton"], json!({"Days": 3}));
        assert_eq!(other["Filter"], json!({"Colour": "red"}));
        assert_eq!(other["Transitions"], json!([{}, {"Hint": 1}]));
        assert_eq!(rules[0].transitions.len(), 2);
        let written = to_document(&rules);
        assert_eq!(written["Rules"][0]["Transitions"][1], json!({"Days": 200, "StorageClass": "DEEP_ARCHIVE", "Hint": 1}));
        assert_eq!(parse_document(&written.to_string()).unwrap(), rules);
        assert!(rules[0].sentence().ends_with(&format!(" Also has settings Satchel doesn't show: {other}")), "{}", rules[0].sentence());
        refusal(&rules, "Rule \"x\" has settings Satchel can't send", "remove them");
        // The IPC form carries them as JSON text and reads them back.
        let ipc = serde_json::to_value(&rules[0]).unwrap();
        assert!(ipc["other"].is_string());
        assert_eq!(serde_json::from_value::<LifecycleRule>(ipc).unwrap(), rules[0]);
    }

    #[test]
    fn a_document_that_isnt_one_says_where() {
        let e = parse_document("{\n  \"Rules\": [\n    {\"ID\": \"a\",}\n  ]\n}").unwrap_err();
        assert!(e.message.contains("aren't valid JSON") && e.message.contains("line 3, column"), "{}", e.message);
        let cases = [
            (r#"{"rules": []}"#, "have no \"Rules\""),
            (r#"{"Rules": [], "TransitionDefaultMinimumObjectSize": "varies_by_storage_class"}"#, "\"TransitionDefaultMinimumObjectSize\" isn't part"),
            (r#"{"Rules": [{"ID": "a"}]}"#, "Rule \"a\" has no Status"),
            (r#"{"Rules": [{"Status": "On"}]}"#, "Rule 1: Status is Enabled or Disabled"),
            (r#"{"Rules": [{"Status": "Enabled", "Prefix": "a", "Filter": {}}]}"#, "both \"Prefix\" and \"Filter\""),
            (r#"{"Rules": [{"Status": "Enabled", "Filter": {"Prefix": "a", "Tag": {"Key": "k"}}}]}"#, "under \"And\""),
            (r#"{"Rules": [{"Status": "Enabled", "Expiration": {"Days": -1}}]}"#, "Expiration.Days must be a whole number"),
            (r#"{"Rules": [{"Status": "Enabled", "Transitions": [{"Days": 1, "StorageClass": "STANDARD"}]}]}"#, "\"STANDARD\" isn't a storage class"),
        ];
        for (doc, says) in cases {
            let e = parse_document(doc).unwrap_err();
            assert!(e.message.contains(says), "{doc}: {}", e.message);
        }
    }

    #[test]
    fn check_counts_rules_and_ids() {
        let many: Vec<LifecycleRule> = (0..1001).map(|i| expiring(&format!("r{i}"), 1)).collect();
        assert!(check(&many[..1000]).is_ok());
        refusal(&many, "at most 1000 lifecycle rules", "these are 1001");
        refusal(&[expiring(&"x".repeat(256), 1)], "an ID is at most 255 characters", "shorten it");
        refusal(&[expiring("a", 1), expiring("a", 2)], "Rule \"a\": another rule has the same ID", "give each rule its own");
        refusal(&[expiring("a", 1), LifecycleRule { id: None, ..LifecycleRule::default() }], "Rule 2 does nothing", "give it an action");
        assert!(check(&[]).is_ok(), "no rules: remove them");
    }

    #[test]
    fn check_wants_days_of_one_or_more() {
        refusal(&[expiring("logs", 0)], "Rule \"logs\" deletes objects after 0 days", "give 1 day or more");
        let old = LifecycleRule { noncurrent_expiration: Some(NoncurrentExpiration { days: 0, keep_newest: None }), ..rule("old") };
        refusal(&[old], "Rule \"old\" deletes older versions 0 days", "give 1 day or more");
        let abort = LifecycleRule { abort_incomplete_after_days: Some(0), ..rule("up") };
        refusal(&[abort], "Rule \"up\" aborts unfinished uploads 0 days", "give 1 day or more");
        let empty = LifecycleRule { expiration: Some(Expiration::default()), ..rule("e") };
        refusal(&[empty], "Rule \"e\": the deletion says no time", "give days or a date");
        // Archive classes take day 0.
        let now = LifecycleRule { transitions: vec![moving(0, StorageClassName::Glacier)], ..rule("now") };
        check(&[now]).unwrap();
    }

    #[test]
    fn check_keeps_infrequent_access_to_thirty_days() {
        let early = LifecycleRule { transitions: vec![moving(29, StorageClassName::OnezoneIa)], ..rule("ia") };
        refusal(&[early], "Rule \"ia\" moves objects to One Zone-IA after 29 days", "Change it to 30 days or more");
        let ok = LifecycleRule { transitions: vec![moving(30, StorageClassName::StandardIa)], ..rule("ia") };
        check(&[ok]).unwrap();
        let old = LifecycleRule { noncurrent_transitions: vec![NoncurrentTransition { days: 7, class: StorageClassName::StandardIa, newer_versions: None }], ..rule("v") };
        refusal(&[old], "Rule \"v\" moves older versions to Standard-IA 7 days after", "Change it to 30 days or more");
        let brief = LifecycleRule { transitions: vec![moving(30, StorageClassName::StandardIa), moving(45, StorageClassName::Glacier)], ..rule("w") };
        refusal(&[brief], "Rule \"w\" moves objects out of Standard-IA 15 days after moving them in", "Move them to Glacier Flexible Retrieval after 60 days or later");
    }

    #[test]
    fn check_wants_moves_warmer_to_colder() {
        let backwards = LifecycleRule { transitions: vec![moving(90, StorageClassName::Glacier), moving(120, StorageClassName::StandardIa)], ..rule("b") };
        refusal(&[backwards], "Rule \"b\" moves objects to Glacier Flexible Retrieval after 90 days and then to Standard-IA after 120 days", "give the colder class the later time");
        let zone = LifecycleRule { transitions: vec![moving(30, StorageClassName::OnezoneIa), moving(90, StorageClassName::GlacierIr)], ..rule("z") };
        refusal(&[zone], "Rule \"z\" moves objects from One Zone-IA to Glacier Instant Retrieval", "Glacier Flexible Retrieval or Glacier Deep Archive");
        let same = LifecycleRule { transitions: vec![moving(90, StorageClassName::Glacier), moving(90, StorageClassName::DeepArchive)], ..rule("s") };
        refusal(&[same], "Rule \"s\" moves objects to Glacier Flexible Retrieval and to Glacier Deep Archive at the same time", "later time");
        let old = LifecycleRule {
            noncurrent_transitions: vec![
                NoncurrentTransition { days: 10, class: StorageClassName::DeepArchive, newer_versions: None },
                NoncurrentTransition { days: 20, class: StorageClassName::GlacierIr, newer_versions: None },
            ],
            ..rule("o")
        };
        refusal(&[old], "Rule \"o\" moves older versions to Glacier Deep Archive", "give the colder class the later time");
        let fine = LifecycleRule {
            transitions: vec![moving(120, StorageClassName::DeepArchive), moving(30, StorageClassName::StandardIa), moving(60, StorageClassName::GlacierIr)],
            expiration: Some(Expiration { days: Some(400), date: None }),
            ..rule("fine")
        };
        check(&[fine]).unwrap();
    }

    #[test]
    fn check_wants_deletion_after_the_moves() {
        let early = LifecycleRule { transitions: vec![moving(90, StorageClassName::Glacier)], ..expiring("d", 60) };
        refusal(&[early], "Rule \"d\" deletes objects after 60 days, no later than it moves them to Glacier Flexible Retrieval after 90 days", "delete them later");
        let dated = LifecycleRule {
            transitions: vec![Transition { days: None, date: Some("2031-01-01".into()), class: StorageClassName::Glacier }],
            expiration: Some(Expiration { days: None, date: Some("2030-06-01T00:00:00Z".into()) }),
            ..rule("dated")
        };
        refusal(&[dated], "deletes objects on 2030-06-01, no later than it moves them to Glacier Flexible Retrieval on 2031-01-01", "delete them later");
    }

    #[test]
    fn check_wants_days_or_dates_not_both() {
        let mixed = LifecycleRule { transitions: vec![Transition { days: None, date: Some("2030-01-01".into()), class: StorageClassName::Glacier }], ..expiring("m", 400) };
        refusal(&[mixed], "Rule \"m\" mixes days and dates", "Use days everywhere, or dates everywhere");
        let both = LifecycleRule { transitions: vec![Transition { days: Some(1), date: Some("2030-01-01".into()), class: StorageClassName::Glacier }], ..rule("t") };
        refusal(&[both], "Rule \"t\" mixes days and dates", "one or the other");
        let twice = LifecycleRule { expiration: Some(Expiration { days: Some(1), date: Some("2030-01-01".into()) }), ..rule("e") };
        refusal(&[twice], "Rule \"e\" mixes days and dates", "Use days everywhere");
        let noon = LifecycleRule { expiration: Some(Expiration { days: None, date: Some("2030-01-01T12:00:00Z".into()) }), ..rule("n") };
        refusal(&[noon], "Rule \"n\": \"2030-01-01T12:00:00Z\" isn't a date S3 takes", "write it as 2030-01-01");
        let midnight = LifecycleRule { expiration: Some(Expiration { days: None, date: Some("2030-01-01".into()) }), ..rule("n") };
        check(&[midnight]).unwrap();
    }

    #[test]
    fn check_keeps_delete_markers_and_uploads_away_from_tags() {
        let both = LifecycleRule { expired_delete_markers: true, ..expiring("dm", 30) };
        refusal(&[both], "Rule \"dm\" both deletes objects and removes expired delete markers", "Move the delete-marker cleanup to a rule of its own");
        let tagged = LifecycleRule { expired_delete_markers: true, scope: LifecycleScope { tags: vec![tag("env", "dev")], ..LifecycleScope::default() }, ..rule("dt") };
        refusal(&[tagged], "Rule \"dt\" removes expired delete markers but applies to tagged objects only", "Remove the tags from this rule");
        let uploads = LifecycleRule { abort_incomplete_after_days: Some(7), scope: LifecycleScope { tags: vec![tag("env", "dev")], ..LifecycleScope::default() }, ..rule("ut") };
        refusal(&[uploads], "Rule \"ut\" aborts unfinished uploads but applies to tagged objects only", "put the abort in a rule without tags");
        let markers = LifecycleRule { expired_delete_markers: true, scope: prefixed("logs/"), ..rule("ok") };
        check(&[markers]).unwrap();
    }

    #[test]
    fn check_reads_the_filter() {
        let sizes = LifecycleRule { scope: LifecycleScope { size_greater_than: Some(5_000_000), size_less_than: Some(1_000_000), ..LifecycleScope::default() }, ..expiring("sz", 1) };
        refusal(&[sizes], "Rule \"sz\" applies to objects larger than 5.0 MB and smaller than 1.0 MB", "Make the minimum size smaller than the maximum");
        let twice = LifecycleRule { scope: LifecycleScope { tags: vec![tag("a", "1"), tag("a", "2")], ..LifecycleScope::default() }, ..expiring("tt", 1) };
        refusal(&[twice], "Rule \"tt\" names the tag \"a\" twice", "give each tag key once");
        let keyless = LifecycleRule { scope: LifecycleScope { tags: vec![tag("", "1")], ..LifecycleScope::default() }, ..expiring("tk", 1) };
        refusal(&[keyless], "Rule \"tk\": Tag keys can't be empty.", "Nothing was changed.");
    }

    #[test]
    fn check_wants_one_to_a_hundred_newer_versions() {
        let none = LifecycleRule { noncurrent_expiration: Some(NoncurrentExpiration { days: 30, keep_newest: Some(0) }), ..rule("k") };
        refusal(&[none], "Rule \"k\" keeps the newest 0 older versions", "give a number from 1 to 100");
        let lots = LifecycleRule {
            noncurrent_transitions: vec![NoncurrentTransition { days: 30, class: StorageClassName::Glacier, newer_versions: Some(101) }],
            ..rule("n")
        };
        refusal(&[lots], "Rule \"n\" keeps the newest 101 older versions", "from 1 to 100");
    }

    #[test]
    fn rules_in_words() {
        let rules = parse_document(CLI_DOCUMENT).unwrap();
        assert_eq!(
            rules[0].sentence(),
            "Objects under logs/ move to Standard-IA after 30 days, then to Glacier Flexible Retrieval after 90 days and are deleted after 365 days. \
             Older versions of objects under logs/ move to Glacier Instant Retrieval 30 days after they stop being current (the newest 2 stay); \
             older versions are deleted after 90 days, keeping the newest 3."
        );
        assert_eq!(rules[1].sentence(), "(Disabled) Objects under tmp/ tagged env=dev larger than 1.0 MB are deleted on 2030-01-01T00:00:00Z.");
        assert_eq!(rules[2].sentence(), "Expired delete markers under old/ are removed.");
        assert_eq!(rules[3].sentence(), "Objects tagged archive=yes move to Glacier Deep Archive after 0 days.");
        assert_eq!(rules[4].sentence(), "Unfinished uploads are aborted 7 days after they start.");
        assert_eq!(expiring("all", 1).sentence(), "All objects are deleted after 1 day.");
        let old = LifecycleRule { noncurrent_expiration: Some(NoncurrentExpiration { days: 90, keep_newest: Some(3) }), ..rule("old") };
        assert_eq!(old.sentence(), "Older versions are deleted after 90 days, keeping the newest 3.");
        let small = LifecycleRule { scope: LifecycleScope { size_less_than: Some(128_000), ..LifecycleScope::default() }, ..expiring("s", 7) };
        assert_eq!(small.sentence(), "Objects smaller than 128.0 kB are deleted after 7 days.");
    }

    #[test]
    fn overlapping_rules_are_pointed_out() {
        let logs = LifecycleRule { scope: prefixed("logs/"), ..expiring("logs", 30) };
        let all = expiring("all", 365);
        let nested = overlaps(&[logs.clone(), all.clone()]);
        assert_eq!(nested.len(), 1, "{nested:?}");
        assert!(nested[0].starts_with("Rule \"logs\" and rule \"all\" both apply to objects under logs/ and both delete them:"), "{}", nested[0]);
        // Disabled, disjoint prefixes, other tag values, sizes that don't meet, different actions: no advice.
        assert!(overlaps(&[logs.clone(), LifecycleRule { enabled: false, ..all.clone() }]).is_empty());
        assert!(overlaps(&[logs.clone(), LifecycleRule { scope: prefixed("img/"), ..all.clone() }]).is_empty());
        let dev = LifecycleRule { scope: LifecycleScope { tags: vec![tag("env", "dev")], ..LifecycleScope::default() }, ..all.clone() };
        let prod = LifecycleRule { scope: LifecycleScope { tags: vec![tag("env", "prod")], ..LifecycleScope::default() }, ..expiring("prod", 9) };
        assert!(overlaps(&[dev.clone(), prod]).is_empty());
        let big = LifecycleRule { scope: LifecycleScope { size_greater_than: Some(1000), ..LifecycleScope::default() }, ..expiring("big", 1) };
        let small = LifecycleRule { scope: LifecycleScope { size_less_than: Some(1001), ..LifecycleScope::default() }, ..expiring("small", 2) };
        assert!(overlaps(&[big, small]).is_empty());
        assert!(overlaps(&[logs.clone(), abort_incomplete_rule(7)]).is_empty());
        let archive = LifecycleRule { transitions: vec![moving(0, StorageClassName::Glacier)], ..rule("a") };
        let deep = LifecycleRule { transitions: vec![moving(0, StorageClassName::DeepArchive)], scope: prefixed("logs/old/"), ..rule("d") };
        let moves = overlaps(&[archive, deep]);
        assert!(moves[0].contains("both apply to objects under logs/old/ and both move them to other storage classes"), "{moves:?}");
    }

    #[test]
    #[allow(deprecated)] // a rule with the legacy rule-level Prefix, as old buckets hold
    fn sdk_types_round_trip() {
        let mut rules = parse_document(CLI_DOCUMENT).unwrap();
        rules.push(LifecycleRule {
            scope: LifecycleScope { size_greater_than: Some(10), size_less_than: Some(1 << 40), ..LifecycleScope::default() },
            ..expiring("sizes", 3)
        });
        rules.push(LifecycleRule { scope: LifecycleScope { tags: vec![tag("a", "1"), tag("b", "2")], ..LifecycleScope::default() }, ..expiring("tags", 3) });
        for r in &rules {
            let sent = to_sdk(r).unwrap();
            assert_eq!(&from_sdk(&sent), r, "{sent:?}");
        }
        // One condition stands alone in the Filter, several go under And; the whole bucket is an empty Filter.
        let single = to_sdk(&rules[3]).unwrap();
        assert_eq!(single.filter().unwrap().tag().unwrap().key(), "archive");
        let many = to_sdk(&rules[1]).unwrap();
        assert_eq!(many.filter().unwrap().and().unwrap().prefix(), Some("tmp/"));
        assert_eq!(to_sdk(&rules[4]).unwrap().filter(), Some(&sdk::LifecycleRuleFilter::builder().build()));

        // What this model can't say is kept in `other`, in place.
        let legacy = sdk::LifecycleRule::builder()
            .prefix("old/")
            .status(ExpirationStatus::Enabled)
            .transitions(sdk::Transition::builder().days(0).storage_class(TransitionStorageClass::from("GLACIER_XL")).build())
            .transitions(sdk::Transition::builder().days(30).storage_class(TransitionStorageClass::Glacier).build())
            .build()
            .unwrap();
        let read = from_sdk(&legacy);
        assert_eq!(read.scope, prefixed("old/"));
        assert_eq!(read.transitions, [moving(30, StorageClassName::Glacier)]);
        assert_eq!(read.other, Some(json!({"Transitions": [{"Days": 0, "Date": null, "StorageClass": "GLACIER_XL"}, {}]})));
    }

    #[test]
    fn the_abort_rule() {
        let abort = abort_incomplete_rule(7);
        assert_eq!(abort.id.as_deref(), Some(ABORT_RULE_ID));
        check(std::slice::from_ref(&abort)).unwrap();
        assert!(has_abort_rule(&[expiring("x", 1), abort.clone()]));
        assert!(!has_abort_rule(&[LifecycleRule { enabled: false, ..abort.clone() }]));
        assert!(!has_abort_rule(&[LifecycleRule { scope: prefixed("a/"), ..abort }]));
    }

    #[test]
    fn a_read_back_that_lost_a_part_is_named() {
        let sent = [LifecycleRule { scope: LifecycleScope { tags: vec![tag("tmp", "yes")], ..LifecycleScope::default() }, ..expiring("tmp", 1) }];
        let kept = [expiring("tmp", 1)];
        assert_eq!(missing(&sent, &kept).as_deref(), Some("the tag filter of rule \"tmp\""));
        let unnamed = [LifecycleRule { id: None, ..expiring("", 1) }];
        let named = [LifecycleRule { id: Some("generated".into()), ..expiring("", 1) }];
        assert_eq!(missing(&unnamed, &named), None, "an ID the storage gave is fine");
        let dated = [LifecycleRule { expiration: Some(Expiration { days: None, date: Some("2030-01-01".into()) }), ..rule("d") }];
        let spelled = [LifecycleRule { expiration: Some(Expiration { days: None, date: Some("2030-01-01T00:00:00Z".into()) }), ..rule("d") }];
        assert_eq!(missing(&dated, &spelled), None, "a date spelled otherwise is the same date");
    }
}
