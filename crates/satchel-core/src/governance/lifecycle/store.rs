//! The SDK's types and the requests: read, apply with the read-back, delete.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types as sdk;
use aws_sdk_s3::types::{ExpirationStatus, TransitionDefaultMinimumObjectSize, TransitionStorageClass};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde_json::{json, Map, Value};

use super::check::{check, label, parse_date};
use super::{Expiration, LifecycleRule, LifecycleScope, NoncurrentExpiration, NoncurrentTransition, StorageClassName, Transition, READ_BACK_PAUSE, READ_BACK_TRIES};
use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};
use crate::tags::Tag;

// ---- The SDK's types ----

impl StorageClassName {
    fn to_sdk(self) -> TransitionStorageClass {
        TransitionStorageClass::from(self.s3_name())
    }
}

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
    use crate::governance::lifecycle::fixtures::*;
    use crate::governance::lifecycle::parse_document;

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
