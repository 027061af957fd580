//! The AWS CLI's JSON: the file `aws s3api put-bucket-lifecycle-configuration` takes, read into
//! rules and written back.

use serde_json::{json, Map, Value};

use super::{Expiration, LifecycleRule, LifecycleScope, NoncurrentExpiration, NoncurrentTransition, StorageClassName, Transition};
use crate::error::{Error, Result};
use crate::tags::Tag;

/// The rules of the JSON file `aws s3api put-bucket-lifecycle-configuration --lifecycle-configuration`
/// takes (`{"Rules": [...]}`, or the list alone). Keys this model doesn't know stay in each rule's
/// `other` (and make `check` refuse it). Not checked: call [`check`](super::check).
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
pub(super) mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(v: &Option<Value>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().map(Value::to_string).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
        Option::<String>::deserialize(d)?.map(|t| serde_json::from_str(&t).map_err(serde::de::Error::custom)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::lifecycle::check;
    use crate::governance::lifecycle::fixtures::*;

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
}
