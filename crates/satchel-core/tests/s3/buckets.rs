//! Bucket management against moto (versioning, object lock, ACLs) and garage (a real engine that
//! lacks most bucket settings). What the server holds afterwards is read with the harness's client.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketVersioningStatus, ObjectLockEnabled, ObjectLockLegalHoldStatus, ServerSideEncryption, VersioningConfiguration,
};
use satchel_core::buckets::create::{CannedAcl, Ownership};
use satchel_core::tags::Tag;
use satchel_core::{
    CancellationToken, ErrorCode,
    NewBucket, Paths, Satchel,
};
use satchel_harness::{closed_port, garage, moto, S3Server};
use crate::common::{world, world_at};

fn unique(prefix: &str) -> String {
    format!("{prefix}-{:08x}", rand::random::<u32>())
}

async fn bucket_exists(server: &S3Server, name: &str) -> bool {
    server.bucket_names().await.iter().any(|n| n == name)
}

#[tokio::test]
async fn create_applies_the_safe_defaults_in_the_connections_region() {
    let m = moto();
    let w = world(m).await;
    let name = unique("defaults");
    let report = w.engine.create_bucket(&w.conn, &NewBucket::new(&name)).await.unwrap();
    assert_eq!(report.region, "us-east-1");
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);

    let c = m.client();
    let loc = c.get_bucket_location().bucket(&name).send().await.unwrap();
    assert_eq!(loc.location_constraint().map(|l| l.as_str()).unwrap_or(""), "", "no LocationConstraint for us-east-1");
    let bpa = c.get_public_access_block().bucket(&name).send().await.unwrap();
    let bpa = bpa.public_access_block_configuration().unwrap();
    assert_eq!(
        (bpa.block_public_acls(), bpa.ignore_public_acls(), bpa.block_public_policy(), bpa.restrict_public_buckets()),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let enc = c.get_bucket_encryption().bucket(&name).send().await.unwrap();
    let rule = &enc.server_side_encryption_configuration().unwrap().rules()[0];
    assert_eq!(rule.apply_server_side_encryption_by_default().unwrap().sse_algorithm(), &ServerSideEncryption::Aes256);
    let overview = w.engine.bucket_overview(&w.conn, &name).await.unwrap();
    use satchel_core::governance::SettingState;
    assert_eq!(overview.public_access_block.state, SettingState::On, "{overview:?}");
    assert_eq!(overview.encryption.text, "SSE-S3 (AES-256)");
    assert_eq!(overview.versioning.state, SettingState::Off);
    assert_eq!(overview.object_lock.state, SettingState::Off, "{overview:?}");
    let own = c.get_bucket_ownership_controls().bucket(&name).send().await.unwrap();
    assert_eq!(own.ownership_controls().unwrap().rules()[0].object_ownership().as_str(), "BucketOwnerEnforced");
}

#[tokio::test]
async fn create_in_another_region_and_follow_it_afterwards() {
    let m = moto();
    let w = world(m).await;
    let name = unique("paris");
    let mut spec = NewBucket::new(&name);
    spec.region = Some("eu-west-1".into());
    assert_eq!(w.engine.create_bucket(&w.conn, &spec).await.unwrap().region, "eu-west-1");
    let loc = m.client().get_bucket_location().bucket(&name).send().await.unwrap();
    assert_eq!(loc.location_constraint().unwrap().as_str(), "eu-west-1");

    // A fresh engine learns the bucket's region from the storage and signs for it.
    let again = Satchel::open(Paths::in_dir(w.dir.path()), w.engine.keychain().clone()).unwrap();
    let s3 = again.bucket_client(&w.conn, &name).await.unwrap();
    assert_eq!(s3.region, "eu-west-1");
    s3.client.list_objects_v2().bucket(&name).send().await.unwrap();
}

#[tokio::test]
async fn create_with_object_lock_versioning_and_tags() {
    let m = moto();
    let w = world(m).await;
    let c = m.client();

    let locked = unique("locked");
    let mut spec = NewBucket::new(&locked);
    spec.object_lock = true;
    let report = w.engine.create_bucket(&w.conn, &spec).await.unwrap();
    assert!(report.applied.iter().any(|a| a == "object lock"), "{report:?}");
    let lock = c.get_object_lock_configuration().bucket(&locked).send().await.unwrap();
    assert_eq!(lock.object_lock_configuration().unwrap().object_lock_enabled(), Some(&ObjectLockEnabled::Enabled));
    assert!(versioning_enabled(&c, &locked).await, "object lock turns versioning on");

    let versioned = unique("versioned");
    let mut spec = NewBucket::new(&versioned);
    spec.versioning = true;
    spec.tags = vec![Tag { key: "project".into(), value: "alpha".into() }];
    w.engine.create_bucket(&w.conn, &spec).await.unwrap();
    assert!(versioning_enabled(&c, &versioned).await);
    let overview = w.engine.bucket_overview(&w.conn, &locked).await.unwrap();
    assert_eq!((overview.versioning.text.as_str(), overview.object_lock.text.as_str()), ("Enabled", "Enabled (can't be turned off)"));
    let tags = c.get_bucket_tagging().bucket(&versioned).send().await.unwrap();
    assert_eq!((tags.tag_set()[0].key(), tags.tag_set()[0].value()), ("project", "alpha"));
}

#[tokio::test]
async fn a_name_already_taken_is_told_apart() {
    let m = moto();
    let w = world(m).await;
    let name = unique("twice");
    w.engine.create_bucket(&w.conn, &NewBucket::new(&name)).await.unwrap();
    // us-east-1 answers 200 to re-creating your own bucket; Satchel must still not "create" it
    // again (and re-apply settings over the existing ones).
    let e = w.engine.create_bucket(&w.conn, &NewBucket::new(&name)).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyExists, "{e:?}");
    let mut elsewhere = NewBucket::new(&name);
    elsewhere.region = Some("eu-west-1".into());
    let e = w.engine.create_bucket(&w.conn, &elsewhere).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyExists, "{e:?}");
    assert!(e.message.contains(&name));
}

#[tokio::test]
async fn invalid_requests_are_refused_before_any_request() {
    // Nothing listens here: any request would fail as unreachable, so InvalidInput proves none was sent.
    let w = world_at(&format!("http://127.0.0.1:{}", closed_port()), "us-east-1", "AKIA0", "secret").await;
    for name in ["ab", "Capital", "under_score", "-dash", "a..b", "10.0.0.1", "xn--x", "x-s3alias", "x--ol-s3"] {
        let e = w.engine.create_bucket(&w.conn, &NewBucket::new(name)).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{name}: {e:?}");
    }
    let mut public = NewBucket::new("public-site");
    public.ownership = Ownership::ObjectWriter;
    public.block_public_access = false;
    public.acl = Some(CannedAcl::PublicRead);
    let e = w.engine.create_bucket(&w.conn, &public).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("public"), "{}", e.message);
    let mut bad_tags = NewBucket::new("tagged");
    bad_tags.tags = vec![Tag { key: "aws:x".into(), value: "v".into() }];
    assert_eq!(w.engine.create_bucket(&w.conn, &bad_tags).await.unwrap_err().code, ErrorCode::InvalidInput);
}

/// Reads the versioning status independently. moto 5 answers with a wrongly named root element that
/// the SDK refuses, so the raw document is read when parsing fails.
async fn versioning_enabled(c: &aws_sdk_s3::Client, bucket: &str) -> bool {
    match c.get_bucket_versioning().bucket(bucket).send().await {
        Ok(v) => v.status() == Some(&BucketVersioningStatus::Enabled),
        Err(e) => {
            let body = e.raw_response().and_then(|r| r.body().bytes()).map(|b| String::from_utf8_lossy(b).into_owned());
            body.unwrap_or_default().contains("<Status>Enabled</Status>")
        }
    }
}

/// A versioned bucket with several versions per key, a delete marker and an unfinished upload.
async fn messy_bucket(m: &S3Server) -> String {
    let c = m.client();
    let name = unique("messy");
    m.create_bucket(&name).await;
    c.put_bucket_versioning()
        .bucket(&name)
        .versioning_configuration(VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build())
        .send()
        .await
        .unwrap();
    for key in ["a.txt", "dir/b.txt"] {
        for i in 0..3 {
            c.put_object().bucket(&name).key(key).body(ByteStream::from(vec![b'x'; 10 + i])).send().await.unwrap();
        }
    }
    c.delete_object().bucket(&name).key("a.txt").send().await.unwrap();
    c.create_multipart_upload().bucket(&name).key("big.bin").send().await.unwrap();
    name
}

#[tokio::test]
async fn census_then_empty_and_delete_a_versioned_bucket() {
    let m = moto();
    let w = world(m).await;
    let name = messy_bucket(m).await;
    let census = w.engine.census(&w.conn, &name, &CancellationToken::new()).await.unwrap();
    assert_eq!(
        (census.current_objects, census.noncurrent_versions, census.delete_markers, census.unfinished_uploads),
        (1, 5, 1, 1),
        "{census:?}"
    );
    assert_eq!(census.bytes, 2 * (10 + 11 + 12), "every version counts");

    let seen = std::sync::Mutex::new(Vec::new());
    let report = w
        .engine
        .delete_bucket(&w.conn, &name, &census, &CancellationToken::new(), &|p| seen.lock().unwrap().push(p.clone()))
        .await
        .unwrap();
    assert!(report.bucket_deleted, "{report:?}");
    assert_eq!((report.deleted, report.uploads_aborted), (7, 1));
    assert!(!seen.lock().unwrap().is_empty(), "progress was reported");
    assert!(!bucket_exists(m, &name).await, "the server no longer has the bucket");
}

/// Objects written after the census the user confirmed: emptying deletes no more than was counted,
/// stops, keeps the bucket and says how much appeared; an upload started meanwhile is not aborted.
#[tokio::test]
async fn a_bucket_that_gains_objects_after_its_census_is_not_emptied_past_it() {
    let m = moto();
    let w = world(m).await;
    let name = unique("grows");
    m.create_bucket(&name).await;
    let c = m.client();
    for i in 0..5 {
        c.put_object().bucket(&name).key(format!("old/{i}")).body(ByteStream::from_static(b"v")).send().await.unwrap();
    }
    let census = w.engine.census(&w.conn, &name, &CancellationToken::new()).await.unwrap();
    assert_eq!(census.current_objects, 5);
    // Listed first ("new/" < "old/"), and a second later by the storage's clock.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for i in 0..3 {
        c.put_object().bucket(&name).key(format!("new/{i}")).body(ByteStream::from_static(b"v")).send().await.unwrap();
    }
    let report = w.engine.delete_bucket(&w.conn, &name, &census, &CancellationToken::new(), &|_| {}).await.unwrap();
    assert!(!report.bucket_deleted, "{report:?}");
    assert_eq!((report.appeared, report.deleted), (3, 5), "{report:?}");
    assert!(report.summary(&name).contains("3 items appeared after the count"), "{}", report.summary(&name));
    let left = c.list_objects_v2().bucket(&name).send().await.unwrap();
    let keys: Vec<&str> = left.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["new/0", "new/1", "new/2"], "what was counted is gone, what appeared is untouched");
    assert!(bucket_exists(m, &name).await);

    // Counted again, with an upload someone started after that count: it is left running.
    let census = w.engine.census(&w.conn, &name, &CancellationToken::new()).await.unwrap();
    c.create_multipart_upload().bucket(&name).key("incoming.bin").send().await.unwrap();
    let report = w.engine.delete_bucket(&w.conn, &name, &census, &CancellationToken::new(), &|_| {}).await.unwrap();
    assert_eq!((report.bucket_deleted, report.appeared, report.uploads_aborted), (false, 1, 0), "{report:?}");
    assert_eq!(c.list_multipart_uploads().bucket(&name).send().await.unwrap().uploads().len(), 1);
}

#[tokio::test]
async fn a_legal_hold_keeps_the_bucket_and_is_reported() {
    let m = moto();
    let w = world(m).await;
    let name = unique("held");
    let mut spec = NewBucket::new(&name);
    spec.object_lock = true;
    w.engine.create_bucket(&w.conn, &spec).await.unwrap();
    let c = m.client();
    c.put_object()
        .bucket(&name)
        .key("evidence.pdf")
        .body(ByteStream::from_static(b"held"))
        .object_lock_legal_hold_status(ObjectLockLegalHoldStatus::On)
        .send()
        .await
        .unwrap();
    c.put_object().bucket(&name).key("free.txt").body(ByteStream::from_static(b"free")).send().await.unwrap();

    let census = w.engine.census(&w.conn, &name, &CancellationToken::new()).await.unwrap();
    let report = w.engine.delete_bucket(&w.conn, &name, &census, &CancellationToken::new(), &|_| {}).await.unwrap();
    assert!(!report.bucket_deleted);
    assert_eq!(report.remaining.len(), 1, "{report:?}");
    assert_eq!(report.remaining[0].key, "evidence.pdf");
    assert!(report.remaining[0].reason.contains("legal hold"), "{}", report.remaining[0].reason);
    assert!(report.summary(&name).contains("kept"));

    let left = c.list_object_versions().bucket(&name).send().await.unwrap();
    let keys: Vec<&str> = left.versions().iter().filter_map(|v| v.key()).collect();
    assert_eq!(keys, ["evidence.pdf"], "everything else was deleted");
}

#[tokio::test]
async fn cancelling_keeps_the_bucket_and_says_so() {
    let m = moto();
    let w = world(m).await;
    let name = unique("cancel");
    m.create_bucket(&name).await;
    m.client().put_object().bucket(&name).key("k").body(ByteStream::from_static(b"v")).send().await.unwrap();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let census = w.engine.census(&w.conn, &name, &CancellationToken::new()).await.unwrap();
    let report = w.engine.delete_bucket(&w.conn, &name, &census, &cancel, &|_| {}).await.unwrap();
    assert!(report.cancelled && !report.bucket_deleted);
    assert!(bucket_exists(m, &name).await);
}

#[tokio::test]
async fn garage_creates_and_deletes_and_reports_what_it_lacks() {
    let g = &garage().server;
    let w = world(g).await;
    let name = unique("garage");
    let mut spec = NewBucket::new(&name);
    spec.versioning = true;
    let report = w.engine.create_bucket(&w.conn, &spec).await.unwrap();
    assert!(bucket_exists(g, &name).await, "the bucket is created even so");
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.setting.as_str()).collect();
    assert!(skipped.contains(&"Block Public Access"), "{report:?}");
    assert!(
        report.skipped.iter().all(|s| s.reason.starts_with("This storage does not support")),
        "{:?}",
        report.skipped
    );

    let overview = w.engine.bucket_overview(&w.conn, &name).await.unwrap();
    assert!(overview.public_access_block.text.starts_with("This storage does not support"), "{overview:?}");
    // No ACLs here: said, not failed, for the bucket and for an object.
    let acl = w.engine.acl(&w.conn, &name, satchel_core::governance::ownership::AclOf::Bucket).await.unwrap();
    assert!(!acl.available && acl.note.as_deref().unwrap().contains("no ACLs"), "{acl:?}");
    for i in 0..30 {
        g.client().put_object().bucket(&name).key(format!("k{i}")).body(ByteStream::from_static(b"v")).send().await.unwrap();
    }
    let census = w.engine.census(&w.conn, &name, &CancellationToken::new()).await.unwrap();
    assert_eq!(census.current_objects, 30);
    let report = w.engine.delete_bucket(&w.conn, &name, &census, &CancellationToken::new(), &|_| {}).await.unwrap();
    assert!(report.bucket_deleted, "{report:?}");
    assert!(!bucket_exists(g, &name).await);
}

#[tokio::test]
async fn bucket_tags_are_read_replaced_and_removed() {
    let m = moto();
    let w = world(m).await;
    let name = unique("btags");
    m.create_bucket(&name).await;
    let s3 = w.engine.bucket_client(&w.conn, &name).await.unwrap();
    assert!(satchel_core::tags::get_bucket_tags(&s3, &name).await.unwrap().is_empty(), "no tag set is an empty list");
    let tags: Vec<Tag> = (0..50).map(|i| Tag { key: format!("k{i}"), value: format!("v{i}") }).collect();
    satchel_core::tags::put_bucket_tags(&s3, &name, &tags).await.unwrap();
    let held = m.client().get_bucket_tagging().bucket(&name).send().await.unwrap();
    assert_eq!(held.tag_set().len(), 50);
    let too_many: Vec<Tag> = (0..51).map(|i| Tag { key: format!("k{i}"), value: "v".into() }).collect();
    let e = satchel_core::tags::put_bucket_tags(&s3, &name, &too_many).await.unwrap_err();
    assert!(e.message.contains("at most 50"), "{}", e.message);
    satchel_core::tags::put_bucket_tags(&s3, &name, &[]).await.unwrap();
    assert!(m.client().get_bucket_tagging().bucket(&name).send().await.is_err(), "tags removed");
}
