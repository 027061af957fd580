//! Lifecycle rules through the engine, read back with the harness's own client: moto keeps the
//! whole model except size filters; garage keeps deletion by days or date, aborting unfinished
//! uploads and prefix/size filters, and drops the rest without an error, which Satchel must notice.

use aws_sdk_s3::types::TransitionStorageClass;
use satchel_core::governance::lifecycle::{
    self, abort_incomplete_rule, Expiration, LifecycleRule, LifecycleScope, NoncurrentExpiration, NoncurrentTransition, StorageClassName, Transition,
};
use satchel_core::tags::Tag;
use satchel_core::ErrorCode;
use satchel_harness::{garage, moto, S3Server};

use crate::common::satchel_client;

fn unique(prefix: &str) -> String {
    format!("{prefix}-{:08x}", rand::random::<u32>())
}

fn expiring(id: &str, prefix: &str, days: u32) -> LifecycleRule {
    LifecycleRule {
        id: Some(id.into()),
        scope: LifecycleScope { prefix: Some(prefix.into()), ..LifecycleScope::default() },
        expiration: Some(Expiration { days: Some(days), date: None }),
        ..LifecycleRule::default()
    }
}

/// The rule IDs and expiration days the server holds, read independently.
async fn held(server: &S3Server, bucket: &str) -> Option<Vec<(String, Option<i32>)>> {
    let out = server.client().get_bucket_lifecycle_configuration().bucket(bucket).send().await.ok()?;
    Some(out.rules().iter().map(|r| (r.id().unwrap_or_default().to_string(), r.expiration().and_then(|e| e.days()))).collect())
}

/// What moto keeps of the model: every action, prefix and tag filters.
fn moto_rules() -> Vec<LifecycleRule> {
    vec![
        LifecycleRule {
            id: Some("logs".into()),
            scope: LifecycleScope { prefix: Some("logs/".into()), ..LifecycleScope::default() },
            transitions: vec![
                Transition { days: Some(30), date: None, class: StorageClassName::StandardIa },
                Transition { days: Some(90), date: None, class: StorageClassName::Glacier },
            ],
            expiration: Some(Expiration { days: Some(365), date: None }),
            noncurrent_transitions: vec![NoncurrentTransition { days: 30, class: StorageClassName::GlacierIr, newer_versions: Some(2) }],
            noncurrent_expiration: Some(NoncurrentExpiration { days: 90, keep_newest: None }),
            ..LifecycleRule::default()
        },
        LifecycleRule {
            id: Some("tmp".into()),
            enabled: false,
            scope: LifecycleScope {
                prefix: Some("tmp/".into()),
                tags: vec![Tag { key: "env".into(), value: "dev".into() }, Tag { key: "team".into(), value: "web".into() }],
                ..LifecycleScope::default()
            },
            expiration: Some(Expiration { days: Some(7), date: None }),
            ..LifecycleRule::default()
        },
        LifecycleRule { id: Some("markers".into()), expired_delete_markers: true, ..LifecycleRule::default() },
        abort_incomplete_rule(7),
    ]
}

#[tokio::test]
async fn moto_holds_the_rules_that_were_set() {
    let m = moto();
    let s3 = satchel_client(m);
    let bucket = unique("lc-set");
    m.create_bucket(&bucket).await;
    assert!(lifecycle::read(&s3, &bucket).await.unwrap().is_empty(), "no rules is an empty list");

    let rules = moto_rules();
    lifecycle::apply(&s3, &bucket, &rules).await.unwrap();
    assert_eq!(lifecycle::read(&s3, &bucket).await.unwrap(), rules);

    let out = m.client().get_bucket_lifecycle_configuration().bucket(&bucket).send().await.unwrap();
    let held = out.rules();
    assert_eq!(held.len(), 4);
    let logs = &held[0];
    assert_eq!(logs.id(), Some("logs"));
    assert_eq!(logs.filter().and_then(|f| f.prefix()), Some("logs/"));
    let moves: Vec<(Option<i32>, Option<&TransitionStorageClass>)> = logs.transitions().iter().map(|t| (t.days(), t.storage_class())).collect();
    assert_eq!(moves, [(Some(30), Some(&TransitionStorageClass::StandardIa)), (Some(90), Some(&TransitionStorageClass::Glacier))]);
    assert_eq!(logs.expiration().and_then(|e| e.days()), Some(365));
    assert_eq!(logs.noncurrent_version_transitions()[0].newer_noncurrent_versions(), Some(2));
    assert_eq!(logs.noncurrent_version_expiration().and_then(|e| e.noncurrent_days()), Some(90));
    let tmp = &held[1];
    assert_eq!(tmp.status().as_str(), "Disabled");
    let and = tmp.filter().and_then(|f| f.and()).expect("prefix and tags go under And");
    assert_eq!(and.prefix(), Some("tmp/"));
    assert_eq!(and.tags().iter().map(|t| t.key()).collect::<Vec<_>>(), ["env", "team"]);
    assert_eq!(held[2].expiration().and_then(|e| e.expired_object_delete_marker()), Some(true));
    assert_eq!(held[3].id(), Some(lifecycle::ABORT_RULE_ID));
    assert_eq!(held[3].abort_incomplete_multipart_upload().and_then(|a| a.days_after_initiation()), Some(7));
}

#[tokio::test]
async fn a_refused_rule_leaves_the_rules_as_they_were() {
    let m = moto();
    let s3 = satchel_client(m);
    let bucket = unique("lc-refused");
    m.create_bucket(&bucket).await;
    lifecycle::apply(&s3, &bucket, &[expiring("logs", "logs/", 30)]).await.unwrap();

    let zero_days = [expiring("logs", "logs/", 0)];
    let e = lifecycle::apply(&s3, &bucket, &zero_days).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("Rule \"logs\" deletes objects after 0 days") && e.message.contains("Nothing was changed."), "{}", e.message);
    let backwards = [LifecycleRule {
        transitions: vec![
            Transition { days: Some(200), date: None, class: StorageClassName::DeepArchive },
            Transition { days: Some(300), date: None, class: StorageClassName::Glacier },
        ],
        ..expiring("archive", "", 400)
    }];
    let e = lifecycle::apply(&s3, &bucket, &backwards).await.unwrap_err();
    assert!(e.message.contains("only move to colder classes"), "{}", e.message);
    assert_eq!(held(m, &bucket).await, Some(vec![("logs".to_string(), Some(30))]), "the server still holds the first rules");
}

#[tokio::test]
async fn deleting_removes_the_rules() {
    let m = moto();
    let s3 = satchel_client(m);
    let bucket = unique("lc-delete");
    m.create_bucket(&bucket).await;
    lifecycle::delete(&s3, &bucket).await.expect("deleting no rules is fine");

    lifecycle::apply(&s3, &bucket, &[expiring("a", "a/", 3)]).await.unwrap();
    lifecycle::delete(&s3, &bucket).await.unwrap();
    assert_eq!(held(m, &bucket).await, None, "the server holds no configuration");
    assert!(lifecycle::read(&s3, &bucket).await.unwrap().is_empty());

    // An empty list removes them too.
    lifecycle::apply(&s3, &bucket, &[expiring("b", "b/", 3)]).await.unwrap();
    lifecycle::apply(&s3, &bucket, &[]).await.unwrap();
    assert_eq!(held(m, &bucket).await, None);
}

/// moto drops size filters without a word: the rule would delete every object under big/, so the
/// previous rules are put back and the error says what the storage didn't keep.
#[tokio::test]
async fn a_part_the_storage_drops_is_caught_and_undone() {
    let m = moto();
    let s3 = satchel_client(m);
    let bucket = unique("lc-dropped");
    m.create_bucket(&bucket).await;
    lifecycle::apply(&s3, &bucket, &[expiring("logs", "logs/", 30)]).await.unwrap();

    let mut big_only = expiring("big", "big/", 1);
    big_only.scope.size_greater_than = Some(1_000_000_000);
    let e = lifecycle::apply(&s3, &bucket, &[big_only]).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
    assert!(e.message.contains("didn't keep the size filter of rule \"big\""), "{}", e.message);
    assert!(e.message.contains("The previous rules were put back"), "{}", e.message);
    assert_eq!(held(m, &bucket).await, Some(vec![("logs".to_string(), Some(30))]));
}

#[tokio::test]
async fn garage_holds_deletion_aborts_and_prefix_and_size_filters() {
    let g = &garage().server;
    let s3 = satchel_client(g);
    let bucket = unique("lc-garage");
    g.create_bucket(&bucket).await;
    assert!(lifecycle::read(&s3, &bucket).await.unwrap().is_empty(), "garage's bare 404 is no rules");

    let mut big_logs = expiring("big-logs", "logs/", 30);
    big_logs.scope.size_greater_than = Some(1_000_000);
    let rules = vec![big_logs, expiring("tmp", "tmp/", 1), abort_incomplete_rule(7)];
    lifecycle::apply(&s3, &bucket, &rules).await.unwrap();
    assert_eq!(lifecycle::read(&s3, &bucket).await.unwrap(), rules);

    let out = g.client().get_bucket_lifecycle_configuration().bucket(&bucket).send().await.unwrap();
    let held = out.rules();
    assert_eq!(held.len(), 3);
    let and = held[0].filter().and_then(|f| f.and()).expect("prefix and size go under And");
    assert_eq!((and.prefix(), and.object_size_greater_than()), (Some("logs/"), Some(1_000_000)));
    assert_eq!(held[0].expiration().and_then(|e| e.days()), Some(30));
    assert_eq!(held[2].abort_incomplete_multipart_upload().and_then(|a| a.days_after_initiation()), Some(7));

    // Deletion on a date, written as a plain date, is held as midnight UTC.
    let dated = [LifecycleRule { expiration: Some(Expiration { days: None, date: Some("2030-01-01".into()) }), ..expiring("dated", "d/", 1) }];
    lifecycle::apply(&s3, &bucket, &dated).await.unwrap();
    let read = lifecycle::read(&s3, &bucket).await.unwrap();
    assert_eq!(read[0].expiration, Some(Expiration { days: None, date: Some("2030-01-01T00:00:00Z".into()) }));

    lifecycle::delete(&s3, &bucket).await.unwrap();
    assert!(lifecycle::read(&s3, &bucket).await.unwrap().is_empty());
}

/// garage ignores transitions, tag filters and older-version actions, and refuses a delete-marker
/// cleanup: each comes back as a plain error, and the rules it held stay.
#[tokio::test]
async fn garage_says_what_it_doesnt_keep() {
    let g = &garage().server;
    let s3 = satchel_client(g);
    let bucket = unique("lc-garage-no");
    g.create_bucket(&bucket).await;
    let kept = [expiring("logs", "logs/", 30)];
    lifecycle::apply(&s3, &bucket, &kept).await.unwrap();

    let archive = LifecycleRule { transitions: vec![Transition { days: Some(0), date: None, class: StorageClassName::Glacier }], ..expiring("archive", "a/", 30) };
    let tagged = LifecycleRule {
        scope: LifecycleScope { tags: vec![Tag { key: "tmp".into(), value: "yes".into() }], ..LifecycleScope::default() },
        ..expiring("tagged", "", 1)
    };
    let versions = LifecycleRule { noncurrent_expiration: Some(NoncurrentExpiration { days: 30, keep_newest: None }), ..expiring("versions", "v/", 60) };
    for (rule, part) in [(archive, "the moves to other storage classes"), (tagged, "the tag filter"), (versions, "the deletion of older versions")] {
        let id = rule.id.clone().unwrap();
        let e = lifecycle::apply(&s3, &bucket, &[rule]).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Unsupported, "{e:?}");
        assert!(e.message.contains(&format!("didn't keep {part} of rule \"{id}\"")), "{}", e.message);
        assert!(e.message.contains("The previous rules were put back"), "{}", e.message);
        assert_eq!(held(g, &bucket).await, Some(vec![("logs".to_string(), Some(30))]), "after {id}");
    }

    let markers = LifecycleRule { id: Some("markers".into()), expired_delete_markers: true, ..LifecycleRule::default() };
    let e = lifecycle::apply(&s3, &bucket, &[markers]).await.unwrap_err();
    // garage answers 400 "<Expiration> must contain either <Days> or <Date>".
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    assert!(e.message.starts_with("The storage refused these lifecycle rules (") && e.message.ends_with("Nothing was changed."), "{}", e.message);
    assert!(!e.message.contains("SdkError") && !e.message.contains("ServiceError"), "{}", e.message);
    assert_eq!(held(g, &bucket).await, Some(vec![("logs".to_string(), Some(30))]));
}
